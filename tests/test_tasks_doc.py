"""docs/tasks.md is generated from the registry by docs/scripts/tasks_doc.py and is current."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

import neuroplug
from neuroplug.registry import get_registry

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "docs/scripts/tasks_doc.py"


@pytest.fixture(scope="module")
def tasks_doc():
    spec = importlib.util.spec_from_file_location("tasks_doc", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_page_and_figures_are_current():
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), "--check"], capture_output=True, text=True, check=False,
    )
    assert proc.returncode == 0, proc.stderr


def test_every_task_has_a_row_with_its_aliases_and_paper(tasks_doc):
    page = tasks_doc.render(get_registry().entries("task"))
    rows = [line for line in page.splitlines() if line.startswith("| `")]
    assert len(rows) == len(neuroplug.list_tasks())
    for name in neuroplug.list_tasks():
        entry = neuroplug.get_task(name)
        row = next(r for r in rows if r.startswith(f"| `{name}` |"))
        assert row.count(" | ") == 5, row  # six cells: no stray pipe from the metadata
        for alias in entry.aliases:
            assert f"`{alias}`" in row
        if entry.paper_link:
            assert f"]({entry.paper_link})" in row


def test_families_and_their_figures(tasks_doc):
    entries = get_registry().entries("task")
    families = tasks_doc.families(entries)
    assert [e.name for e in families["yang19_match"]] == [
        "yang19.dmc", "yang19.dms", "yang19.dnmc", "yang19.dnms"]
    assert len(families["yang19_dm"]) == 10 and len(families["yang19_go"]) == 6
    assert tasks_doc.family_of(neuroplug.get_task("dm")) == "perceptual"
    for family in families:
        path = tasks_doc.figure_path(family)
        data = path.read_bytes()
        assert data.startswith(b"\x89PNG"), path
        assert len(data) < 100_000, f"{path} is {len(data)} bytes; keep figures small"


def test_check_reports_a_stale_page(tasks_doc, tmp_path, monkeypatch):
    entries = get_registry().entries("task")
    page = tmp_path / "tasks.md"
    monkeypatch.setattr(tasks_doc, "PAGE", page)
    assert tasks_doc.check(entries)[0].endswith("does not match the registry")
    page.write_text(tasks_doc.render(entries))
    assert not any("does not match" in p for p in tasks_doc.check(entries))
    page.write_text(tasks_doc.render(entries[1:]))  # a task added since the page was written
    assert any("does not match" in p for p in tasks_doc.check(entries))


def test_figure_shows_observations_and_ground_truth(tasks_doc, tmp_path):
    family = tasks_doc.families(get_registry().entries("task"))["yang19_go"]
    path = tmp_path / "go.png"
    tasks_doc.draw_family("yang19_go", family, path)
    assert path.read_bytes().startswith(b"\x89PNG")
    ob, gt, dt, starts = tasks_doc.first_trial("yang19.go")
    assert ob.shape[1] == 33 and len(gt) == len(ob) and dt == 100
    assert list(starts) == ["fixation", "stimulus", "delay", "decision"]
