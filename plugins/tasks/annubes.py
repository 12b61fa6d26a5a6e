"""ANNUBeS: respond to stimuli of one or more sensory modalities, and not to catch trials."""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from numbers import Real
from typing import Any

import numpy as np
from gymnasium.utils import seeding

from neuroplug import TrialEnv, spaces
from neuroplug.fidelity import declare_difference
from neuroplug.timing import normalize
from neuroplug_plugins.tasks._checks import check_bool, check_non_negative, merged
from neuroplug_plugins.tasks._values import check_number, check_numbers

#: Reserved name of catch trials (no stimulus) in ``session`` and ``max_sequential``.
CATCH_KEYWORD = "catch"
CATCH_SESSION_KEY = (CATCH_KEYWORD,)
MIN_CATCHPROB = 1e-6
MAX_CATCHPROB = 1 - 1e-6


def _prepare_session(session: Any) -> tuple[dict[tuple[str, ...], float], set[str]]:
    """Session keys as sorted tuples of modalities, probabilities normalised to sum 1."""
    if not isinstance(session, Mapping) or not session:
        raise TypeError(
            f"session must be a non-empty dict of stimulus -> probability (a stimulus is a "
            f"modality name or a tuple of names), got {session!r}"
        )
    raw: dict[tuple[str, ...], float] = {}
    for key, prob in session.items():
        stim = (key,) if isinstance(key, str) else key
        if not isinstance(stim, tuple) or not stim or not all(isinstance(m, str) for m in stim):
            raise TypeError(
                f"session: a stimulus must be a modality name or a non-empty tuple of names, "
                f"got {key!r}"
            )
        if CATCH_KEYWORD in (m.lower() for m in stim):
            raise ValueError(
                f"session: {CATCH_KEYWORD!r} is reserved for catch trials (set catch_prob "
                f"instead), got {key!r}"
            )
        raw[tuple(sorted(stim))] = check_non_negative(f"session[{key!r}]", prob)
    total = sum(raw.values())
    if total <= 0:
        raise ValueError(f"session: at least one probability must be > 0, got {session!r}")
    modalities = {m for stim in raw for m in stim}
    valid: dict[tuple[str, ...], float] = {(m,): 0.0 for m in sorted(modalities)}
    for stim, prob in raw.items():
        valid[stim] = prob / total
    return valid, modalities


declare_difference(
    "annubes.defaults", component="task annubes",
    kind="design",
    neurogym="session and catch_prob are required arguments, so AnnubesEnv-v0 cannot be "
    "built by name",
    neuroplug="session defaults to {'v': 0.5, 'a': 0.5} and catch_prob to 0.5, so "
    "make('annubes') works",
    reason="every registered task builds by name with no arguments",
    test="tests/test_tasks_b.py::"
    "test_check_env",
)


declare_difference(
    "annubes.performance", component="task annubes",
    kind="bug fix",
    neurogym="a trial counts as correct as soon as one step is, and the task draws from "
    "numpy's global generator, so reset(seed=s) does not reproduce it; observations "
    "can leave the space",
    neuroplug="performance is the fraction of right stimulus steps, draws come from the "
    "task's generator and observations are clipped to the observation space",
    reason="a random agent scores near 1 in NeuroGym, and seeded runs do not repeat",
    test="tests/test_tasks_b.py::"
    "test_random_agent_near_chance",
)


class AnnubesEnv(TrialEnv):
    """Respond during a stimulus of one or several modalities; withhold on catch trials.

    Each trial has a fixation period, a stimulus period and an inter-trial interval. A
    trial is a catch trial with probability ``catch_prob`` (no stimulus; the ground truth is
    0 throughout); otherwise a stimulus (one modality, or several at once) is drawn from
    ``session`` and each of its modalities is shown at an intensity drawn from
    ``intensities``, with noise, while the ``start`` input is on; the ground truth is 1
    during the stimulus period. ``max_sequential`` caps how many trials in a row may show
    the same modality. Every stimulus-period step pays ``correct`` when the action matches
    the ground truth and ``fail`` otherwise; acting during fixation or the interval costs
    ``abort``. The trial's performance is the fraction of stimulus steps answered right
    (NeuroGym marks a trial correct as soon as one step is). Observations are clipped to
    the observation space ``[0, 1]``.

    Differences from NeuroGym: ``session`` and ``catch_prob`` have defaults, the
    performance is the fraction of right stimulus steps, observations are clipped to the
    space, and the task draws from its own generator (``self.rng``), so
    ``reset(seed=...)`` makes it reproducible like every other task.

    Args:
        session: stimulus -> relative probability, e.g. ``{"v": 0.5, "a": 0.5}`` or
            ``{("a", "v"): 1}`` for a bimodal stimulus (NeuroGym requires it; our default is
            ``{"v": 0.5, "a": 0.5}``).
        catch_prob: probability of a catch trial (NeuroGym requires it; default 0.5).
        intensities: possible intensities: a list for every modality, a dict per modality,
            or None for ``[0.8, 0.9, 1.0]``.
        stim_time: stimulus duration in ms.
        max_sequential: cap on consecutive trials with the same modality: an int (not for
            catch trials), a dict per modality (``"catch"`` allowed) or None (no cap).
        fix_intensity: value of the fixation input during the fixation period.
        fix_time: fixation duration (any form of :mod:`neuroplug.timing`).
        iti: inter-trial interval (any form of :mod:`neuroplug.timing`).
        dt: step duration in ms.
        tau: time constant in ms of the input noise (its std is
            ``noise_std * sqrt(2 dt / tau) / (dt / tau)``).
        output_behavior: values of the behavioural output; their number sets the number of
            actions (action 0 is no response).
        noise_std: input noise std.
        rewards: overrides of ``{"abort": -0.1, "correct": 1.0, "fail": 0.0}``.
        random_seed: seed of the generator at construction (``reset(seed=...)`` reseeds).
        frozen_seed: whether a deep copy keeps the generator's state (True) or gets a fresh
            one drawn from it (False).
    """

    metadata = {
        "paper_link": None,
        "paper_name": None,
        "tags": ["n-alternative", "perceptual", "supervised"],
        "render_modes": [],
    }

    def __init__(
        self,
        session: Mapping[str | tuple[str, ...], float] | None = None,
        catch_prob: float = 0.5,
        intensities: Sequence[float] | Mapping[str, Sequence[float]] | None = None,
        stim_time: float = 1000,
        max_sequential: Mapping[str, int | None] | int | None = None,
        fix_intensity: float = 0,
        fix_time: Any = 500,
        iti: Any = 0,
        dt: float = 100,
        tau: float = 100,
        output_behavior: Sequence[float] | None = None,
        noise_std: float = 0.01,
        rewards: Mapping[str, float] | None = None,
        random_seed: int | None = None,
        frozen_seed: bool = False,
    ) -> None:
        super().__init__(dt=dt)
        if session is None:
            session = {"v": 0.5, "a": 0.5}
        self.session, self.modalities = _prepare_session(session)
        self.catch_prob = check_non_negative("catch_prob", catch_prob)
        if self.catch_prob > 1:
            raise ValueError(f"catch_prob must be in [0, 1], got {catch_prob!r}")
        self.intensities = self._prepare_intensities(intensities)
        self.stim_time = check_non_negative("stim_time", stim_time)
        if round(self.stim_time / self.dt) < 1:
            raise ValueError(
                f"stim_time must last at least one step (dt={self.dt!r} ms), got {stim_time!r}"
            )
        self.max_sequential = self._prepare_max_sequential(max_sequential)
        self.fix_intensity = check_number("fix_intensity", fix_intensity)
        if not 0 <= self.fix_intensity <= 1:
            raise ValueError(
                f"fix_intensity must be in [0, 1] (the observation space), got {fix_intensity!r}"
            )
        self.fix_time = fix_time
        self.iti = iti
        self.tau = check_non_negative("tau", tau)
        if self.tau == 0:
            raise ValueError("tau must be > 0 ms, got 0")
        if output_behavior is None:
            output_behavior = [0, 1]
        self.output_behavior = check_numbers("output_behavior", output_behavior)
        if len(self.output_behavior) < 2:
            raise ValueError(
                f"output_behavior needs at least 2 values (no response, response), got "
                f"{output_behavior!r}"
            )
        self.noise_std = check_non_negative("noise_std", noise_std)
        self.rewards = merged("rewards", {"abort": -0.1, "correct": 1.0, "fail": 0.0}, rewards)
        if random_seed is not None and (
            isinstance(random_seed, bool) or not isinstance(random_seed, (int, np.integer))
            or random_seed < 0
        ):
            raise TypeError(f"random_seed must be None or an int >= 0, got {random_seed!r}")
        self.random_seed = random_seed
        self.frozen_seed = check_bool("frozen_seed", frozen_seed)
        if random_seed is not None:
            self._np_random, self._np_random_seed = seeding.np_random(int(random_seed))
        self._check_max_sequential()
        self.sequential_count = dict.fromkeys(self.max_sequential, 0)
        alpha = self.dt / self.tau
        self.noise_factor = self.noise_std * np.sqrt(2 * alpha) / alpha
        for param, period, spec in (("fix_time", "fixation", fix_time), ("iti", "iti", iti)):
            try:
                normalize(period, spec)
            except (TypeError, ValueError) as error:
                raise type(error)(f"{param}: {error}") from None
        self.timing = {"fixation": fix_time, "stimulus": self.stim_time, "iti": iti}
        names = {"fixation": 0, "start": 1}
        for i, modality in enumerate(sorted(self.modalities), 2):
            names[modality] = i
        self.observation_space = spaces.Box(
            low=0.0, high=1.0, shape=(len(names),), dtype=np.float32, name=names
        )
        n_actions = len(self.output_behavior)
        self.action_space = spaces.Discrete(
            n_actions, name={"fixation": 0, "choice": range(1, n_actions)}
        )

    def _prepare_intensities(self, intensities: Any) -> dict[str, list[float]]:
        if intensities is None:
            return {m: [0.8, 0.9, 1.0] for m in self.modalities}
        if isinstance(intensities, Mapping):
            if set(intensities) != self.modalities:
                raise ValueError(
                    f"intensities must give values for exactly the modalities "
                    f"{sorted(self.modalities)}, got {sorted(intensities)}"
                )
            return {
                m: [check_number(f"intensities[{m!r}]", v)] if isinstance(v, Real)
                else check_numbers(f"intensities[{m!r}]", v)
                for m, v in intensities.items()
            }
        if isinstance(intensities, (str, bytes)) or not isinstance(intensities, Sequence):
            raise TypeError(
                f"intensities must be a list, a dict per modality, or None, got {intensities!r}"
            )
        values = check_numbers("intensities", intensities)
        return {m: list(values) for m in self.modalities}

    def _prepare_max_sequential(self, max_sequential: Any) -> dict[str, int | None]:
        def check(key: str, value: Any) -> int | None:
            if value is None:
                return None
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
                raise ValueError(f"max_sequential[{key!r}] must be None or an int >= 1, "
                                 f"got {value!r}")
            return int(value)

        if isinstance(max_sequential, Mapping):
            unknown = set(max_sequential) - self.modalities - {CATCH_KEYWORD}
            if unknown:
                raise ValueError(
                    f"max_sequential: unknown keys {sorted(unknown)}; accepted: "
                    f"{sorted(self.modalities | {CATCH_KEYWORD})}"
                )
            result = {m: check(m, max_sequential.get(m)) for m in sorted(self.modalities)}
            result[CATCH_KEYWORD] = check(CATCH_KEYWORD, max_sequential.get(CATCH_KEYWORD))
            return result
        if max_sequential is None or (
            isinstance(max_sequential, (int, np.integer)) and not isinstance(max_sequential, bool)
        ):
            value = check("max_sequential", max_sequential)
            result = dict.fromkeys(sorted(self.modalities), value)
            result[CATCH_KEYWORD] = None
            return result
        raise TypeError(
            f"max_sequential must be an int, a dict per modality, or None, got {max_sequential!r}"
        )

    def _check_max_sequential(self) -> None:
        """Reject ``max_sequential`` caps that no sequence of trials can satisfy."""
        if MIN_CATCHPROB <= self.catch_prob <= MAX_CATCHPROB:
            return  # catch trials break every run of a modality, and vice versa
        if self.catch_prob > MAX_CATCHPROB:
            if self.max_sequential[CATCH_KEYWORD] is not None:
                raise ValueError(
                    "max_sequential caps catch trials, but catch_prob is 1: every trial is one"
                )
            return
        totals = dict.fromkeys(self.modalities, 0.0)
        for stim, prob in self.session.items():
            for modality in stim:
                totals[modality] += prob
        for modality, prob in totals.items():
            if self.max_sequential[modality] is not None and np.isclose(prob, 1.0):
                raise ValueError(
                    f"max_sequential caps modality {modality!r}, but with catch_prob 0 it is "
                    f"shown on every trial"
                )

    def __deepcopy__(self, memo: dict[int, Any]) -> AnnubesEnv:
        new = self.__class__.__new__(self.__class__)
        memo[id(self)] = new
        for key, value in self.__dict__.items():
            setattr(new, key, copy.deepcopy(value, memo))
        if not self.frozen_seed and self._np_random is not None:
            new._np_random, new._np_random_seed = seeding.np_random(
                int(self._np_random.integers(2**32))
            )
        return new

    def _new_trial(self, **kwargs: Any) -> dict[str, Any]:
        rng = self.rng
        if self.num_tr == 0:
            self.sequential_count = dict.fromkeys(self.max_sequential, 0)
        self.add_period(["fixation", "stimulus", "iti"])
        self.add_ob(self.fix_intensity, "fixation", where="fixation")
        self.add_ob(1, "stimulus", where="start")
        count, cap = self.sequential_count, self.max_sequential
        options: dict[tuple[str, ...], float] = {}
        for stim, prob in self.session.items():
            if all(cap[m] is None or count[m] < cap[m] for m in stim):
                options[stim] = (1 - self.catch_prob) * prob
        if self.catch_prob > 0 and (
            cap[CATCH_KEYWORD] is None or count[CATCH_KEYWORD] < cap[CATCH_KEYWORD]
        ):
            options[CATCH_SESSION_KEY] = self.catch_prob
        keys = list(options)
        weights = np.array([options[k] for k in keys])
        total = weights.sum()
        if total <= 0:
            raise RuntimeError(
                f"AnnubesEnv: no stimulus may follow {count} under max_sequential={cap}"
            )
        stimulus = keys[int(rng.choice(len(keys), p=weights / total))]
        catch = stimulus == CATCH_SESSION_KEY
        values: dict[str, float] = {}
        if catch:
            for modality in count:
                count[modality] = 0
            count[CATCH_KEYWORD] += 1
            stimulus = ()
            self.set_groundtruth(0)
        else:
            for modality in count:
                count[modality] = count[modality] + 1 if modality in stimulus else 0
            for modality in stimulus:
                choices = self.intensities[modality]
                values[modality] = float(choices[int(rng.integers(len(choices)))])
                self.add_ob(values[modality], "stimulus", where=modality)
                if self.noise_factor > 0:
                    self.add_randn(0, self.noise_factor, "stimulus", where=modality)
            np.clip(self.ob, 0.0, 1.0, out=self.ob)
            self.set_groundtruth(0)
            self.set_groundtruth(1, "stimulus")
        trial = {
            "catch": bool(catch),
            "stim_types": tuple(stimulus),
            "stim_values": values,
            "sequential_count": dict(count),
        }
        trial.update(kwargs)
        self._n_stim = self.end_ind["stimulus"] - self.start_ind["stimulus"]
        self._n_right = 0
        return trial

    def _step(self, action: Any) -> tuple[None, float, bool, bool, dict[str, Any]]:
        t_ind = self.t_ind
        gt = self.gt[t_ind]
        reward = 0.0
        if self.start_ind["stimulus"] <= t_ind < self.end_ind["stimulus"]:
            if action == gt:
                reward = self.rewards["correct"]
                self._n_right += 1
                self.performance = self._n_right / self._n_stim
            else:
                reward = self.rewards["fail"]
        elif action != 0:
            reward = self.rewards["abort"]
        return None, reward, False, False, {"new_trial": False, "gt": gt}
