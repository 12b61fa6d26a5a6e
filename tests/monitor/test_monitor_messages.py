"""verbose=True is visible by default (stderr), once per save, and steps aside when the
program configures logging (then the message appears once, where logging sends it)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent("""
    import logging, sys
    if sys.argv[2] == "configured":
        logging.basicConfig(level="INFO", stream=sys.stdout, format="LOG %(message)s")
    import neuroplug
    env = neuroplug.make_stack("dm", [("monitor", {
        "name": "msg", "interval": 100, "log_interval": 100, "save_dir": sys.argv[1]})])
    env.reset(seed=0)
    trials = 0
    while trials < 300:
        trials += env.step(env.action_space.sample())[4]["new_trial"]
    env.close()
""")


def _run(tmp_path, mode):
    return subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path), mode],
                          capture_output=True, text=True, timeout=120, check=True)


def test_verbose_prints_one_line_per_save_without_logging_configured(tmp_path):
    result = _run(tmp_path, "plain")
    lines = result.stderr.splitlines()
    assert len(lines) == 3, result.stderr
    for i, line in enumerate(lines):
        assert line.startswith(f"msg: saved trials {100 * i}-{100 * i + 99} to {tmp_path}")
        assert f"({100 * (i + 1)} trials, " in line and "performance" in line
    assert result.stdout == ""


def test_configured_logging_gets_each_message_once(tmp_path):
    result = _run(tmp_path, "configured")
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert len(lines) == 3 and all(line.startswith("LOG msg: saved trials") for line in lines)
