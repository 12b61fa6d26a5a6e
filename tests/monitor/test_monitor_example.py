"""The Monitor example runs end to end: trains, saves, reloads, plots and evaluates."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import numpy as np

from neuroplug_plugins.monitor import load_run

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "monitor_evaluate.py"


def test_example_runs(tmp_path):
    save_dir = tmp_path / "run"
    result = subprocess.run(
        [sys.executable, str(EXAMPLE), "--trials", "300", "--eval-trials", "100",
         "--save-dir", str(save_dir)],
        capture_output=True, text=True, timeout=120, cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "reloaded 300 trials" in result.stdout
    trained, random = map(float, re.search(
        r"trained policy ([\d.]+), random policy ([\d.]+)", result.stdout).groups())
    assert trained > 0.8 and random < 0.5
    table = load_run(save_dir)
    np.testing.assert_array_equal(table["trial"], np.arange(300))
    assert (save_dir / "example_training_history.png").exists()
    assert sorted(p.name for p in save_dir.glob("*_steps.png")) == [
        "example-000000_steps.png", "example-000001_steps.png", "example-000002_steps.png"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]  # nothing else written
