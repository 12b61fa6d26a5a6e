"""The shared pieces of the built-in tasks: the judging rule and the constructor helpers.

The tasks' own tests check these through every task; here each option of
``judge_fixation_decision`` and each helper of ``_common`` is checked directly, step by step,
on a small task whose periods are known: fixation (steps 0-1), stimulus (2-3),
decision (4-5), after (6-7).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from neuroplug import TrialEnv
from neuroplug_plugins.tasks._common import (
    fixation_choice_space,
    fixation_stimulus_space,
    ring_angles,
    scaled_sigma,
)
from neuroplug_plugins.tasks._judge import judge_fixation_decision

REWARDS = {"abort": -0.1, "correct": 1.0, "fail": -0.5}


class _Small(TrialEnv):
    """Eight steps of 100 ms; the answer is 2 in the decision period."""

    def __init__(self, judge_kwargs: dict[str, Any], abort: bool = False) -> None:
        super().__init__(dt=100)
        self.timing = {"fixation": 200, "stimulus": 200, "decision": 200, "after": 200}
        self.rewards = dict(REWARDS)
        self.abort = abort
        self.judge_kwargs = judge_kwargs
        self.observation_space = fixation_stimulus_space(2)
        self.action_space = fixation_choice_space(2)

    def _new_trial(self, **kwargs: Any) -> dict[str, Any]:
        self.add_period(["fixation", "stimulus", "decision", "after"])
        self.add_ob(1, ["fixation", "stimulus"], where="fixation")
        self.set_groundtruth(2, "decision")
        return dict(kwargs)

    def _step(self, action: Any) -> tuple[None, float, bool, bool, dict[str, Any]]:
        return judge_fixation_decision(self, action, **self.judge_kwargs)


def judged(judge_kwargs: dict[str, Any], step: int, action: int, abort: bool = False
           ) -> tuple[float, bool, float]:
    """(reward, new_trial, performance) of ``action`` at ``step`` after fixating until it."""
    env = _Small(judge_kwargs, abort=abort)
    env.reset(seed=0)
    for _ in range(step):
        env.step(0)
    _, reward, _, _, info = env.step(action)
    # at the end of a trial the finished trial's performance is in info (the task's own
    # attribute is already reset for the next trial)
    performance = info["performance"] if info["new_trial"] else env.performance
    return reward, info["new_trial"], performance


@pytest.mark.parametrize(
    ("step", "action", "expected"),
    [
        (0, 1, (-0.1, False, 0)),   # fixation broken: abort, trial goes on (abort=False)
        (2, 1, (0.0, False, 0)),    # stimulus: not judged
        (4, 2, (1.0, True, 1)),     # decision, right answer
        (5, 1, (-0.5, True, 0)),    # decision, wrong answer
        (6, 1, (0.0, False, 0)),    # after the decision: not judged
        (4, 0, (0.0, False, 0)),    # fixating in the decision period: nothing yet
    ],
)
def test_default_rule(step, action, expected):
    assert judged({}, step, action) == expected


def test_abort_ends_the_trial_when_the_task_says_so():
    assert judged({}, 1, 2, abort=True) == (-0.1, True, 0)


@pytest.mark.parametrize(
    ("step", "action", "expected"),
    [
        (0, 1, (-0.1, False, 0)),   # fixation
        (3, 1, (-0.1, False, 0)),   # stimulus: now also an abort
        (6, 2, (-0.1, False, 0)),   # after the decision: an abort too
        (4, 2, (1.0, True, 1)),
        (5, 1, (-0.5, True, 0)),
    ],
)
def test_fixation_none_requires_fixation_outside_the_decision_period(step, action, expected):
    assert judged({"fixation": None}, step, action) == expected


def test_named_fixation_and_decision_periods():
    kwargs = {"fixation": "stimulus", "decision": "stimulus"}
    # fixation is read first: a response in the stimulus period is an abort there
    assert judged(kwargs, 3, 2) == (-0.1, False, 0)
    kwargs = {"decision": "stimulus"}
    assert judged(kwargs, 2, 1) == (-0.5, True, 0)  # gt is 0 there: 1 is wrong


def test_score_replaces_the_correct_fail_rule():
    calls = []

    def score(action, gt):
        calls.append((int(action), int(gt)))
        return 0.25

    assert judged({"score": score}, 4, 1) == (0.25, True, 0)
    assert calls == [(1, 2)]
    calls.clear()
    assert judged({"score": score}, 0, 1) == (-0.1, False, 0)  # aborts are not scored
    assert judged({"score": score}, 4, 0) == (0.0, False, 0)   # nor is fixating
    assert calls == []


def test_common_spaces_and_angles():
    obs, act = fixation_stimulus_space(3), fixation_choice_space(3)
    assert obs.shape == (4,) and obs.dtype == np.float32
    assert obs.name == {"fixation": 0, "stimulus": [1, 2, 3]}
    assert act.n == 4 and act.name == {"fixation": 0, "choice": [1, 2, 3]}
    np.testing.assert_allclose(ring_angles(4), [0, np.pi / 2, np.pi, 3 * np.pi / 2])


def test_scaled_sigma():
    assert scaled_sigma(2.0, 100) == pytest.approx(0.2)
    assert scaled_sigma(0, 100) == 0
    with pytest.raises(ValueError, match=r"sigma must be >= 0, got -1"):
        scaled_sigma(-1, 100)
    with pytest.raises(TypeError, match=r"sigma must be a number, got 'x'"):
        scaled_sigma("x", 100)
