"""A lab's neuroplug plugin: one task, one wrapper and a lab-wide trial logger.

Installed, it is found through the ``neuroplug`` entry-point group; nothing imports it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

import neuroplug
from neuroplug import hookimpl, spaces


class ToneReport(neuroplug.TrialEnv):
    """Report whether a tone was played (go right) or not (go left) after a delay."""

    metadata = {"paper_name": None, "paper_link": None, "tags": ["lab", "detection"],
                "render_modes": []}

    def __init__(self, dt: float = 100, loudness: float = 1.0, timing: dict | None = None):
        super().__init__(dt=dt)
        if loudness <= 0:
            raise ValueError(f"loudness must be > 0, got {loudness!r}")
        self.loudness = loudness
        self.timing = {"fixation": 200, "tone": 300, "delay": ("uniform", (100, 500)),
                       "decision": 200}
        if timing:
            self.timing.update(timing)
        self.choices = [0, 1]
        self.observation_space = spaces.Box(-np.inf, np.inf, shape=(2,), dtype=np.float32,
                                            name={"fixation": 0, "tone": 1})
        self.action_space = spaces.Discrete(3, name={"fixation": 0, "choice": [1, 2]})

    def _new_trial(self, **kwargs: Any) -> dict[str, Any]:
        trial = {"ground_truth": int(self.rng.integers(2)), **kwargs}
        self.add_period(["fixation", "tone", "delay", "decision"])
        self.add_ob(1, ["fixation", "tone", "delay"], where="fixation")
        self.add_ob(self.loudness * trial["ground_truth"], "tone", where="tone")
        self.set_groundtruth(trial["ground_truth"], "decision", where="choice")
        return trial

    def _step(self, action: Any) -> tuple[None, float, bool, bool, dict[str, Any]]:
        gt = self.gt[self.t_ind]
        if action == 0 or not self.in_period("decision"):
            return None, 0.0, False, False, {"new_trial": False, "gt": gt}
        self.performance = int(action == gt)
        return None, float(action == gt), False, False, {"new_trial": True, "gt": gt}


class FixedSide(neuroplug.TrialWrapper):
    """Ask for the same answer on every trial (a sanity check for agents)."""

    def __init__(self, env, side: int = 0):
        super().__init__(env, side=side)
        choices = getattr(self.task, "choices", None)
        if choices is None:
            raise neuroplug.IncompatibleWrapperError(
                f"fixed_side needs a task with choices; {type(self.task).__name__} has none"
            )
        if side not in list(choices):
            raise ValueError(f"side must be one of {list(choices)}, got {side!r}")
        self.side = side
        self.attach()

    @hookimpl
    def neuroplug_trial_params(self, env, params):
        params["ground_truth"] = self.side


#: Every finished trial of every stack in the process, as (task name, performance).
TRIAL_LOG: list[tuple[str, float]] = []


@hookimpl
def neuroplug_log_trial(env, record):
    TRIAL_LOG.append((type(env).__name__, record["performance"]))


@hookimpl
def neuroplug_add_tasks(registry):
    registry.add_task("tone_report", ToneReport)


@hookimpl
def neuroplug_add_wrappers(registry):
    registry.add_wrapper("fixed_side", FixedSide)
