"""Delayed match-to-sample tasks: hold a sample in memory, then compare a test with it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from neuroplug import TrialEnv, spaces
from neuroplug.fidelity import declare_difference
from neuroplug_plugins.tasks._checks import (
    check_int,
    check_timing,
    merged,
)
from neuroplug_plugins.tasks._common import fixation_stimulus_space, ring_angles, scaled_sigma
from neuroplug_plugins.tasks._judge import judge_fixation_decision

_TWO_PI = 2 * np.pi


def _pick(rng: np.random.Generator, values: Any) -> Any:
    return values[int(rng.integers(len(values)))]


declare_difference(
    "match_sample.sigma",
    component="task delay_match_sample_distractor_1d, delay_paired_association",
    kind="bug fix",
    neurogym="sigma is accepted but never used (inputs are noiseless whatever it is)",
    neuroplug="sigma defaults to 0 (NeuroGym's noiseless inputs) and a sigma > 0 adds input "
    "noise as documented",
    reason="a documented parameter is ignored",
    test="tests/test_tasks_a.py::"
    "test_reproducible",
)


class DelayMatchSample(TrialEnv):
    """Delayed match-to-sample: after a delay, report whether the test equals the sample.

    A sample direction is shown on a ring of ``dim_ring`` units, then, after a delay, a test
    that is either the same direction (match) or the opposite one (non-match). The agent
    answers ``match`` (1) or ``non-match`` (2) during the decision period, when the fixation
    input goes off. Fixation breaks cost ``rewards["abort"]``; responses during the sample,
    delay and test periods are not judged.

    Args:
        dt: step duration in ms.
        rewards: overrides of ``{"abort": -0.1, "correct": +1.0, "fail": 0.0}``.
        timing: overrides of ``{"fixation": 300, "sample": 500, "delay": 1000,
            "test": 500, "decision": 900}``.
        sigma: input noise std on the stimulus units (scaled by ``1/sqrt(dt)``).
        dim_ring: number of stimulus units (directions on the ring).
    """

    metadata = {
        "paper_link": "https://www.jneurosci.org/content/jneuro/16/16/5154.full.pdf",
        "paper_name": "Neural Mechanisms of Visual Working Memory in Prefrontal Cortex of "
        "the Macaque",
        "tags": ["perceptual", "working memory", "two-alternative", "supervised"],
        "render_modes": [],
    }

    def __init__(
        self,
        dt: float = 100,
        rewards: Mapping[str, float] | None = None,
        timing: Mapping[str, Any] | None = None,
        sigma: float = 1.0,
        dim_ring: int = 2,
    ) -> None:
        super().__init__(dt=dt)
        self.choices = [1, 2]
        self.sigma = scaled_sigma(sigma, self.dt)
        self.dim_ring = check_int("dim_ring", dim_ring, 2)
        self.rewards = merged("rewards", {"abort": -0.1, "correct": +1.0, "fail": 0.0}, rewards)
        self.timing = check_timing(
            {"fixation": 300, "sample": 500, "delay": 1000, "test": 500, "decision": 900},
            timing,
        )
        self.abort = False
        self.theta = ring_angles(self.dim_ring)
        self.observation_space = fixation_stimulus_space(self.dim_ring)
        self.action_space = spaces.Discrete(
            3, name={"fixation": 0, "match": 1, "non-match": 2}
        )

    def _new_trial(self, **kwargs: Any) -> dict[str, Any]:
        rng = self.rng
        trial = {
            "ground_truth": int(_pick(rng, self.choices)),
            "sample_theta": float(_pick(rng, self.theta)),
        }
        trial.update(kwargs)
        gt = int(trial["ground_truth"])
        sample = float(trial["sample_theta"])
        test = sample if gt == 1 else float(np.mod(sample + np.pi, _TWO_PI))
        trial["test_theta"] = test
        self.add_period(["fixation", "sample", "delay", "test", "decision"])
        self.add_ob(1, where="fixation")
        self.set_ob(0, "decision", where="fixation")
        self.add_ob(np.cos(self.theta - sample) * 0.5 + 0.5, "sample", where="stimulus")
        self.add_ob(np.cos(self.theta - test) * 0.5 + 0.5, "test", where="stimulus")
        if self.sigma > 0:
            self.add_randn(0, self.sigma, ["sample", "test"], where="stimulus")
        self.set_groundtruth(gt, "decision")
        return trial

    def _step(self, action: Any) -> tuple[None, float, bool, bool, dict[str, Any]]:
        return judge_fixation_decision(self, action)


class DelayMatchSampleDistractor1D(TrialEnv):
    """Delayed match-to-sample with distractors: respond to the one test that matches the sample.

    A sample direction (uniform on the circle, shown on 32 units) is followed by three
    test stimuli, each after a delay; exactly one test (``ground_truth`` = 1, 2 or 3) equals
    the sample, the others are random directions. The agent must answer ``match`` (1)
    during the matching test and fixate otherwise: a response at any other time after the
    sample is a ``fail`` and ends the trial; during fixation and sample it costs
    ``abort``.

    Args:
        dt: step duration in ms.
        rewards: overrides of ``{"abort": -0.1, "correct": +1.0, "fail": -1.0}``.
        timing: overrides of ``{"fixation": 300, "sample": 500, "delay1": 1000,
            "test1": 500, "delay2": 1000, "test2": 500, "delay3": 1000, "test3": 500}``.
        sigma: input noise std (scaled by ``1/sqrt(dt)``) on the stimulus units during the
            sample and tests. Default 0: NeuroGym's inputs are noiseless (it accepts
            ``sigma`` but never uses it); a positive ``sigma`` is applied.
    """

    metadata = {
        "paper_link": "https://www.jneurosci.org/content/jneuro/16/16/5154.full.pdf",
        "paper_name": "Neural Mechanisms of Visual Working Memory in Prefrontal Cortex of "
        "the Macaque",
        "tags": ["perceptual", "working memory", "two-alternative", "supervised"],
        "render_modes": [],
    }

    _PERIODS = ("fixation", "sample", "delay1", "test1", "delay2", "test2", "delay3", "test3")

    def __init__(
        self,
        dt: float = 100,
        rewards: Mapping[str, float] | None = None,
        timing: Mapping[str, Any] | None = None,
        sigma: float = 0.0,
    ) -> None:
        super().__init__(dt=dt)
        self.choices = [1, 2, 3]
        self.sigma = scaled_sigma(sigma, self.dt)
        self.rewards = merged("rewards", {"abort": -0.1, "correct": +1.0, "fail": -1.0}, rewards)
        self.timing = check_timing(
            {"fixation": 300, "sample": 500, "delay1": 1000, "test1": 500, "delay2": 1000,
             "test2": 500, "delay3": 1000, "test3": 500},
            timing,
        )
        self.abort = False
        self.theta = np.arange(0, _TWO_PI, _TWO_PI / 32)
        self.observation_space = fixation_stimulus_space(32)
        self.action_space = spaces.Discrete(2, name={"fixation": 0, "match": 1})

    def _new_trial(self, **kwargs: Any) -> dict[str, Any]:
        rng = self.rng
        trial = {
            "ground_truth": int(_pick(rng, self.choices)),
            "sample": float(rng.uniform(0, _TWO_PI)),
        }
        trial.update(kwargs)
        gt = int(trial["ground_truth"])
        if gt not in self.choices:
            raise ValueError(
                f"DelayMatchSampleDistractor1D: ground_truth must be 1, 2 or 3, got {gt!r}"
            )
        for i in (1, 2, 3):
            key = f"test{i}"
            if key not in kwargs:
                trial[key] = trial["sample"] if i == gt else float(rng.uniform(0, _TWO_PI))
        self.add_period(list(self._PERIODS))
        self.add_ob(1, "fixation", where="fixation")
        for period in ("sample", "test1", "test2", "test3"):
            self.add_ob(np.cos(self.theta - trial[period]), period, where="stimulus")
        if self.sigma > 0:
            self.add_randn(0, self.sigma, ["sample", "test1", "test2", "test3"],
                           where="stimulus")
        match = f"test{gt}"
        self.set_groundtruth(1, match)
        self._match = match
        return trial

    def _step(self, action: Any) -> tuple[None, float, bool, bool, dict[str, Any]]:
        t_ind = self.t_ind
        gt = self.gt[t_ind]
        new_trial = False
        reward = 0.0
        if action != 0:
            if t_ind < self.end_ind["sample"]:
                new_trial = self.abort
                reward = self.rewards["abort"]
            elif self.start_ind[self._match] <= t_ind < self.end_ind[self._match]:
                new_trial = True
                reward = self.rewards["correct"]
                self.performance = 1
            else:
                new_trial = True
                reward = self.rewards["fail"]
        return None, reward, False, False, {"new_trial": new_trial, "gt": gt}


class DelayMatchCategory(TrialEnv):
    """Delayed match-to-category: report whether sample and test fall in the same category.

    Directions in ``[0, pi)`` form category 0 and ``[pi, 2 pi)`` category 1. A sample
    direction is shown, then after a delay a test direction; during the test (the fixation
    input goes off) the agent answers ``match`` (1) when both share a category and
    ``non-match`` (2) otherwise. With the default ``dim_ring=2`` the units code only the
    cosine of the direction, so the category cannot be read from the input; use
    ``dim_ring >= 3`` for a solvable version.

    Args:
        dt: step duration in ms.
        rewards: overrides of ``{"abort": -0.1, "correct": +1.0, "fail": 0.0}``.
        timing: overrides of ``{"fixation": 500, "sample": 650, "first_delay": 1000,
            "test": 650}``.
        sigma: input noise std on the stimulus units (scaled by ``1/sqrt(dt)``).
        dim_ring: number of stimulus units (directions on the ring).
    """

    metadata = {
        "paper_link": "https://www.nature.com/articles/nature05078",
        "paper_name": "Experience-dependent representation of visual categories in parietal "
        "cortex",
        "tags": ["perceptual", "working memory", "two-alternative", "supervised"],
        "render_modes": [],
    }

    def __init__(
        self,
        dt: float = 100,
        rewards: Mapping[str, float] | None = None,
        timing: Mapping[str, Any] | None = None,
        sigma: float = 1.0,
        dim_ring: int = 2,
    ) -> None:
        super().__init__(dt=dt)
        self.choices = ["match", "non-match"]
        self.sigma = scaled_sigma(sigma, self.dt)
        self.dim_ring = check_int("dim_ring", dim_ring, 2)
        self.rewards = merged("rewards", {"abort": -0.1, "correct": +1.0, "fail": 0.0}, rewards)
        self.timing = check_timing(
            {"fixation": 500, "sample": 650, "first_delay": 1000, "test": 650}, timing
        )
        self.abort = False
        self.theta = ring_angles(self.dim_ring)
        self.observation_space = fixation_stimulus_space(self.dim_ring)
        self.action_space = spaces.Discrete(3, name={"fixation": 0, "match": 1, "non-match": 2})

    def _new_trial(self, **kwargs: Any) -> dict[str, Any]:
        rng = self.rng
        trial = {
            "ground_truth": str(_pick(rng, self.choices)),
            "sample_category": int(rng.integers(2)),
        }
        trial.update(kwargs)
        gt = trial["ground_truth"]
        if gt not in self.choices:
            raise ValueError(
                f"DelayMatchCategory: ground_truth must be one of {self.choices}, got {gt!r}"
            )
        sample_category = int(trial["sample_category"])
        test_category = sample_category if gt == "match" else 1 - sample_category
        sample_theta = (sample_category + float(rng.random())) * np.pi
        test_theta = (test_category + float(rng.random())) * np.pi
        trial["sample_theta"] = sample_theta
        trial["test_theta"] = test_theta
        self.add_period(["fixation", "sample", "first_delay", "test"])
        self.add_ob(1, where="fixation")
        self.set_ob(0, "test", where="fixation")
        self.add_ob(np.cos(self.theta - sample_theta) * 0.5 + 0.5, "sample", where="stimulus")
        self.add_ob(np.cos(self.theta - test_theta) * 0.5 + 0.5, "test", where="stimulus")
        if self.sigma > 0:
            self.add_randn(0, self.sigma, ["sample", "test"], where="stimulus")
        self.set_groundtruth(1 if gt == "match" else 2, "test")
        return trial

    def _step(self, action: Any) -> tuple[None, float, bool, bool, dict[str, Any]]:
        return judge_fixation_decision(self, action, decision="test")


declare_difference(
    "dual_delay_match_sample.performance", component="task dual_delay_match_sample",
    kind="bug fix",
    neurogym="a trial counts as correct as soon as any single response is (a random agent "
    "scores 0.93, measured)",
    neuroplug="performance is 1 when the agent responded in both tests and every response "
    "there was correct; rewards are NeuroGym's",
    reason="a random agent scores far from chance",
    test="tests/test_tasks_a.py::"
    "test_dual_delay_match_sample_needs_both_tests_right",
)


class DualDelayMatchSample(TrialEnv):
    """Two-item delayed match-to-sample: a cue says which of two held samples is tested next.

    Two samples (each one of two directions, coded as ``(cos, sin)`` pairs) are shown
    together. Then, twice, a cue names one sample and a test follows; the agent answers
    ``match`` (1) or ``non-match`` (2) during each test. Responses during the first test
    are rewarded (or not) step by step without ending the trial; the first response in
    the second test ends it. Responses outside the tests cost ``rewards["abort"]``.

    A ``ground_truth`` trial parameter (set by layers that bias ``choices``) fixes the
    answer to the first test, ``ground_truth1``.

    ``performance`` is 1 when the agent responded in both tests and every response it gave
    there was correct. (NeuroGym counts a trial as correct as soon as any single response is
    correct, which a random agent achieves on 93 % of trials; rewards are identical.)

    Args:
        dt: step duration in ms.
        rewards: overrides of ``{"abort": -0.1, "correct": +1.0, "fail": 0.0}``.
        timing: overrides of ``{"fixation": 500, "sample": 500, "delay1": 500, "cue1": 500,
            "test1": 500, "delay2": 500, "cue2": 500, "test2": 500}``.
        sigma: input noise std on every input during the sample and the tests (scaled by
            ``1/sqrt(dt)``).
    """

    metadata = {
        "paper_link": "https://science.sciencemag.org/content/354/6316/1136",
        "paper_name": "Reactivation of latent working memories with transcranial magnetic "
        "stimulation",
        "tags": ["perceptual", "working memory", "two-alternative", "supervised"],
        "render_modes": [],
    }

    def __init__(
        self,
        dt: float = 100,
        rewards: Mapping[str, float] | None = None,
        timing: Mapping[str, Any] | None = None,
        sigma: float = 1.0,
    ) -> None:
        super().__init__(dt=dt)
        self.choices = [1, 2]
        self.cues = [0, 1]
        self.sigma = scaled_sigma(sigma, self.dt)
        self.rewards = merged("rewards", {"abort": -0.1, "correct": +1.0, "fail": 0.0}, rewards)
        self.timing = check_timing(
            {"fixation": 500, "sample": 500, "delay1": 500, "cue1": 500, "test1": 500,
             "delay2": 500, "cue2": 500, "test2": 500},
            timing,
        )
        self.abort = False
        self.observation_space = spaces.Box(
            -np.inf, np.inf, shape=(7,), dtype=np.float32,
            name={"fixation": 0, "stimulus1": range(1, 3), "stimulus2": range(3, 5),
                  "cue1": 5, "cue2": 6},
        )
        self.action_space = spaces.Discrete(3, name={"fixation": 0, "match": 1, "non-match": 2})
        self._test1_ok = False

    def _new_trial(self, **kwargs: Any) -> dict[str, Any]:
        rng = self.rng
        trial = {
            "ground_truth1": int(_pick(rng, self.choices)),
            "ground_truth2": int(_pick(rng, self.choices)),
            "sample1": float(_pick(rng, (0.0, 0.5))),
            "sample2": float(_pick(rng, (0.0, 0.5))),
            "test_order": int(_pick(rng, (0, 1))),
        }
        if "ground_truth" in kwargs and "ground_truth1" not in kwargs:
            # layers that bias ``choices`` (side_bias, trial_history_v2) set ground_truth:
            # it is the answer to the first test
            trial["ground_truth1"] = int(kwargs["ground_truth"])
        trial.update(kwargs)
        gt1, gt2 = int(trial["ground_truth1"]), int(trial["ground_truth2"])
        sample1, sample2 = float(trial["sample1"]), float(trial["sample2"])
        test1 = sample1 if gt1 == 1 else 0.5 - sample1
        test2 = sample2 if gt2 == 1 else 0.5 - sample2
        trial["test1"], trial["test2"] = test1, test2
        if trial["test_order"] == 0:
            test_period1, test_period2, cue_period1, cue_period2 = "test1", "test2", "cue1", "cue2"
        else:
            test_period1, test_period2, cue_period1, cue_period2 = "test2", "test1", "cue2", "cue1"
        self.add_period(
            ["fixation", "sample", "delay1", "cue1", "test1", "delay2", "cue2", "test2"]
        )
        self.add_ob(1, where="fixation")
        self.add_ob(_angle(sample1), "sample", where="stimulus1")
        self.add_ob(_angle(sample2), "sample", where="stimulus2")
        self.add_ob(1, cue_period1, where="cue1")
        self.add_ob(1, cue_period2, where="cue2")
        self.add_ob(_angle(test1), test_period1, where="stimulus1")
        self.add_ob(_angle(test2), test_period2, where="stimulus2")
        if self.sigma > 0:
            self.add_randn(0, self.sigma, ["sample", "test1", "test2"])
        self.set_groundtruth(gt1, test_period1)
        self.set_groundtruth(gt2, test_period2)
        self._test1_ok = False
        self._test1_wrong = False
        return trial

    def _step(self, action: Any) -> tuple[None, float, bool, bool, dict[str, Any]]:
        t_ind = self.t_ind
        gt = self.gt[t_ind]
        new_trial = False
        reward = 0.0
        if action != 0:
            if self.start_ind["test1"] <= t_ind < self.end_ind["test1"]:
                if action == gt:
                    reward = self.rewards["correct"]
                    self._test1_ok = True
                else:
                    reward = self.rewards["fail"]
                    self._test1_wrong = True
            elif self.start_ind["test2"] <= t_ind < self.end_ind["test2"]:
                new_trial = True
                if action == gt:
                    reward = self.rewards["correct"]
                    self.performance = int(self._test1_ok and not self._test1_wrong)
                else:
                    reward = self.rewards["fail"]
            else:
                new_trial = self.abort
                reward = self.rewards["abort"]
        return None, reward, False, False, {"new_trial": new_trial, "gt": gt}


def _angle(fraction_of_pi: float) -> list[float]:
    """The ``(cos, sin)`` code of the direction ``fraction_of_pi * pi``."""
    theta = fraction_of_pi * np.pi
    return [float(np.cos(theta)), float(np.sin(theta))]
