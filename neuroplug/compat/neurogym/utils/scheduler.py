"""``neurogym.utils.scheduler``: the schedules, as registered under our names."""

from __future__ import annotations

from typing import Any

from neuroplug.compat.neurogym._lookup import resolve
from neuroplug.schedules import Schedule

#: NeuroGym's base class of schedules.
BaseSchedule = Schedule

_NAMES = {
    "SequentialSchedule": ("schedule", "sequential"),
    "RandomSchedule": ("schedule", "random"),
    "SequentialBlockSchedule": ("schedule", "sequential_block"),
    "RandomBlockSchedule": ("schedule", "random_block"),
}

__all__ = ["BaseSchedule", *_NAMES]  # the classes are resolved when used


def __getattr__(name: str) -> Any:
    return resolve(__name__, name, _NAMES)
