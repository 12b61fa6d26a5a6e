"""``neurogym.utils``: plotting, schedules, ``TruncExp``, ``info``, ``spaces``, ``data``."""

from __future__ import annotations

from neuroplug.compat.neurogym import spaces
from neuroplug.compat.neurogym.utils import data, info, scheduler
from neuroplug.compat.neurogym.utils.ngym_random import TruncExp
from neuroplug.compat.neurogym.utils.plotting import plot_env
from neuroplug.compat.neurogym.utils.psychometric import plot_psychometric
from neuroplug.compat.neurogym.utils.scheduler import (
    RandomSchedule,
    SequentialBlockSchedule,
    SequentialSchedule,
)

__all__ = ["RandomSchedule", "SequentialBlockSchedule", "SequentialSchedule", "TruncExp",
           "data", "info", "plot_env", "plot_psychometric", "scheduler", "spaces"]
