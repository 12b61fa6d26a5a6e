"""TrialHistoryV2: the ground truth depends on the previous trial's ground truth.

``TrialHistoryV2(env, probs=None)``: ``probs[i][j]`` is the probability that the ground
truth is choice ``j`` given that the previous trial's was choice ``i`` (a square matrix,
``n_choices x n_choices``, rows summing to 1). Default ``None``: uniform, every row
``1 / n_choices``. The "previous trial" of the first trial after ``reset`` is drawn
uniformly from the task's generator, so ``reset(seed=s)`` reproduces the sequence.

The previous ground truth is read from the trial the task actually built, so a layer
stacked above that overrides the ground truth (e.g. ``side_bias``) is what is remembered.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from typing import Any

import gymnasium as gym
import numpy as np

from neuroplug import TrialWrapper, hookimpl
from neuroplug.trial_env import TrialEnv
from neuroplug_plugins._choices import choices_below, cumulative, prob_matrix


class TrialHistoryV2(TrialWrapper):
    """Change the ground-truth probability based on the previous trial's ground truth.

    Args:
        env: the task (or stack) to wrap; every task under it must expose ``choices``.
        probs: matrix of probabilities of the current choice conditioned on the previous
            one, shape ``(n_choices, n_choices)``: row ``i`` is the distribution after
            choice ``i``. Default ``None``: uniform.

    Raises:
        TypeError: ``probs`` is not a 2-D list of numbers.
        ValueError: ``probs`` has the wrong shape, a negative entry or a row not summing
            to 1.
        IncompatibleWrapperError: a task below has no ``choices``.

    Attributes:
        prev_trial: index (in ``choices``) of the previous trial's ground truth.
    """

    def __init__(self, env: gym.Env, probs: Sequence[Sequence[float]] | np.ndarray | None = None
                 ) -> None:
        super().__init__(env, probs=probs.tolist() if isinstance(probs, np.ndarray) else probs)
        self._choices = choices_below("TrialHistoryV2", env)
        self.choices = next(iter(self._choices.values()))
        n = len(self.choices)
        matrix = [[1.0 / n] * n for _ in range(n)] if probs is None else probs
        self.probs = prob_matrix("TrialHistoryV2", "probs", matrix, n, n_rows=n)
        self._cum = cumulative(self.probs)
        self._lookup = {
            task: {value: i for i, value in enumerate(values)}
            for task, values in self._choices.items()
        }
        self.prev_trial = int(self.tasks[0].np_random.integers(n))
        self._drawn = self.prev_trial
        self.attach()

    @hookimpl
    def neuroplug_reset(self, env: TrialEnv, seed: int | None) -> None:
        self.prev_trial = int(env.np_random.integers(len(self.choices)))

    @hookimpl
    def neuroplug_trial_params(self, env: TrialEnv, params: dict[str, Any]) -> None:
        index = bisect_right(self._cum[self.prev_trial], env.np_random.random())
        choices = self._choices[env]
        if index >= len(choices):
            index = len(choices) - 1
        self._drawn = index
        params["ground_truth"] = choices[index]
        params["probs"] = self.probs  # the transition matrix, in the trial as in NeuroGym

    @hookimpl
    def neuroplug_trial_built(self, env: TrialEnv, trial: dict[str, Any]) -> None:
        gt = trial.get("ground_truth")
        try:
            self.prev_trial = self._lookup[env][gt]
        except (KeyError, TypeError):  # not one of the choices (or unhashable)
            self.prev_trial = self._drawn


@hookimpl
def neuroplug_add_wrappers(registry) -> None:
    # aliases: NeuroGym's wrapper id
    registry.add_wrapper("trial_history_v2", TrialHistoryV2, aliases=["TrialHistoryV2-v0"])
