"""NeuroGym programs, unchanged but for their import line, give NeuroGym's numbers.

Each program in ``tests/programs`` is written for NeuroGym 2.3.1 (``import neurogym as
ngym``) and prints a JSON object ``{statistic: [value, tolerance]}``. Here it runs with
that one line changed to ``import neuroplug.compat.neurogym as ngym``; with a NeuroGym
2.3.1 python (``--neurogym-python`` or ``NEUROPLUG_NEUROGYM_PYTHON``, as CI makes it) it
also runs unchanged under NeuroGym, and every statistic must agree: exactly where the
tolerance is 0, else within the two runs' tolerances combined (each about four standard
errors of its estimate, or a seed-noise margin for short training).
"""

from __future__ import annotations

import functools
import json
import math
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

PROGRAMS = Path(__file__).parent / "programs"
NAMES = sorted(p.stem for p in PROGRAMS.glob("*.py"))
IMPORT = "import neurogym as ngym"
OURS = "import neuroplug.compat.neurogym as ngym"


def _run(python: str, source: str, cwd: Path) -> dict[str, list]:
    script = cwd / "program.py"
    script.write_text(source)
    proc = subprocess.run([python, str(script)], capture_output=True, text=True,
                          timeout=600, cwd=cwd, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


@functools.cache
def _ours(name: str) -> dict[str, list]:
    """The program's statistics here (run once per test session)."""
    source = (PROGRAMS / f"{name}.py").read_text()
    assert source.count(IMPORT + "\n") == 1, f"{name}: one `{IMPORT}` line"
    return _run(sys.executable, source.replace(IMPORT + "\n", OURS + "\n"),
                Path(tempfile.mkdtemp(prefix=f"neuroplug-{name}-")))


@pytest.mark.parametrize("name", NAMES)
def test_program_runs_with_one_changed_import(name):
    stats = _ours(name)
    assert all(len(v) == 2 for v in stats.values())
    if not stats:
        pytest.skip(f"{name}: a package it needs is not installed")


@pytest.mark.parametrize("name", NAMES)
def test_program_gives_neurogyms_numbers(name, tmp_path, neurogym_python):
    ours = _ours(name)
    theirs_dir = tmp_path / "neurogym"
    theirs_dir.mkdir()
    theirs = _run(neurogym_python, (PROGRAMS / f"{name}.py").read_text(), theirs_dir)
    if not ours or not theirs:  # the program needs a package one side lacks
        where = "here" if not ours else "in NeuroGym's environment"
        pytest.skip(f"{name}: a package it needs is missing {where}")
    assert set(ours) == set(theirs)
    differ = []
    for key, (value, tolerance) in ours.items():
        other, other_tolerance = theirs[key]
        if tolerance == 0 and other_tolerance == 0:
            same = value == other
        else:
            same = abs(value - other) <= math.hypot(tolerance, other_tolerance)
        if not same:
            differ.append(f"{key}: neuroplug {value} (±{tolerance}), NeuroGym {other} "
                          f"(±{other_tolerance})")
    assert not differ, "\n".join(differ)
