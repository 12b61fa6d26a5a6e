"""The built-in schedules: ``sequential``, ``random``, ``sequential_block``, ``random_block``.

A schedule picks an index in ``range(n)`` each time it is called (once per trial by the
wrappers that use one: ``schedule_attr`` picks an entry of its attribute list,
``schedule_envs`` picks the task of the next trial). Random schedules draw from the
generator given to ``reset(rng)``; the wrappers pass one derived from the stack's seed, so
``reset(seed=s)`` on a stack reproduces the schedule.

The semantics are NeuroGym 2.3.1's schedulers': each starts at index ``i = 0`` after
``reset`` and every call moves from the current index, so

- ``sequential``: 1, 2, ..., n-1, 0, 1, ... (the first call already moves on from 0);
- ``random``: uniform over the indices other than the current one (so never 0 on the first
  call when ``n > 1``; always 0 when ``n == 1``);
- ``sequential_block``: index 0 for ``block_lens[0]`` calls, then 1 for ``block_lens[1]``
  calls, ... cyclically;
- ``random_block``: index 0 for ``block_lens[0]`` calls, then a different index drawn
  uniformly, kept for its ``block_lens`` entry, and so on.

Setting ``schedule.i`` (as ``ScheduleEnvs.set_i`` does) moves the current index.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from neuroplug import Schedule, hookimpl


def _check_n(n: int | None, name: str) -> None:
    if n is not None and (
        isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1
    ):
        raise ValueError(f"{name}: n must be an int >= 1 (the number of items), got {n!r}")


class SequentialSchedule(Schedule):
    """Cycle through the indices in order: the first call after ``reset`` returns 1 (then 2,
    ..., n-1, 0, ...), as NeuroGym's ``SequentialSchedule`` does.

    Args:
        n: number of items (may be left ``None``; the wrapper using it sets it).
    """

    def __init__(self, n: int | None = None) -> None:
        _check_n(n, type(self).__name__)
        super().__init__(n)

    def __call__(self) -> int:
        self.i = (self.i + 1) % self.n
        self.total_count += 1
        return self.i


class RandomSchedule(Schedule):
    """Draw a new index uniformly among those other than the current one (0 after
    ``reset``, so the first call never returns 0 when ``n > 1``); with ``n == 1`` the index
    is always 0. Draws come from the generator given to ``reset(rng)``.

    Args:
        n: number of items (may be left ``None``; the wrapper using it sets it).
    """

    def __init__(self, n: int | None = None) -> None:
        _check_n(n, type(self).__name__)
        super().__init__(n)

    def __call__(self) -> int:
        self.i = _other_index(self.rng, self.n, self.i)
        self.total_count += 1
        return self.i


def _other_index(rng: np.random.Generator, n: int, current: int) -> int:
    """An index of ``range(n)`` other than ``current``, uniformly (0 when ``n == 1``)."""
    if n == 1:
        return 0
    i = int(rng.integers(n - 1))
    return i + 1 if i >= current else i


class _BlockSchedule(Schedule):
    """Keep index ``i`` for ``block_lens[i]`` calls, then move to another index."""

    def __init__(self, n: int | None = None, block_lens: Sequence[int] | None = None) -> None:
        name = type(self).__name__
        _check_n(n, name)
        if block_lens is None:
            raise TypeError(
                f"{name}: block_lens is required: a list of positive ints, the number of "
                f"consecutive trials each index is kept (e.g. block_lens=[20, 50])"
            )
        if isinstance(block_lens, (str, bytes)) or not isinstance(
            block_lens, Sequence | np.ndarray
        ):
            raise TypeError(
                f"{name}: block_lens must be a list of positive ints, got {block_lens!r}"
            )
        lens = list(block_lens)
        bad = [
            v for v in lens
            if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 1
        ]
        if not lens or bad:
            raise ValueError(
                f"{name}: block_lens must be a non-empty list of positive ints, got "
                f"{block_lens!r}" + (f" (invalid entries: {bad!r})" if bad else "")
            )
        if n is not None and len(lens) != n:
            raise ValueError(
                f"{name}: block_lens needs one length per item: n={n} but "
                f"len(block_lens)={len(lens)}"
            )
        self.block_lens = [int(v) for v in lens]
        super().__init__(len(lens))
        self.count = 0

    @property
    def n(self) -> int | None:
        """How many items are scheduled (always ``len(block_lens)``)."""
        return self._n

    @n.setter
    def n(self, value: int) -> None:
        _check_n(value, type(self).__name__)
        lens = getattr(self, "block_lens", None)
        if lens is not None and value != len(lens):
            raise ValueError(
                f"{type(self).__name__}: cannot schedule n={value} items with "
                f"block_lens of length {len(lens)}"
            )
        self._n = int(value)

    def reset(self, rng: np.random.Generator | None = None) -> None:
        super().reset(rng)
        self.count = 0  # calls so far in the current block

    def _next_block(self) -> int:
        raise NotImplementedError

    def __call__(self) -> int:
        if self.count < self.block_lens[self.i]:
            self.count += 1
        else:
            self.count = 1
            self.i = self._next_block()
        self.total_count += 1
        return self.i


class SequentialBlockSchedule(_BlockSchedule):
    """Index 0 for ``block_lens[0]`` calls, then 1 for ``block_lens[1]`` calls, ... cyclically.

    Args:
        n: number of items; must equal ``len(block_lens)`` (may be left ``None``).
        block_lens: how many consecutive calls each index is kept (positive ints).
    """

    def _next_block(self) -> int:
        return (self.i + 1) % self.n


class RandomBlockSchedule(_BlockSchedule):
    """Index 0 for ``block_lens[0]`` calls, then a different index drawn uniformly, kept for
    its ``block_lens`` entry, and so on; with ``n == 1`` it is always 0. Draws come from the
    generator given to ``reset(rng)``.

    Args:
        n: number of items; must equal ``len(block_lens)`` (may be left ``None``).
        block_lens: how many consecutive calls each index is kept (positive ints).
    """

    def _next_block(self) -> int:
        return _other_index(self.rng, self.n, self.i)


@hookimpl
def neuroplug_add_schedules(registry) -> None:
    registry.add_schedule("sequential", SequentialSchedule)
    registry.add_schedule("random", RandomSchedule)
    registry.add_schedule("sequential_block", SequentialBlockSchedule)
    registry.add_schedule("random_block", RandomBlockSchedule)
