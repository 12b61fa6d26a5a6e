"""Detection tasks: report whether (and when) a brief signal occurred in noise."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from neuroplug import TrialEnv, spaces
from neuroplug.fidelity import declare_difference
from neuroplug_plugins.tasks._checks import check_non_negative, check_timing, merged
from neuroplug_plugins.tasks._common import scaled_sigma
from neuroplug_plugins.tasks._judge import judge_fixation_decision
from neuroplug_plugins.tasks._values import check_number, check_numbers

declare_difference(
    "detection.fixes", component="task detection",
    kind="bug fix",
    neurogym="Detection is not registered (Detection-v0 does not exist: it fails to build "
    "trials); its class adds the noise twice on no-pulse trials, reads delay as a "
    "step count and leaves a no-pulse trial's ground truth unset",
    neuroplug="registered as detection (alias Detection-v0); noise drawn once per trial, "
    "delay in ms as documented, ground truth 0 on a no-pulse trial, a pulse shorter "
    "than a step is an error",
    reason="NeuroGym's task crashes, and its no-pulse trials give the answer away by their "
    "variance",
    test="tests/test_tasks_b.py::"
    "test_detection_random_agent_near_chance",
)


class Detection(TrialEnv):
    """Go as soon as a brief pulse appears in a noisy input; withhold when none comes.

    On half of the trials (``ground_truth`` 1) a pulse of +0.5 lasting ``stim_dur`` ms
    appears in the noisy stimulus input, at ``delay`` ms after the stimulus period starts
    (or at a random step when ``delay`` is None). The agent must go (action 1) at or after
    the pulse onset: going then earns ``correct`` and ends the trial, going before it earns
    ``fail``, and never going costs ``miss`` when the trial runs out. On no-pulse trials
    any go earns ``fail``, and withholding until the end is correct (unrewarded). Breaking
    fixation during the fixation period costs ``abort``.

    Differences from NeuroGym: the noise is drawn once on every trial (NeuroGym adds it
    twice on no-pulse trials, so their larger variance gives the answer away), ``delay`` is
    in ms as documented (NeuroGym uses it as a step count), a no-pulse trial's ground truth
    is 0 (NeuroGym leaves it unset), and a pulse shorter than a step is an error.

    Args:
        dt: step duration in ms.
        rewards: overrides of ``{"abort": -0.1, "correct": +1.0, "fail": -1.0, "miss": -1}``.
        timing: overrides of ``{"fixation": 500, "stimulus": ("truncated_exponential",
            (1000, 500, 1500))}`` (ms).
        sigma: input noise std, scaled by ``1/sqrt(dt)``.
        delay: pulse onset in ms from the stimulus start (clipped to the last stimulus
            step); None draws it uniformly so that the pulse fits in the stimulus period.
        stim_dur: pulse duration in ms (at least one step, ``dt``).
    """

    metadata = {
        # NeuroGym cites no paper; a stimulus-present / stimulus-absent detection task as in
        # de Lafuente & Romo 2005.
        "paper_link": "https://www.nature.com/articles/nn1587",
        "paper_name": "Neuronal correlates of subjective sensory experience",
        "tags": ["perceptual", "reaction time", "go-no-go", "supervised"],
        "render_modes": [],
    }

    def __init__(
        self,
        dt: float = 100,
        rewards: Mapping[str, float] | None = None,
        timing: Mapping[str, Any] | None = None,
        sigma: float = 1.0,
        delay: float | None = None,
        stim_dur: float = 100,
    ) -> None:
        super().__init__(dt=dt)
        self.choices = [0, 1]
        self.sigma = scaled_sigma(sigma, self.dt)
        self.delay = None if delay is None else check_non_negative("delay", delay)
        stim_dur = check_non_negative("stim_dur", stim_dur)
        self.stim_dur = round(stim_dur / self.dt)  # in steps
        if self.stim_dur < 1:
            raise ValueError(
                f"stim_dur must last at least one step (dt={self.dt!r} ms), got {stim_dur!r}"
            )
        # A one-step pulse keeps one step after it, so that a response can follow it.
        self.extra_step = 1 if self.stim_dur == 1 else 0
        self.rewards = merged(
            "rewards", {"abort": -0.1, "correct": +1.0, "fail": -1.0, "miss": -1.0}, rewards
        )
        self.timing = check_timing(
            {"fixation": 500, "stimulus": ("truncated_exponential", (1000, 500, 1500))}, timing
        )
        self.abort = False
        self.observation_space = spaces.Box(
            -np.inf, np.inf, shape=(2,), dtype=np.float32, name={"fixation": 0, "stimulus": 1}
        )
        self.action_space = spaces.Discrete(2, name={"fixation": 0, "go": 1})
        self._go = 0
        self._onset = 0

    def _new_trial(self, **kwargs: Any) -> dict[str, Any]:
        rng = self.rng
        trial = {"ground_truth": int(self.choices[int(rng.integers(2))])}
        trial.update(kwargs)
        go = int(trial["ground_truth"])
        if go not in (0, 1):
            raise ValueError(f"Detection: ground_truth must be 0 or 1, got {go!r}")
        self.add_period(["fixation", "stimulus"])
        self.set_ob(1, "fixation", where="fixation")
        stim = self.view_ob("stimulus")
        n = stim.shape[0]
        if self.sigma > 0:
            stim[:, 1] += rng.standard_normal(n) * self.sigma
        delay = 0
        if go and n > 0:
            if self.delay is None:
                max_delay = n - self.stim_dur - self.extra_step
                delay = int(rng.integers(max_delay)) if max_delay > 0 else 0
            else:
                delay = min(round(self.delay / self.dt), n - 1)
            stim[delay:delay + self.stim_dur, 1] += 0.5
            self.view_groundtruth("stimulus")[delay:] = 1
        elif self.gt is None:
            self.set_groundtruth(0)
        trial["delay"] = float(delay * self.dt)
        self._go = go
        self._onset = self.start_ind["stimulus"] + delay
        self.r_tmax = self.rewards["miss"] if go else 0.0
        self.delay_trial = delay * self.dt
        return trial

    def _step(self, action: Any) -> tuple[None, float, bool, bool, dict[str, Any]]:
        # The response window is the stimulus period (a reaction-time task).
        result = judge_fixation_decision(self, action, decision="stimulus", score=self._score)
        if not result[4]["new_trial"] and self.t_ind + 1 >= self._tmax_ind and not self._go:
            self.performance = 1  # withheld until the end of a no-pulse trial: correct
        return result

    def _score(self, action: Any, gt: Any) -> float:
        """A response is correct only on a pulse trial, at or after the pulse's onset."""
        if self._go and self.t_ind >= self._onset:
            self.performance = 1
            return self.rewards["correct"]
        self.performance = 0
        return self.rewards["fail"]


declare_difference(
    "tone_detection.scored", component="task tone_detection",
    kind="bug fix",
    neurogym="no reward and no performance at all (oracle and random agent both score 0)",
    neuroplug="the last step's report is rewarded and sets the performance; the number of "
    "actions follows the number of tone onsets",
    reason="a perfect agent cannot score 1",
    test="tests/test_tasks_b.py::"
    "test_oracle_reaches_ceiling_without_noise",
)


class ToneDetection(TrialEnv):
    """Report whether a brief pure tone was embedded in noise, and at which of three times.

    A single noisy input carries, on 3 of 4 trial types, a tone (+1) lasting ``toneDur``
    ms starting at one of the ``toneTiming`` onsets. The ground truth at every step is the
    trial's condition: 0 for no tone, ``i`` for a tone at the ``i``-th onset. The report is
    the action at the last step of the trial: it earns ``correct`` (performance 1) when it
    equals the condition, nothing otherwise. There is no fixation period (the task models
    human psychophysics).

    Differences from NeuroGym: NeuroGym pays no reward and never sets the performance (a
    purely supervised task); the last step's report is scored here so that performance
    means something. The number of actions follows the number of tone onsets.

    Args:
        dt: step duration in ms (at most ``toneDur``).
        sigma: input noise std, scaled by ``1/sqrt(dt)``.
        timing: overrides of ``{"stimulus": 2000, "toneTiming": [500, 1000, 1500],
            "toneDur": 50}`` (ms; ``toneTiming`` lists the possible tone onsets and
            ``toneDur`` is a number, both measured within the stimulus period).
    """

    metadata = {
        "paper_link": "https://www.jneurosci.org/content/jneuro/5/12/3261.full.pdf",
        "paper_name": "Representation of Tones in Noise in the Responses of Auditory Nerve "
        "Fibers in Cats",
        "tags": ["auditory", "perceptual", "supervised", "decision"],
        "render_modes": [],
    }

    def __init__(self, dt: float = 50, sigma: float = 0.2,
                 timing: Mapping[str, Any] | None = None) -> None:
        super().__init__(dt=dt)
        self.sigma = scaled_sigma(sigma, self.dt)
        self.rewards = {"abort": -0.1, "correct": +1.0, "noresp": -0.1}
        self.timing = check_timing(
            {"stimulus": 2000, "toneTiming": [500, 1000, 1500], "toneDur": 50}, timing
        )
        self.toneTiming = check_numbers("timing['toneTiming']", self.timing["toneTiming"],
                                        minimum=0.0)
        self.toneDur = check_number("timing['toneDur']", self.timing["toneDur"])
        if self.dt > self.toneDur:
            raise ValueError(
                f"dt must be <= the tone duration timing['toneDur']={self.toneDur!r} ms, "
                f"got dt={dt!r}"
            )
        self.toneDurIdx = int(self.toneDur / self.dt)
        self.toneTimingIdx = [int(t / self.dt) for t in self.toneTiming]
        stimulus = self.timing["stimulus"]
        if isinstance(stimulus, (int, float)) and not isinstance(stimulus, bool):
            n = round(stimulus / self.dt)
            late = [t for t, i in zip(self.toneTiming, self.toneTimingIdx, strict=True)
                    if i + self.toneDurIdx > n]
            if late:
                raise ValueError(
                    f"timing['toneTiming']: tones starting at {late} ms would end after the "
                    f"stimulus period ({stimulus!r} ms)"
                )
        self.abort = False
        self.signals = np.linspace(0, 1, 5)[:-1]
        self.conditions = list(range(1 + len(self.toneTiming)))
        self.observation_space = spaces.Box(
            -np.inf, np.inf, shape=(1,), dtype=np.float32, name={"stimulus": 0}
        )
        self.ob_dict = {"fixation": 0, "stimulus": 1}
        n_actions = len(self.conditions)
        self.act_dict = {"fixation": 0, "choice": range(1, n_actions)}
        self.action_space = spaces.Discrete(n_actions, name=self.act_dict)

    def _new_trial(self, **kwargs: Any) -> dict[str, Any]:
        condition = kwargs.pop("condition", None)
        if condition is None:
            condition = kwargs.pop("ground_truth", None)
        if condition is None:
            condition = int(self.rng.integers(len(self.conditions)))
        trial = {"ground_truth": int(condition)}
        trial.update(kwargs)
        if trial["ground_truth"] not in self.conditions:
            raise ValueError(
                f"ToneDetection: condition must be one of {self.conditions}, got {condition!r}"
            )
        self.add_period("stimulus")
        if trial["ground_truth"]:
            onset = self.toneTimingIdx[trial["ground_truth"] - 1]
            self.view_ob("stimulus")[onset:onset + self.toneDurIdx, 0] = 1
        if self.sigma > 0:
            self.add_randn(0, self.sigma, "stimulus")
        self.set_groundtruth(trial["ground_truth"])
        return trial

    def _step(self, action: Any) -> tuple[None, float, bool, bool, dict[str, Any]]:
        t_ind = self.t_ind
        gt = self.gt[t_ind]
        reward = 0.0
        if t_ind + 1 >= self._tmax_ind and action == gt:
            reward = self.rewards["correct"]
            self.performance = 1
        return None, reward, False, False, {"new_trial": False, "gt": gt}
