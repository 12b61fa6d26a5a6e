"""``neurogym.utils.data``: NeuroGym's ``Dataset`` call shape over :class:`neuroplug.Dataset`."""

from __future__ import annotations

from typing import Any

import gymnasium as gym
import numpy as np

from neuroplug import dataset as _dataset
from neuroplug.compat.neurogym._lookup import gymnasium_only
from neuroplug.compat.neurogym._warn import warn_once
from neuroplug.fidelity import declare_difference

__all__ = ["Dataset"]

declare_difference(
    "compat.dataset_cache", component="compat Dataset", kind="bug fix",
    neurogym="Dataset fills a cache of cache_len steps per row with whole trials and cuts "
    "the last one at the cache's end; the next cache starts a new trial, so one trial per "
    "cache is seen only in part and its targets never",
    neuroplug="cache_len is accepted and has no effect: each row's trials run on from batch "
    "to batch, never cut",
    reason="cut trials are an artifact of the cache size, not of the task",
    test="tests/test_compat_neurogym.py::test_dataset_takes_neurogyms_arguments",
)


class Dataset(_dataset.Dataset):
    """NeuroGym's ``Dataset(env, env_kwargs=None, batch_size=1, seq_len=None,
    max_batch=None, batch_first=False, cache_len=None)``: calling it or iterating over it
    gives ``(inputs, target)`` arrays, at most ``max_batch`` of them per iteration. The
    data are :class:`neuroplug.Dataset`'s defaults (NeuroGym's whole trial buffers wherever
    the stack allows them); ``envs`` are the rows' stacks, ``env`` a copy for spaces and
    evaluation.
    """

    def __init__(self, env: str | gym.Env, env_kwargs: dict[str, Any] | None = None,
                 batch_size: int = 1, seq_len: int | None = None,
                 max_batch: int | None = None, batch_first: bool = False,
                 cache_len: int | None = None) -> None:
        if not isinstance(env, (str, gym.Env)):
            raise TypeError(f"Dataset: env must be a task id (str) or a gymnasium env, "
                            f"got {type(env).__name__}")
        if cache_len is not None:
            warn_once("dataset.cache_len", "Dataset: cache_len has no effect here (trials "
                      "are never cut at a cache's end)", "datasets")
        if isinstance(env, str) and gymnasium_only(env):
            # a program's own task, registered with gymnasium by ngym.register
            env, env_kwargs = gym.make(env, disable_env_checker=True,
                                       **(env_kwargs or {})), None
        self.max_batch = int(1e31) if max_batch is None else max_batch
        self._i_batch = 0
        self._arguments = (env, env_kwargs, batch_size, seq_len, batch_first)
        super().__init__(env, env_kwargs, batch_size, seq_len, batch_first)

    @property
    def envs(self) -> list[gym.Env]:
        """The stack of each row (NeuroGym's ``dataset.envs``)."""
        return [row.stack for row in self._rows]

    def seed(self, seed: int | None = None) -> None:
        """Start over from ``seed`` (NeuroGym reseeds row ``i`` with ``seed + i``; here the
        rows' seeds are derived from ``seed``)."""
        env, env_kwargs, batch_size, seq_len, batch_first = self._arguments
        super().__init__(env, env_kwargs, batch_size, seq_len, batch_first, seed=seed)

    def __next__(self) -> tuple[np.ndarray, np.ndarray]:  # type: ignore[override]
        self._i_batch += 1
        if self._i_batch > self.max_batch:
            self._i_batch = 0
            raise StopIteration
        batch = self.batch()
        return batch.inputs, batch.targets

    def __iter__(self) -> Dataset:  # type: ignore[override]
        return self

    def __call__(self, *args: Any, **kwargs: Any) -> tuple[np.ndarray, np.ndarray]:
        return self.__next__()
