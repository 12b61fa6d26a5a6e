"""The Go family of Yang et al. (2019): go, anti, rtgo, rtanti, dlygo, dlyanti.

A stimulus appears at one of ``dim_ring`` directions in one of the two modalities; the
agent responds towards it (go) or to the opposite direction (anti) when the fixation input
turns off. ``rt*`` tasks have no fixation offset to wait for: the stimulus is the go cue and
stays on during the response. ``dly*`` tasks put a delay between the stimulus and the go cue.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import numpy as np

from neuroplug.fidelity import declare_difference
from neuroplug_plugins.yang19._base import (
    Yang19Task,
    check_direction,
    check_modality,
    gaussian_bump,
)

GO_TIMING = {"fixation": 500, "stimulus": 500, "delay": 0, "decision": 500}
RT_TIMING = {"fixation": 500, "decision": 500}


declare_difference(
    "yang19.go_sigma",
    component="task yang19.go, yang19.anti, yang19.rtgo, yang19.rtanti, "
    "yang19.dlygo, yang19.dlyanti",
    kind="option",
    neurogym="the Go family has no input noise (and no sigma parameter)",
    neuroplug="sigma defaults to 0, NeuroGym's noiseless inputs; sigma > 0 adds noise like "
    "the other families of the collection",
    reason="noise is what Yang et al. 2019 trained with; off by default to keep NeuroGym's "
    "data",
    test="tests/test_fidelity.py::"
    "test_yang19_go_family_is_noiseless_by_default",
)


declare_difference(
    "yang19.go_modality",
    component="task yang19.go, yang19.anti, yang19.rtgo, yang19.rtanti, "
    "yang19.dlygo, yang19.dlyanti, yang19.dms, yang19.dnms, yang19.dmc, yang19.dnmc",
    kind="bug fix",
    neurogym="each task is a ScheduleEnvs over one env per modality under a RandomSchedule "
    "of 2, which strictly alternates the modality; an agent following the ground "
    "truth scores 0.5 on the Go family (measured)",
    neuroplug="one task draws the modality of each trial at random (modality=1 or 2 fixes it)",
    reason="a perfect agent cannot score 1 on NeuroGym's composite",
    test="tests/test_yang19.py::"
    "test_stimulus_appears_in_one_modality_drawn_per_trial",
)


class GoFamily(Yang19Task):
    """Respond towards (or away from) a stimulus shown in one of two modalities.

    Args:
        dt, rewards, timing, sigma, dim_ring: see :class:`Yang19Task`. Timing defaults:
            ``{"fixation": 500, "stimulus": 500, "delay": 0, "decision": 500}``, or
            ``{"fixation": 500, "decision": 500}`` with ``reaction=True``.
        anti: respond to the direction opposite the stimulus.
        reaction: reaction-time version: the stimulus appears at the go cue.
        modality: the stimulus modality (1 or 2); ``None`` draws one per trial, as
            NeuroGym's schedule over one env per modality does.
    """

    def __init__(
        self,
        dt: float = 100,
        rewards: Mapping[str, float] | None = None,
        timing: Mapping[str, Any] | None = None,
        sigma: float = 0.0,
        dim_ring: int = 16,
        anti: bool = False,
        reaction: bool = False,
        modality: int | None = None,
        *,
        default_timing: Mapping[str, Any] | None = None,
        fixation_through_stimulus: bool = False,
    ) -> None:
        for name, value in (("anti", anti), ("reaction", reaction)):
            if not isinstance(value, (bool, np.bool_)):
                raise TypeError(f"{name} must be a bool, got {value!r}")
        self.anti = bool(anti)
        self.reaction = bool(reaction)
        if default_timing is None:
            default_timing = RT_TIMING if self.reaction else GO_TIMING
        super().__init__(dt=dt, fixation_through_stimulus=fixation_through_stimulus,
                         rewards=rewards, timing=timing, sigma=sigma, dim_ring=dim_ring,
                         default_timing=default_timing)
        self.modality = check_modality(modality)

    def _new_trial(self, **kwargs: Any) -> dict[str, Any]:
        trial = {
            "ground_truth": int(self.rng.integers(self.dim_ring)),
            "modality": self._draw_modality(self.modality),
            "anti": self.anti,
        }
        trial.update(kwargs)
        target = trial["ground_truth"] = check_direction(trial["ground_truth"], self.dim_ring)
        stim_theta = self.theta[target] + (np.pi if trial["anti"] else 0.0)
        trial["stim_theta"] = float(np.mod(stim_theta, 2 * np.pi))
        if trial["modality"] not in (1, 2):
            raise ValueError(f"trial modality must be 1 or 2, got {trial['modality']!r}")
        where = f"stimulus_mod{trial['modality']}"
        stim = gaussian_bump(trial["stim_theta"], self.theta, 1.0)
        if self.reaction:
            self.add_period(["fixation", "decision"])
            self.add_ob(1, "fixation", where="fixation")
            stim_periods = ["decision"]
        else:
            self.add_period(["fixation", "stimulus", "delay", "decision"])
            self.add_ob(1, ["fixation", "stimulus", "delay"], where="fixation")
            stim_periods = ["stimulus"]
        self.add_ob(stim, stim_periods, where=where)
        if self.sigma > 0:
            self.add_randn(0, self.sigma, stim_periods, where="stimulus")
        self.set_groundtruth(target, period="decision", where="choice")
        self._nogo = False
        return trial


class _GoTask(GoFamily):
    """Shared signature of the six registered Go-family tasks (their variant is fixed)."""

    ANTI: ClassVar[bool] = False
    REACTION: ClassVar[bool] = False
    DELAY: ClassVar[float | None] = None

    def __init__(
        self,
        dt: float = 100,
        rewards: Mapping[str, float] | None = None,
        timing: Mapping[str, Any] | None = None,
        sigma: float = 0.0,
        dim_ring: int = 16,
        modality: int | None = None,
        fixation_through_stimulus: bool = False,
    ) -> None:
        default = dict(RT_TIMING if self.REACTION else GO_TIMING)
        if self.DELAY is not None:
            default["delay"] = self.DELAY
        super().__init__(dt=dt, fixation_through_stimulus=fixation_through_stimulus,
                         rewards=rewards, timing=timing, sigma=sigma, dim_ring=dim_ring,
                         anti=self.ANTI, reaction=self.REACTION, modality=modality,
                         default_timing=default)


class Go(_GoTask):
    """Go: after the fixation input turns off, respond towards the stimulus direction."""


class Anti(_GoTask):
    """Anti: after the fixation input turns off, respond opposite the stimulus direction."""

    ANTI = True


class RTGo(_GoTask):
    """Reaction-time go: respond towards the stimulus as soon as it appears."""

    REACTION = True


class RTAnti(_GoTask):
    """Reaction-time anti: respond opposite the stimulus as soon as it appears."""

    ANTI = True
    REACTION = True


class DlyGo(_GoTask):
    """Delayed go: remember the stimulus direction over a 500 ms delay, then respond to it."""

    DELAY = 500


class DlyAnti(_GoTask):
    """Delayed anti: remember the stimulus over a 500 ms delay, then respond opposite it."""

    ANTI = True
    DELAY = 500
