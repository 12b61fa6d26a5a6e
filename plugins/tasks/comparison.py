"""Comparison tasks: two stimuli separated by a delay; report which one was larger or longer."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from numbers import Real
from typing import Any

import numpy as np

from neuroplug import TrialEnv, spaces
from neuroplug_plugins.tasks._checks import check_timing, merged
from neuroplug_plugins.tasks._common import scaled_sigma
from neuroplug_plugins.tasks._judge import judge_fixation_decision

_DEFAULT_VPAIRS = [(18, 10), (22, 14), (26, 18), (30, 22), (34, 26)]


def _check_vpairs(vpairs: Sequence[Sequence[float]] | None) -> list[tuple[float, float]]:
    """A non-empty list of pairs of two different numbers, not all pairs the same values."""
    if vpairs is None:
        return [(float(a), float(b)) for a, b in _DEFAULT_VPAIRS]
    if isinstance(vpairs, (str, bytes)) or not hasattr(vpairs, "__len__"):
        raise TypeError(f"vpairs must be a list of (v1, v2) pairs of numbers, got {vpairs!r}")
    if len(vpairs) == 0:
        raise ValueError("vpairs must not be empty")
    pairs = []
    for pair in vpairs:
        if isinstance(pair, (str, bytes)) or not hasattr(pair, "__len__") or len(pair) != 2 \
                or any(isinstance(v, bool) or not isinstance(v, Real) for v in pair):
            raise TypeError(f"vpairs: each entry must be a pair of numbers, got {pair!r}")
        if pair[0] == pair[1]:
            raise ValueError(
                f"vpairs: the two values of a pair must differ (one must be larger), got {pair!r}"
            )
        pairs.append((float(pair[0]), float(pair[1])))
    return pairs


class DelayComparison(TrialEnv):
    """Delayed comparison: report which of two stimuli, separated by a delay, was larger.

    Two scalar stimuli (e.g. the vibration frequencies of Romo's vibrotactile task, coded
    between 0.5 and 1 on one input unit) are shown one after the other with a delay in
    between; in the decision period (every input off) the agent answers 1 if the first was
    larger and 2 if the second was.

    Args:
        dt: step duration in ms.
        vpairs: pairs of stimulus values; each trial uses one pair, in random order
            (default ``[(18, 10), (22, 14), (26, 18), (30, 22), (34, 26)]``). A pair may be
            given in either order: the larger value is shown first when ``ground_truth`` is
            1. (NeuroGym assumes the larger value comes first in each pair.)
        rewards: overrides of ``{"abort": -0.1, "correct": +1.0, "fail": 0.0}``.
        timing: overrides of ``{"fixation": 500, "stimulus1": 500, "delay": 1000,
            "stimulus2": 500, "decision": 100}``.
        sigma: input noise std on every input during both stimuli (scaled by
            ``1/sqrt(dt)``).
    """

    metadata = {
        "paper_link": "https://www.jneurosci.org/content/30/28/9424",
        "paper_name": "Neuronal Population Coding of Parametric Working Memory",
        "tags": ["perceptual", "working memory", "two-alternative", "supervised"],
        "render_modes": [],
    }

    def __init__(
        self,
        dt: float = 100,
        vpairs: Sequence[Sequence[float]] | None = None,
        rewards: Mapping[str, float] | None = None,
        timing: Mapping[str, Any] | None = None,
        sigma: float = 1.0,
    ) -> None:
        super().__init__(dt=dt)
        self.vpairs = _check_vpairs(vpairs)
        self.sigma = scaled_sigma(sigma, self.dt)
        self.rewards = merged("rewards", {"abort": -0.1, "correct": +1.0, "fail": 0.0}, rewards)
        self.timing = check_timing(
            {"fixation": 500, "stimulus1": 500, "delay": 1000, "stimulus2": 500,
             "decision": 100},
            timing,
        )
        self.abort = False
        self.vall = np.ravel(self.vpairs)
        self.vmin = float(np.min(self.vall))
        self.vmax = float(np.max(self.vall))
        self.observation_space = spaces.Box(
            -np.inf, np.inf, shape=(2,), dtype=np.float32, name={"fixation": 0, "stimulus": 1}
        )
        self.action_space = spaces.Discrete(3, name={"fixation": 0, "choice": [1, 2]})
        self.choices = [1, 2]

    def represent(self, v: float) -> float:
        """Input code of stimulus value ``v``: ``vmin`` -> 0.5, ``vmax`` -> 1."""
        return (1 + (v - self.vmin) / (self.vmax - self.vmin)) / 2

    def _new_trial(self, **kwargs: Any) -> dict[str, Any]:
        rng = self.rng
        trial = {
            "ground_truth": int(self.choices[int(rng.integers(2))]),
            "vpair": self.vpairs[int(rng.integers(len(self.vpairs)))],
        }
        trial.update(kwargs)
        big, small = max(trial["vpair"]), min(trial["vpair"])
        v1, v2 = (big, small) if trial["ground_truth"] == 1 else (small, big)
        trial["v1"], trial["v2"] = v1, v2
        self.add_period(["fixation", "stimulus1", "delay", "stimulus2", "decision"])
        self.add_ob(1, where="fixation")
        self.add_ob(self.represent(v1), "stimulus1", where="stimulus")
        self.add_ob(self.represent(v2), "stimulus2", where="stimulus")
        self.set_ob(0, "decision")
        if self.sigma > 0:
            self.add_randn(0, self.sigma, ["stimulus1", "stimulus2"])
        self.set_groundtruth(trial["ground_truth"], "decision")
        return trial

    def _step(self, action: Any) -> tuple[None, float, bool, bool, dict[str, Any]]:
        return judge_fixation_decision(self, action)


class IntervalDiscrimination(TrialEnv):
    """Interval discrimination: report which of two stimuli, separated by a delay, lasted longer.

    Two stimuli of random durations are shown one after the other (each on its own input
    unit); after a second delay the agent answers 1 if the first lasted longer and 2
    otherwise (ties, possible once durations are rounded to ``dt``, count as 2), in the
    decision period (every input off).

    Args:
        dt: step duration in ms.
        rewards: overrides of ``{"abort": -0.1, "correct": +1.0, "fail": 0.0}``.
        timing: overrides of ``{"fixation": 300, "stim1": ("uniform", (300, 600)),
            "delay1": ("uniform", (800, 1500)), "stim2": ("uniform", (300, 600)),
            "delay2": 500, "decision": 300}``.
    """

    metadata = {
        "paper_link": "https://www.sciencedirect.com/science/article/pii/S0896627309004887",
        "paper_name": "Feature- and Order-Based Timing Representations in the Frontal Cortex",
        "tags": ["timing", "working memory", "delayed response", "two-alternative",
                 "supervised"],
        "render_modes": [],
    }

    def __init__(
        self,
        dt: float = 80,
        rewards: Mapping[str, float] | None = None,
        timing: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(dt=dt)
        self.rewards = merged("rewards", {"abort": -0.1, "correct": +1.0, "fail": 0.0}, rewards)
        self.timing = check_timing(
            {"fixation": 300, "stim1": ("uniform", (300, 600)),
             "delay1": ("uniform", (800, 1500)), "stim2": ("uniform", (300, 600)),
             "delay2": 500, "decision": 300},
            timing,
        )
        self.abort = False
        self.choices = [1, 2]
        self.observation_space = spaces.Box(
            -np.inf, np.inf, shape=(3,), dtype=np.float32,
            name={"fixation": 0, "stim1": 1, "stim2": 2},
        )
        self.action_space = spaces.Discrete(3, name={"fixation": 0, "choice1": 1, "choice2": 2})

    def _new_trial(self, **kwargs: Any) -> dict[str, Any]:
        d1 = kwargs.get("duration1", self.sample_time("stim1"))
        d2 = kwargs.get("duration2", self.sample_time("stim2"))
        wanted = kwargs.get("ground_truth")
        if wanted is not None and "duration1" not in kwargs and "duration2" not in kwargs:
            # A layer asked for this answer: swap the two draws, or redraw a tie.
            for _ in range(100):
                if (1 if d1 > d2 else 2) == wanted:
                    break
                if d1 != d2:
                    d1, d2 = d2, d1
                else:
                    d1, d2 = self.sample_time("stim1"), self.sample_time("stim2")
            else:
                raise ValueError(
                    f"IntervalDiscrimination: cannot draw durations with ground_truth="
                    f"{wanted!r} from timing stim1={self.timing['stim1']!r}, "
                    f"stim2={self.timing['stim2']!r}"
                )
        trial = {"duration1": float(d1), "duration2": float(d2)}
        trial.update(kwargs)
        trial["ground_truth"] = 1 if trial["duration1"] > trial["duration2"] else 2
        self.add_period(
            ["fixation", "stim1", "delay1", "stim2", "delay2", "decision"],
            duration=[None, trial["duration1"], None, trial["duration2"], None, None],
        )
        self.add_ob(1, where="fixation")
        self.add_ob(1, "stim1", where="stim1")
        self.add_ob(1, "stim2", where="stim2")
        self.set_ob(0, "decision")
        self.set_groundtruth(trial["ground_truth"], "decision")
        return trial

    def _step(self, action: Any) -> tuple[None, float, bool, bool, dict[str, Any]]:
        return judge_fixation_decision(self, action)

