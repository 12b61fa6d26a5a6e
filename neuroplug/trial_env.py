"""TrialEnv: the trial machinery tasks are written with.

A task subclasses :class:`TrialEnv`, sets ``observation_space``, ``action_space`` (named
dimensions from :mod:`neuroplug.spaces`) and ``timing`` in ``__init__``, builds one trial in
``_new_trial(**kwargs)`` with ``add_period`` / ``add_ob`` / ``set_groundtruth``, and judges
one action in ``_step(action)``. The base class runs the trial loop: it advances time,
starts the next trial when one ends, and calls the runtime hooks (see
:mod:`neuroplug.hookspecs`) of the stack's layers and of process-wide plugins.

Time convention: ``reset`` returns ``ob[0]`` of the first trial; ``step(a)`` judges ``a``
against the ground truth of the step the agent just saw (``gt[t]``), then returns
``ob[t + 1]`` -- or ``ob[0]`` of the next trial when this step ended the trial.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

import gymnasium as gym
import numpy as np

from neuroplug import timing as timing_lib
from neuroplug.copying import writable_state
from neuroplug.dispatch import HookTable, Step
from neuroplug.errors import TimingError
from neuroplug.fidelity import declare_difference
from neuroplug.spaces import dim_names

declare_difference(
    "core.reset_takes_no_step", component="core TrialEnv", kind="design",
    neurogym="reset() builds a trial, then takes one step with a random action (the action "
    "space reseeded with 0) and returns that step's observation: the agent's first "
    "observation is ob[1] (or the next trial's ob[0]), and that step's reward is lost",
    neuroplug="reset() returns ob[0] of the new trial and takes no step: the agent sees and "
    "is judged on every step of every trial",
    reason="a hidden step with a random action can end or penalise a trial the agent never "
    "saw; gymnasium's contract is that reset returns the first observation",
    test="tests/test_hooks.py::"
    "test_reset_runs_reset_then_trial_hooks_then_observation_without_a_step",
)
declare_difference(
    "core.reset_seed", component="core TrialEnv", kind="bug fix",
    neurogym="trials draw from env.rng, a RandomState that only env.seed(s) reseeds; "
    "reset(seed=s) seeds gymnasium's np_random, which no task uses, so it does not "
    "reproduce trials",
    neuroplug="env.rng is gymnasium's np_random (a numpy Generator): reset(seed=s) reseeds "
    "the task and every wrapper on it. Streams differ from NeuroGym's RandomState, so "
    "trials match NeuroGym in distribution, not draw by draw",
    reason="NeuroGym's reset(seed=s) does not make a run reproducible",
    test="tests/test_hooks.py::test_reset_with_seed_reproduces_the_whole_stack",
)
declare_difference(
    "core.info_trial_is_the_finished_trial", component="core TrialEnv", kind="bug fix",
    neurogym="on the step that ends a trial, info['trial'] is the dict of the *next* trial "
    "(the one just built) while info['performance'] is the finished trial's, so a log of "
    "both pairs each trial's outcome with the following trial's parameters",
    neuroplug="info['trial'] is the finished trial's dict, the trial info['performance'] "
    "and the step's reward belong to; the new trial is env.unwrapped.trial",
    reason="NeuroGym's records misalign a trial's parameters and its outcome",
    test="tests/test_fidelity.py::test_info_trial_is_the_trial_that_ended",
)
declare_difference(
    "core.reset_options", component="core TrialEnv", kind="design",
    neurogym="reset(options=) reads 'no_step' (return a random sample of the observation "
    "space instead of taking the hidden step) and 'step_fn' (the function that takes it) and "
    "ignores every other key",
    neuroplug="'no_step' and 'step_fn' are accepted and change nothing (reset takes no step "
    "and returns the trial's first observation); any other key is a ValueError naming it",
    reason="a misspelt or unsupported option silently ignored is a run that is not what its "
    "author wrote",
    test="tests/test_neurogym_programs.py::test_reset_options_are_checked",
)
declare_difference(
    "core.add_period_follows_the_last", component="core TrialEnv", kind="design",
    neurogym="add_period(name) without after= or before= starts the period at time 0, "
    "overlapping any earlier one (only a list of periods is laid end to end)",
    neuroplug="a period added on its own follows the period added last",
    reason="overlapping periods from consecutive add_period calls are a trap; NeuroGym's own "
    "tasks always pass after= or a list, where both agree",
    test="tests/test_fidelity.py::test_add_period_alone_follows_the_last_period",
)


class _ObNow:
    """The type of :data:`OBNOW`."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "OBNOW"

    def __reduce__(self) -> str:
        return "OBNOW"


#: What ``_step`` returns as its observation to let the loop supply the next one (``ob[t +
#: 1]``, or the next trial's ``ob[0]``); ``TrialEnv.ob_now`` is this, as in NeuroGym.
#: ``None`` means the same.
OBNOW = _ObNow()

#: The keys ``reset(options=...)`` accepts: NeuroGym's, which change nothing here (see the
#: difference ``core.reset_options``).
RESET_OPTIONS = frozenset({"no_step", "step_fn"})


def check_reset_options(options: Any) -> None:
    """Raise ``ValueError`` for ``reset`` options this library does not know."""
    if options is None:
        return
    if not isinstance(options, Mapping):
        raise TypeError(f"reset: options must be a mapping or None, got {options!r}")
    unknown = sorted(map(repr, set(options) - RESET_OPTIONS))
    if unknown:
        raise ValueError(
            f"reset: unknown option(s) {', '.join(unknown)}; accepted: "
            f"{sorted(RESET_OPTIONS)} (NeuroGym's, which change nothing here: reset takes "
            f"no step). To set the first trial's parameters, call new_trial(**params) after "
            f"reset"
        )


class TimingDict(dict):
    """A task's ``timing``: every value is validated when it is set (so at construction)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__()
        self.normalized: dict[str, tuple[str, Any]] = {}
        self.update(*args, **kwargs)

    def __setitem__(self, period: str, spec: Any) -> None:
        self.normalized[period] = timing_lib.normalize(period, spec)
        super().__setitem__(period, spec)

    def update(self, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]
        for period, spec in dict(*args, **kwargs).items():
            self[period] = spec

    def __reduce__(self) -> tuple[Any, ...]:
        return (TimingDict, (dict(self),))


class TrialEnv(gym.Env):
    """Base class of trial-based tasks (a ``gymnasium.Env``).

    Args:
        dt: duration of one step in ms; period durations are rounded to multiples of it.
        r_tmax: reward added when a trial runs out of time without the task ending it.
    """

    metadata: ClassVar[dict[str, Any]] = {
        "render_modes": [],
        "paper_name": None,
        "paper_link": None,
        "tags": [],
    }

    #: Set by a layer that switches tasks at trial boundaries (``schedule_envs``):
    #: ``trial_router(task)`` is called when one of this task's trials ends and returns the
    #: task that runs the next trial (this one or a sibling under the same layer). That
    #: task builds the trial and the step returns its first observation. ``None``: this
    #: task runs its own next trial.
    trial_router: Any = None
    #: Set by a NeuroGym-style wrapper that overrides ``new_trial`` (see
    #: :class:`neuroplug.compat.neurogym.core.TrialWrapper`): the loop starts each trial
    #: with ``trial_top.new_trial()``, which reaches this task's ``new_trial`` through the
    #: wrappers below it -- NeuroGym's ``set_top``. ``None``: ``self.new_trial()``.
    trial_top: Any = None

    def __init__(self, dt: float = 100, r_tmax: float = 0.0) -> None:
        super().__init__()
        if isinstance(dt, bool) or not isinstance(dt, (int, float, np.number)) or dt <= 0:
            raise ValueError(f"dt must be a positive number of ms, got {dt!r}")
        self.dt = dt
        self.r_tmax = float(r_tmax)
        self.rewards: dict[str, float] = {}
        self._timing = TimingDict()
        #: The hook table of the chain being stepped (see :meth:`activate`); the task's own
        #: chain, without layers, until a layer wraps it.
        self.hooks = self._own_chain = HookTable()
        self._step_record = Step()
        self._out_shape: tuple[int, ...] | None = None
        self._out_dtype: Any = None
        self._out_index: tuple[slice, ...] = (Ellipsis,)
        self._out_rows: np.ndarray = np.zeros((0,))
        self._out_serial = -1
        self._trial_serial = 0  # counts every trial ever built; never reset
        self.num_tr = 0
        self.trial: dict[str, Any] | None = None
        self.performance = 0
        self._trial_reward_acc = 0.0
        self._clear_trial()

    # --- timing ---------------------------------------------------------------------

    @property
    def timing(self) -> TimingDict:
        """Period name -> timing spec (see :mod:`neuroplug.timing`); validated on assignment."""
        return self._timing

    @timing.setter
    def timing(self, value: Mapping[str, Any]) -> None:
        self._timing = TimingDict(value)

    @property
    def rng(self) -> np.random.Generator:
        """The env's random generator (gymnasium's ``np_random``), reseeded by ``reset(seed)``."""
        return self.np_random

    def seed(self, seed: int | None = None) -> list[int | None]:
        """Reseed this task's generator and action space, as NeuroGym's ``env.seed`` does
        (the layers above keep theirs: ``reset(seed=...)`` reseeds the whole stack)."""
        self.np_random = np.random.default_rng(seed)
        if getattr(self, "action_space", None) is not None:
            self.action_space.seed(seed)
        return [seed]

    def sample_time(self, period: str) -> float | timing_lib.Until:
        """Draw the duration of ``period`` from ``timing``, floored to a multiple of ``dt``
        (as NeuroGym 2.3.1 does: 750 ms at ``dt=100`` lasts 7 steps)."""
        try:
            spec = self._timing.normalized[period]
        except KeyError:
            raise KeyError(
                f"no timing for period {period!r}; timing has {sorted(self._timing)}"
            ) from None
        value = timing_lib.sample(spec, self.np_random)
        if isinstance(value, timing_lib.Until):
            return value
        if spec[0] == "callable":
            value = timing_lib.normalize(period, value)[1]  # a callable's result is checked
        return timing_lib.floor_to_dt(value, self.dt)

    # --- periods --------------------------------------------------------------------

    def _clear_trial(self) -> None:
        self.t = 0
        self.t_ind = 0
        self.tmax = 0
        self._tmax_ind = 0
        self._tmax_ms = 0.0
        self.periods: list[str] = []
        self.start_t: dict[str, float] = {}
        self.end_t: dict[str, float] = {}
        self.start_ind: dict[str, int] = {}
        self.end_ind: dict[str, int] = {}
        self.ob: np.ndarray | None = None
        self.gt: np.ndarray | None = None
        self._gt_built = False

    def add_period(
        self,
        period: str | list[str],
        duration: float | list[float] | None = None,
        before: str | None = None,
        after: str | float | None = None,
    ) -> None:
        """Add one period (or a list, one after the other) to the trial being built.

        ``duration`` defaults to a draw from ``timing``. A period starts ``after`` a named
        period (or at a time in ms), or ends where the period ``before`` starts; by default
        it follows the period added last.
        """
        if self.ob is not None or self._gt_built:
            raise TimingError(
                f"add_period({period!r}) called after observations or ground truth were "
                f"built; add every period before add_ob / set_ob / set_groundtruth"
            )
        if isinstance(period, str):
            self._add_one_period(period, duration, before, after)
            return
        periods = list(period)
        if isinstance(duration, (list, tuple)):
            if len(duration) != len(periods):
                raise ValueError(
                    f"add_period: {len(periods)} periods but {len(duration)} durations"
                )
            durations = list(duration)
        else:
            durations = [duration] * len(periods)
        last = len(periods) - 1
        for i, (name, d) in enumerate(zip(periods, durations, strict=True)):
            self._add_one_period(
                name, d, before if i == last else None, after if i == 0 else None
            )

    def _add_one_period(self, period: str, duration: Any, before: Any, after: Any) -> None:
        """Place one period as NeuroGym 2.3.1 does: times are kept in ms, and a period covers
        the steps ``int(start / dt)`` to ``int(end / dt)`` (so a duration that is not a
        multiple of ``dt`` is floored, and a drawn one already is: see ``sample_time``)."""
        if period in self.start_ind:
            raise ValueError(f"period {period!r} was already added to this trial")
        dt = self.dt
        if duration is None:
            d = self.sample_time(period)
        elif isinstance(duration, timing_lib.Until):
            d = duration
        else:
            d = timing_lib.normalize(period, duration)[1]
        if before is not None:
            if before not in self.start_t:
                raise KeyError(f"add_period({period!r}, before={before!r}): no such period yet")
            if isinstance(d, timing_lib.Until):
                raise ValueError(f"period {period!r}: 'until' timing cannot be used with before")
            start = self.start_t[before] - d
        elif after is not None:
            if isinstance(after, str):
                if after not in self.end_t:
                    raise KeyError(f"add_period({period!r}, after={after!r}): no such period yet")
                start = self.end_t[after]
            else:
                start = float(after)
        else:
            # NeuroGym starts a period added on its own at 0; here it follows the last one.
            start = self.end_t[self.periods[-1]] if self.periods else 0.0
        if start < 0:
            raise ValueError(f"period {period!r} would start before the trial begins")
        if isinstance(d, timing_lib.Until):
            d = timing_lib.floor_to_dt(max(0.0, d.t - start), dt)
        end = start + d
        start_ind, end_ind = int(start / dt), int(end / dt)
        self.periods.append(period)
        self.start_ind[period] = start_ind
        self.end_ind[period] = end_ind
        self.start_t[period] = start
        self.end_t[period] = end
        if end > self._tmax_ms:
            self._tmax_ms = end
            self._tmax_ind = int(end / dt)
            self.tmax = self._tmax_ind * dt

    def in_period(self, period: str, t: float | None = None) -> bool:
        """Whether time ``t`` (ms; default: now) lies in ``period``."""
        if t is None:
            return self.start_ind[period] <= self.t_ind < self.end_ind[period]
        return self.start_t[period] <= t < self.end_t[period]

    def set_period(self, period: str, start_ind: int, end_ind: int) -> None:
        """Move ``period`` of the current trial to steps ``[start_ind, end_ind)``.

        For layers that edit a built trial (``neuroplug_trial_built``, e.g. reaction time).
        Only the period's bounds change; observations and ground truth are the caller's.
        Tasks must read period bounds at step time (not cache them in ``_new_trial``) for
        such edits to take effect.
        """
        if period not in self.start_ind:
            raise KeyError(f"set_period: no period {period!r}; the trial has {self.periods}")
        if not 0 <= start_ind <= end_ind <= self._tmax_ind:
            raise ValueError(
                f"set_period({period!r}): need 0 <= start_ind <= end_ind <= "
                f"{self._tmax_ind}, got [{start_ind}, {end_ind})"
            )
        self.start_ind[period], self.end_ind[period] = int(start_ind), int(end_ind)
        self.start_t[period], self.end_t[period] = start_ind * self.dt, end_ind * self.dt

    def truncate_trial(self, n_steps: int) -> None:
        """End the current trial after ``n_steps`` steps (at most its length).

        Periods are clipped to the new end, ``ob`` and ``gt`` shortened (views). For layers
        that edit a built trial (``neuroplug_trial_built``).
        """
        if not 1 <= n_steps <= self._tmax_ind:
            raise ValueError(
                f"truncate_trial: n_steps must be in [1, {self._tmax_ind}], got {n_steps!r}"
            )
        n_steps = int(n_steps)
        for period in self.periods:
            start = min(self.start_ind[period], n_steps)
            self.set_period(period, start, min(self.end_ind[period], n_steps))
        self._tmax_ind = n_steps
        self.tmax = self._tmax_ms = n_steps * self.dt
        if self.ob is not None:
            self.ob = self.ob[:n_steps]
        if self.gt is not None:
            self.gt = self.gt[:n_steps]

    # --- observations and ground truth ----------------------------------------------

    def _init_ob(self) -> None:
        if self._tmax_ind <= 0:
            raise TimingError("add observations after adding periods of non-zero duration")
        space = self.observation_space
        self.ob = np.zeros((self._tmax_ind, *space.shape), dtype=space.dtype)

    def _init_gt(self) -> None:
        if self._tmax_ind <= 0:
            raise TimingError("set the ground truth after adding periods of non-zero duration")
        space = self.action_space
        dtype = np.int64 if isinstance(space, gym.spaces.Discrete) else space.dtype
        self.gt = np.zeros((self._tmax_ind, *space.shape), dtype=dtype)
        self._gt_built = True

    def _where(self, space: gym.Space, where: str | int | None, kind: str) -> Any:
        if where is None:
            return Ellipsis
        if isinstance(where, (int, np.integer)):
            return int(where)
        cache = self.__dict__.setdefault("_where_cache", {})
        key = (id(space), kind, where)
        if key not in cache:
            cache[key] = self._where_uncached(space, where, kind)
        return cache[key]

    def _where_uncached(self, space: gym.Space, where: str, kind: str) -> Any:
        names = dim_names(space)
        if where not in names:
            raise KeyError(f"{kind} space has no dimension named {where!r}; it has {sorted(names)}")
        index = names[where]
        if isinstance(index, list) and index and index == list(range(index[0], index[-1] + 1)):
            return slice(index[0], index[-1] + 1)
        return index

    def _time_slices(self, period: str | Iterable[str] | None) -> list[slice]:
        """Row slices of ``period`` (a name, a list of names, or all); touching periods
        are merged so that one numpy operation covers them."""
        if period is None:
            return [slice(0, self._tmax_ind)]
        if isinstance(period, str):
            return [slice(self.start_ind[period], self.end_ind[period])]
        bounds = sorted((self.start_ind[p], self.end_ind[p]) for p in period)
        merged = [list(bounds[0])] if bounds else []
        for start, end in bounds[1:]:
            if start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        return [slice(start, end) for start, end in merged]

    def _add_ob(self, value: Any, period: Any, where: Any, reset: bool) -> None:
        if self.ob is None:
            self._init_ob()
        column = self._where(self.observation_space, where, "observation")
        ob = self.ob
        basic = column is Ellipsis or isinstance(column, (int, slice))
        for rows in self._time_slices(period):
            index = rows if column is Ellipsis else (rows, column)
            if basic:  # a view: operate in place
                view = ob[index]
                new = value(view) if callable(value) else value
                if reset:
                    view[...] = new
                else:
                    view += new
                continue
            current = ob[index]
            new = value(current) if callable(value) else value
            ob[index] = new if reset else current + new

    def add_ob(self, value: Any, period: Any = None, where: Any = None) -> None:
        """Add ``value`` to the observation in ``period`` (name or list), dimensions ``where``."""
        self._add_ob(value, period, where, reset=False)

    def set_ob(self, value: Any, period: Any = None, where: Any = None) -> None:
        """Set the observation in ``period``, dimensions ``where``, to ``value``."""
        self._add_ob(value, period, where, reset=True)

    def add_randn(self, mu: float = 0.0, sigma: float = 1.0, period: Any = None,
                  where: Any = None) -> None:
        """Add Gaussian noise (mean ``mu``, std ``sigma``) drawn from the env's generator."""
        rng = self.np_random
        dtype = self.observation_space.dtype
        draw_dtype = dtype if dtype in (np.float32, np.float64) else np.float64

        def noise(current: np.ndarray) -> np.ndarray:
            sample = rng.standard_normal(current.shape, dtype=draw_dtype)
            sample *= sigma
            if mu:
                sample += mu
            return sample

        self._add_ob(noise, period, where, reset=False)

    def set_groundtruth(self, value: Any, period: Any = None, where: str | None = None) -> None:
        """Set the ground truth in ``period``; with ``where``, ``value`` indexes that named
        group of actions (``set_groundtruth(1, "decision", where="choice")``)."""
        if self.gt is None:
            self._init_gt()
        if where is not None:
            names = dim_names(self.action_space)
            if where not in names:
                raise KeyError(f"action space has no dimension named {where!r}; "
                               f"it has {sorted(names)}")
            group = names[where]
            value = group if isinstance(group, int) else group[value]
        for rows in self._time_slices(period):
            self.gt[rows] = value

    def view_ob(self, period: str | None = None) -> np.ndarray:
        """A writable view of the observations of ``period`` (all steps if ``None``)."""
        if self.ob is None:
            self._init_ob()
        return self.ob[self._time_slices(period)[0]]

    def view_groundtruth(self, period: str | None = None) -> np.ndarray:
        """A writable view of the ground truth of ``period`` (all steps if ``None``)."""
        if self.gt is None:
            self._init_gt()
        return self.gt[self._time_slices(period)[0]]

    @property
    def ob_now(self) -> _ObNow:
        """:data:`OBNOW`, as in NeuroGym: ``return self.ob_now, reward, ...`` from ``_step``
        lets the loop supply the next observation. The current one is ``ob[t_ind]``."""
        return OBNOW

    @property
    def gt_now(self) -> Any:
        """The ground truth at the current step."""
        return self.gt[self.t_ind]

    # --- the trial loop -------------------------------------------------------------

    def _new_trial(self, **kwargs: Any) -> dict[str, Any]:
        """Build one trial (periods, observations, ground truth); return its parameters."""
        raise NotImplementedError

    def _step(self, action: Any) -> tuple[Any, float, bool, bool, dict[str, Any]]:
        """Judge ``action`` at the current step; return ``(ob, reward, terminated,
        truncated, info)`` like NeuroGym. With ``ob`` ``None`` or :data:`OBNOW`
        (``self.ob_now``) the loop supplies the next observation from the trial's buffer;
        an array is the observation returned, as in NeuroGym. Set ``info["new_trial"] =
        True`` to end the trial."""
        raise NotImplementedError

    def _start_trial(self) -> None:
        """The loop's next trial: through ``trial_top`` if a wrapper took that role."""
        top = self.trial_top
        if top is None:
            self.new_trial()
        else:
            top.new_trial()

    def new_trial(self, **kwargs: Any) -> dict[str, Any]:
        """Start a new trial: trial-generation hooks, then ``_new_trial``; returns its params."""
        hooks = self.hooks
        hooks.refresh()
        params = dict(kwargs)
        for function in hooks.trial_params:
            function(self, params)
        self._clear_trial()
        trial = self._new_trial(**params)
        if trial is None:
            trial = params
        if self._tmax_ind <= 0:
            raise TimingError(f"{type(self).__name__}: a trial must last at least one step")
        if self.ob is None:
            self._init_ob()
        self.trial = trial
        self.num_tr += 1
        self._trial_serial += 1
        self.performance = 0
        for function in hooks.trial_built:
            function(self, trial)
        return trial

    def step(self, action: Any) -> tuple[np.ndarray, float, bool, bool, dict[str, Any]]:
        """Judge ``action`` at the current step and return the next observation.

        The common case (the trial goes on, no per-step hook) is kept to a few attribute
        reads: it is what every agent and every wrapper pays on every step.
        """
        given, reward, terminated, truncated, info = self._step(action)
        if given is not None:
            given = None if given is OBNOW else self._check_given(given)
        t_ind = self.t_ind
        if "gt" not in info and self._gt_built:
            info["gt"] = self.gt[t_ind]
        t_ind += 1
        if info.get("new_trial") or t_ind >= self._tmax_ind:
            return self._step_ending_trial(action, reward, terminated, truncated, info, given)
        info["new_trial"] = False
        self.t_ind = t_ind
        self.t = t_ind * self.dt
        if self.hooks.per_step:
            obs, reward = self._run_step_hooks(
                action, reward, terminated, truncated, info, False, given
            )
        elif given is None:
            # A row of this trial's buffer: each trial gets a new buffer and rows are never
            # written once returned, so no two observations share memory.
            obs = self.ob[t_ind]
        else:
            obs = given
        self._trial_reward_acc += reward
        return obs, reward, terminated, truncated, info

    def _check_given(self, given: Any) -> np.ndarray:
        """The observation ``_step`` returned, checked against the observation space."""
        given = np.asarray(given)
        shape = self.observation_space.shape
        if given.shape != shape:
            raise ValueError(
                f"{type(self).__name__}._step returned an observation of shape {given.shape}; "
                f"the observation space has shape {shape}. Return self.ob_now (or None) to "
                f"let the trial's buffer supply it"
            )
        return given

    def _step_ending_trial(self, action: Any, reward: float, terminated: bool,
                           truncated: bool, info: dict[str, Any], given: Any = None
                           ) -> tuple[np.ndarray, float, bool, bool, dict[str, Any]]:
        """The step that ends a trial: close it, start the next one, log the finished one.
        ``given``: the observation ``_step`` returned, if any (else the next trial's first)."""
        if not info.get("new_trial"):
            reward += self.r_tmax  # the trial ran out of time
        info["new_trial"] = True
        if self.trial_router is not None:
            return self._route_trial(action, reward, terminated, truncated, info, given)
        finished = self._finish_trial(info)
        obs, reward = self._first_observation(action, reward, terminated, truncated, info,
                                              given)
        self._log_trial(finished, action, reward, info)
        return obs, reward, terminated, truncated, info

    def _first_observation(self, action: Any, reward: float, terminated: bool,
                           truncated: bool, info: dict[str, Any], given: Any = None
                           ) -> tuple[np.ndarray, float]:
        """The first observation of the trial just built (or ``given``, the one ``_step``
        returned), through the per-step hooks if any (which may also adjust the reward);
        otherwise row 0 of the trial's new buffer."""
        if self.hooks.per_step:
            return self._run_step_hooks(action, reward, terminated, truncated, info, True,
                                        given)
        return (self.ob[0] if given is None else given), reward

    def _route_trial(self, action: Any, reward: float, terminated: bool, truncated: bool,
                     info: dict[str, Any], given: Any = None
                     ) -> tuple[np.ndarray, float, bool, bool, dict]:
        """End this trial and start the next on the task ``trial_router`` picks.

        The finished trial is logged by this task; the next one is built, observed and
        step-logged by the chosen task, so the observation returned is its first.
        """
        finished = self._finish_trial(info, start_next=False)
        target = self.trial_router(self)
        target._start_trial()
        target._trial_reward_acc = 0.0
        obs, reward = target._first_observation(action, reward, terminated, truncated, info,
                                                given)
        self._log_trial(finished, action, reward, info)
        return obs, reward, terminated, truncated, info

    def _finish_trial(self, info: dict[str, Any], start_next: bool = True) -> dict[str, Any]:
        """Close the trial that this step ended and start the next one."""
        finished = {
            "trial": self.trial,
            "performance": self.performance,
            "steps": self.t_ind + 1,
            "index": self.num_tr - 1,
            "cum_reward": self._trial_reward_acc,
        }
        info["performance"] = self.performance
        info["trial"] = dict(self.trial) if self.trial is not None else {}
        self._trial_reward_acc = 0.0
        if start_next:
            self._start_trial()
        return finished

    def _log_trial(self, finished: dict[str, Any], action: Any, reward: float,
                   info: dict[str, Any]) -> None:
        functions = self.hooks.log_trial
        if not functions:
            return
        base = {
            "trial": finished["index"],
            "params": finished["trial"],
            "action": action,
            "reward": reward,
            "cum_reward": finished["cum_reward"] + reward,
            "performance": finished["performance"],
            "steps": finished["steps"],
            "gt": info.get("gt"),
        }
        for function in functions:
            record = dict(base)
            record["params"] = dict(base["params"]) if base["params"] is not None else {}
            function(self, record)

    def _run_step_hooks(self, action: Any, reward: float, terminated: bool, truncated: bool,
                        info: dict[str, Any], new_trial: bool, given: Any = None
                        ) -> tuple[np.ndarray, float]:
        t_ind = self.t_ind
        out = self._out_rows
        if self._out_serial != self._trial_serial or t_ind >= len(out):
            # One outgoing buffer per trial, as wide as the outermost layer: each step's
            # observation is a fresh row of it (hooks write into it in place), which costs
            # far less than allocating an array per step.
            shape = self._out_shape or self.ob.shape[1:]
            dtype = self._out_dtype if self._out_shape else self.ob.dtype
            out = self._out_rows = np.zeros((self._tmax_ind, *shape), dtype=dtype)
            self._out_serial = self._trial_serial
        obs = out[t_ind]
        # The task's row is copied at step time: a task may write future rows in _step.
        obs[self._out_index] = self.ob[t_ind] if given is None else given
        step = self._step_record
        step.obs, step.action, step.reward = obs, action, reward
        step.terminated, step.truncated, step.info = terminated, truncated, info
        step.new_trial = new_trial
        for function in self.hooks.observation:
            function(self, step)
        for function in self.hooks.log_step:
            function(self, step)
        return step.obs, step.reward

    def reset(self, *, seed: int | None = None,
              options: dict[str, Any] | None = None) -> tuple[np.ndarray, dict[str, Any]]:
        """Reseed (if ``seed``), let every layer redraw its state, and start a new trial.

        ``options``: NeuroGym's ``no_step`` / ``step_fn`` are accepted (no step is taken
        anyway); any other key is an error. Returns the first observation of that trial.
        """
        check_reset_options(options)
        super().reset(seed=seed)
        hooks = self.hooks
        hooks.refresh()
        for function in hooks.reset:
            function(self, seed)
        self.num_tr = 0
        self._trial_reward_acc = 0.0
        self._start_trial()
        obs, _ = self._first_observation(None, 0.0, False, False, {})
        return obs, {}

    # --- stack layers ---------------------------------------------------------------

    #: The layers directly above this task (several: sibling stacks), set by
    #: :meth:`neuroplug.Layer.attach`; see :mod:`neuroplug.layer`.
    _aboves: tuple[Any, ...] = ()
    #: Non-zero while a layer above steps this task through a foreign wrapper.
    _entered = 0
    #: Set once this task's stacks branch (siblings) or an inner level is stepped: every
    #: top of its stacks then activates its chain when stepped.
    _checking = False

    def activate(self, table: HookTable) -> None:
        """Run ``table``'s hooks from now on (the chain of the level being stepped): its
        layers' hooks, observations as wide as its outermost in-loop layer."""
        if self.hooks is table:
            return
        space = table.observation_space
        self._out_layout(space)  # an unusable space fails before any change
        self.hooks = table
        self._set_out_space(space)

    def _activate(self) -> None:
        """Stepped as an entry point: the task's own chain, no layer."""
        self.activate(self._own_chain)

    def _out_layout(self, space: gym.spaces.Space | None
                    ) -> tuple[tuple[int, ...] | None, Any, tuple[Any, ...]]:
        """Shape, dtype and the task's own index in outgoing observations as wide as
        ``space`` (shape ``None``: the task's own observations)."""
        own = self.observation_space
        if space is None or (space.shape == own.shape and space.dtype == own.dtype):
            return None, None, (Ellipsis,)
        if len(space.shape) != len(own.shape) or any(
            outer < inner for outer, inner in zip(space.shape, own.shape, strict=True)
        ):
            raise ValueError(
                f"a layer's observation space {space} must extend the task's {own} along "
                f"its axes"
            )
        return tuple(space.shape), space.dtype, tuple(slice(0, n) for n in own.shape)

    def _set_out_space(self, space: gym.spaces.Space | None) -> None:
        """Build outgoing observations as wide as ``space`` (``None``: the task's own)."""
        self._out_serial = -1  # the outgoing width may change: a new buffer next step
        self._out_shape, self._out_dtype, self._out_index = self._out_layout(space)

    # --- copying --------------------------------------------------------------------

    def __getstate__(self) -> dict[str, Any]:
        # Links up to the layers above are not copied: a copy holds what is below the level
        # copied (a sibling stack stays behind); the layers copied with it re-link and
        # activate their chains as they are restored (Layer.__setstate__).
        state = dict(self.__dict__)
        state.pop("_aboves", None)
        state.pop("hooks", None)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        # arrays may come back read-only (pickle protocol 5 out-of-band buffers, Ray)
        self.__dict__.update(writable_state(state))
        self.hooks = self._own_chain
        self._set_out_space(None)
