"""Schedules pick an index each trial; wrappers accept one as an object, a name or a pair.

The schedules themselves (``sequential``, ``random``, ``sequential_block``,
``random_block``) are registered by a plugin; this module holds their base class and
the one function wrappers use to turn what a user wrote into a schedule object.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from typing import Any

import numpy as np


class Schedule:
    """Base class: ``schedule()`` returns the index for the next trial, in ``range(n)``.

    ``n`` may be left ``None`` at construction; the wrapper that uses the schedule sets it
    to the number of things it schedules. ``reset(rng)`` restarts the schedule and takes
    its random draws from ``rng`` (a wrapper passes a generator derived from the task's,
    so ``reset(seed=s)`` on a stack reproduces the schedule).
    """

    def __init__(self, n: int | None = None) -> None:
        if n is not None:
            self.n = n
        else:
            self._n = None
        self.i = 0
        self.total_count = 0
        self.rng = np.random.default_rng()

    @property
    def n(self) -> int | None:
        """How many items are scheduled."""
        return self._n

    @n.setter
    def n(self, value: int) -> None:
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"a schedule needs n >= 1 items, got {value!r}")
        self._n = int(value)

    def reset(self, rng: np.random.Generator | None = None) -> None:
        """Restart the schedule; random draws come from ``rng`` from now on."""
        if rng is not None:
            self.rng = rng
        self.i = 0
        self.total_count = 0

    def seed(self, seed: int | None = None) -> None:
        """Draw from a new generator seeded with ``seed`` (NeuroGym's ``schedule.seed``)."""
        self.rng = np.random.default_rng(seed)

    def __call__(self) -> int:
        raise NotImplementedError


def resolve_schedule(spec: Any, n: int, *, parameter: str = "schedule") -> Schedule:
    """A schedule over ``n`` items from an object, a registered name or a ``(name, kwargs)``
    pair. An object without ``n`` gets it; one with a different ``n`` is an error."""
    if isinstance(spec, str):
        name, kwargs = spec, {}
    elif (
        isinstance(spec, (tuple, list))
        and len(spec) == 2
        and isinstance(spec[0], str)
        and isinstance(spec[1], Mapping)
    ):
        name, kwargs = spec[0], dict(spec[1])
    elif callable(spec):
        existing = getattr(spec, "n", None)
        if existing is None:
            with contextlib.suppress(AttributeError):
                spec.n = n
        elif existing != n:
            raise ValueError(
                f"{parameter}: the schedule is over n={existing} items but {n} are scheduled"
            )
        return spec
    else:
        raise TypeError(
            f"{parameter} must be a Schedule, a schedule name or a (name, kwargs) pair, "
            f"got {spec!r}"
        )
    from neuroplug.stack import get_schedule

    entry = get_schedule(name)
    kwargs.setdefault("n", n)
    if kwargs["n"] != n:
        raise ValueError(f"{parameter}: {name!r} with n={kwargs['n']} cannot schedule {n} items")
    return entry.factory(**kwargs)
