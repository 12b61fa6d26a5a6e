"""PyTorch adapter for :class:`neuroplug.Dataset` (the ``torch`` extra).

Importing this module imports torch; nothing else in neuroplug does, so the core never
needs it. Use it through ``dataset.torch()`` or directly::

    from torch.utils.data import DataLoader
    loader = DataLoader(TorchDataset(dataset, num_batches=1000), batch_size=None,
                        num_workers=2)
    for inputs, targets, mask in loader: ...

Each item is one whole batch of the dataset, so give the ``DataLoader`` ``batch_size=None``.
Every ``DataLoader`` worker draws from its own independent stream, derived from the
dataset's seed with ``numpy.random.SeedSequence`` spawning (``dataset.derived(epoch,
worker)``), so no two workers yield the same batch and a run is reproducible for a given
seed, number of workers and epoch (:meth:`TorchDataset.set_epoch`, as with PyTorch's
``DistributedSampler``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

try:
    import torch
    from torch.utils.data import IterableDataset, get_worker_info
except ImportError as exc:  # pragma: no cover - exercised only without torch
    raise ImportError(
        "neuroplug.torch_data needs PyTorch: pip install 'neuroplug[torch]'"
    ) from exc

from neuroplug.dataset import Dataset

__all__ = ["TorchDataset"]


class TorchDataset(IterableDataset):
    """An ``IterableDataset`` of ``(inputs, targets, mask)`` tensors from a :class:`Dataset`.

    Args:
        dataset: the neuroplug dataset whose configuration and seed are used. It is not
            consumed: every iteration builds its streams afresh from the seed.
        num_batches: batches per iteration (per epoch, split across workers: worker ``w``
            of ``n`` yields ``num_batches // n`` batches, plus one if ``w`` is less than
            the remainder); ``None`` iterates forever.

    Iterating in the main process (``num_workers=0``) uses the stream
    ``dataset.derived(epoch, 0)``; with workers, worker ``w`` uses
    ``dataset.derived(epoch, w)``. Tensors: inputs ``float32`` (the observation dtype),
    targets ``int64`` for discrete actions, mask ``float32``.
    """

    def __init__(self, dataset: Dataset, num_batches: int | None = None) -> None:
        super().__init__()
        if not isinstance(dataset, Dataset):
            raise TypeError(
                f"TorchDataset: dataset must be a neuroplug.Dataset, got {type(dataset).__name__}"
            )
        if num_batches is not None and (
            isinstance(num_batches, bool) or not isinstance(num_batches, int) or num_batches < 1
        ):
            raise ValueError(
                f"TorchDataset: num_batches must be an int >= 1 or None, got {num_batches!r}"
            )
        self.dataset = dataset
        self.num_batches = num_batches
        self.epoch = 0

    def set_epoch(self, epoch: int) -> None:
        """Use the streams of ``epoch`` on the next iteration (call before each epoch)."""
        if isinstance(epoch, bool) or not isinstance(epoch, int) or epoch < 0:
            raise ValueError(f"TorchDataset: epoch must be an int >= 0, got {epoch!r}")
        self.epoch = epoch

    def __len__(self) -> int:
        if self.num_batches is None:
            raise TypeError("TorchDataset with num_batches=None has no length")
        return self.num_batches

    def _plan(self) -> tuple[int, int | None]:
        info = get_worker_info()
        worker, workers = (0, 1) if info is None else (info.id, info.num_workers)
        if self.num_batches is None:
            return worker, None
        share, extra = divmod(self.num_batches, workers)
        return worker, share + (1 if worker < extra else 0)

    def __iter__(self) -> Iterator[tuple[Any, Any, Any]]:
        worker, count = self._plan()
        stream = self.dataset.derived(self.epoch, worker)
        produced = 0
        while count is None or produced < count:
            batch = stream.batch()
            yield (
                torch.from_numpy(batch.inputs),
                torch.from_numpy(batch.targets),
                torch.from_numpy(batch.mask),
            )
            produced += 1
