"""Reaching tasks: move a hand (or report a direction) toward a target shown on a ring.

``Reaching1D`` and ``Reaching1DWithSelfDistraction`` are closed-loop: the agent steers a hand
around a circle one small step at a time, and the hand's position feeds back into the next
observation. Their ground truth is the step that brings the hand closest to the target
(``0`` hold, ``1`` turn by +0.05 rad, ``2`` turn by -0.05 rad), recomputed as the hand moves,
so an oracle answering ``info["gt"]`` steers straight to the target.
``ReachingDelayResponse`` has a continuous (``Box``) action; ``AntiReach`` is a discrete
pro/anti response on a ring.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from neuroplug import TrialEnv, spaces
from neuroplug.fidelity import declare_difference
from neuroplug_plugins.tasks._checks import check_bool, check_int, check_timing, merged
from neuroplug_plugins.tasks._common import (
    fixation_choice_space,
    fixation_stimulus_space,
    ring_angles,
)
from neuroplug_plugins.tasks._judge import judge_fixation_decision
from neuroplug_plugins.tasks._values import TWO_PI, check_number, circular_dist, wrapped

#: How far one ``left``/``right`` action turns the hand (radians), as in NeuroGym.
HAND_STEP = 0.05


class _HandOnRing(TrialEnv):
    """Shared machinery of the two closed-loop reaching tasks.

    Subclasses build the static part of the observation in ``self._static`` (one row per
    step) and say which columns show the hand (``self._hand_cols``) and with what offset.
    """

    _hand_cols: slice = slice(None)
    _hand_on_static = False  # hand input added to the static rows (True) or replacing them

    def _setup_reaching(self, rewards: Mapping[str, float] | None,
                        timing: Mapping[str, Any] | None, n_units: int) -> None:
        self.rewards = merged("rewards", {"correct": +1.0, "fail": -0.1}, rewards)
        if self.rewards["correct"] <= self.rewards["fail"]:
            raise ValueError(
                f"rewards: 'correct' must exceed 'fail' (performance is normalised between "
                f"them), got {self.rewards}"
            )
        self.timing = check_timing({"fixation": 500, "reach": 500}, timing)
        self.theta = ring_angles(n_units)
        self.state = math.pi
        self._target = math.pi
        self._buffer = np.zeros(n_units, dtype=np.float32)

    def _hand_input(self, out: np.ndarray) -> np.ndarray:
        """Write ``cos(theta - hand)`` into ``out`` without allocating."""
        np.subtract(self.theta, self.state, out=out, casting="same_kind")
        np.cos(out, out=out)
        return out

    def _best_action(self, target: float) -> int:
        delta = wrapped(target - self.state)
        if abs(delta) <= HAND_STEP / 2:
            return 0
        return 1 if delta > 0 else 2

    def _start_hand(self, trial: dict[str, Any]) -> None:
        """Put the hand at pi, fill the hand input of every row, and the static ground truth."""
        self.state = math.pi
        self._target = float(trial["ground_truth"])
        ob = self.ob
        hand = self._hand_input(self._buffer)
        if self._hand_on_static:
            ob[:, self._hand_cols] += hand
        else:
            ob[:, self._hand_cols] = hand
        self.set_groundtruth(0, "fixation")
        self.set_groundtruth(self._best_action(self._target), "reach")
        self._n_reach = max(1, self.end_ind["reach"] - self.start_ind["reach"])

    def _step(self, action: Any) -> tuple[None, float, bool, bool, dict[str, Any]]:
        t_ind = self.t_ind
        gt = self.gt[t_ind]
        if action == 1:
            self.state = (self.state + HAND_STEP) % TWO_PI
        elif action == 2:
            self.state = (self.state - HAND_STEP) % TWO_PI
        reach_start = self.start_ind["reach"]
        reward = 0.0
        if reach_start <= t_ind < self.end_ind["reach"]:
            correct, fail = self.rewards["correct"], self.rewards["fail"]
            reward = max(correct - circular_dist(self.state - self._target), fail)
            self.performance += (reward - fail) / (correct - fail) / self._n_reach
        nxt = t_ind + 1
        if nxt < self._tmax_ind:
            # The hand moved: the next observation shows it where it is now, and the next
            # ground truth is the step that brings it closer to the current goal.
            row = self.ob[nxt]
            hand = self._hand_input(self._buffer)
            if self._hand_on_static:
                np.add(self._static[nxt], hand, out=row)
            else:
                row[self._hand_cols] = hand
            goal = self._target if nxt >= reach_start else math.pi
            self.gt[nxt] = self._best_action(goal)
        return None, reward, False, False, {"new_trial": False, "gt": gt}


declare_difference(
    "reaching_1d.ground_truth", component="task reaching_1d, reaching_1d_self_distraction",
    kind="bug fix",
    neurogym="the target angle is stored in an integer ground-truth array (truncated), and "
    "the self-distraction variant adds the hand input to the stored observation, so "
    "it accumulates",
    neuroplug="the ground truth is the best step action, the hand shown is where the hand is "
    "after the previous action, and it is added once per step",
    reason="the ground truth does not lead to the target",
    test="tests/test_tasks_b.py::"
    "test_reaching_oracle_is_optimal_trial_by_trial",
)


class Reaching1D(_HandOnRing):
    """Reach toward a direction shown on a ring by steering a hand step by step.

    The target direction (uniform on the circle) is shown by ``dim_ring`` direction-tuned
    units during the reach period; another ``dim_ring`` units show where the hand is. The
    hand starts at pi each trial and every action turns it (``1``: +0.05 rad, ``2``:
    -0.05 rad, ``0``: hold). During the reach period each step earns
    ``max(correct - distance(hand, target), fail)``; the trial's performance is that reward
    normalised to ``[0, 1]`` and averaged over the reach steps. The hand is slow (0.25 rad
    in the default 5 reach steps), so only nearby targets can be reached: performance is
    bounded well below 1 even for a perfect agent.

    Differences from NeuroGym: the ground truth is the best step action (NeuroGym stores
    the target angle in an integer array, which truncates it), and the hand shown in an
    observation is where the hand is after the previous action.

    Args:
        dt: step duration in ms.
        rewards: overrides of ``{"correct": +1.0, "fail": -0.1}``.
        timing: overrides of ``{"fixation": 500, "reach": 500}`` (ms).
        dim_ring: number of direction-tuned units for the target and for the hand.
    """

    metadata = {
        "paper_link": "https://science.sciencemag.org/content/233/4771/1416",
        "paper_name": "Neuronal population coding of movement direction",
        "tags": ["motor", "steps action space"],
        "render_modes": [],
    }

    def __init__(
        self,
        dt: float = 100,
        rewards: Mapping[str, float] | None = None,
        timing: Mapping[str, Any] | None = None,
        dim_ring: int = 16,
    ) -> None:
        super().__init__(dt=dt)
        self.dim_ring = check_int("dim_ring", dim_ring, 2)
        self._setup_reaching(rewards, timing, self.dim_ring)
        n = self.dim_ring
        self._hand_cols = slice(n, 2 * n)
        self.observation_space = spaces.Box(
            -np.inf, np.inf, shape=(2 * n,), dtype=np.float32,
            name={"target": range(0, n), "self": range(n, 2 * n)},
        )
        self.action_space = spaces.Discrete(3, name={"fixation": 0, "left": 1, "right": 2})

    def _new_trial(self, **kwargs: Any) -> dict[str, Any]:
        trial = {"ground_truth": float(self.rng.uniform(0, TWO_PI))}
        trial.update(kwargs)
        self.add_period(["fixation", "reach"])
        self.add_ob(np.cos(self.theta - trial["ground_truth"]), "reach", where="target")
        self._start_hand(trial)
        return trial


class Reaching1DWithSelfDistraction(_HandOnRing):
    """Reach toward a direction while the hand's own strong signal masks the target.

    Like ``Reaching1D``, but target and hand share the same 32 direction-tuned units: the
    target adds a weak ``0.3 * cos(theta - target)`` during the reach period and the hand
    adds a full-strength ``cos(theta - hand)`` at every step, so the agent must separate
    the faint target from its own movement signal (as electric fish and bats must separate
    external signals from their own emissions).

    Differences from NeuroGym: as for ``Reaching1D``; and the hand input is added once per
    step (NeuroGym adds it to the stored observation, so it accumulates).

    Args:
        dt: step duration in ms.
        rewards: overrides of ``{"correct": +1.0, "fail": -0.1}``.
        timing: overrides of ``{"fixation": 500, "reach": 500}`` (ms).
    """

    metadata = {
        # NeuroGym cites no paper; the self-distraction idea comes from electric fish, which
        # must tell their own discharges apart from external signals.
        "paper_link": "https://www.science.org/doi/10.1126/science.7291985",
        "paper_name": "An efference copy which is modified by reafferent input",
        "tags": ["motor", "steps action space"],
        "render_modes": [],
    }

    _hand_on_static = True

    def __init__(
        self,
        dt: float = 100,
        rewards: Mapping[str, float] | None = None,
        timing: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(dt=dt)
        self._setup_reaching(rewards, timing, 32)
        self._hand_cols = slice(0, 32)
        self.observation_space = spaces.Box(
            -np.inf, np.inf, shape=(32,), dtype=np.float32, name={"stimulus": range(32)}
        )
        self.action_space = spaces.Discrete(3, name={"fixation": 0, "left": 1, "right": 2})

    def _new_trial(self, **kwargs: Any) -> dict[str, Any]:
        trial = {"ground_truth": float(self.rng.uniform(0, TWO_PI))}
        trial.update(kwargs)
        self.add_period(["fixation", "reach"])
        self.add_ob(0.3 * np.cos(self.theta - trial["ground_truth"]), "reach")
        self._static = self.ob.copy()
        self._start_hand(trial)
        return trial


class ReachingDelayResponse(TrialEnv):
    """Remember a reach target across a delay, then report it with a continuous action.

    A scalar target (uniform in ``[lowbound, highbound]``) is shown during the stimulus
    period, then hidden during a delay; the ``go`` input turns on for the decision period.
    The action is 2-D and continuous: ``action[0]`` is the go signal (negative: wait,
    positive: respond) and ``action[1]`` the reported position. Going during the stimulus
    costs ``abort``; a response in the decision period ends the trial with reward
    ``correct / (1 + |action[1] - target|) ** 2`` (performance: that fraction of
    ``correct``); no response by the end of the trial costs ``miss``.

    Args:
        dt: step duration in ms.
        rewards: overrides of ``{"abort": -0.1, "correct": +1.0, "fail": -0.0,
            "miss": -0.5}``.
        timing: overrides of ``{"stimulus": 500, "delay": (0, 1000, 2000),
            "decision": 500}`` (ms).
        lowbound: lowest target position (>= -1, the lowest reportable position).
        highbound: highest target position (<= 2, the highest reportable position).
    """

    metadata = {
        # NeuroGym cites no paper; this is the classic memory-guided (delayed) response.
        "paper_link": "https://journals.physiology.org/doi/10.1152/jn.1989.61.2.331",
        "paper_name": "Mnemonic coding of visual space in the monkey's dorsolateral prefrontal "
        "cortex",
        "tags": ["perceptual", "delayed response", "continuous action space",
                 "multidimensional action space", "supervised"],
        "render_modes": [],
    }

    def __init__(
        self,
        dt: float = 100,
        rewards: Mapping[str, float] | None = None,
        timing: Mapping[str, Any] | None = None,
        lowbound: float = 0.0,
        highbound: float = 1.0,
    ) -> None:
        super().__init__(dt=dt)
        self.lowbound = check_number("lowbound", lowbound)
        self.highbound = check_number("highbound", highbound)
        if not -1.0 <= self.lowbound <= self.highbound <= 2.0:
            raise ValueError(
                f"need -1 <= lowbound <= highbound <= 2 (targets must be reportable by "
                f"action[1] in [-1, 2]), got lowbound={lowbound!r}, highbound={highbound!r}"
            )
        self.rewards = merged(
            "rewards", {"abort": -0.1, "correct": +1.0, "fail": -0.0, "miss": -0.5}, rewards
        )
        if self.rewards["correct"] == 0:
            raise ValueError("rewards['correct'] must not be 0 (performance is reward / correct)")
        self.timing = check_timing(
            {"stimulus": 500, "delay": (0, 1000, 2000), "decision": 500}, timing
        )
        self.r_tmax = self.rewards["miss"]
        self.abort = False
        self.observation_space = spaces.Box(
            low=np.array([0.0, -2.0], dtype=np.float32),
            high=np.array([1.0, 2.0], dtype=np.float32),
            dtype=np.float32, name={"go": 0, "stimulus": 1},
        )
        self.action_space = spaces.Box(
            low=np.array([-1.0, -1.0], dtype=np.float32),
            high=np.array([1.0, 2.0], dtype=np.float32),
            dtype=np.float32, name={"go": 0, "position": 1},
        )

    def _new_trial(self, **kwargs: Any) -> dict[str, Any]:
        trial = {"ground_truth": float(self.rng.uniform(self.lowbound, self.highbound))}
        trial.update(kwargs)
        target = trial["ground_truth"]
        self.add_period(["stimulus", "delay", "decision"])
        self.add_ob(target, "stimulus", where="stimulus")
        self.set_ob([0, -0.5], "delay")
        self.set_ob([1, -0.5], "decision")
        self.set_groundtruth([-1, -0.5], ["stimulus", "delay"])
        self.set_groundtruth([1, target], "decision")
        return trial

    def _step(self, action: Any) -> tuple[None, float, bool, bool, dict[str, Any]]:
        t_ind = self.t_ind
        gt = self.gt[t_ind]
        new_trial = False
        reward = 0.0
        if t_ind < self.end_ind["stimulus"]:
            if not action[0] < 0:
                new_trial = self.abort
                reward = self.rewards["abort"]
        elif self.start_ind["decision"] <= t_ind < self.end_ind["decision"] and action[0] > 0:
            new_trial = True
            reward = self.rewards["correct"] / (1 + abs(float(action[1]) - float(gt[1]))) ** 2
            self.performance = reward / self.rewards["correct"]
        return None, reward, False, False, {"new_trial": new_trial, "gt": gt}


class AntiReach(TrialEnv):
    """Anti-reach (anti-saccade): respond in the direction opposite to a stimulus on a ring.

    After fixation, a stimulus appears at one of ``dim_ring`` directions; after an optional
    delay, the agent must choose the opposite direction (``anti=True``) or the stimulus
    direction itself (``anti=False``, a pro-response) during the decision period. Breaking
    fixation during the fixation period costs ``abort``; the first non-fixation action in
    the decision period ends the trial.

    Args:
        dt: step duration in ms.
        anti: require an anti-response (True) or a pro-response (False).
        rewards: overrides of ``{"abort": -0.1, "correct": +1.0, "fail": 0.0}``.
        timing: overrides of ``{"fixation": 500, "stimulus": 500, "delay": 0,
            "decision": 500}`` (ms).
        dim_ring: number of directions (stimulus units and choices).
    """

    metadata = {
        "paper_link": "https://www.nature.com/articles/nrn1345",
        "paper_name": "Look away: the anti-saccade task and the voluntary control of eye "
        "movement",
        "tags": ["perceptual", "steps action space"],
        "render_modes": [],
    }

    def __init__(
        self,
        dt: float = 100,
        anti: bool = True,
        rewards: Mapping[str, float] | None = None,
        timing: Mapping[str, Any] | None = None,
        dim_ring: int = 32,
    ) -> None:
        super().__init__(dt=dt)
        self.anti = check_bool("anti", anti)
        self.rewards = merged("rewards", {"abort": -0.1, "correct": +1.0, "fail": 0.0}, rewards)
        self.timing = check_timing(
            {"fixation": 500, "stimulus": 500, "delay": 0, "decision": 500}, timing
        )
        self.abort = False
        self.dim_ring = check_int("dim_ring", dim_ring, 2)
        self.theta = ring_angles(self.dim_ring)
        self.choices = np.arange(self.dim_ring)
        n = self.dim_ring
        self.observation_space = fixation_stimulus_space(n)
        self.action_space = fixation_choice_space(n)

    def _new_trial(self, **kwargs: Any) -> dict[str, Any]:
        trial = {"ground_truth": int(self.rng.integers(self.dim_ring)), "anti": self.anti}
        trial.update(kwargs)
        direction = self.theta[trial["ground_truth"]]
        if trial["anti"]:
            direction = (direction + math.pi) % TWO_PI
        self.add_period(["fixation", "stimulus", "delay", "decision"])
        self.add_ob(1, ["fixation", "stimulus", "delay"], where="fixation")
        self.add_ob(np.cos(self.theta - direction), "stimulus", where="stimulus")
        self.set_groundtruth(trial["ground_truth"], "decision", where="choice")
        return trial

    def _step(self, action: Any) -> tuple[None, float, bool, bool, dict[str, Any]]:
        return judge_fixation_decision(self, action)
