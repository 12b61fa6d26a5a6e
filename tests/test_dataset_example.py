"""The supervised-learning example (examples/train_rnn_dm.py), shortened."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

pytest.importorskip("torch")

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "train_rnn_dm.py"


def test_train_rnn_dm_learns_quickly(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    spec = importlib.util.spec_from_file_location("train_rnn_dm", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    performance = module.main(["--iterations", "200", "--eval-trials", "100"])
    # chance is 0.5; the full run (600 iterations) reaches about 0.99
    assert performance >= 0.85
    assert "performance over 100 trials" in capsys.readouterr().out
    assert not list(tmp_path.iterdir())  # the Monitor wrote into a temporary directory
