"""Economic (value-based) choice between two offers of different juices."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from neuroplug import TrialEnv, spaces
from neuroplug.fidelity import declare_difference
from neuroplug_plugins.tasks._checks import check_timing, merged
from neuroplug_plugins.tasks._judge import judge_fixation_decision

declare_difference(
    "economic_dm.ground_truth", component="task economic_dm",
    kind="bug fix",
    neurogym="the ground truth is 0 at every step",
    neuroplug="the ground truth is the better side during the decision period",
    reason="supervised targets are missing, so no oracle can follow them",
    test="tests/test_tasks_a.py::"
    "test_oracle_reaches_ceiling_without_noise",
)


class EconomicDecisionMaking(TrialEnv):
    """Choose between two offers of juice, trading quantity against a preferred juice type.

    Each trial offers ``n_a`` drops of juice A and ``n_b`` drops of juice B (one of nine
    quantity pairs), each on one side at random. Juice A is preferred: one drop of A is
    worth ``correct`` and one drop of B is worth ``correct / 2.2``. The offers (juice type
    and quantity / 5 for each side) are shown during ``offer_on``; in the decision period
    the agent picks side 1 or 2 and earns the value of that offer. The trial is correct
    when the chosen offer is the more valuable one (the ground truth, which no offer pair
    ties). Breaking fixation before the decision period costs ``abort``.

    Differences from NeuroGym: the ground truth (the better side in the decision period)
    is set; NeuroGym reports 0 at every step.

    Args:
        dt: step duration in ms.
        rewards: overrides of ``{"abort": -0.1, "correct": +0.22}`` (``correct``: the value
            of one drop of juice A).
        timing: overrides of ``{"fixation": 1500, "offer_on": ("uniform", (1000, 2000)),
            "decision": 750}`` (ms).
    """

    metadata = {
        "paper_link": "https://www.nature.com/articles/nature04676",
        "paper_name": "Neurons in the orbitofrontal cortex encode economic value",
        "tags": ["perceptual", "value-based"],
        "render_modes": [],
    }

    def __init__(
        self,
        dt: float = 100,
        rewards: Mapping[str, float] | None = None,
        timing: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(dt=dt)
        self.B_to_A = 1 / 2.2
        self.juices = [("a", "b"), ("b", "a")]
        #: ``(n_b, n_a)`` pairs: drops of juice B and of juice A.
        self.offers = [(0, 1), (1, 3), (1, 2), (1, 1), (2, 1), (3, 1), (4, 1), (6, 1), (2, 0)]
        self.rewards = merged("rewards", {"abort": -0.1, "correct": +0.22}, rewards)
        if self.rewards["correct"] <= 0:
            raise ValueError(
                f"rewards['correct'] is the value of a drop of juice and must be > 0, got "
                f"{self.rewards['correct']!r}"
            )
        self.timing = check_timing(
            {"fixation": 1500, "offer_on": ("uniform", (1000, 2000)), "decision": 750}, timing
        )
        self.R_B = self.B_to_A * self.rewards["correct"]
        self.R_A = self.rewards["correct"]
        self.abort = False
        self.observation_space = spaces.Box(
            -np.inf, np.inf, shape=(7,), dtype=np.float32,
            name={"fixation": 0, "a1": 1, "b1": 2, "a2": 3, "b2": 4, "n1": 5, "n2": 6},
        )
        self.act_dict = {"fixation": 0, "choice1": 1, "choice2": 2}
        self.action_space = spaces.Discrete(3, name=self.act_dict)

    def offer_values(self, trial: Mapping[str, Any]) -> tuple[float, float]:
        """The values of the offers on side 1 and side 2 of ``trial``."""
        n_b, n_a = trial["offer"]
        r_a, r_b = n_a * self.R_A, n_b * self.R_B
        return (r_a, r_b) if trial["juice"][0] == "a" else (r_b, r_a)

    def _new_trial(self, **kwargs: Any) -> dict[str, Any]:
        rng = self.rng
        trial = {
            "juice": self.juices[int(rng.integers(len(self.juices)))],
            "offer": self.offers[int(rng.integers(len(self.offers)))],
        }
        trial.update(kwargs)
        juice1, juice2 = trial["juice"]
        n_b, n_a = trial["offer"]
        n1, n2 = (n_a, n_b) if juice1 == "a" else (n_b, n_a)
        self.add_period(["fixation", "offer_on", "decision"])
        self.add_ob(1, ["fixation", "offer_on"], where="fixation")
        self.add_ob(1, "offer_on", where=f"{juice1}1")
        self.add_ob(1, "offer_on", where=f"{juice2}2")
        self.add_ob(n1 / 5.0, "offer_on", where="n1")
        self.add_ob(n2 / 5.0, "offer_on", where="n2")
        r1, r2 = self.offer_values(trial)
        self._values = (0.0, r1, r2)
        self.set_groundtruth(1 if r1 > r2 else 2, "decision")
        return trial

    def _step(self, action: Any) -> tuple[None, float, bool, bool, dict[str, Any]]:
        # Fixation is held through the offers (``offer_on``), not only ``fixation``.
        return judge_fixation_decision(self, action, fixation="offer_on", score=self._score)

    def _score(self, action: Any, gt: Any) -> float:
        """The chosen offer's value; correct when it beats the other offer."""
        values = self._values
        reward = values[action]
        self.performance = int(reward > values[3 - action])
        return reward
