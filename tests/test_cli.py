"""The neuroplug command."""

from __future__ import annotations

import subprocess
import sys

import pytest

from neuroplug.cli import main


def test_list_shows_tasks_wrappers_schedules_and_plugins(capsys):
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    assert "tasks (" in out and "wrappers (" in out and "schedules (" in out
    assert any(line.split()[:2] == ["dm", "tasks"] for line in out.splitlines())


def test_info_shows_parameters_defaults_and_plugin(capsys):
    assert main(["info", "PerceptualDecisionMaking-v0"]) == 0
    out = capsys.readouterr().out
    assert "task dm" in out and "plugin: tasks (neuroplug" in out
    assert "sigma: default 1.0" in out and "dim_ring: default 2" in out


def test_plugins_lists_status_and_distribution(capsys):
    assert main(["plugins"]) == 0
    rows = {line.split()[0]: line.split() for line in capsys.readouterr().out.splitlines()}
    assert rows["tasks"][1:4] == ["neuroplug", "0.1.0", "loaded"]


def run_summary(capsys, *args):
    assert main(["run", *args]) == 0
    lines = capsys.readouterr().out.splitlines()
    return {k.strip(): v.strip() for k, v in (line.split(":", 1) for line in lines)}


def test_run_with_oracle_agent_is_near_perfect(capsys):
    s = run_summary(capsys, "dm", "--agent", "oracle", "--trials", "200", "--seed", "0",
                    "--task-kwargs", '{"sigma": 0}')
    assert s["trials"] == "200" and float(s["performance"]) >= 0.99


def test_run_with_wrappers_and_steps(capsys):
    s = run_summary(capsys, "dm", "-w", 'noise:{"std_noise": 0.5}', "--steps", "3000",
                    "--seed", "1")
    assert s["steps"] == "3000" and int(s["trials"]) > 50
    assert s["stack"] == "dm + [('noise', {'std_noise': 0.5})]"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["run", "dmm"], "unknown task 'dmm'. Did you mean 'dm'?"),
        (["run", "dm", "-w", "nosie"], "unknown wrapper 'nosie'"),
        (["run", "dm", "--task-kwargs", '{"sigma": -1}'], "sigma must be >= 0"),
    ],
)
def test_errors_are_one_line_and_exit_2(capsys, args, message):
    assert main(args) == 2
    assert message in capsys.readouterr().err


def test_console_script_runs():
    proc = subprocess.run(
        [sys.executable, "-m", "neuroplug.cli", "run", "dm", "--steps", "500", "--seed", "0"],
        capture_output=True, text=True, check=False, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "steps:        500" in proc.stdout
