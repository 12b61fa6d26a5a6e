"""The null task: one-step trials with nothing to see and nothing to do."""

from __future__ import annotations

from typing import Any

import numpy as np

from neuroplug import TrialEnv, spaces
from neuroplug.fidelity import declare_difference

declare_difference(
    "null.one_step_trials", component="task null",
    kind="bug fix",
    neurogym="no periods: a trial lasts the base class's placeholder tmax (10,000 ms, 100 "
    "steps at dt=100), and the observation returned is the integer 0, outside the "
    "Box space",
    neuroplug="every trial is one step with a float32 zero observation",
    reason="NeuroGym's observations fail gymnasium's checks, and its trial length is an "
    "accident",
    test="tests/test_tasks_b.py::"
    "test_null_is_deterministic_whatever_the_seed",
)


class Null(TrialEnv):
    """Null task: every trial is a single step with a constant zero observation and no reward.

    The single action (0) is always right and earns nothing. Useful as a placeholder in
    multi-task schedules and to measure the overhead of wrappers and training loops.

    Args:
        dt: step duration in ms (each trial is one step).
    """

    metadata = {
        "paper_link": None,
        "paper_name": None,
        "tags": ["placeholder"],
        "render_modes": [],
    }

    def __init__(self, dt: float = 100) -> None:
        super().__init__(dt=dt)
        self.action_space = spaces.Discrete(1)
        self.observation_space = spaces.Box(-np.inf, np.inf, shape=(1,), dtype=np.float32)

    def _new_trial(self, **kwargs: Any) -> dict[str, Any]:
        trial: dict[str, Any] = {}
        trial.update(kwargs)
        self.add_period("null", duration=self.dt)
        return trial

    def _step(self, action: Any) -> tuple[None, float, bool, bool, dict[str, Any]]:
        return None, 0.0, False, False, {"new_trial": True}
