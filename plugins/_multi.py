"""Shared machinery of the layers over several envs (``multi_envs``, ``schedule_envs``).

A multi-env layer is a :class:`neuroplug.TrialWrapper` over a list of envs, each a task or
a stack of neuroplug layers on one task. ``self.env`` is the current env: stepping the
layer steps it. ``inner_envs()`` returns every env, so the layer's hooks (and those of
every layer stacked above it) join the trial loop of every task; in a hook, ``env`` is the
task being stepped, which tells which env the step belongs to.

An env may itself hold a multi-env layer (``ScheduleEnvs([ScheduleEnvs([a, b], ...), c],
...)``, as NeuroGym allows and task packages built on it do): the outer layer picks the
env, the inner one the task within it.

With ``env_input=True`` the observation gains one entry per env (named ``"env"``), a
one-hot of the env the observation comes from. ``layer.ob`` is the current trial's
observation buffer with that one-hot in it (NeuroGym's ``env.ob``), ``layer.gt`` its ground
truth.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from functools import cached_property
from typing import Any

import gymnasium as gym
import numpy as np
from gymnasium.envs.registration import EnvSpec, load_env_creator

from neuroplug import IncompatibleWrapperError, TrialWrapper, hookimpl, spaces
from neuroplug.dispatch import Step
from neuroplug.layer import check_free, direct_step, enter, task_label, tasks_below
from neuroplug.spaces import dim_names
from neuroplug.trial_env import TrialEnv


def _shape_text(space: gym.Space) -> str:
    if isinstance(space, gym.spaces.Discrete):
        return f"Discrete({int(space.n)})"
    return f"{type(space).__name__}{tuple(space.shape)}"


class MultiEnvLayer(TrialWrapper):
    """Base of layers over several envs; see the module docstring.

    Subclasses call ``super().__init__(envs, env_input, **recorded)``, set their own state
    and end their ``__init__`` with ``self.attach()``.
    """

    effects_in_trial_buffers = True

    def __init__(self, envs: Sequence[gym.Env], env_input: bool, **recorded: Any) -> None:
        name = type(self).__name__
        if isinstance(envs, gym.Env) or not isinstance(envs, Sequence) or not envs:
            raise TypeError(f"{name}: envs must be a non-empty list of envs, got {envs!r}")
        envs = list(envs)
        for k, env in enumerate(envs):
            if not isinstance(env, gym.Env):
                raise TypeError(f"{name}: envs[{k}] is not a gymnasium env: {env!r}")
        if not isinstance(env_input, (bool, np.bool_)):
            raise TypeError(f"{name}: env_input must be True or False, got {env_input!r}")
        tasks: list[TrialEnv] = []
        index: dict[TrialEnv, int] = {}
        nested: list[MultiEnvLayer | None] = []
        for env in envs:
            check_free(env, name)
        for k, env in enumerate(envs):
            below = tasks_below(env)
            inner = _inner_multi(env)
            if len(below) != 1 and inner is None:
                raise IncompatibleWrapperError(
                    f"{name}: envs[{k}] ({env!r}) must hold one neuroplug task, or a "
                    f"multi-env layer over several; found {len(below)} tasks"
                )
            for task in below:
                if task in index:
                    raise ValueError(
                        f"{name}: envs[{k}] ({task_label(env)}) holds the same task as "
                        f"envs[{index[task]}]; pass a separate instance for each entry"
                    )
                index[task] = k
            tasks.append(below[0] if inner is None else None)
            nested.append(inner)
        first_obs, first_act = envs[0].observation_space, envs[0].action_space
        if any(
            e.observation_space.shape != first_obs.shape
            or _shape_text(e.action_space) != _shape_text(first_act)
            for e in envs
        ):
            listing = "; ".join(
                f"#{k} {task_label(e)}: observation {_shape_text(e.observation_space)}, "
                f"action {_shape_text(e.action_space)}"
                for k, e in enumerate(envs)
            )
            raise IncompatibleWrapperError(
                f"{name}: every env must have the same observation and action shapes, "
                f"got {listing}"
            )
        super().__init__(envs[0], envs=[task_label(e) for e in envs], env_input=env_input,
                         **recorded)
        self.envs = envs
        # Taken now: gymnasium.make(spec) later overwrites the spec of the task it returns.
        self._env_specs = [copy.deepcopy(e.spec) for e in envs]
        self._spec_kwargs: dict[str, Any] = {"env_input": bool(env_input)}
        self.env_input = bool(env_input)
        #: The task of each env (``None`` for an env holding a multi-env layer: ``_nested``).
        self._env_tasks = tasks
        self._nested = nested
        # Keyed by the task itself (not id()) so copies and unpickled stacks keep working.
        self._index = index
        self.i_env = 0
        self._rng = np.random.default_rng()
        self.action_space = first_act
        self._space: gym.Space = first_obs
        self._offset = 0
        if self.env_input:
            self._space = self._grown_space(first_obs)
        else:
            # No per-step work: hide the observation hook so the task's fast path stays.
            self.neuroplug_observation = None  # type: ignore[assignment]
        self.observation_space = self._space

    def _grown_space(self, space: gym.Space) -> spaces.Box:
        name = type(self).__name__
        if not isinstance(space, gym.spaces.Box) or len(space.shape) != 1:
            raise IncompatibleWrapperError(
                f"{name} with env_input=True on {task_label(self.envs[0])}: needs a 1-D Box "
                f"observation space to append the env one-hot to, got {space}"
            )
        n_obs, n_envs = space.shape[0], len(self.envs)
        names = dim_names(space)
        names["env"] = range(n_obs, n_obs + n_envs)
        self._offset = n_obs
        return spaces.Box(
            np.concatenate([space.low, np.zeros(n_envs, dtype=space.dtype)]),
            np.concatenate([space.high, np.ones(n_envs, dtype=space.dtype)]),
            dtype=space.dtype,
            name=names,
        )

    @property
    def spec(self) -> EnvSpec | None:
        """A spec that rebuilds this layer over its envs: ``gymnasium.make(env.spec)``.

        ``None`` when an env has no spec (a task built directly rather than by
        ``neuroplug.make``). Layers stacked above add themselves to it as usual.
        """
        if any(s is None for s in self._env_specs):
            return None
        return EnvSpec(
            id=f"neuroplug/{type(self).__name__}-v0",
            entry_point=f"{__name__}:rebuild",
            kwargs={
                "layer": f"{type(self).__module__}:{type(self).__qualname__}",
                "envs": self._env_specs,
                **self._spec_kwargs,
            },
            disable_env_checker=True,
            order_enforce=False,
        )

    # --- structure ------------------------------------------------------------------

    def inner_envs(self) -> list[gym.Env]:
        """Every env under this layer."""
        return list(self.envs)

    def _set_current(self, i: int) -> None:
        self.i_env = i
        self.env = self.envs[i]

    def _check_index(self, i: Any) -> int:
        n = len(self.envs)
        if isinstance(i, bool) or not isinstance(i, (int, np.integer)) or not 0 <= i < n:
            raise ValueError(
                f"{type(self).__name__}.set_i: i must be an int in [0, {n - 1}], got {i!r}"
            )
        return int(i)

    def set_i(self, i: int) -> None:
        """Make the ``i``-th env of ``envs`` the current one: the next step acts in it."""
        self._set_current(self._check_index(i))

    @property
    def active_task(self) -> TrialEnv:
        """The task that runs the current trial (within a nested multi-env layer too)."""
        inner = self._nested[self.i_env]
        return inner.active_task if inner is not None else self._env_tasks[self.i_env]

    @property
    def ob(self) -> np.ndarray | None:
        """The current trial's observations as this layer presents them: the current
        env's buffer, with the env one-hot appended when ``env_input`` (NeuroGym's
        ``env.ob`` after ``new_trial()``). Built once per trial."""
        own = self.env.ob
        if not self.env_input or own is None:
            return own
        key = (self.i_env, self.active_task._trial_serial, len(own))
        cached = self.__dict__.get("_ob_cache")
        if cached is not None and cached[0] == key:
            return cached[1]
        ob = np.zeros((len(own), *self._space.shape), dtype=self._space.dtype)
        ob[:, :own.shape[1]] = own
        ob[:, self._offset + self.i_env] = 1
        self._ob_cache = (key, ob)
        return ob

    # --- hooks ----------------------------------------------------------------------

    @hookimpl
    def neuroplug_observation_space(self, env: gym.Env, space: gym.Space) -> gym.Space:
        return self._space

    @hookimpl
    def neuroplug_observation(self, env: TrialEnv, step: Step) -> None:
        step.obs[self._offset + self._index[env]] = 1

    # --- the loop -------------------------------------------------------------------

    _derived = (*TrialWrapper._derived, "_steps", "_ob_cache")

    @cached_property
    def _steps(self) -> list[Callable[..., Any]]:
        """How each env is stepped (hook-only layers skipped)."""
        return [direct_step(env) for env in self.envs]

    @cached_property
    def _step_below(self) -> Callable[..., Any]:
        return self._step_current

    def _step_current(self, action: Any) -> tuple[Any, float, bool, bool, dict[str, Any]]:
        return self._steps[self.i_env](action)

    def step(self, action: Any) -> tuple[Any, float, bool, bool, dict[str, Any]]:
        """Step the current env."""
        if self._foreign_below:
            return self._own_path_step(action)
        return self._steps[self.i_env](action)

    def new_trial(self, **kwargs: Any) -> dict[str, Any]:
        """Start a new trial of the current env's task."""
        return self._new_trial_in(self.i_env, **kwargs)

    def _new_trial_in(self, i: int, **kwargs: Any) -> dict[str, Any]:
        """A new trial in env ``i`` (a nested multi-env layer picks its task)."""
        inner = self._nested[i]
        if inner is not None:
            return inner.new_trial(**kwargs)
        return self._env_tasks[i].new_trial(**kwargs)

    def _pick(self) -> TrialEnv:
        """The task of the next trial when a layer above picks this env: the current one's
        (a schedule moves on here: see ``ScheduleEnvs``)."""
        inner = self._nested[self.i_env]
        return inner._pick() if inner is not None else self._env_tasks[self.i_env]

    def _first_index(self) -> int:
        """The env whose reset returns the first observation (the schedule may pick it)."""
        return self.i_env

    def reset(self, *, seed: int | None = None,
              options: dict[str, Any] | None = None) -> tuple[Any, dict[str, Any]]:
        """Reset every env and return the first observation of the current one.

        With ``seed``, each env gets its own seed derived from it (and the layer's own
        generator, used by a schedule, too), so the whole stack is reproducible. The
        current env is reset last, so layers above see its reset last and draw their state
        from it.
        """
        n = len(self.envs)
        seeds: list[int | None] = [None] * n
        if seed is not None:
            children = np.random.SeedSequence(seed).spawn(n + 1)
            seeds = [int(c.generate_state(1)[0]) for c in children[:n]]
            self._rng = np.random.default_rng(children[n])
        first = self._first_index()
        for k, env in enumerate(self.envs):
            if k != first:
                enter(env, "reset")(seed=seeds[k])
        self._set_current(first)
        obs, info = enter(self.env, "reset")(seed=seeds[first], options=options)
        return self._after_reset(obs, info)


def _inner_multi(env: gym.Env) -> MultiEnvLayer | None:
    """The multi-env layer ``env`` is or holds down a chain of single-env levels."""
    while isinstance(env, gym.Wrapper):
        if isinstance(env, MultiEnvLayer):
            return env
        env = env.env
    return None


def rebuild(layer: str, envs: Sequence[EnvSpec], **kwargs: Any) -> MultiEnvLayer:
    """Build a multi-env layer from its spec: each env from its own spec, then the layer."""
    return load_env_creator(layer)([gym.make(spec) for spec in envs], **kwargs)
