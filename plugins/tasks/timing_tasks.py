"""Interval timing tasks (Jazayeri lab): measure an interval, then reproduce it with one Go.

The three tasks share the production rule: the first Go in the production window ends the
trial; if it comes within ``prod_margin * target + 25`` ms of the target time, the reward
is ``rewards["correct"] * max(0.1, (1 - error / margin) ** 1.5)`` and the trial counts as
correct, otherwise it earns ``rewards["fail"]``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from neuroplug import TrialEnv, spaces
from neuroplug.fidelity import declare_difference
from neuroplug_plugins.tasks._checks import check_non_negative, check_timing, merged
from neuroplug_plugins.tasks._judge import judge_fixation_decision


def _check_positive(name: str, value: Any) -> float:
    value = check_non_negative(name, value)
    if value <= 0:
        raise ValueError(f"{name} must be > 0, got {value!r}")
    return value


def _production_reward(task: TrialEnv, t_prod: float, target: float) -> float:
    """Reward of a Go ``t_prod`` ms after the reference, for a ``target`` interval; sets
    ``task.performance`` when the Go is within the margin."""
    eps = abs(t_prod - target)
    threshold = task.prod_margin * target + 25
    if eps > threshold:
        return task.rewards["fail"]
    task.performance = 1
    return max((1.0 - eps / threshold) ** 1.5, 0.1) * task.rewards["correct"]


def _set_go(task: TrialEnv, period: str, index: int) -> None:
    """Ground truth: Go (1) at step ``index`` of ``period`` (clipped into it), fixate elsewhere."""
    n = task.end_ind[period] - task.start_ind[period]
    gt = task.view_groundtruth(period)
    if n > 0:
        gt[min(max(index, 0), n - 1)] = 1


declare_difference(
    "timing_tasks.go_at_the_rewarded_time", component="task ready_set_go, motor_timing",
    kind="bug fix",
    neurogym="the ground truth puts the Go one Set duration after the rewarded time, so an "
    "agent following it earns less (oracle reward 0.55 on ReadySetGo-v0, 0.87 on "
    "MotorTiming-v0, measured)",
    neuroplug="the ground truth puts the Go at the rewarded time (Set onset + production); "
    "rewards are NeuroGym's",
    reason="a perfect agent cannot earn the full reward",
    test="tests/test_tasks_a.py::"
    "test_production_reward_peaks_at_the_ground_truth_go",
)


class ReadySetGo(TrialEnv):
    """Ready-set-go: measure the interval between two flashes, then reproduce it after the second.

    A Ready flash and a Set flash are separated by a random measured interval (``measure``,
    from Ready onset to Set onset). The agent must answer Go (action 1) ``gain * measure``
    ms after Set onset, once the fixation input is off (the production period, twice as
    long as the target). Fixation breaks during the fixation period cost ``abort``.

    The ground truth puts the Go at the rewarded time (Set onset + production). NeuroGym
    places it one Set duration later, where the reward is lower; rewards are identical.

    Args:
        dt: step duration in ms.
        rewards: overrides of ``{"abort": -0.1, "correct": +1.0, "fail": 0.0}``.
        timing: overrides of ``{"fixation": 100, "ready": 83, "measure":
            ("uniform", (800, 1500)), "set": 83}``.
        gain: production interval / measured interval (> 0).
        prod_margin: relative tolerance of the produced interval (see the module doc).
    """

    metadata = {
        "paper_link": "https://www.sciencedirect.com/science/article/pii/S0896627318304185",
        "paper_name": "Flexible Sensorimotor Computations through Rapid Reconfiguration of "
        "Cortical Dynamics",
        "tags": ["timing", "go-no-go", "supervised"],
        "render_modes": [],
    }

    def __init__(
        self,
        dt: float = 80,
        rewards: Mapping[str, float] | None = None,
        timing: Mapping[str, Any] | None = None,
        gain: float = 1,
        prod_margin: float = 0.2,
    ) -> None:
        super().__init__(dt=dt)
        self.gain = _check_positive("gain", gain)
        self.prod_margin = check_non_negative("prod_margin", prod_margin)
        self.rewards = merged("rewards", {"abort": -0.1, "correct": +1.0, "fail": 0.0}, rewards)
        self.timing = check_timing(
            {"fixation": 100, "ready": 83, "measure": ("uniform", (800, 1500)), "set": 83},
            timing,
        )
        self.abort = False
        self.observation_space = spaces.Box(
            -np.inf, np.inf, shape=(3,), dtype=np.float32,
            name={"fixation": 0, "ready": 1, "set": 2},
        )
        self.action_space = spaces.Discrete(2, name={"fixation": 0, "go": 1})

    def _new_trial(self, **kwargs: Any) -> dict[str, Any]:
        trial = {"measure": float(self.sample_time("measure")), "gain": self.gain}
        trial.update(kwargs)
        production = float(trial["measure"] * trial["gain"])
        trial["production"] = production
        self.add_period(["fixation", "ready"])
        self.add_period("measure", duration=trial["measure"], after="fixation")
        self.add_period("set", after="measure")
        self.add_period("production", duration=2 * production, after="set")
        self.add_ob(1, where="fixation")
        self.set_ob(0, "production", where="fixation")
        self.add_ob(1, "ready", where="ready")
        self.add_ob(1, "set", where="set")
        go_t = self.end_t["measure"] + production
        _set_go(self, "production", round((go_t - self.start_t["production"]) / self.dt))
        return trial

    def _step(self, action: Any) -> tuple[None, float, bool, bool, dict[str, Any]]:
        return judge_fixation_decision(self, action, decision="production", score=self._score)

    def _score(self, action: Any, gt: Any) -> float:
        """The production rule, timed from the end of ``measure``."""
        return _production_reward(self, self.t - self.end_t["measure"], self.trial["production"])


class MotorTiming(TrialEnv):
    """Motor timing: produce the interval (800 or 1500 ms) that a cue indicates, after Set.

    During the cue period one of two units says which interval to produce; a Set input then
    comes on briefly, after which every input is off and the agent must answer Go
    (action 1) once, the indicated interval after the end of Set (production period twice
    as long as the interval). Fixation breaks during the fixation period cost ``abort``.

    Args:
        dt: step duration in ms.
        rewards: overrides of ``{"abort": -0.1, "correct": +1.0, "fail": 0.0}``.
        timing: overrides of ``{"fixation": 500, "cue": ("uniform", (1000, 3000)),
            "set": 50}``.
        prod_margin: relative tolerance of the produced interval (see the module doc).
    """

    metadata = {
        "paper_link": "https://www.nature.com/articles/s41593-017-0028-6",
        "paper_name": "Flexible timing by temporal scaling of cortical responses",
        "tags": ["timing", "go-no-go", "supervised"],
        "render_modes": [],
    }

    def __init__(
        self,
        dt: float = 80,
        rewards: Mapping[str, float] | None = None,
        timing: Mapping[str, Any] | None = None,
        prod_margin: float = 0.2,
    ) -> None:
        super().__init__(dt=dt)
        self.prod_margin = check_non_negative("prod_margin", prod_margin)
        self.production_ind = [0, 1]
        self.intervals = [800, 1500]
        self.rewards = merged("rewards", {"abort": -0.1, "correct": +1.0, "fail": 0.0}, rewards)
        self.timing = check_timing(
            {"fixation": 500, "cue": ("uniform", (1000, 3000)), "set": 50}, timing
        )
        self.abort = False
        self.observation_space = spaces.Box(
            -np.inf, np.inf, shape=(4,), dtype=np.float32,
            name={"fixation": 0, "interval": [1, 2], "set": 3},
        )
        self.action_space = spaces.Discrete(2, name={"fixation": 0, "go": 1})

    def _new_trial(self, **kwargs: Any) -> dict[str, Any]:
        trial = {"production_ind": int(self.production_ind[int(self.rng.integers(2))])}
        trial.update(kwargs)
        ind = int(trial["production_ind"])
        if ind not in self.production_ind:
            raise ValueError(f"MotorTiming: production_ind must be 0 or 1, got {ind!r}")
        trial["production"] = float(self.intervals[ind])
        self.add_period(["fixation", "cue", "set"])
        self.add_period("production", duration=2 * trial["production"], after="set")
        self.set_ob(1, ["fixation", "cue", "set"], where="fixation")
        self.set_ob(1, ["cue", "set"], where=1 + ind)
        self.set_ob(1, "set", where="set")
        _set_go(self, "production", round(trial["production"] / self.dt))
        return trial

    def _step(self, action: Any) -> tuple[None, float, bool, bool, dict[str, Any]]:
        return judge_fixation_decision(self, action, decision="production", score=self._score)

    def _score(self, action: Any, gt: Any) -> float:
        """The production rule, timed from the end of ``set``."""
        return _production_reward(self, self.t - self.end_t["set"], self.trial["production"])


class OneTwoThreeGo(TrialEnv):
    """1-2-3-Go: three flashes mark out an interval twice; answer Go one interval after the third.

    After fixation a target appears; three brief stimuli follow, separated by the same
    random interval. The agent must answer Go (action 1) one interval after the end of the
    third stimulus (the ground truth is Go throughout the response period, which starts
    exactly then). The first Go after the third stimulus ends the trial; a Go before it
    costs ``abort``.

    Args:
        dt: step duration in ms.
        rewards: overrides of ``{"abort": -0.1, "correct": +1.0, "fail": 0.0}``.
        timing: overrides of ``{"fixation": ("truncated_exponential", (400, 100, 800)),
            "target": ("truncated_exponential", (1000, 500, 1500)), "s1": 100,
            "interval1": [600, 700, 800, 900, 1000], "s2": 100, "interval2": 0, "s3": 100,
            "interval3": 0, "response": 1000}``. The interval is drawn from ``interval1``
            and used for all three gaps; ``interval2`` and ``interval3`` are ignored (kept
            for NeuroGym compatibility).
        prod_margin: relative tolerance of the produced interval (see the module doc).
    """

    metadata = {
        "paper_link": "https://www.nature.com/articles/s41593-019-0500-6",
        "paper_name": "Internal models of sensorimotor integration regulate cortical dynamics",
        "tags": ["timing", "go-no-go", "supervised"],
        "render_modes": [],
    }

    def __init__(
        self,
        dt: float = 80,
        rewards: Mapping[str, float] | None = None,
        timing: Mapping[str, Any] | None = None,
        prod_margin: float = 0.2,
    ) -> None:
        super().__init__(dt=dt)
        self.prod_margin = check_non_negative("prod_margin", prod_margin)
        self.rewards = merged("rewards", {"abort": -0.1, "correct": +1.0, "fail": 0.0}, rewards)
        self.timing = check_timing(
            {"fixation": ("truncated_exponential", (400, 100, 800)),
             "target": ("truncated_exponential", (1000, 500, 1500)),
             "s1": 100, "interval1": [600, 700, 800, 900, 1000], "s2": 100, "interval2": 0,
             "s3": 100, "interval3": 0, "response": 1000},
            timing,
        )
        self.abort = False
        self.observation_space = spaces.Box(
            -np.inf, np.inf, shape=(3,), dtype=np.float32,
            name={"fixation": 0, "stimulus": 1, "target": 2},
        )
        self.action_space = spaces.Discrete(2, name={"fixation": 0, "go": 1})

    def _new_trial(self, **kwargs: Any) -> dict[str, Any]:
        trial = {"interval": float(self.sample_time("interval1"))}
        trial.update(kwargs)
        interval = trial["interval"]
        self.add_period(["fixation", "target", "s1"])
        self.add_period("interval1", duration=interval, after="s1")
        self.add_period("s2", after="interval1")
        self.add_period("interval2", duration=interval, after="s2")
        self.add_period("s3", after="interval2")
        self.add_period("interval3", duration=interval, after="s3")
        self.add_period("response", after="interval3")
        self.add_ob(1, where="fixation")
        self.add_ob(1, ["s1", "s2", "s3"], where="stimulus")
        self.add_ob(1, where="target")
        self.set_ob(0, "fixation", where="target")
        self.set_groundtruth(1, "response")
        return trial

    def _step(self, action: Any) -> tuple[None, float, bool, bool, dict[str, Any]]:
        t_ind = self.t_ind
        gt = self.gt[t_ind]
        new_trial = False
        reward = 0.0
        if action != 0:
            if self.start_ind["interval3"] <= t_ind < self.end_ind["response"]:
                new_trial = True
                reward = _production_reward(
                    self, self.t - self.end_t["s3"], self.trial["interval"]
                )
            else:
                new_trial = self.abort
                reward = self.rewards["abort"]
        return None, reward, False, False, {"new_trial": new_trial, "gt": gt}
