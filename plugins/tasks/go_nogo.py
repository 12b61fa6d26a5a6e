"""Go/no-go tasks: respond to some stimuli, withhold the response to others.

Both tasks here score a withheld response on a no-go trial as correct when the trial runs
out (``performance = 1``) and charge ``rewards["miss"]`` when a go trial runs out without a
response (NeuroGym's ``r_tmax``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from neuroplug import TrialEnv, spaces
from neuroplug.fidelity import declare_difference
from neuroplug_plugins.tasks._checks import check_timing, merged
from neuroplug_plugins.tasks._common import fixation_stimulus_space, scaled_sigma
from neuroplug_plugins.tasks._judge import judge_fixation_decision

declare_difference(
    "go_nogo.withheld_nogo_is_correct", component="task go_nogo, delay_paired_association",
    kind="bug fix",
    neurogym="on a no-go trial, withholding the response to the end earns nothing and "
    "leaves performance at 0, so a perfect agent scores about 0.5 (oracle 0.51 on "
    "GoNogo-v0, 0.52 on DelayPairedAssociation-v0)",
    neuroplug="withholding the response through a no-go trial is correct (performance 1; "
    "the reward stays NeuroGym's, 0); a go trial that runs out without a response costs "
    "rewards['miss'] as NeuroGym's r_tmax does",
    reason="a perfect agent cannot score 1 in NeuroGym",
    test="tests/test_tasks_a.py::test_go_nogo_outcomes",
)


class _GoNogoBase(TrialEnv):
    """Shared judging: fixation breaks cost ``abort``; the first go in ``decision`` ends it.

    Subclasses set ``self._go`` (1 on a go trial, 0 on a no-go trial) and ``self.r_tmax``
    in ``_new_trial``.
    """

    abort = False
    _go = 0

    def _step(self, action: Any) -> tuple[None, float, bool, bool, dict[str, Any]]:
        result = judge_fixation_decision(self, action, score=self._score)
        if not result[4]["new_trial"] and self.t_ind + 1 >= self._tmax_ind:
            # The trial runs out without a response: right on a no-go trial, a miss on a
            # go trial (the miss reward is added by the core as r_tmax).
            self.performance = 1 - self._go
        return result

    def _score(self, action: Any, gt: Any) -> float:
        """A response is correct on a go trial and wrong on a no-go trial."""
        if self._go:
            self.performance = 1
            return self.rewards["correct"]
        self.performance = 0
        return self.rewards["fail"]


class GoNogo(_GoNogoBase):
    """Go/no-go: after a delay, respond to a go stimulus and withhold the response to a no-go one.

    A stimulus (the ``go`` or the ``nogo`` unit) is shown during the stimulus period, followed
    by a delay and a decision period in which every input is off. On a go trial the agent
    must answer ``go`` (action 1) during the decision period; on a no-go trial it must keep
    fixating (action 0) until the trial ends. Responses outside the fixation and decision
    periods are not judged.

    Args:
        dt: step duration in ms.
        rewards: overrides of ``{"abort": -0.1, "correct": +1.0, "fail": -0.5,
            "miss": -0.5}`` (``miss``: a go trial that ends without a response).
        timing: overrides of ``{"fixation": 0, "stimulus": 500, "delay": 500,
            "decision": 500}`` (ms; any form of :mod:`neuroplug.timing`).
    """

    metadata = {
        "paper_link": "https://elifesciences.org/articles/43191",
        "paper_name": "Active information maintenance in working memory by a sensory cortex",
        "tags": ["delayed response", "go-no-go", "supervised"],
        "render_modes": [],
    }

    def __init__(
        self,
        dt: float = 100,
        rewards: Mapping[str, float] | None = None,
        timing: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(dt=dt)
        self.rewards = merged(
            "rewards", {"abort": -0.1, "correct": +1.0, "fail": -0.5, "miss": -0.5}, rewards
        )
        self.timing = check_timing(
            {"fixation": 0, "stimulus": 500, "delay": 500, "decision": 500}, timing
        )
        self.abort = False
        self.choices = [0, 1]
        self.observation_space = spaces.Box(
            -np.inf, np.inf, shape=(3,), dtype=np.float32,
            name={"fixation": 0, "nogo": 1, "go": 2},
        )
        self.action_space = spaces.Discrete(2, name={"fixation": 0, "go": 1})

    def _new_trial(self, **kwargs: Any) -> dict[str, Any]:
        trial = {"ground_truth": int(self.choices[int(self.rng.integers(2))])}
        trial.update(kwargs)
        go = int(trial["ground_truth"])
        if go not in (0, 1):
            raise ValueError(f"GoNogo: ground_truth must be 0 (no-go) or 1 (go), got {go!r}")
        self.add_period(["fixation", "stimulus", "delay", "decision"])
        self.add_ob(1, where="fixation")
        self.add_ob(1, "stimulus", where="go" if go else "nogo")
        self.set_ob(0, "decision")
        self.set_groundtruth(go, "decision")
        self._go = go
        self.r_tmax = self.rewards["miss"] * go
        return trial


class DelayPairedAssociation(_GoNogoBase):
    """Delayed paired association: respond Go only to the associated pairs of two stimuli.

    Two stimuli (one of units 1-2, then one of units 3-4) are shown one after the other,
    separated by a delay. The pairs ``(1, 3)`` and ``(2, 4)`` are associated (go: answer
    action 1 in the decision period); ``(1, 4)`` and ``(2, 3)`` are not (no-go: keep
    fixating until the trial ends). Responses outside the fixation and decision periods are
    not judged.

    Args:
        dt: step duration in ms.
        rewards: overrides of ``{"abort": -0.1, "correct": +1.0, "fail": -1.0,
            "miss": 0.0}`` (``miss``: a go trial that ends without a response).
        timing: overrides of ``{"fixation": 0, "stim1": 1000, "delay_btw_stim": 1000,
            "stim2": 1000, "delay_aft_stim": 1000, "decision": 500}``.
        sigma: input noise std (scaled by ``1/sqrt(dt)``) on the stimulus units during the
            two stimulus periods. Default 0: NeuroGym's inputs are noiseless (it accepts
            ``sigma`` but never uses it); a positive ``sigma`` is applied.
    """

    metadata = {
        "paper_link": "https://elifesciences.org/articles/43191",
        "paper_name": "Active information maintenance in working memory by a sensory cortex",
        "tags": ["perceptual", "working memory", "go-no-go", "supervised"],
        "render_modes": [],
    }

    def __init__(
        self,
        dt: float = 100,
        rewards: Mapping[str, float] | None = None,
        timing: Mapping[str, Any] | None = None,
        sigma: float = 0.0,
    ) -> None:
        super().__init__(dt=dt)
        self.choices = [0, 1]
        self.pairs = [(1, 3), (1, 4), (2, 3), (2, 4)]
        # go when the difference of the two units is even (== association modulo 2)
        self.association = 0
        self.sigma = scaled_sigma(sigma, self.dt)
        self.rewards = merged(
            "rewards", {"abort": -0.1, "correct": +1.0, "fail": -1.0, "miss": 0.0}, rewards
        )
        self.timing = check_timing(
            {"fixation": 0, "stim1": 1000, "delay_btw_stim": 1000, "stim2": 1000,
             "delay_aft_stim": 1000, "decision": 500},
            timing,
        )
        self.abort = False
        self.observation_space = fixation_stimulus_space(4)
        self.action_space = spaces.Discrete(2, name={"fixation": 0, "go": 1})

    def _new_trial(self, **kwargs: Any) -> dict[str, Any]:
        pair = self.pairs[int(self.rng.integers(len(self.pairs)))]
        trial: dict[str, Any] = {"pair": pair}
        if "pair" not in kwargs and "ground_truth" in kwargs:
            # a layer asked for go / no-go: draw the pair among those with that answer
            wanted = int(kwargs["ground_truth"])
            matching = [p for p in self.pairs if self._is_go(p) == wanted]
            if not matching:
                raise ValueError(
                    f"DelayPairedAssociation: ground_truth must be 0 or 1, got {wanted!r}"
                )
            trial["pair"] = matching[int(self.rng.integers(len(matching)))]
        trial.update(kwargs)
        a, b = (int(u) for u in trial["pair"])
        trial["pair"] = (a, b)
        trial["ground_truth"] = self._is_go((a, b))
        self.add_period(
            ["fixation", "stim1", "delay_btw_stim", "stim2", "delay_aft_stim", "decision"]
        )
        self.add_ob(1, where="fixation")
        self.add_ob(1, "stim1", where=a)
        self.add_ob(1, "stim2", where=b)
        if self.sigma > 0:
            self.add_randn(0, self.sigma, ["stim1", "stim2"], where="stimulus")
        self.set_ob(0, "decision")
        self.set_groundtruth(trial["ground_truth"], "decision")
        self._go = trial["ground_truth"]
        self.r_tmax = self.rewards["miss"] * self._go
        return trial

    def _is_go(self, pair: tuple[int, int]) -> int:
        return int((pair[1] - pair[0]) % 2 == self.association)
