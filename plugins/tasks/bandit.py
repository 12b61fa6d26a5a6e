"""Reward-learning tasks whose trials are one or two steps: multi-armed bandit, two-step task.

Neither task has a timing to configure: NeuroGym accepts a ``timing`` argument for both and
ignores it with a warning, and so do these.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from neuroplug import TrialEnv, spaces
from neuroplug.fidelity import declare_difference
from neuroplug_plugins.tasks._checks import check_int, merged
from neuroplug_plugins.tasks._values import check_numbers


def _ignore_timing(task: str, timing: Any) -> None:
    if timing:
        warnings.warn(f"{task} has no timing to configure; timing={timing!r} is ignored",
                      UserWarning, stacklevel=3)


declare_difference(
    "bandit.ground_truth", component="task bandit",
    kind="bug fix",
    neurogym="no ground truth and no performance: performance is always 0",
    neuroplug="the ground truth is the arm with the highest expected payout, and performance "
    "is 1 when the chosen arm's expected payout is the best",
    reason="a perfect agent cannot score 1, and supervised targets are missing",
    test="tests/test_tasks_b.py::"
    "test_bandit_oracle_earns_the_best_arm_and_random_the_mean",
)


class Bandit(TrialEnv):
    """Multi-armed bandit: each one-step trial, pull one of ``n`` arms for a probabilistic reward.

    Arm ``i`` pays ``rewards[i]`` with probability ``p[i]`` (and 0 otherwise). The
    observation is a constant 0: the agent learns the arms' values from rewards alone, across
    trials (as in meta-reinforcement learning). The ground truth is the arm with the highest
    expected reward ``p[i] * rewards[i]`` (the first such arm on a tie); a trial counts as
    correct when the chosen arm's expected reward is that highest one, whatever the draw.

    Differences from NeuroGym: the ground truth and the performance are set (NeuroGym sets
    neither, so performance is always 0 there).

    Args:
        dt: step duration in ms (each trial is one step).
        n: number of arms.
        p: probability that each arm pays out (``n`` values in [0, 1]).
        rewards: payout of each arm when it pays (``n`` numbers; default 1 for every arm).
        timing: ignored (a warning says so): a trial is always one step.
    """

    metadata = {
        "paper_link": "https://www.nature.com/articles/s41593-018-0147-8",
        "paper_name": "Prefrontal cortex as a meta-reinforcement learning system",
        "tags": ["n-alternative"],
        "render_modes": [],
    }

    def __init__(
        self,
        dt: float = 100,
        n: int = 2,
        p: Sequence[float] = (0.5, 0.5),
        rewards: Sequence[float] | None = None,
        timing: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(dt=dt)
        _ignore_timing("Bandit", timing)
        self.n = check_int("n", n, 1)
        probs = check_numbers("p", p, minimum=0.0, maximum=1.0)
        if len(probs) != self.n:
            raise ValueError(f"p must have one probability per arm (n={self.n}), got {p!r}")
        self._p = np.asarray(probs, dtype=float)
        if rewards is None:
            magnitudes = [1.0] * self.n
        else:
            if isinstance(rewards, Mapping):
                raise TypeError(
                    f"rewards of Bandit is a sequence of payouts, one per arm, got {rewards!r}"
                )
            magnitudes = check_numbers("rewards", rewards)
            if len(magnitudes) != self.n:
                raise ValueError(
                    f"rewards must have one payout per arm (n={self.n}), got {rewards!r}"
                )
        self._rewards = np.asarray(magnitudes, dtype=float)
        self._default_arms = self._describe_arms(self._p, self._rewards)
        self._arms = self._default_arms
        self.observation_space = spaces.Box(-np.inf, np.inf, shape=(1,), dtype=np.float32)
        self.action_space = spaces.Discrete(self.n, name={"choice": range(self.n)})

    @property
    def expected_rewards(self) -> np.ndarray:
        """Expected reward of each arm, ``p * rewards``."""
        return self._p * self._rewards

    def _new_trial(self, **kwargs: Any) -> dict[str, Any]:
        trial = {"p": self._p.tolist(), "rewards": self._rewards.tolist()}
        trial.update(kwargs)
        self._arms = self._default_arms
        self.add_period("decision", duration=self.dt)
        if kwargs:  # a layer changed the arms for this trial
            self._arms = self._describe_arms(trial["p"], trial["rewards"])
        probs, magnitudes, expected, best, best_arm = self._arms
        self._trial_p, self._trial_rewards = probs, magnitudes
        self._trial_expected, self._trial_best = expected, best
        self.set_groundtruth(best_arm, "decision")
        return trial

    @staticmethod
    def _describe_arms(p: Any, rewards: Any) -> tuple[list, list, list, float, int]:
        """Per-arm probabilities, payouts and expected rewards, the best value and arm."""
        probs = np.asarray(p, dtype=float)
        magnitudes = np.asarray(rewards, dtype=float)
        expected = probs * magnitudes
        return (probs.tolist(), magnitudes.tolist(), expected.tolist(), float(expected.max()),
                int(np.argmax(expected)))

    def _step(self, action: Any) -> tuple[None, float, bool, bool, dict[str, Any]]:
        gt = self.gt[self.t_ind]
        action = int(action)
        reward = self._trial_rewards[action] if self.rng.random() < self._trial_p[action] else 0.0
        self.performance = int(self._trial_expected[action] >= self._trial_best)
        return None, float(reward), False, False, {"new_trial": True, "gt": gt}


declare_difference(
    "daw_two_step.buffers", component="task daw_two_step",
    kind="bug fix",
    neurogym="no trial buffers (ob, gt) and no ground truth: the observation is made in "
    "_step, and the rich state carries over resets",
    neuroplug="trials are built as buffers like every other task, the ground truth is set, "
    "and the rich state starts as state 1 at every reset",
    reason="Dataset and supervised training need the buffers and targets; seeded runs must "
    "repeat",
    test="tests/test_tasks_b.py::"
    "test_daw_two_step_shows_the_state_reached",
)


class DawTwoStep(TrialEnv):
    """Two-step task: a first choice leads, usually or rarely, to one of two reward states.

    Step 1 (observation ``[1, 0, 0]``): action 1 leads to state 1 with probability 0.8
    (else state 2), action 2 to state 2 with probability 0.8 (else state 1); fixating
    (action 0) aborts the trial. The reward is paid on arrival: the currently rich state pays
    ``correct`` with probability 0.9, the poor one with probability 0.1, and which state is
    rich swaps with probability 0.025 per trial. Step 2 shows the reached state (one-hot at
    index 1 or 2) and the agent must fixate (any other action costs ``abort``). The ground
    truth is the first-step action that usually leads to the rich state, then fixation;
    a trial is correct when the first action is that one. Model-based and model-free
    learners differ in how they react to rare transitions.

    Differences from NeuroGym: the ground truth is set (NeuroGym sets none), and the rich
    state starts as state 1 again at every ``reset``, so seeded runs repeat exactly.

    Args:
        dt: step duration in ms (each trial is two steps).
        rewards: overrides of ``{"abort": -0.1, "correct": +1.0}``.
        timing: ignored (a warning says so): a trial is always two steps.
    """

    metadata = {
        "paper_link": "https://www.sciencedirect.com/science/article/pii/S0896627311001255",
        "paper_name": "Model-Based Influences on Humans' Choices and Striatal Prediction "
        "Errors",
        "tags": ["two-alternative"],
        "render_modes": [],
    }

    def __init__(
        self,
        dt: float = 100,
        rewards: Mapping[str, float] | None = None,
        timing: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(dt=dt)
        _ignore_timing("DawTwoStep", timing)
        self.actions = [0, 1, 2]
        self.p1 = 0.8  # P(state 1 | action 1)
        self.p2 = 0.8  # P(state 2 | action 2)
        self.p_switch = 0.025
        self.high_reward_p = 0.9
        self.low_reward_p = 0.1
        self.state1_high_reward = True
        self.rewards = merged("rewards", {"abort": -0.1, "correct": +1.0}, rewards)
        self.observation_space = spaces.Box(
            -np.inf, np.inf, shape=(3,), dtype=np.float32, name={"start": 0, "state": [1, 2]}
        )
        self.action_space = spaces.Discrete(3, name={"fixation": 0, "choice": [1, 2]})

    def _new_trial(self, **kwargs: Any) -> dict[str, Any]:
        rng = self.rng
        if self.num_tr == 0:
            self.state1_high_reward = True  # redrawn history starts afresh after reset
        state_a1 = 1 if rng.random() < self.p1 else 2
        state_a2 = 2 if rng.random() < self.p2 else 1
        if rng.random() < self.p_switch:
            self.state1_high_reward = not self.state1_high_reward
        hi_state, low_state = (0, 1) if self.state1_high_reward else (1, 0)
        reward = [0.0, 0.0]
        correct = self.rewards["correct"]
        reward[hi_state] = correct if rng.random() < self.high_reward_p else 0.0
        reward[low_state] = correct if rng.random() < self.low_reward_p else 0.0
        trial = {"transition": [0, state_a1, state_a2], "reward": reward, "hi_state": hi_state}
        trial.update(kwargs)
        self.ground_truth = trial["hi_state"] + 1
        self.add_period("stage1", duration=self.dt)
        self.add_period("stage2", duration=self.dt)
        self.set_ob([1, 0, 0], "stage1")
        self.set_groundtruth(self.ground_truth, "stage1")
        self.set_groundtruth(0, "stage2")
        return trial

    def _step(self, action: Any) -> tuple[None, float, bool, bool, dict[str, Any]]:
        trial = self.trial
        t_ind = self.t_ind
        gt = self.gt[t_ind]
        reward = 0.0
        new_trial = False
        if t_ind == 0:
            if action == 0:
                reward = self.rewards["abort"]
                new_trial = True
            else:
                state = trial["transition"][int(action)]
                self.ob[1, state] = 1  # the next observation shows the state reached
                reward = trial["reward"][state - 1]
                self.performance = int(action == self.ground_truth)
        else:
            if action != 0:
                reward = self.rewards["abort"]
            new_trial = True
        return None, reward, False, False, {"new_trial": new_trial, "gt": gt}
