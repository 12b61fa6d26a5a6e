"""What the 20 tasks of Yang et al. (2019) share: the input/output layout, the stimulus bump,
parameter validation and the reward rule.

Every task of the collection has the same spaces, so that a network (or a ``schedule_envs``
stack) sees one interface for all of them:

* observation (``1 + 2 * dim_ring`` units): a fixation input (1 while the agent must
  fixate), then one ring of ``dim_ring`` direction-tuned units per stimulus modality
  (``stimulus_mod1``, ``stimulus_mod2``; ``stimulus`` names both rings);
* action (``1 + dim_ring``): fixate (0), or respond towards one of ``dim_ring`` directions
  (``choice``).

The ground truth is "fixate" (0) until the decision period and the target direction
(``1 + index``) during it; in a no-go trial (the match tasks) it stays 0 throughout.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import numpy as np

from neuroplug import TrialEnv, spaces
from neuroplug.fidelity import declare_difference
from neuroplug_plugins.tasks._checks import check_non_negative, merged

PAPER_NAME = "Task representations in neural networks trained to perform many cognitive tasks"
PAPER_LINK = "https://www.nature.com/articles/s41593-018-0310-2"

DEFAULT_REWARDS = {"abort": -0.1, "correct": +1.0, "fail": 0.0}


def gaussian_bump(loc: float, theta: np.ndarray, strength: float) -> np.ndarray:
    """Activity of ring units with preferred directions ``theta`` for a stimulus at ``loc``.

    A Gaussian tuning curve of the circular distance, width pi/8 and peak ``0.8 * strength``
    (the input tuning of Yang et al. 2019 as NeuroGym implements it).
    """
    dist = np.abs(np.mod(loc - theta + np.pi, 2 * np.pi) - np.pi) / (np.pi / 8)
    return 0.8 * np.exp(-(dist**2) / 2) * strength


def check_dim_ring(dim_ring: Any, even: bool = False) -> int:
    """A ring size: an int >= 2 (and even when ``even``)."""
    if isinstance(dim_ring, bool) or not isinstance(dim_ring, (int, np.integer)) or dim_ring < 2:
        raise ValueError(f"dim_ring must be an int >= 2, got {dim_ring!r}")
    if even and dim_ring % 2:
        raise ValueError(
            f"dim_ring must be even for the match tasks (a non-match is 180 degrees away and "
            f"categories are half rings), got {dim_ring!r}"
        )
    return int(dim_ring)


def check_modality(modality: Any) -> int | None:
    """``None`` (drawn per trial), 1 or 2."""
    if modality is None:
        return None
    if isinstance(modality, bool) or modality not in (1, 2):
        raise ValueError(
            f"modality must be 1, 2 or None (a random modality each trial), got {modality!r}"
        )
    return int(modality)


def check_direction(target: Any, dim_ring: int) -> int:
    """A trial's requested ``ground_truth`` direction: an index in ``[0, dim_ring)``."""
    if isinstance(target, bool) or not isinstance(target, (int, np.integer)) \
            or not 0 <= target < dim_ring:
        raise ValueError(
            f"ground_truth must be a direction index in [0, {dim_ring}), got {target!r}"
        )
    return int(target)


declare_difference(
    "yang19.nogo_withheld", component="task yang19.dms, yang19.dnms, yang19.dmc, yang19.dnmc",
    kind="bug fix",
    neurogym="holding fixation through a no-go trial's decision period earns nothing and no "
    "performance, so a perfect agent scores 0.5 there",
    neuroplug="holding fixation to the end of a no-go trial's decision period is correct",
    reason="a perfect agent cannot score 1",
    test="tests/test_yang19.py::"
    "test_rewards_for_fixation_breaks_and_no_go",
)


class Yang19Task(TrialEnv):
    """Base class of the Yang et al. (2019) tasks: spaces, validation and the reward rule.

    Subclasses set ``DEFAULT_TIMING`` (the periods they use) and build trials; ``_step`` is
    shared. As in NeuroGym 2.3.1, breaking fixation in the fixation period costs
    ``rewards["abort"]`` (the trial goes on) and other actions before the decision period are
    not judged; with ``fixation_through_stimulus=True`` fixation must be held (and is judged
    the same way) until the decision period. In the decision period of a go trial, the
    first non-fixation action ends the trial, ``rewards["correct"]`` if it is the target
    direction, else ``rewards["fail"]``. In a no-go trial (ground truth 0 in the decision
    period) any response fails and ends the trial, and holding fixation to the end of the
    decision period is correct (NeuroGym gives no reward and no performance for it, so even a
    perfect agent scored 50% there).

    Args:
        dt: step duration in ms (default 100, NeuroGym's; the paper used 20).
        rewards: overrides of ``{"abort": -0.1, "correct": +1.0, "fail": 0.0}``.
        timing: overrides of the task's period durations (ms; any form of
            :mod:`neuroplug.timing`); only the task's own periods are accepted.
        sigma: std of the input noise added to both stimulus rings while a stimulus is on,
            scaled by ``1/sqrt(dt)`` as in NeuroGym.
        dim_ring: number of direction-tuned units per ring (and of response directions).
        fixation_through_stimulus: judge fixation until the decision period, not only in
            the fixation period, and (decision family) keep the fixation input on until the
            decision, as the Go and match families always do. Default False, NeuroGym's
            rule.
    """

    DEFAULT_TIMING: ClassVar[dict[str, Any]] = {}

    metadata: ClassVar[dict[str, Any]] = {
        "paper_link": PAPER_LINK,
        "paper_name": PAPER_NAME,
        "tags": ["yang19", "supervised"],
        "render_modes": [],
    }

    def __init__(
        self,
        dt: float = 100,
        rewards: Mapping[str, float] | None = None,
        timing: Mapping[str, Any] | None = None,
        sigma: float = 1.0,
        dim_ring: int = 16,
        *,
        even_ring: bool = False,
        default_timing: Mapping[str, Any] | None = None,
        fixation_through_stimulus: bool = False,
    ) -> None:
        super().__init__(dt=dt)
        if not isinstance(fixation_through_stimulus, (bool, np.bool_)):
            raise TypeError(f"fixation_through_stimulus must be True or False, got "
                            f"{fixation_through_stimulus!r}")
        self.fixation_through_stimulus = bool(fixation_through_stimulus)
        self.sigma = check_non_negative("sigma", sigma) / np.sqrt(self.dt)
        self.dim_ring = check_dim_ring(dim_ring, even=even_ring)
        self.rewards = merged("rewards", DEFAULT_REWARDS, rewards)
        self.timing = dict(default_timing if default_timing is not None else self.DEFAULT_TIMING)
        if timing is not None:
            if not isinstance(timing, Mapping):
                raise TypeError(
                    f"timing must be a mapping of period name to timing, got {timing!r}"
                )
            unknown = set(timing) - set(self.timing)
            if unknown:
                raise ValueError(
                    f"timing: unknown periods {sorted(unknown)} for {type(self).__name__}; "
                    f"accepted: {list(self.timing)}"
                )
            self.timing.update(timing)
        d = self.dim_ring
        self.theta = np.arange(d) * (2 * np.pi / d)
        self.choices = np.arange(d)
        self.observation_space = spaces.Box(
            -np.inf, np.inf, shape=(1 + 2 * d,), dtype=np.float32,
            name={
                "fixation": 0,
                "stimulus": range(1, 2 * d + 1),
                "stimulus_mod1": range(1, d + 1),
                "stimulus_mod2": range(d + 1, 2 * d + 1),
            },
        )
        self.action_space = spaces.Discrete(
            1 + d, name={"fixation": 0, "choice": range(1, d + 1)}
        )
        self._nogo = False

    def _draw_modality(self, modality: int | None) -> int:
        return int(self.rng.integers(1, 3)) if modality is None else modality

    def _step(self, action: Any) -> tuple[None, float, bool, bool, dict[str, Any]]:
        t_ind = self.t_ind
        gt = self.gt[t_ind]
        reward = 0.0
        new_trial = False
        # Period bounds are read here, not cached when the trial is built: layers such as
        # reaction_time move them after the trial is built (neuroplug_trial_built).
        start_ind, end_ind = self.start_ind, self.end_ind
        if t_ind < start_ind["decision"]:
            fixation_end = (start_ind["decision"] if self.fixation_through_stimulus
                            else end_ind["fixation"])
            if action != 0 and t_ind < fixation_end:
                reward = self.rewards["abort"]
        elif t_ind < end_ind["decision"]:
            if action != 0:
                new_trial = True
                if action == gt and not self._nogo:
                    reward = self.rewards["correct"]
                    self.performance = 1
                else:
                    reward = self.rewards["fail"]
            elif self._nogo and t_ind == end_ind["decision"] - 1:
                new_trial = True
                reward = self.rewards["correct"]
                self.performance = 1
        return None, reward, False, False, {"new_trial": new_trial, "gt": gt}
