"""The README's example and examples/quickstart.py run as written."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_readme_python_example_runs(tmp_path, monkeypatch, capsys):
    readme = (ROOT / "README.md").read_text()
    [code] = re.findall(r"```python\n(.*?)```", readme, flags=re.S)
    monkeypatch.chdir(tmp_path)  # the Monitor saves under the working directory's runs
    exec(compile(code, "README.md", "exec"), {})
    printed = capsys.readouterr().out.splitlines()
    assert len(printed) > 10 and all("{" in line for line in printed)


def test_readme_has_the_two_commands_ci_runs():
    block = re.search(r"## Install and test\n\n```bash\n(.*?)```", (ROOT / "README.md").read_text(),
                      flags=re.S)
    assert block is not None
    commands = block.group(1).strip().splitlines()
    assert commands == [
        'pip install -e ".[dev]" && neuroplug run dm --steps 20000 --seed 0',
        "pytest",
    ]


def test_quickstart_runs():
    proc = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "quickstart.py"), "--steps", "2000"],
        capture_output=True, text=True, check=False, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    oracle = re.search(r"oracle: performance (\S+)", proc.stdout)
    assert oracle and float(oracle.group(1)) == 1.0
