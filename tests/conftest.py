"""Test isolation: only this distribution's plugins load, and hand-registered ones are removed.

Third-party packages installed beside neuroplug could add tasks or hooks and change results;
``pytest_configure`` blocks every ``neuroplug`` entry point that another distribution
provides, through the documented ``NEUROPLUG_DISABLE_PLUGINS`` switch.
"""

from __future__ import annotations

import importlib.metadata
import os
import subprocess
import sys
from pathlib import Path

import pytest

import neuroplug
from neuroplug import plugins


def pytest_configure(config: pytest.Config) -> None:
    foreign = {
        ep.name
        for dist in importlib.metadata.distributions()
        if dist.metadata["Name"] != "neuroplug"
        for ep in dist.entry_points
        if ep.group == plugins.ENTRY_POINT_GROUP
    }
    existing = plugins.blocked_names()
    if foreign - existing:
        os.environ[plugins.DISABLE_ENV] = ",".join(sorted(existing | foreign))
    # A Monitor built without save_dir writes under $NEUROPLUG_RUNS_DIR: keep test runs
    # out of the working tree.
    if not os.environ.get("NEUROPLUG_RUNS_DIR"):
        import tempfile

        os.environ["NEUROPLUG_RUNS_DIR"] = tempfile.mkdtemp(prefix="neuroplug-test-runs-")


@pytest.fixture
def register_plugin():
    """Register plugin objects for the duration of one test: ``register_plugin(obj)``."""
    names: list[str] = []

    def _register(plugin: object, name: str | None = None) -> str:
        registered = neuroplug.register_plugin(plugin, name=name)
        names.append(registered)
        return registered

    yield _register
    for name in reversed(names):
        neuroplug.unregister_plugin(name=name)


@pytest.fixture
def run_example():
    """Run ``examples/<name>`` in a fresh interpreter; its stdout (it must exit 0)."""

    def run(name: str, *args: str) -> str:
        path = Path(__file__).resolve().parents[1] / "examples" / name
        proc = subprocess.run([sys.executable, str(path), *args], capture_output=True,
                              text=True, check=False, timeout=300)
        assert proc.returncode == 0, proc.stderr
        return proc.stdout

    return run


@pytest.fixture
def neurogym_python(request: pytest.FixtureRequest) -> str:
    """A python with neurogym==2.3.1 (``--neurogym-python`` or
    ``NEUROPLUG_NEUROGYM_PYTHON``); the test is skipped without one."""
    python = request.config.getoption("--neurogym-python") or os.environ.get(
        "NEUROPLUG_NEUROGYM_PYTHON")
    if not python:
        pytest.skip("no NeuroGym 2.3.1 python (--neurogym-python or NEUROPLUG_NEUROGYM_PYTHON)")
    return python


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--neurogym-python", default=None, metavar="PATH",
        help="python of an environment with neurogym==2.3.1: runs the live fidelity check "
        "and the NeuroGym program suite against NeuroGym",
    )
