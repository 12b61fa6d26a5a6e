"""The judging rule most built-in tasks share, written once."""

from __future__ import annotations

from typing import Any

from neuroplug import TrialEnv


def judge_fixation_decision(task: TrialEnv, action: Any, decision: str = "decision"
                            ) -> tuple[None, float, bool, bool, dict[str, Any]]:
    """NeuroGym's usual ``_step``: breaking fixation in the ``fixation`` period costs
    ``rewards["abort"]`` (and ends the trial if ``task.abort``); the first non-fixation
    action in the ``decision`` period ends the trial, rewarded ``correct`` when it equals the
    ground truth (``performance = 1``) and ``fail`` otherwise. Actions in other periods are
    not judged.

    Period bounds are read at step time, so layers that move them after a trial is built
    (``TrialEnv.set_period``) are honoured.
    """
    t_ind = task.t_ind
    gt = task.gt[t_ind]
    new_trial = False
    reward = 0.0
    if t_ind < task.end_ind["fixation"]:
        if action != 0:
            new_trial = task.abort
            reward = task.rewards["abort"]
    elif action != 0 and task.start_ind[decision] <= t_ind < task.end_ind[decision]:
        new_trial = True
        if action == gt:
            reward = task.rewards["correct"]
            task.performance = 1
        else:
            reward = task.rewards["fail"]
    return None, reward, False, False, {"new_trial": new_trial, "gt": gt}
