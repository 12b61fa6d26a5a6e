"""The Monitor example runs end to end: trains, saves, reloads, plots and evaluates."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import numpy as np

from neuroplug_plugins.monitor import load_run

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "monitor_evaluate.py"


def _run(save_dir, cwd):
    result = subprocess.run(
        [sys.executable, str(EXAMPLE), "--trials", "300", "--eval-trials", "100",
         "--save-dir", str(save_dir)],
        capture_output=True, text=True, timeout=120, cwd=cwd,
    )
    assert result.returncode == 0, result.stderr
    return result


def test_example_runs(tmp_path):
    save_dir = tmp_path / "run"
    result = _run(save_dir, tmp_path)
    run = re.search(r"run (\S+): reloaded 300 trials", result.stdout).group(1)
    trained, random = map(float, re.search(
        r"trained policy ([\d.]+), random policy ([\d.]+)", result.stdout).groups())
    assert trained > 0.8 and random < 0.5
    table = load_run(save_dir)
    np.testing.assert_array_equal(table["trial"], np.arange(300))
    assert set(table["run"]) == {run}
    assert (save_dir / f"example-{run}_training_history.png").exists()
    assert sorted(p.name for p in save_dir.glob("*_steps.png")) == [
        f"example-{run}-00000{i}_steps.png" for i in range(3)]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]  # nothing else written


def test_running_the_example_twice_keeps_the_runs_apart(tmp_path):
    save_dir = tmp_path / "run"
    first, second = (_run(save_dir, tmp_path) for _ in range(2))
    assert "reloaded 300 trials" in first.stdout and "reloaded 300 trials" in second.stdout
    table = load_run(save_dir)
    assert len(table["trial"]) == 600 and len(table.runs) == 2
    for run in table.runs:
        np.testing.assert_array_equal(table["trial"][table["run"] == run], np.arange(300))


VECTOR = EXAMPLE.with_name("monitor_vector_envs.py")


def _vector(tmp_path, *extra):
    result = subprocess.run(
        [sys.executable, str(VECTOR), "--save-dir", str(tmp_path / "vec"), "--steps", "400",
         *extra], capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_vector_env_example_keeps_every_workers_trials(tmp_path):
    out = _vector(tmp_path)
    runs = re.findall(r"run (\S+): (\d+) trials recorded, (\d+) read back", out)
    assert len(runs) == 4 and all(a == b and int(a) > 0 for _, a, b in runs)
    assert "4 workers" in out and "the folder holds 4 run(s)" in out
    table = load_run(tmp_path / "vec")
    assert sorted(table.runs) == sorted(run for run, _, _ in runs)


def test_vector_env_example_with_sb3(tmp_path):
    import pytest

    pytest.importorskip("stable_baselines3")
    out = _vector(tmp_path, "--sb3", "--envs", "2")
    assert "2 workers" in out and "none lost or repeated" in out
