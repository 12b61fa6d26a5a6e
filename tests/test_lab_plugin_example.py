"""The plugin-author guide's example package: its own tests pass, and installed it is found."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "lab_plugin"


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEUROPLUG_")}
    env.update(extra)
    return env


def test_the_example_tests_pass():
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(EXAMPLE / "tests")],
        capture_output=True, text=True, check=False, timeout=300, cwd=EXAMPLE,
        env=clean_env(PYTHONPATH=str(EXAMPLE)),
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "3 passed" in proc.stdout


def test_installed_example_is_found_through_its_entry_point(tmp_path: Path):
    project = tomllib.loads((EXAMPLE / "pyproject.toml").read_text())["project"]
    entry_points = project["entry-points"]["neuroplug"]
    info = tmp_path / f"{project['name'].replace('-', '_')}-{project['version']}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {project['name']}\nVersion: {project['version']}\n"
    )
    (info / "entry_points.txt").write_text(
        "[neuroplug]\n" + "".join(f"{k} = {v}\n" for k, v in entry_points.items())
    )
    code = (
        "import neuroplug, neuroplug_lab\n"
        "env = neuroplug.make_stack('tone_report', [('fixed_side', {'side': 1})])\n"
        "env.reset(seed=0)\n"
        "for _ in range(300): env.step(env.unwrapped.gt_now)\n"
        "print(env.unwrapped.trial['ground_truth'], len(neuroplug_lab.TRIAL_LOG) > 5)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=120,
        env=clean_env(PYTHONPATH=os.pathsep.join([str(tmp_path), str(EXAMPLE)])),
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["1", "True"]
