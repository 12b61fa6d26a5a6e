"""The judging rule most built-in tasks share, written once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from neuroplug import TrialEnv

#: ``score(action, gt)``: the reward of the response that ends the trial; it sets
#: ``task.performance`` as the task defines it.
Score = Callable[[Any, Any], float]


def judge_fixation_decision(task: TrialEnv, action: Any, decision: str = "decision",
                            fixation: str | None = "fixation", score: Score | None = None,
                            ) -> tuple[None, float, bool, bool, dict[str, Any]]:
    """NeuroGym's usual ``_step``: breaking fixation in the ``fixation`` period costs
    ``rewards["abort"]`` (and ends the trial if ``task.abort``); the first non-fixation
    action in the ``decision`` period ends the trial, rewarded ``correct`` when it equals the
    ground truth (``performance = 1``) and ``fail`` otherwise. Actions in other periods are
    not judged.

    Two variations that several tasks need, without changing the rule's shape:

    - ``fixation=None``: fixation must be held at every step outside the ``decision``
      period (not only in a period named for it), so any non-fixation action there is an
      abort.
    - ``score``: replaces the correct/fail rule for the response in the ``decision``
      period. It is called as ``score(action, gt)`` and returns the reward; it sets
      ``task.performance`` itself (tasks with graded or value-based rewards, or whose
      correct response is not the ground truth of that step).

    Period bounds are read at step time, so layers that move them after a trial is built
    (``TrialEnv.set_period``) are honoured.
    """
    t_ind = task.t_ind
    gt = task.gt[t_ind]
    new_trial = False
    reward = 0.0
    if action != 0:
        if fixation is None:
            in_decision = task.start_ind[decision] <= t_ind < task.end_ind[decision]
            breaks_fixation = not in_decision
        else:
            breaks_fixation = t_ind < task.end_ind[fixation]
            in_decision = (not breaks_fixation
                           and task.start_ind[decision] <= t_ind < task.end_ind[decision])
        if breaks_fixation:
            new_trial = task.abort
            reward = task.rewards["abort"]
        elif in_decision:
            new_trial = True
            if score is not None:
                reward = score(action, gt)
            elif action == gt:
                reward = task.rewards["correct"]
                task.performance = 1
            else:
                reward = task.rewards["fail"]
    return None, reward, False, False, {"new_trial": new_trial, "gt": gt}
