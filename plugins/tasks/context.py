"""Context-dependent decision making (Mante et al. 2013): decide on one of two modalities."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from neuroplug import TrialEnv, spaces
from neuroplug_plugins.tasks._checks import (
    check_bool,
    check_int,
    check_timing,
    merged,
)
from neuroplug_plugins.tasks._common import fixation_choice_space, ring_angles, scaled_sigma
from neuroplug_plugins.tasks._judge import judge_fixation_decision


class ContextDecisionMaking(TrialEnv):
    """Context-dependent decision making: report the direction in the relevant of two modalities.

    Two noisy stimuli, one per modality (e.g. the motion and the colour of a dot pattern),
    are shown at once, each on a ring of ``dim_ring`` units and each pointing to its own
    choice. Only the modality given by the context counts: the agent reports its direction
    after a delay, in the decision period (every input is off then). With
    ``use_expl_context=False`` the relevant modality is always ``impl_context_modality`` and
    must be learned; with ``use_expl_context=True`` it changes from trial to trial and two
    context units signal it throughout the trial.

    Args:
        dt: step duration in ms.
        use_expl_context: signal the context explicitly and draw it per trial.
        impl_context_modality: the fixed relevant modality (0 or 1) when the context is
            implicit.
        dim_ring: number of choices (and of stimulus units per modality).
        rewards: overrides of ``{"abort": -0.1, "correct": +1.0, "fail": 0.0}``
            (NeuroGym has no ``fail`` key; a wrong choice earns 0 there too).
        timing: overrides of ``{"fixation": 300, "stimulus": 750, "delay":
            ("truncated_exponential", (600, 300, 3000)), "decision": 100}``.
        sigma: input noise std on the stimulus units (scaled by ``1/sqrt(dt)``).
        abort: whether breaking fixation ends the trial.
    """

    metadata = {
        "paper_link": "https://www.nature.com/articles/nature12742",
        "paper_name": "Context-dependent computation by recurrent dynamics in prefrontal cortex",
        "tags": ["perceptual", "context dependent", "two-alternative", "supervised"],
        "render_modes": [],
    }

    def __init__(
        self,
        dt: float = 100,
        use_expl_context: bool = False,
        impl_context_modality: int = 0,
        dim_ring: int = 2,
        rewards: Mapping[str, float] | None = None,
        timing: Mapping[str, Any] | None = None,
        sigma: float = 1.0,
        abort: bool = False,
    ) -> None:
        super().__init__(dt=dt)
        self.use_expl_context = check_bool("use_expl_context", use_expl_context)
        modality = check_int("impl_context_modality", impl_context_modality, 0)
        if modality > 1:
            raise ValueError(
                f"impl_context_modality must be 0 or 1, got {impl_context_modality!r}"
            )
        self.impl_context_modality = modality
        self.dim_ring = check_int("dim_ring", dim_ring, 2)
        self.sigma = scaled_sigma(sigma, self.dt)
        self.abort = check_bool("abort", abort)
        self.cohs = [5, 15, 50]
        self.contexts = [0, 1] if self.use_expl_context else [modality]
        self.rewards = merged("rewards", {"abort": -0.1, "correct": +1.0, "fail": 0.0}, rewards)
        self.timing = check_timing(
            {"fixation": 300, "stimulus": 750,
             "delay": ("truncated_exponential", (600, 300, 3000)), "decision": 100},
            timing,
        )
        n = self.dim_ring
        self.theta = ring_angles(n)
        self.choices = list(range(1, n + 1))
        names: dict[str, Any] = {
            "fixation": 0,
            **{f"stim{i + 1}_mod1": i + 1 for i in range(n)},
            **{f"stim{i + 1}_mod2": i + 1 + n for i in range(n)},
            "stimulus_mod1": range(1, n + 1),
            "stimulus_mod2": range(n + 1, 2 * n + 1),
        }
        size = 1 + 2 * n
        if self.use_expl_context:
            names.update({"context1": size, "context2": size + 1})
            size += 2
        self.observation_space = spaces.Box(
            -np.inf, np.inf, shape=(size,), dtype=np.float32, name=names
        )
        self.action_space = fixation_choice_space(n)

    def _new_trial(self, **kwargs: Any) -> dict[str, Any]:
        rng = self.rng
        choices, cohs, contexts = self.choices, self.cohs, self.contexts
        trial = {
            "ground_truth": int(choices[int(rng.integers(len(choices)))]),
            "other_choice": int(choices[int(rng.integers(len(choices)))]),
            "context": int(contexts[int(rng.integers(len(contexts)))]),
            "coh_1": cohs[int(rng.integers(len(cohs)))],
            "coh_2": cohs[int(rng.integers(len(cohs)))],
        }
        trial.update(kwargs)
        choice_1, choice_2 = int(trial["ground_truth"]), int(trial["other_choice"])
        if trial["context"] == 1:
            choice_1, choice_2 = choice_2, choice_1
        self.add_period(["fixation", "stimulus", "delay", "decision"])
        self.add_ob(1, "fixation", where="fixation")
        theta = self.theta
        stim_1 = np.cos(theta - theta[choice_1 - 1]) * (trial["coh_1"] / 200) + 0.5
        stim_2 = np.cos(theta - theta[choice_2 - 1]) * (trial["coh_2"] / 200) + 0.5
        self.add_ob(stim_1, "stimulus", where="stimulus_mod1")
        self.add_ob(stim_2, "stimulus", where="stimulus_mod2")
        if self.sigma > 0:
            self.add_randn(0, self.sigma, "stimulus", where="stimulus_mod1")
            self.add_randn(0, self.sigma, "stimulus", where="stimulus_mod2")
        self.set_ob(0, "decision")
        if self.use_expl_context:
            self.add_ob(1, where="context1" if trial["context"] == 0 else "context2")
        self.set_groundtruth(trial["ground_truth"], "decision")
        return trial

    def _step(self, action: Any) -> tuple[None, float, bool, bool, dict[str, Any]]:
        return judge_fixation_decision(self, action)
