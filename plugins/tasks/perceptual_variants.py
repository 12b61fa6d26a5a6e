"""Variants of perceptual decision making: a delayed response, and discrete evidence pulses.

(Kept beside ``perceptual.py`` rather than in it, so that each module has one owner.)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from neuroplug import TrialEnv, spaces
from neuroplug_plugins.tasks._checks import (
    check_int,
    check_non_negative,
    check_probability,
    check_timing,
    merged,
)
from neuroplug_plugins.tasks._common import fixation_stimulus_space, scaled_sigma
from neuroplug_plugins.tasks._judge import judge_fixation_decision


class PerceptualDecisionMakingDelayResponse(TrialEnv):
    """Perceptual decision making with a delayed response: report the stronger of two stimuli.

    Two noisy stimuli are shown together; one (``ground_truth``) is stronger by the
    trial's coherence. After a delay of random length, in the decision period (every input
    off) the agent reports the stronger one (action 1 or 2). Responses before the decision
    period are judged only in the fixation period (``abort``).

    Args:
        dt: step duration in ms.
        rewards: overrides of ``{"abort": -0.1, "correct": +1.0, "fail": 0.0}``.
        timing: overrides of ``{"fixation": 0, "stimulus": 1150, "delay": [300, 500, 700,
            900, 1200, 2000, 3200, 4000], "decision": 1500}``.
        stim_scale: multiplies the coherences ``[0, 6.4, 12.8, 25.6, 51.2]`` (difficulty).
        sigma: input noise std on the stimulus units (scaled by ``1/sqrt(dt)``).
    """

    metadata = {
        "paper_link": "https://www.nature.com/articles/s41586-019-0919-7",
        "paper_name": "Discrete attractor dynamics underlies persistent activity in the "
        "frontal cortex",
        "tags": ["perceptual", "delayed response", "two-alternative", "supervised"],
        "render_modes": [],
    }

    def __init__(
        self,
        dt: float = 100,
        rewards: Mapping[str, float] | None = None,
        timing: Mapping[str, Any] | None = None,
        stim_scale: float = 1.0,
        sigma: float = 1.0,
    ) -> None:
        super().__init__(dt=dt)
        self.choices = [1, 2]
        self.stim_scale = check_non_negative("stim_scale", stim_scale)
        self.cohs = np.array([0, 6.4, 12.8, 25.6, 51.2]) * self.stim_scale
        self.sigma = scaled_sigma(sigma, self.dt)
        self.rewards = merged("rewards", {"abort": -0.1, "correct": +1.0, "fail": 0.0}, rewards)
        self.timing = check_timing(
            {"fixation": 0, "stimulus": 1150,
             "delay": [300, 500, 700, 900, 1200, 2000, 3200, 4000], "decision": 1500},
            timing,
        )
        self.abort = False
        self.observation_space = fixation_stimulus_space(2)
        self.action_space = spaces.Discrete(3, name={"fixation": 0, "choice": [1, 2]})

    def _new_trial(self, **kwargs: Any) -> dict[str, Any]:
        rng = self.rng
        trial = {
            "ground_truth": int(self.choices[int(rng.integers(2))]),
            "coh": float(self.cohs[int(rng.integers(len(self.cohs)))]),
            "sigma": float(self.sigma),
        }
        trial.update(kwargs)
        gt = int(trial["ground_truth"])
        self.add_period(["fixation", "stimulus", "delay", "decision"])
        self.set_ob([1, 0, 0], "fixation")
        stim = self.view_ob("stimulus")
        stim[:, 0] = 1
        stim[:, 1:] = (1 - trial["coh"] / 100) / 2
        stim[:, gt] = (1 + trial["coh"] / 100) / 2
        if trial["sigma"] > 0:
            stim[:, 1:] += rng.standard_normal((stim.shape[0], 2)) * trial["sigma"]
        self.set_ob([1, 0, 0], "delay")
        self.set_groundtruth(gt, "decision")
        return trial

    def _step(self, action: Any) -> tuple[None, float, bool, bool, dict[str, Any]]:
        return judge_fixation_decision(self, action)


class PulseDecisionMaking(TrialEnv):
    """Pulse-based decision making: report the side that flashed more pulses.

    In each of ``n_bin`` time bins, each of two inputs flashes a brief pulse with its own
    probability (one side ``p_pulse[0]``, the other ``p_pulse[1]``, sides drawn at random).
    In the decision period (every input off) the agent reports the side with more pulses
    (action 1 for the first input, 2 for the second; ties are broken at random). Any
    response before the decision period costs ``rewards["abort"]``.

    Args:
        dt: step duration in ms (a pulse lasts one 10 ms step at the default).
        rewards: overrides of ``{"abort": -0.1, "correct": +1.0, "fail": 0.0}``.
        timing: overrides of ``{"fixation": 500, "decision": 500}`` and of ``cue{i}``
            (10 ms, the pulse) and ``bin{i}`` (240 ms, the gap after it) for each bin ``i``.
        p_pulse: the two pulse probabilities, each in [0, 1].
        n_bin: number of bins (pulse opportunities).
    """

    metadata = {
        "paper_link": "https://elifesciences.org/articles/11308",
        "paper_name": "Sources of noise during accumulation of evidence in unrestrained and "
        "voluntarily head-restrained rats",
        "tags": ["perceptual", "two-alternative", "supervised"],
        "render_modes": [],
    }

    def __init__(
        self,
        dt: float = 10,
        rewards: Mapping[str, float] | None = None,
        timing: Mapping[str, Any] | None = None,
        p_pulse: Sequence[float] = (0.3, 0.7),
        n_bin: int = 6,
    ) -> None:
        super().__init__(dt=dt)
        if isinstance(p_pulse, (str, bytes)) or not hasattr(p_pulse, "__len__") \
                or len(p_pulse) != 2:
            raise TypeError(f"p_pulse must be a pair of probabilities, got {p_pulse!r}")
        self.p_pulse = tuple(check_probability("p_pulse[]", p) for p in p_pulse)
        self.n_bin = check_int("n_bin", n_bin, 1)
        self.rewards = merged("rewards", {"abort": -0.1, "correct": +1.0, "fail": 0.0}, rewards)
        default_timing: dict[str, Any] = {"fixation": 500, "decision": 500}
        for i in range(self.n_bin):
            default_timing[f"cue{i}"] = 10
            default_timing[f"bin{i}"] = 240
        self.timing = check_timing(default_timing, timing)
        self.abort = False
        # ground_truth 0: the first input had more pulses (answer 1); 1: the second.
        self.choices = [0, 1]
        self._periods = ["fixation"]
        for i in range(self.n_bin):
            self._periods += [f"cue{i}", f"bin{i}"]
        self._periods.append("decision")
        self.observation_space = fixation_stimulus_space(2)
        self.action_space = spaces.Discrete(3, name={"fixation": 0, "choice": [1, 2]})

    def _draw(self) -> tuple[list[float], list[float], int]:
        rng = self.rng
        p1, p2 = self.p_pulse
        if rng.random() < 0.5:
            p1, p2 = p2, p1
        pulse1 = (rng.random(self.n_bin) < p1).astype(float)
        pulse2 = (rng.random(self.n_bin) < p2).astype(float)
        ground_truth = int(pulse1.sum() < pulse2.sum() + rng.uniform(-0.1, 0.1))
        return pulse1.tolist(), pulse2.tolist(), ground_truth

    def _new_trial(self, **kwargs: Any) -> dict[str, Any]:
        pulse1, pulse2, ground_truth = self._draw()
        wanted = kwargs.get("ground_truth")
        if wanted is not None and "pulse1" not in kwargs and "pulse2" not in kwargs:
            # A layer asked for this answer: redraw until the pulses agree with it.
            if wanted not in self.choices:
                raise ValueError(
                    f"PulseDecisionMaking: ground_truth must be 0 or 1, got {wanted!r}"
                )
            for _ in range(10_000):
                if ground_truth == wanted:
                    break
                pulse1, pulse2, ground_truth = self._draw()
            else:
                raise ValueError(
                    f"PulseDecisionMaking: p_pulse={self.p_pulse} never gives "
                    f"ground_truth={wanted!r}"
                )
        trial: dict[str, Any] = {"pulse1": pulse1, "pulse2": pulse2}
        trial.update(kwargs)
        if "pulse1" in kwargs or "pulse2" in kwargs:
            n1, n2 = sum(trial["pulse1"]), sum(trial["pulse2"])
            ground_truth = int(n1 < n2 + self.rng.uniform(-0.1, 0.1))
        trial["ground_truth"] = ground_truth
        self.add_period(self._periods)
        self.add_ob(1, where="fixation")
        for i in range(self.n_bin):
            self.add_ob(trial["pulse1"][i], f"cue{i}", where=1)
            self.add_ob(trial["pulse2"][i], f"cue{i}", where=2)
        self.set_ob(0, "decision")
        self.set_groundtruth(ground_truth, "decision", where="choice")
        return trial

    def _step(self, action: Any) -> tuple[None, float, bool, bool, dict[str, Any]]:
        # Fixation is required at every step outside the decision period.
        return judge_fixation_decision(self, action, fixation=None)
