"""Evidence-integration variants of perceptual decision making: two modalities, and wagering."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from neuroplug import TrialEnv, spaces
from neuroplug.fidelity import declare_difference
from neuroplug_plugins.tasks._checks import check_int, check_timing, merged
from neuroplug_plugins.tasks._common import fixation_choice_space, ring_angles, scaled_sigma
from neuroplug_plugins.tasks._judge import judge_fixation_decision


class MultiSensoryIntegration(TrialEnv):
    """Integrate two sensory modalities that share one noisy directional signal, then choose.

    The stimulus of each trial points to one of ``dim_ring`` directions with a total
    coherence (5, 15 or 50) split at random between two modalities (a fraction ``coh_prop``
    to the first, the rest to the second), each shown by its own ring of units with Gaussian
    noise. The correct choice is that direction, so the agent gains by weighing both
    modalities. Every input is off during the decision period; breaking fixation during the
    fixation period costs ``abort``, and the first choice in the decision period ends the
    trial (a wrong one earns nothing).

    Args:
        dt: step duration in ms.
        rewards: overrides of ``{"abort": -0.1, "correct": +1.0}``.
        timing: overrides of ``{"fixation": 300, "stimulus": 750, "decision": 100}`` (ms).
        sigma: input noise std, scaled by ``1/sqrt(dt)``.
        dim_ring: number of choices (and of units per modality).
    """

    metadata = {
        # NeuroGym cites no paper; this is the paradigm of Raposo et al. 2012.
        "paper_link": "https://www.jneurosci.org/content/32/11/3726",
        "paper_name": "Multisensory decision-making in rats and humans",
        "tags": ["perceptual", "two-alternative", "supervised", "multisensory"],
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
        self.cohs = [5, 15, 50]
        self.sigma = scaled_sigma(sigma, self.dt)
        self.rewards = merged("rewards", {"abort": -0.1, "correct": +1.0}, rewards)
        self.timing = check_timing({"fixation": 300, "stimulus": 750, "decision": 100}, timing)
        self.abort = False
        self.dim_ring = check_int("dim_ring", dim_ring, 2)
        n = self.dim_ring
        self.theta = ring_angles(n)
        self.choices = np.arange(n)
        self.observation_space = spaces.Box(
            -np.inf, np.inf, shape=(1 + 2 * n,), dtype=np.float32,
            name={"fixation": 0, "stimulus_mod1": range(1, n + 1),
                  "stimulus_mod2": range(n + 1, 2 * n + 1)},
        )
        self.action_space = fixation_choice_space(n)

    def _new_trial(self, **kwargs: Any) -> dict[str, Any]:
        rng = self.rng
        trial = {
            "ground_truth": int(rng.integers(self.dim_ring)),
            "coh": self.cohs[int(rng.integers(len(self.cohs)))],
            "coh_prop": float(rng.random()),
        }
        trial.update(kwargs)
        coh_1 = trial["coh"] * trial["coh_prop"]
        coh_2 = trial["coh"] * (1 - trial["coh_prop"])
        tuning = np.cos(self.theta - self.theta[trial["ground_truth"]])
        self.add_period(["fixation", "stimulus", "decision"])
        self.add_ob(1, where="fixation")
        self.add_ob(tuning * (coh_1 / 200) + 0.5, "stimulus", where="stimulus_mod1")
        self.add_ob(tuning * (coh_2 / 200) + 0.5, "stimulus", where="stimulus_mod2")
        if self.sigma > 0:
            self.add_randn(0, self.sigma, "stimulus")
        self.set_ob(0, "decision")
        self.set_groundtruth(trial["ground_truth"], "decision", where="choice")
        return trial

    def _step(self, action: Any) -> tuple[None, float, bool, bool, dict[str, Any]]:
        return judge_fixation_decision(self, action, score=self._score)

    def _score(self, action: Any, gt: Any) -> float:
        """``correct`` for the right choice; a wrong one earns nothing (no ``fail`` reward)."""
        if action == gt:
            self.performance = 1
            return self.rewards["correct"]
        return 0.0


declare_difference(
    "post_decision_wager.judging", component="task post_decision_wager",
    kind="bug fix",
    neurogym="a choice is compared with the 0-based direction index, which rewards the wrong "
    "side (oracle 0.00, measured); rewards['sure'] is always reset to 0.7 x "
    "correct; dim_ring other than 2 breaks at run time",
    neuroplug="a choice is right when it is the stimulus direction's action; rewards['sure'] "
    "may be overridden; dim_ring other than 2 is rejected at construction",
    reason="a perfect agent cannot score 1",
    test="tests/test_tasks_a.py::"
    "test_oracle_reaches_ceiling_without_noise",
)


class PostDecisionWager(TrialEnv):
    """Perceptual decision with an optional sure bet after the stimulus, to probe confidence.

    A noisy two-direction stimulus (as in perceptual decision making) is followed by a
    delay. On a random half of the trials (``wager``) a sure-bet target appears during the
    delay, after a ``pre_sure`` interval from the stimulus end; choosing it (action 3) in
    the decision period earns the smaller, certain ``sure`` reward (performance
    ``(sure - fail) / (correct - fail)``). Choosing it when it was not offered costs
    ``abort``. Breaking fixation during the fixation period costs ``abort``.

    Differences from NeuroGym: a choice is right when it is the stimulus direction's action
    (NeuroGym compares the action with the 0-based direction index, which rewards the wrong
    side); ``rewards["sure"]`` may be overridden (NeuroGym always resets it to 0.7 x
    ``correct``); ``dim_ring`` other than 2 is rejected instead of breaking at run time.

    Args:
        dt: step duration in ms.
        rewards: overrides of ``{"abort": -0.1, "correct": +1.0, "fail": 0.0, "sure": ...}``
            (``sure`` defaults to 0.7 times ``correct``).
        timing: overrides of ``{"fixation": 100, "stimulus": ("truncated_exponential",
            (180, 100, 900)), "delay": ("truncated_exponential", (1350, 1200, 1800)),
            "pre_sure": ("uniform", (500, 750)), "decision": 100}`` (ms).
        dim_ring: number of stimulus directions (only 2 are answerable: actions 1-2).
        sigma: input noise std, scaled by ``1/sqrt(dt)``.
    """

    metadata = {
        "paper_link": "https://science.sciencemag.org/content/324/5928/759.long",
        "paper_name": "Representation of Confidence Associated with a Decision by Neurons in "
        "the Parietal Cortex",
        "tags": ["perceptual", "delayed response", "confidence"],
        "render_modes": [],
    }

    def __init__(
        self,
        dt: float = 100,
        rewards: Mapping[str, float] | None = None,
        timing: Mapping[str, Any] | None = None,
        dim_ring: int = 2,
        sigma: float = 1.0,
    ) -> None:
        super().__init__(dt=dt)
        self.wagers = [True, False]
        self.dim_ring = check_int("dim_ring", dim_ring, 2)
        if self.dim_ring != 2:
            raise ValueError(
                f"dim_ring must be 2 (the stimulus has two units and two choice actions), "
                f"got {dim_ring!r}"
            )
        self.theta = ring_angles(self.dim_ring)
        self.choices = np.arange(self.dim_ring)
        self.cohs = [0, 3.2, 6.4, 12.8, 25.6, 51.2]
        self.sigma = scaled_sigma(sigma, self.dt)
        defaults = {"abort": -0.1, "correct": +1.0, "fail": 0.0, "sure": 0.0}
        self.rewards = merged("rewards", defaults, rewards)
        if rewards is None or "sure" not in rewards:
            self.rewards["sure"] = 0.7 * self.rewards["correct"]
        if self.rewards["correct"] == self.rewards["fail"]:
            raise ValueError(
                f"rewards: 'correct' and 'fail' must differ (the sure bet's performance is "
                f"normalised between them), got {self.rewards}"
            )
        self.timing = check_timing(
            {
                "fixation": 100,
                "stimulus": ("truncated_exponential", (180, 100, 900)),
                "delay": ("truncated_exponential", (1350, 1200, 1800)),
                "pre_sure": ("uniform", (500, 750)),
                "decision": 100,
            },
            timing,
        )
        self.abort = False
        self.observation_space = spaces.Box(
            -np.inf, np.inf, shape=(4,), dtype=np.float32,
            name={"fixation": 0, "stimulus": [1, 2], "sure": 3},
        )
        self.action_space = spaces.Discrete(4, name={"fixation": 0, "choice": [1, 2], "sure": 3})

    @staticmethod
    def scale(coh: float) -> float:
        """Map a coherence (%) to an input strength in ``[0, 1]``."""
        return (1 + coh / 100) / 2

    def _new_trial(self, **kwargs: Any) -> dict[str, Any]:
        rng = self.rng
        trial = {
            "wager": bool(self.wagers[int(rng.integers(2))]),
            "ground_truth": int(rng.integers(self.dim_ring)),
            "coh": float(self.cohs[int(rng.integers(len(self.cohs)))]),
        }
        trial.update(kwargs)
        self.add_period(["fixation", "stimulus", "delay"])
        if trial["wager"]:
            self.add_period("pre_sure", after="stimulus")
        self.add_period("decision", after="delay")
        self.add_ob(1, ["fixation", "stimulus", "delay"], where="fixation")
        stim = np.cos(self.theta - self.theta[trial["ground_truth"]]) * (trial["coh"] / 200) + 0.5
        self.add_ob(stim, "stimulus", where="stimulus")
        if self.sigma > 0:
            self.add_randn(0, self.sigma, "stimulus")
        if trial["wager"]:
            self.add_ob(1, ["delay", "decision"], where="sure")
            self.set_ob(0, "pre_sure", where="sure")
        self.set_groundtruth(trial["ground_truth"], "decision", where="choice")
        return trial

    def _step(self, action: Any) -> tuple[None, float, bool, bool, dict[str, Any]]:
        return judge_fixation_decision(self, action, score=self._score)

    def _score(self, action: Any, gt: Any) -> float:
        """Correct/fail for a choice; the sure option (action 3) earns ``sure`` when it
        was offered (graded performance) and ``abort`` when it was not."""
        rewards = self.rewards
        if action == 3:
            if self.trial["wager"]:
                reward = rewards["sure"]
                self.performance = (reward - rewards["fail"]) / (
                    rewards["correct"] - rewards["fail"]
                )
                return reward
            return rewards["abort"]
        if action == gt:
            self.performance = 1
            return rewards["correct"]
        return rewards["fail"]
