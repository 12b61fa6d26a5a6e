"""The decision-making family of Yang et al. (2019): dm1, dm2, ctxdm1, ctxdm2, multidm and
their delayed versions dlydm1, dlydm2, ctxdlydm1, ctxdlydm2, multidlydm.

Two stimuli at different directions are shown, each with a strength in each shown modality;
the agent responds towards the stronger one. Which modalities count is set by ``w_mod``:
one modality (dm1/dm2: the other is not shown; ctxdm1/ctxdm2: the other is shown and must be
ignored) or the sum of both (multidm). In the plain versions the two stimuli are shown
together; in the delayed versions one after the other, separated by a delay.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from numbers import Real
from typing import Any, ClassVar

import numpy as np

from neuroplug.fidelity import declare_difference
from neuroplug_plugins.tasks._checks import check_cohs
from neuroplug_plugins.yang19._base import Yang19Task, check_direction, gaussian_bump

DM_COHS = (0.08, 0.16, 0.32, 0.64)
DLYDM_COHS = (0.3, 0.6, 1.0)
DM_TIMING = {"fixation": ("uniform", (200, 500)), "stimulus": 500, "decision": 200}
DLYDM_TIMING = {
    "fixation": ("uniform", (200, 500)),
    "stim1": 500,
    "delay": 1000,
    "stim2": 500,
    "decision": 200,
}
_TIE_REDRAWS = 20


def _check_pair(name: str, value: Any, bools: bool) -> tuple:
    """A (modality 1, modality 2) pair of bools, or of numbers when not ``bools``."""
    what = "bools" if bools else "numbers"
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence) or len(value) != 2:
        raise TypeError(f"{name} must be a pair (modality 1, modality 2) of {what}, got {value!r}")
    for v in value:
        is_bool = isinstance(v, (bool, np.bool_))
        if is_bool != bools or not (is_bool or isinstance(v, Real)):
            raise TypeError(f"{name} must be a pair of {what}, got {value!r}")
    return tuple(value)


declare_difference(
    "yang19.dm_ties",
    component="task yang19.ctxdm1, yang19.ctxdm2, yang19.multidm, "
    "yang19.ctxdlydm1, yang19.ctxdlydm2, yang19.multidlydm",
    kind="bug fix",
    neurogym="two draws can tie in the modalities that count, and a tie's answer is drawn at "
    "random",
    neuroplug="ties are redrawn, so every trial has a correct answer",
    reason="a perfect agent cannot score 1 on ties",
    test="tests/test_yang19.py::"
    "test_multimodal_tasks_never_tie",
)


class DecisionMakingFamily(Yang19Task):
    """Respond towards the stronger of two stimuli, judged in one modality or both.

    ``STIMULUS_TIMING`` (class attribute) overrides the plain version's default stimulus
    timing: NeuroGym 2.3.1's ``dm1`` draws its stimulus from 200, 400 or 600 ms while the
    other tasks of the family show it for 500 ms.

    Args:
        dt, rewards, timing, sigma, dim_ring: see :class:`Yang19Task`. Timing defaults:
            ``{"fixation": ("uniform", (200, 500)), "stimulus": 500, "decision": 200}``, or
            with ``delaycomparison``: ``{"fixation": ("uniform", (200, 500)), "stim1": 500,
            "delay": 1000, "stim2": 500, "decision": 200}``.
        cohs: coherences. Plain version: a trial draws ``c`` from ``cohs`` and a sign, and
            the stimuli have strengths ``0.5 + c/2`` and ``0.5 - c/2`` (default 0.08, 0.16,
            0.32, 0.64; each must be <= 1). Delayed version: the two strengths are two
            different values of ``cohs`` (default 0.3, 0.6, 1.0).
        w_mod: weight of each modality in the decision, e.g. ``(1, 0)``: modality 1 only.
        stim_mod: whether each modality shows the stimuli.
        delaycomparison: show the two stimuli one after the other, separated by a delay.

    A requested ``ground_truth`` (a direction index, e.g. from ``side_bias``) becomes the
    answer: the first stimulus is put there and made the stronger.

    In a multi-modality task two draws can tie (e.g. modality 1 favours the first stimulus
    exactly as much as modality 2 favours the second); such draws are redrawn, so every
    trial has a correct answer, as in the paper (NeuroGym answers ties at random).
    """

    STIMULUS_TIMING: ClassVar[dict[str, Any]] = {}

    def __init__(
        self,
        dt: float = 100,
        rewards: Mapping[str, float] | None = None,
        timing: Mapping[str, Any] | None = None,
        sigma: float = 1.0,
        cohs: Sequence[float] | None = None,
        dim_ring: int = 16,
        w_mod: Sequence[float] = (1, 1),
        stim_mod: Sequence[bool] = (True, True),
        delaycomparison: bool = True,
        fixation_through_stimulus: bool = False,
    ) -> None:
        if not isinstance(delaycomparison, (bool, np.bool_)):
            raise TypeError(f"delaycomparison must be a bool, got {delaycomparison!r}")
        self.delaycomparison = bool(delaycomparison)
        super().__init__(
            dt=dt, fixation_through_stimulus=fixation_through_stimulus,
            rewards=rewards, timing=timing, sigma=sigma, dim_ring=dim_ring,
            default_timing=DLYDM_TIMING if self.delaycomparison
            else {**DM_TIMING, **self.STIMULUS_TIMING},
        )
        self.cohs = check_cohs(cohs, default=DLYDM_COHS if self.delaycomparison else DM_COHS)
        if self.delaycomparison and len(np.unique(self.cohs)) < 2:
            raise ValueError(
                f"cohs must hold at least 2 different values for a delayed comparison "
                f"(the two stimuli differ), got {list(self.cohs)}"
            )
        if not self.delaycomparison and np.any(self.cohs > 1):
            raise ValueError(
                f"cohs must be <= 1 (stimulus strengths are 0.5 +- coh/2), got {list(self.cohs)}"
            )
        w = _check_pair("w_mod", w_mod, bools=False)
        if any(x < 0 for x in w) or not any(x > 0 for x in w):
            raise ValueError(f"w_mod must be >= 0 with at least one > 0, got {w_mod!r}")
        shown = _check_pair("stim_mod", stim_mod, bools=True)
        if not any(shown):
            raise ValueError(f"stim_mod must show at least one modality, got {stim_mod!r}")
        for i in (0, 1):
            if w[i] > 0 and not shown[i]:
                raise ValueError(
                    f"w_mod gives weight {w[i]!r} to modality {i + 1}, which stim_mod "
                    f"{stim_mod!r} does not show"
                )
        self.w_mod = tuple(float(x) for x in w)
        self.stim_mod = tuple(bool(x) for x in shown)
        self._mods = [i + 1 for i in (0, 1) if self.stim_mod[i]]

    def _draw_strengths(self, trial: dict[str, Any]) -> None:
        rng, cohs = self.rng, self.cohs
        for mod in self._mods:
            if self.delaycomparison:
                i, j = rng.choice(len(cohs), size=2, replace=False)
                c1, c2 = float(cohs[i]), float(cohs[j])
                while c1 == c2:  # duplicated values in cohs
                    c2 = float(cohs[int(rng.integers(len(cohs)))])
            else:
                c = float(cohs[int(rng.integers(len(cohs)))]) * (1 if rng.random() < 0.5 else -1)
                c1, c2 = 0.5 + c / 2, 0.5 - c / 2
            trial[f"coh1_mod{mod}"], trial[f"coh2_mod{mod}"] = c1, c2

    def _evidence(self, trial: Mapping[str, Any]) -> float:
        """Weighted strength of stimulus 1 minus that of stimulus 2."""
        return sum(
            self.w_mod[mod - 1] * (trial[f"coh1_mod{mod}"] - trial[f"coh2_mod{mod}"])
            for mod in self._mods
        )

    def _impose_target(self, trial: dict[str, Any], target: Any) -> None:
        """Make direction ``target`` the answer (a layer such as side_bias asked for it):
        stimulus 1 goes there, and the strengths are swapped if stimulus 2 was stronger."""
        target = check_direction(target, self.dim_ring)
        trial["i_theta1"] = target
        if trial["i_theta2"] == target:
            trial["i_theta2"] = (int(target) + 1 + int(self.rng.integers(self.dim_ring - 1))) \
                % self.dim_ring
        if self._evidence(trial) < 0:
            for mod in self._mods:
                trial[f"coh1_mod{mod}"], trial[f"coh2_mod{mod}"] = (
                    trial[f"coh2_mod{mod}"], trial[f"coh1_mod{mod}"])

    def _new_trial(self, **kwargs: Any) -> dict[str, Any]:
        rng, d = self.rng, self.dim_ring
        i1 = int(rng.integers(d))
        i2 = (i1 + 1 + int(rng.integers(d - 1))) % d  # uniform over the other directions
        trial: dict[str, Any] = {"i_theta1": i1, "i_theta2": i2}
        for _ in range(_TIE_REDRAWS):
            self._draw_strengths(trial)
            if abs(self._evidence(trial)) > 1e-9:
                break
        requested = kwargs.pop("ground_truth", None)
        trial.update(kwargs)
        if requested is not None:
            self._impose_target(trial, requested)
        trial["theta1"] = float(self.theta[trial["i_theta1"]])
        trial["theta2"] = float(self.theta[trial["i_theta2"]])
        evidence = self._evidence(trial)
        if requested is not None:
            first = True
        else:
            # An unavoidable tie (e.g. coherence 0 in one modality) makes either answer right.
            first = rng.random() < 0.5 if abs(evidence) <= 1e-9 else evidence > 0
        trial["ground_truth"] = trial["i_theta1"] if first else trial["i_theta2"]

        if self.delaycomparison:
            self.add_period(["fixation", "stim1", "delay", "stim2", "decision"])
            period1, period2 = "stim1", "stim2"
            stim_periods = ["stim1", "stim2"]
        else:
            self.add_period(["fixation", "stimulus", "decision"])
            period1 = period2 = "stimulus"
            stim_periods = ["stimulus"]
        # NeuroGym 2.3.1's decision family shows the fixation input in the fixation period
        # only; with fixation_through_stimulus it stays on until the decision.
        cue = ([p for p in self.periods if p != "decision"] if self.fixation_through_stimulus
               else "fixation")
        self.add_ob(1, cue, where="fixation")
        for mod in self._mods:
            where = f"stimulus_mod{mod}"
            self.add_ob(gaussian_bump(trial["theta1"], self.theta, trial[f"coh1_mod{mod}"]),
                        period1, where=where)
            self.add_ob(gaussian_bump(trial["theta2"], self.theta, trial[f"coh2_mod{mod}"]),
                        period2, where=where)
        if self.sigma > 0:
            self.add_randn(0, self.sigma, stim_periods, where="stimulus")
        self.set_groundtruth(trial["ground_truth"], period="decision", where="choice")
        self._nogo = False
        return trial


class _DMTask(DecisionMakingFamily):
    """Shared signature of the ten registered tasks of the family (their variant is fixed)."""

    W_MOD: ClassVar[tuple[float, float]] = (1, 1)
    STIM_MOD: ClassVar[tuple[bool, bool]] = (True, True)
    DELAY: ClassVar[bool] = False

    def __init__(
        self,
        dt: float = 100,
        rewards: Mapping[str, float] | None = None,
        timing: Mapping[str, Any] | None = None,
        sigma: float = 1.0,
        cohs: Sequence[float] | None = None,
        dim_ring: int = 16,
        fixation_through_stimulus: bool = False,
    ) -> None:
        super().__init__(dt=dt, fixation_through_stimulus=fixation_through_stimulus,
                         rewards=rewards, timing=timing, sigma=sigma, cohs=cohs,
                         dim_ring=dim_ring, w_mod=self.W_MOD, stim_mod=self.STIM_MOD,
                         delaycomparison=self.DELAY)


class DM1(_DMTask):
    """Decision making, modality 1: both stimuli in modality 1 only; pick the stronger.
    The stimulus lasts 200, 400 or 600 ms (NeuroGym 2.3.1's ``dm1``)."""

    W_MOD, STIM_MOD = (1, 0), (True, False)
    STIMULUS_TIMING: ClassVar[dict[str, Any]] = {"stimulus": ("choice", [200, 400, 600])}


class DM2(_DMTask):
    """Decision making, modality 2: both stimuli in modality 2 only; pick the stronger."""

    W_MOD, STIM_MOD = (0, 1), (False, True)


class CtxDM1(_DMTask):
    """Context decision making 1: stimuli in both modalities; judge modality 1, ignore 2."""

    W_MOD, STIM_MOD = (1, 0), (True, True)


class CtxDM2(_DMTask):
    """Context decision making 2: stimuli in both modalities; judge modality 2, ignore 1."""

    W_MOD, STIM_MOD = (0, 1), (True, True)


class MultiDM(_DMTask):
    """Multisensory decision making: pick the stimulus stronger summed over both modalities."""

    W_MOD, STIM_MOD = (1, 1), (True, True)


class DlyDM1(_DMTask):
    """Delayed decision making, modality 1: two stimuli separated by a delay; pick the stronger."""

    W_MOD, STIM_MOD, DELAY = (1, 0), (True, False), True


class DlyDM2(_DMTask):
    """Delayed decision making, modality 2: two stimuli separated by a delay; pick the stronger."""

    W_MOD, STIM_MOD, DELAY = (0, 1), (False, True), True


class CtxDlyDM1(_DMTask):
    """Context delayed decision making 1: sequential stimuli in both modalities; judge mod 1."""

    W_MOD, STIM_MOD, DELAY = (1, 0), (True, True), True


class CtxDlyDM2(_DMTask):
    """Context delayed decision making 2: sequential stimuli in both modalities; judge mod 2."""

    W_MOD, STIM_MOD, DELAY = (0, 1), (True, True), True


class MultiDlyDM(_DMTask):
    """Multisensory delayed decision making: sequential stimuli; pick the stronger summed."""

    W_MOD, STIM_MOD, DELAY = (1, 1), (True, True), True
