"""Base classes of stack layers: the wrappers that plugins ship.

A layer is a ``gymnasium.Wrapper`` whose behaviour lives in runtime hook implementations
(methods decorated with :data:`neuroplug.hookimpl`, see :mod:`neuroplug.hookspecs`).
``attach()``, called at the end of the subclass's ``__init__``, asks the layer for its
observation space and joins its hooks to the trial loop of every task below it. A layer
that only implements hooks needs no ``step`` of its own: stepping it goes straight to the
nearest layer (or task) that has one, so a stack of hook layers costs one call per step.

A task belongs to one stack. Each task or layer has at most one layer above it; wrapping
one that has (or a closed layer) raises :class:`neuroplug.StackError`, and so does
stepping or resetting a level with a layer above it: only the top of a stack is stepped.
``close()`` on the outermost layer takes every layer out, leaving the task as if it had
never been wrapped; ``detach()`` takes out the outermost layer only.

A layer above a foreign gymnasium wrapper (``TransformObservation`` between two layers)
runs its observation and step-logging hooks in its own ``step``, on what that wrapper
returned, so every wrapper's effect comes in the order the stack lists them.

Public attributes a layer does not have are read from the env below it, as gymnasium
0.29 (NeuroGym's) did and gymnasium 1.x no longer does: ``env.timing``, ``env.dt``,
``env.ob``, ``env.gt``, ``env.trial`` and ``env.new_trial()`` work on a whole stack (under a
multi-env layer, on its current env). Names starting with ``_`` or ``neuroplug_`` (hook
implementations) are never forwarded, and setting an attribute sets it on the layer.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import cached_property
from types import MethodType
from typing import Any

import gymnasium as gym
import numpy as np
from gymnasium.utils import RecordConstructorArgs

from neuroplug.copying import writable_state
from neuroplug.dispatch import Step, layer_step_hooks
from neuroplug.errors import IncompatibleWrapperError, StackError
from neuroplug.fidelity import declare_difference
from neuroplug.trial_env import TrialEnv

declare_difference(
    "core.one_stack_per_task", component="core Layer", kind="design",
    neurogym="wrappers are independent gymnasium wrappers: wrapping a task (or an inner "
    "wrapper) a second time builds a second chain over the same task, and any level can be "
    "stepped, with the effects of the wrappers at or below it",
    neuroplug="a task or layer has at most one layer above it: wrapping one that has raises "
    "StackError naming the stack it belongs to, and so does stepping or resetting a level "
    "with a layer above it; only the outermost layer is stepped",
    reason="layers join the task's own trial loop (what makes stacks fast), so a second "
    "chain or a step of an inner level would silently mix both stacks' effects",
    test="tests/test_stack_ownership.py::test_stepping_or_resetting_an_inner_level_is_an_error",
)
declare_difference(
    "core.close_frees_the_task", component="core Layer", kind="design",
    neurogym="close() closes the env below and leaves every wrapper working (a Monitor can "
    "go on recording after it)",
    neuroplug="close() on the outermost layer takes every layer out of the trial loop (the "
    "Monitor saves first): the task is bit-identical to a fresh one and free for a new "
    "stack, and stepping a closed layer raises StackError; Monitor.save() writes without "
    "closing",
    reason="a task reused after its stack is closed (an evaluation on the bare task) must not "
    "keep the old stack's noise or write into its Monitor's files",
    test="tests/test_stack_ownership.py::test_after_close_the_task_is_bit_identical_to_a_fresh_one",
)


def task_label(env: gym.Env) -> str:
    """How messages name the task under ``env``: its registered id, else its class name."""
    task = env.unwrapped
    return getattr(getattr(task, "spec", None), "id", None) or type(task).__name__


def layers_below(env: gym.Env) -> list[Layer]:
    """Every neuroplug layer at or under ``env`` (through foreign wrappers and multi-env
    layers), outermost first."""
    if isinstance(env, Layer):
        found = [env]
        for inner in env.inner_envs():
            found.extend(layer for layer in layers_below(inner)
                         if all(layer is not f for f in found))
        return found
    if isinstance(env, gym.Wrapper):
        return layers_below(env.env)
    return []


def tasks_below(env: gym.Env) -> list[TrialEnv]:
    """Every :class:`TrialEnv` under ``env`` (several under a multi-env layer)."""
    if isinstance(env, TrialEnv):
        return [env]
    if isinstance(env, Layer):
        found: list[TrialEnv] = []
        for inner in env.inner_envs():
            found.extend(t for t in tasks_below(inner) if all(t is not f for f in found))
        return found
    if isinstance(env, gym.Wrapper):
        return tasks_below(env.env)
    return []


# --- who is above whom -------------------------------------------------------------------


def _is_level(env: object) -> bool:
    return isinstance(env, (TrialEnv, Layer))


def nearest_level(env: gym.Env) -> tuple[Any, bool]:
    """The task or layer at or under ``env``, and whether foreign wrappers lie between
    (``None`` if ``env`` holds no neuroplug level)."""
    foreign = False
    while not _is_level(env):
        if not isinstance(env, gym.Wrapper):
            return None, foreign
        env, foreign = env.env, True
    return env, foreign


def foreign_below(env: gym.Env) -> bool:
    """Whether a foreign gymnasium wrapper lies anywhere between ``env`` and its task(s)."""
    level, foreign = nearest_level(env)
    return foreign or getattr(level, "_foreign_below", False)


def stack_top(level: Any) -> Any:
    """The outermost layer of the stack ``level`` (a task or layer) belongs to."""
    while level._above is not None:
        level = level._above
    return level


def _name(level: Any) -> str:
    return task_label(level) if isinstance(level, TrialEnv) else type(level).__name__


def _make_name(level: Any) -> str:
    """What to pass to ``neuroplug.make`` for a task like the one under ``level``."""
    label = task_label(level)
    if label.startswith("neuroplug/") and label.endswith("-v0"):
        return label.removeprefix("neuroplug/").removesuffix("-v0")
    return label


def check_free(env: gym.Env, wrapper: str) -> None:
    """Raise :class:`StackError` unless a new layer ``wrapper`` may wrap ``env``: the level
    under it must be the top of its stack, and not a closed layer."""
    level, _ = nearest_level(env)
    if level is None:
        return
    if getattr(level, "_closed", False):
        raise StackError(
            f"{wrapper} cannot wrap {_name(level)}: that layer was closed (its hooks are out "
            f"of the trial loop); build the stack again"
        )
    above = level._above
    if above is not None:
        raise StackError(
            f"{wrapper} cannot wrap {_name(level)}: it already has {type(above).__name__} "
            f"above it, in the stack {stack_top(level)}. A task belongs to one stack: build "
            f"a new task for this one (neuroplug.make({_make_name(level)!r}) is cheap), or "
            f"close() that stack first"
        )


class _Guard:
    """Stands in for ``step`` / ``reset`` of a level that has a layer above it.

    The layer above enters the level through its class's method, or -- through a foreign
    wrapper between them -- marks the level entered while that wrapper calls it. Any other
    call is an error: it would mix this level's effects with those of the layers above.
    """

    __slots__ = ("level", "method")

    def __init__(self, level: Any, method: str) -> None:
        self.level, self.method = level, method

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        level = self.level
        if level._entered or sys._getframe(1).f_locals.get("self") is level._above:
            # entered through a foreign wrapper, or called by the layer above itself (a
            # layer whose own step calls ``self.env.step``, as gymnasium wrappers do)
            return getattr(type(level), self.method)(level, *args, **kwargs)
        raise StackError(
            f"{_name(level)}.{self.method}(): it has {type(level._above).__name__} above it, "
            f"in the stack {stack_top(level)}; {self.method} the outermost layer, or close() "
            f"the layers above first"
        )

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.level, self.method))


class _Closed(_Guard):
    """Stands in for ``step`` / ``reset`` of a closed (detached) layer."""

    __slots__ = ()

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        raise StackError(
            f"{type(self.level).__name__}.{self.method}(): this layer was closed, its hooks "
            f"are out of the trial loop; build the stack again"
        )


_ENTRY_POINTS = ("step", "reset")


def _guard(level: Any, kind: type[_Guard]) -> None:
    for method in _ENTRY_POINTS:
        setattr(level, method, kind(level, method))


def _unguard(level: Any) -> None:
    for method in _ENTRY_POINTS:
        level.__dict__.pop(method, None)


class _ThroughForeign:
    """Calls a foreign wrapper's method for the layer above it, with the level under the
    wrapper marked entered (so its guard lets the wrapper's own call through)."""

    __slots__ = ("method", "wrapper")

    def __init__(self, wrapper: gym.Env, method: str) -> None:
        self.wrapper, self.method = wrapper, method

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return call_entered([nearest_level(self.wrapper)[0]],
                            getattr(self.wrapper, self.method), *args, **kwargs)


def call_entered(levels: list[Any], function: Callable[..., Any], *args: Any,
                 **kwargs: Any) -> Any:
    """Call ``function`` (which steps or resets ``levels`` the way a foreign wrapper or a
    user's step function does) with those levels marked entered, so their guards let it
    through."""
    for level in levels:
        level._entered += 1
    try:
        return function(*args, **kwargs)
    finally:
        for level in levels:
            level._entered -= 1


def enter(env: gym.Env, method: str) -> Callable[..., Any]:
    """``env.<method>`` as the layer above calls it: a level's own method (its public one is
    a guard), or a foreign wrapper's with the level under it marked entered."""
    if _is_level(env):
        return MethodType(getattr(type(env), method), env)
    return _ThroughForeign(env, method)


def direct_step(env: gym.Env) -> Callable[..., Any]:
    """The ``step`` that stepping ``env`` amounts to: skip layers that add no step logic."""
    while isinstance(env, Layer) and type(env).step is Layer.step and not env._foreign_below:
        env = env.env
    return enter(env, "step")


class Layer(gym.Wrapper, RecordConstructorArgs):
    """Base of every neuroplug wrapper.

    Args:
        env: the env to wrap (a task or another layer, the top of its stack).
        **recorded: the constructor arguments to record in ``env.spec``.
    """

    #: True for a layer whose effect on what the agent sees lies wholly in the trial
    #: buffers it exposes (``ob``, ``gt``) and whose ``step`` only routes the action to an
    #: env below (the multi-env layers): a ``Dataset`` may then copy whole trials from
    #: ``stack.ob`` / ``stack.gt``, as NeuroGym's does, instead of stepping.
    effects_in_trial_buffers = False
    #: True for a layer that writes what runs through it to files (the Monitor): a
    #: ``Dataset`` refuses a stack holding one, since each of its rows is a copy.
    writes_records = False

    _above: Layer | None = None  # the layer directly above this one
    _entered = 0  # non-zero while the layer above steps this one through a foreign wrapper
    _closed = False
    _foreign_below = False  # a foreign gymnasium wrapper lies somewhere below this layer
    #: Attributes rebuilt after copying (bound methods would be unpickled by name).
    _derived: tuple[str, ...] = ("_inner_step", "_step_below", "_step_hooks")

    def __init__(self, env: gym.Env, **recorded: Any) -> None:
        check_free(env, type(self).__name__)
        RecordConstructorArgs.__init__(self, **recorded)
        gym.Wrapper.__init__(self, env)

    def __getattr__(self, name: str) -> Any:
        """Read a public attribute this layer lacks from the env below (see the module
        docstring); called only when normal lookup fails."""
        env = self.__dict__.get("env")
        if env is None or name.startswith(("_", "neuroplug_")):
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        try:
            return getattr(env, name)
        except AttributeError:
            raise AttributeError(
                f"{type(self).__name__!r} object has no attribute {name!r}, nor has any env "
                f"below it ({task_label(env)})"
            ) from None

    # --- structure ------------------------------------------------------------------

    def inner_envs(self) -> list[gym.Env]:
        """The envs directly under this layer (several for a multi-env layer)."""
        return [self.env]

    @property
    def tasks(self) -> list[TrialEnv]:
        """Every task under this layer."""
        return tasks_below(self)

    @property
    def task(self) -> TrialEnv:
        """The task under this layer (an error under a multi-env layer: use ``tasks``)."""
        tasks = self.tasks
        if len(tasks) != 1:
            raise AttributeError(
                f"{type(self).__name__} has {len(tasks)} tasks underneath; use .tasks"
            )
        return tasks[0]

    def attach(self) -> None:
        """Set the observation space and join this layer's hooks to every task below."""
        name = type(self).__name__
        tasks = self.tasks
        if not tasks:
            raise IncompatibleWrapperError(
                f"{name} needs a neuroplug TrialEnv underneath, got {self.env!r}"
            )
        for env in self.inner_envs():
            check_free(env, name)
        inner_space = self.env.observation_space
        space = None
        hook = getattr(self, "neuroplug_observation_space", None)
        if hook is not None:
            space = hook(env=self.env, space=inner_space)
        if space is not None and space is not inner_space:
            self.observation_space = space
        self._foreign_below = any(foreign_below(env) for env in self.inner_envs())
        in_loop = not self._foreign_below
        if in_loop:
            for task in tasks:  # an unusable space fails before any task changes
                task._out_layout(self.observation_space)
        for task in tasks:
            task.attach_layer(self, self.observation_space, in_loop)
        for env in self.inner_envs():
            level, _ = nearest_level(env)
            level._above = self
            _guard(level, _Guard)
        self._pending_logs: list[tuple[Callable, TrialEnv, dict[str, Any]]] = []
        self._seen_reward = 0.0
        for derived in self._derived:
            self.__dict__.pop(derived, None)

    def detach(self) -> None:
        """Take this layer out of its stack: its hooks leave the trial loop, and the env
        below is the top of its stack again, as if this layer had never been added. Only
        the outermost layer can be detached; the layer cannot be used afterwards."""
        if self._closed:
            return
        if self._above is not None:
            raise StackError(
                f"{type(self).__name__}.detach(): it has {type(self._above).__name__} above "
                f"it, in the stack {stack_top(self)}; detach or close the outermost layer"
            )
        for task in self.tasks:
            task.detach_layer(self)
        for env in self.inner_envs():
            level, _ = nearest_level(env)
            if level is not None and level._above is self:
                level.__dict__.pop("_above", None)
                _unguard(level)
        self._closed = True
        _guard(self, _Closed)

    def close(self) -> None:
        """Close the stack from this layer down, as gymnasium does: each layer is detached
        (see :meth:`detach`) and then closes the env below it. Closing the outermost layer
        leaves the task as if it had never been wrapped, free for a new stack."""
        if self._closed:
            return
        self.detach()
        for env in self.inner_envs():
            env.close()

    # --- the step path --------------------------------------------------------------

    @cached_property
    def _step_below(self) -> Callable[..., Any]:
        """What stepping the env below amounts to (hook-only layers skipped)."""
        return direct_step(self.env)

    @cached_property
    def _step_hooks(self) -> tuple[Callable, ...]:
        """This layer's own per-step hooks, when it runs them itself (foreign wrapper below)."""
        return layer_step_hooks(self) if self._foreign_below else ()

    @cached_property
    def _inner_step(self) -> Callable[..., Any]:
        """The step this layer's ``step`` makes: below, then (above a foreign wrapper) its
        own per-step hooks on what came back."""
        return self._own_path_step if self._foreign_below else self._step_below

    def step(self, action: Any) -> tuple[Any, float, bool, bool, dict[str, Any]]:
        """Step the stack: this layer's work happens in its hooks, inside the task's loop."""
        return self._inner_step(action)

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None
              ) -> tuple[Any, dict[str, Any]]:
        """Reset the env below (the task reseeds, every layer redraws its state)."""
        obs, info = enter(self.env, "reset")(seed=seed, options=options)
        return self._after_reset(obs, info)

    def new_trial(self, **kwargs: Any) -> dict[str, Any]:
        """Start a new trial of the task below (running every trial-generation hook)."""
        if isinstance(self.env, Layer):  # down to a multi-env layer, which picks the task
            return self.env.new_trial(**kwargs)
        return self.task.new_trial(**kwargs)

    def _call_below(self, function: Callable[..., Any], *args: Any) -> Any:
        """Call ``function`` -- a user's function that steps the env under this layer, such
        as the Monitor's ``step_fn`` -- with the levels directly under it marked entered."""
        return call_entered([nearest_level(env)[0] for env in self.inner_envs()], function,
                            *args)

    # --- above a foreign wrapper: this layer's per-step hooks run here ----------------

    def _own_path_step(self, action: Any) -> tuple[Any, float, bool, bool, dict[str, Any]]:
        obs, reward, terminated, truncated, info = self._step_below(action)
        return self._own_hooks(obs, action, reward, terminated, truncated, info,
                               bool(info.get("new_trial", False)))

    def _after_reset(self, obs: Any, info: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
        """The first observation, through this layer's own hooks if it runs them."""
        if not self._foreign_below:
            return obs, info
        self._seen_reward = 0.0
        self._pending_logs.clear()
        obs = self._own_hooks(obs, None, 0.0, False, False, info, True)[0]
        return obs, info

    def _own_hooks(self, obs: Any, action: Any, reward: float, terminated: bool,
                   truncated: bool, info: dict[str, Any], new_trial: bool
                   ) -> tuple[Any, float, bool, bool, dict[str, Any]]:
        """Run this layer's observation and step-logging hooks on a step that came back
        through a foreign wrapper, then log any trial that ended in it with the action and
        rewards this layer saw."""
        hooks = self._step_hooks
        if hooks:
            space = self.observation_space
            out = np.zeros(space.shape, dtype=space.dtype)
            given = np.asarray(obs)
            out[tuple(slice(0, n) for n in given.shape)] = given
            step = Step()
            step.obs, step.action, step.reward = out, action, reward
            step.terminated, step.truncated, step.info = terminated, truncated, info
            step.new_trial = new_trial
            task = self.env.unwrapped
            for function in hooks:
                function(task, step)
            obs, reward = step.obs, step.reward
        pending = self._pending_logs
        if pending:
            for function, task, record in pending:
                record["action"] = action
                record["reward"] = reward
                record["cum_reward"] = self._seen_reward + reward
                function(task, record)
            pending.clear()
            self._seen_reward = 0.0
        elif action is not None:
            self._seen_reward += reward
        return obs, reward, terminated, truncated, info

    # --- copying --------------------------------------------------------------------

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        for name in self._derived:
            state.pop(name, None)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        for name in self._derived:
            state.pop(name, None)
        # arrays may come back read-only (pickle protocol 5 out-of-band buffers, Ray)
        self.__dict__.update(writable_state(state))


class TrialWrapper(Layer):
    """Base of layers that act on trial generation (``neuroplug_trial_params``,
    ``neuroplug_trial_built``, ``neuroplug_reset``).

    Kept as its own class, as in NeuroGym, so that ``isinstance(w, TrialWrapper)`` tells
    which wrappers change the trials themselves.
    """
