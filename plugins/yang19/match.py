"""The matching family of Yang et al. (2019): dms, dnms, dmc, dnmc.

A sample stimulus, a delay, then a test stimulus, in one of the two modalities. The test
matches the sample when it has the same direction (``matchto="sample"``; a non-match is the
opposite direction) or the same category (``matchto="category"``; the categories are the
two half rings, directions in [0, pi) and [pi, 2 pi)). In the ``matchgo`` tasks (dms, dmc)
the agent responds towards the test on a match and keeps fixating otherwise; in the
non-match tasks (dnms, dnmc) the other way round.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import numpy as np

from neuroplug_plugins.yang19._base import Yang19Task, check_modality, gaussian_bump

MATCH_TIMING = {"fixation": 300, "sample": 500, "delay": 1000, "test": 500, "decision": 900}
MATCH_TO = ("sample", "category")
CHOICES = ("match", "non-match")


class DelayMatchFamily(Yang19Task):
    """Compare a test stimulus with a remembered sample; respond or hold fixation.

    Args:
        dt, rewards, timing, sigma, dim_ring: see :class:`Yang19Task`; ``dim_ring`` must be
            even. Timing defaults: ``{"fixation": 300, "sample": 500, "delay": 1000,
            "test": 500, "decision": 900}``.
        matchto: ``"sample"`` (same direction) or ``"category"`` (same half ring).
        matchgo: respond on a match (True) or on a non-match (False).
        modality: the stimulus modality (1 or 2); ``None`` draws one per trial.

    Trial parameters: ``ground_truth`` (``"match"`` or ``"non-match"``, drawn 50/50),
    ``modality``, ``i_sample`` / ``i_test`` (ring indices) and their angles.
    """

    def __init__(
        self,
        dt: float = 100,
        rewards: Mapping[str, float] | None = None,
        timing: Mapping[str, Any] | None = None,
        sigma: float = 1.0,
        dim_ring: int = 16,
        matchto: str = "sample",
        matchgo: bool = True,
        modality: int | None = None,
        fixation_through_stimulus: bool = False,
    ) -> None:
        if matchto not in MATCH_TO:
            raise ValueError(f"matchto must be one of {MATCH_TO}, got {matchto!r}")
        if not isinstance(matchgo, (bool, np.bool_)):
            raise TypeError(f"matchgo must be a bool, got {matchgo!r}")
        super().__init__(dt=dt, fixation_through_stimulus=fixation_through_stimulus,
                         rewards=rewards, timing=timing, sigma=sigma, dim_ring=dim_ring,
                         even_ring=True, default_timing=MATCH_TIMING)
        self.matchto = matchto
        self.matchgo = bool(matchgo)
        self.modality = check_modality(modality)
        self.half_ring = self.dim_ring // 2
        self.choices = CHOICES

    def _new_trial(self, **kwargs: Any) -> dict[str, Any]:
        rng, d, half = self.rng, self.dim_ring, self.half_ring
        trial: dict[str, Any] = {
            "ground_truth": CHOICES[int(rng.integers(2))],
            "modality": self._draw_modality(self.modality),
        }
        trial.update(kwargs)
        if trial["ground_truth"] not in CHOICES:
            raise ValueError(
                f"trial ground_truth must be one of {CHOICES}, got {trial['ground_truth']!r}"
            )
        match = trial["ground_truth"] == "match"
        i_sample = int(rng.integers(d))
        if self.matchto == "category":
            sample_category = int(i_sample >= half)
            test_category = sample_category if match else 1 - sample_category
            i_test = int(rng.integers(half)) + test_category * half
        else:
            i_test = i_sample if match else (i_sample + half) % d
        trial["i_sample"], trial["i_test"] = i_sample, i_test
        trial["sample_theta"] = float(self.theta[i_sample])
        trial["test_theta"] = float(self.theta[i_test])

        self.add_period(["fixation", "sample", "delay", "test", "decision"])
        self.add_ob(1, ["fixation", "sample", "delay", "test"], where="fixation")
        if trial["modality"] not in (1, 2):
            raise ValueError(f"trial modality must be 1 or 2, got {trial['modality']!r}")
        where = f"stimulus_mod{trial['modality']}"
        self.add_ob(gaussian_bump(trial["sample_theta"], self.theta, 1.0), "sample", where=where)
        self.add_ob(gaussian_bump(trial["test_theta"], self.theta, 1.0), "test", where=where)
        if self.sigma > 0:
            self.add_randn(0, self.sigma, ["sample", "test"], where="stimulus")
        go = match == self.matchgo
        self._nogo = not go
        if go:
            self.set_groundtruth(i_test, period="decision", where="choice")
        else:
            self.set_groundtruth(0)
        trial["go"] = go
        return trial


class _MatchTask(DelayMatchFamily):
    """Shared signature of the four registered tasks of the family (their variant is fixed)."""

    MATCHTO: ClassVar[str] = "sample"
    MATCHGO: ClassVar[bool] = True

    def __init__(
        self,
        dt: float = 100,
        rewards: Mapping[str, float] | None = None,
        timing: Mapping[str, Any] | None = None,
        sigma: float = 1.0,
        dim_ring: int = 16,
        modality: int | None = None,
        fixation_through_stimulus: bool = False,
    ) -> None:
        super().__init__(dt=dt, fixation_through_stimulus=fixation_through_stimulus,
                         rewards=rewards, timing=timing, sigma=sigma, dim_ring=dim_ring,
                         matchto=self.MATCHTO, matchgo=self.MATCHGO, modality=modality)


class DMS(_MatchTask):
    """Delayed match-to-sample: respond towards the test if its direction matches the sample."""


class DNMS(_MatchTask):
    """Delayed non-match-to-sample: respond towards the test if it differs from the sample."""

    MATCHGO = False


class DMC(_MatchTask):
    """Delayed match-to-category: respond towards the test if it is in the sample's category."""

    MATCHTO = "category"


class DNMC(_MatchTask):
    """Delayed non-match-to-category: respond towards the test if its category differs."""

    MATCHTO = "category"
    MATCHGO = False
