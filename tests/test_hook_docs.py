"""Meta-tests: every hook is documented in docs/hooks.md and exercised by some test."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from neuroplug import dispatch, hookspecs

ROOT = Path(__file__).resolve().parents[1]
HOOKS = sorted(n for n in vars(hookspecs) if n.startswith("neuroplug_"))


def test_hooks_page_is_generated_from_the_specs_and_current():
    proc = subprocess.run(
        [sys.executable, str(ROOT / "docs/scripts/hooks_doc.py"), "--check"],
        capture_output=True, text=True, check=False,
    )
    assert proc.returncode == 0, proc.stderr


@pytest.mark.parametrize("hook", HOOKS)
def test_hook_is_in_the_docs(hook):
    assert f"## `{hook}`" in (ROOT / "docs/hooks.md").read_text()


@pytest.mark.parametrize("hook", HOOKS)
def test_hook_is_exercised_by_a_test(hook):
    this = Path(__file__).resolve()
    users = [
        p for p in (ROOT / "tests").rglob("test_*.py")
        if p.resolve() != this and hook in p.read_text()
    ]
    assert users, f"no test implements or calls {hook}"


def test_every_runtime_hook_is_resolved_by_the_hook_table():
    # Registration hooks (neuroplug_add_*) run through the plugin manager when the
    # registry is built; neuroplug_observation_space is called once on the layer itself.
    runtime = {h for h in HOOKS if not h.startswith("neuroplug_add_")}
    runtime -= {"neuroplug_observation_space"}
    assert runtime <= set(dispatch.RUNTIME_HOOKS), runtime - set(dispatch.RUNTIME_HOOKS)
