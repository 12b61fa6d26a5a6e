"""The PyTorch adapter of neuroplug.Dataset (skipped without torch)."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

from torch.utils.data import DataLoader  # noqa: E402

from neuroplug import Dataset  # noqa: E402
from neuroplug.torch_data import TorchDataset  # noqa: E402


def _rows(batches: list) -> list[bytes]:
    """Every (row of every) batch as bytes, to spot duplicates."""
    return [inputs[:, r].numpy().tobytes() for inputs, _, _ in batches
            for r in range(inputs.shape[1])]


def test_tensors_and_dtypes() -> None:
    dataset = Dataset("dm", batch_size=4, seq_len=30, seed=0)
    inputs, targets, mask = next(iter(dataset.torch(num_batches=1)))
    assert inputs.shape == (30, 4, 3) and inputs.dtype == torch.float32
    assert targets.shape == (30, 4) and targets.dtype == torch.int64
    assert mask.shape == (30, 4) and mask.dtype == torch.float32
    assert len(dataset.torch(num_batches=7)) == 7


def test_two_workers_yield_no_duplicate_batches() -> None:
    dataset = Dataset("dm", batch_size=4, seq_len=40, seed=3)
    loader = DataLoader(TorchDataset(dataset, num_batches=6), batch_size=None, num_workers=2)
    batches = list(loader)
    assert len(batches) == 6
    rows = _rows(batches)
    assert len(set(rows)) == len(rows) == 24
    # each worker's stream is reproducible: worker w uses dataset.derived(epoch, w)
    expected = {dataset.derived(0, w).batch().inputs.tobytes() for w in (0, 1)}
    assert expected <= {inputs.numpy().tobytes() for inputs, _, _ in batches}
    # the same seed and worker count give the same batches again
    again = list(DataLoader(TorchDataset(Dataset("dm", batch_size=4, seq_len=40, seed=3),
                                         num_batches=6), batch_size=None, num_workers=2))
    assert [b[0].numpy().tobytes() for b in again] == [b[0].numpy().tobytes() for b in batches]


def test_epochs_draw_new_batches() -> None:
    adapter = Dataset("dm", batch_size=2, seq_len=30, seed=1).torch(num_batches=2)
    first = list(adapter)
    adapter.set_epoch(1)
    second = list(adapter)
    assert not set(_rows(first)) & set(_rows(second))
    with pytest.raises(ValueError, match="epoch must be an int >= 0, got -1"):
        adapter.set_epoch(-1)


def test_arguments_are_validated() -> None:
    with pytest.raises(TypeError, match=r"dataset must be a neuroplug\.Dataset"):
        TorchDataset([1, 2])
    with pytest.raises(ValueError, match="num_batches must be an int >= 1 or None, got 0"):
        TorchDataset(Dataset("dm", seed=0), num_batches=0)
    assert torch.isfinite(next(iter(TorchDataset(Dataset("dm", seq_len=5, seed=0))))[0]).all()
