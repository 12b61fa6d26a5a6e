"""The side-by-side fidelity check (benchmarks/fidelity_vs_neurogym.py): its statistics and
comparisons, and -- with NeuroGym 2.3.1 at hand -- a short live run.

The live run needs ``--neurogym-python PATH`` (a python with neurogym==2.3.1) or
``NEUROPLUG_NEUROGYM_PYTHON``; without one it is skipped.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def fidelity():
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        spec = importlib.util.spec_from_file_location(
            "fidelity_vs_neurogym", ROOT / "benchmarks" / "fidelity_vs_neurogym.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))


@pytest.fixture(scope="module")
def stats(fidelity):
    namespace: dict = {}
    exec(fidelity.STATS_CODE, namespace)
    return namespace


def test_chi_square_p_tells_equal_from_different_distributions(fidelity):
    same = fidelity.chi_square_p({"a": 500, "b": 500}, {"a": 510, "b": 490})
    different = fidelity.chi_square_p({"a": 500, "b": 500}, {"a": 700, "b": 300})
    assert same > 0.3 and different < 1e-6
    assert fidelity.chi_square_p({"a": 10}, {"a": 30}) == 1.0
    assert fidelity.chi_square_p({"a": 10}, {"b": 30}) < 1e-6


def test_identical_tasks_compare_equal_and_a_changed_one_does_not(fidelity, stats):
    import neuroplug

    a = stats["all_stats"](lambda: neuroplug.make("dm"), 200, 0)
    b = stats["all_stats"](lambda: neuroplug.make("dm"), 200, 1)
    assert fidelity.compare(a, b) == []
    longer = stats["all_stats"](lambda: neuroplug.make("dm", timing={"stimulus": 1500}), 200, 0)
    found = fidelity.compare(longer, b)
    assert any(f.startswith("trial length 17.00 vs 22.00") for f in found)
    assert any(f.startswith("period stimulus 15.0 vs 20.0") for f in found)
    cued = stats["all_stats"](
        lambda: neuroplug.make("dm", fixation_through_stimulus=True), 200, 0)
    assert any("random reward" in f for f in fidelity.compare(cued, b))


def test_every_aliased_task_is_checked_and_declarations_map_to_names(fidelity):
    import neuroplug

    ids = fidelity.neurogym_ids(None)
    assert ids["dm"] == "PerceptualDecisionMaking-v0" and len(ids) == 51
    assert set(ids) <= set(neuroplug.list_tasks())
    declared = fidelity.declared_components()
    assert "go_nogo.withheld_nogo_is_correct" in declared["delay_paired_association"]
    assert "dm.fixation_through_stimulus" in declared["dm"]


def test_live_run_against_neurogym_finds_no_undeclared_difference(fidelity, neurogym_python,
                                                                  capsys):
    python = neurogym_python
    code = fidelity.main(["--quick", "dm", "go_nogo", "context_dm", "yang19.dm1",
                          "--neurogym-python", python])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "| task | `go_nogo` | declared |" in out and "0 undeclared" in out
