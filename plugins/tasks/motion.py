"""Spatial suppression of motion perception (centre-surround antagonism)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from neuroplug import TrialEnv, spaces
from neuroplug.fidelity import declare_difference
from neuroplug_plugins.tasks._checks import check_timing, merged

# Human psychophysics (Tadin et al. 2003), per frame index: probability of reporting the
# correct direction and the opposite one, for a large high-contrast and a small
# low-contrast stimulus. Before frame 7 every direction is at chance (0.249).
_FRAMES = [*range(7), 7, 8, 9, 12, 14, 17, 20, 27, 35, 36, 37, 38]
_CHANCE = [0.249] * 7
_P_CORRECT = {
    "high": [*_CHANCE, 0.249, 0.249, 0.249, 0.27, 0.32, 0.4583, 0.65, 0.85, 0.99, 0.99, 0.99,
             0.99],
    "low": [*_CHANCE, 0.25, 0.26, 0.2583, 0.325, 0.45, 0.575, 0.875, 0.933, 0.99, 0.99, 0.99,
            0.99],
}
_P_ANTI = {
    "high": [*_CHANCE, 0.249, 0.29, 0.31, 0.4, 0.475, 0.4167, 0.3083, 0.075, 0.04, 0.04, 0.03,
             0.03],
    "low": [*_CHANCE, 0.25, 0.26, 0.2583, 0.267, 0.1417, 0.1167, 0.058, 0.016, 0.003, 0.003,
            0.003, 0.003],
}


declare_difference(
    "spatial_suppress_motion.ground_truth", component="task spatial_suppress_motion",
    kind="bug fix",
    neurogym="late high-contrast frames give negative orthogonal probabilities in the ground "
    "truth, and the performance is never set (always 0)",
    neuroplug="the ground truth is a proper distribution and the performance is set",
    reason="a perfect agent cannot score 1",
    test="tests/test_tasks_b.py::"
    "test_spatial_suppression_ground_truth_is_a_distribution",
)


class SpatialSuppressMotion(TrialEnv):
    """Report the perceived motion direction as four probabilities, frame by frame.

    A drifting stimulus moves left, right, up or down (``direction`` 1-4); 4 direction pools
    of 8 units each see it, the number of active units per pool growing with its
    ``diameter`` and their drive with its ``contrast``. Two conditions are drawn: small
    (diameter 1) low-contrast (0.05) and large (diameter 8) high-contrast (0.99); large
    high-contrast motion is paradoxically harder to see early on (spatial suppression).
    There is no fixation or decision period. The action is a ``Box`` of four probabilities
    (left, right, up, down) and the ground truth at each frame is the human report
    distribution of Tadin et al. 2003 at that frame (clipped at 0 and renormalised where the
    published rates sum past 1). No reward is paid (a supervised task); the trial's
    performance is ``1 - mean |action - ground truth|`` over frames and directions.

    Differences from NeuroGym: the ground truth is a proper distribution (NeuroGym's late
    high-contrast frames give negative orthogonal probabilities) and the performance is set
    (NeuroGym leaves it at 0).

    Args:
        dt: frame duration in ms (8.3: a 120 Hz monitor).
        timing: overrides of ``{"stimulus": 300}`` (ms; about 36 frames, where the human
            report reaches its ceiling).
        rewards: overrides of ``{"abort": -0.1, "correct": +1.0, "fail": 0.0}`` (unused).
    """

    metadata = {
        "paper_link": "https://www.nature.com/articles/nature01800",
        "paper_name": "Perceptual consequences of centre-surround antagonism in visual motion "
        "processing",
        "tags": ["perceptual", "plaid", "motion", "center-surround"],
        "render_modes": [],
    }

    def __init__(
        self,
        dt: float = 8.3,
        timing: Mapping[str, Any] | None = None,
        rewards: Mapping[str, float] | None = None,
    ) -> None:
        super().__init__(dt=dt)
        self.rewards = merged("rewards", {"abort": -0.1, "correct": +1.0, "fail": 0.0}, rewards)
        self.timing = check_timing({"stimulus": 300}, timing)
        self.abort = False
        self.action_space = spaces.Box(
            0, 1, shape=(4,), dtype=np.float32,
            name={"left": 0, "right": 1, "up": 2, "down": 3},
        )
        self.observation_space = spaces.Box(0, np.inf, shape=(32,), dtype=np.float32)
        self.directions = [1, 2, 3, 4]
        self.theta = np.array([-np.pi / 2, np.pi / 2, 0, np.pi])
        self.directions_anti = [2, 1, 4, 3]
        self.directions_ortho = [[3, 4], [3, 4], [1, 2], [1, 2]]
        self._diff = np.zeros(4, dtype=np.float64)

    def getgroundtruth(self, trial: Mapping[str, Any], n_frames: int) -> np.ndarray:
        """Per-frame probabilities of reporting each of the four directions, ``(n, 4)``."""
        level = "high" if trial["contrast"] >= 0.5 else "low"
        frames = np.arange(n_frames)
        # Linear interpolation; past the last frame the tables are flat, so holding the last
        # value equals extrapolating it.
        p_correct = np.interp(frames, _FRAMES, _P_CORRECT[level])
        p_anti = np.interp(frames, _FRAMES, _P_ANTI[level])
        p_ortho = np.maximum(0.0, (1 - (p_correct + p_anti)) / 2)
        direction = trial["direction"] - 1
        gt = np.zeros((n_frames, 4))
        gt[:, direction] = p_correct
        gt[:, self.directions_anti[direction] - 1] = p_anti
        for ortho in self.directions_ortho[direction]:
            gt[:, ortho - 1] = p_ortho
        gt /= gt.sum(axis=1, keepdims=True)
        return gt

    def _new_trial(self, **kwargs: Any) -> dict[str, Any]:
        rng = self.rng
        direction = kwargs.pop("direction", None)
        contrast = kwargs.pop("contrast", None)
        diameter = kwargs.pop("diameter", None)
        if direction is None:
            direction = self.directions[int(rng.integers(4))]
        if contrast is None:
            contrast = (0.05, 0.99)[int(rng.integers(2))]
        if diameter is None:
            if contrast not in (0.05, 0.99):
                raise ValueError(
                    f"SpatialSuppressMotion: give a diameter (1-8) with contrast={contrast!r}; "
                    f"only 0.05 (diameter 1) and 0.99 (diameter 8) have a default"
                )
            diameter = 1 if contrast == 0.05 else 8
        if direction not in self.directions:
            raise ValueError(f"SpatialSuppressMotion: direction must be 1-4, got {direction!r}")
        if not 0 <= contrast <= 1 or int(diameter) != diameter or not 1 <= diameter <= 8:
            raise ValueError(
                f"SpatialSuppressMotion: need contrast in [0, 1] and diameter in 1..8, got "
                f"contrast={contrast!r}, diameter={diameter!r}"
            )
        trial = {"diameter": int(diameter), "contrast": float(contrast),
                 "direction": int(direction)}
        trial.update(kwargs)
        self.add_period("stimulus")
        n_frames = self.end_ind["stimulus"] - self.start_ind["stimulus"]
        drive = (np.cos(self.theta - self.theta[direction - 1]) + 1) * contrast / 2
        pools = np.zeros((4, 8))
        pools[:, :diameter] = drive[:, None]
        self.set_ob(pools.reshape(-1), "stimulus")  # unit index: pool * 8 + size
        gt = self.getgroundtruth(trial, n_frames)
        self.set_groundtruth(gt, "stimulus")
        self._score_sum = 0.0
        return trial

    def _step(self, action: Any) -> tuple[None, float, bool, bool, dict[str, Any]]:
        t_ind = self.t_ind
        gt = self.gt[t_ind]
        diff = self._diff
        np.subtract(action, gt, out=diff)
        np.abs(diff, out=diff)
        error = float(diff.sum()) / 4
        self._score_sum += 1.0 - error
        if t_ind + 1 >= self._tmax_ind:
            self.performance = self._score_sum / self._tmax_ind
        return None, 0.0, False, False, {"new_trial": False, "gt": gt}
