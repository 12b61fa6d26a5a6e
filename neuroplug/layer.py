"""Base classes of stack layers: the wrappers that plugins ship.

A layer is a ``gymnasium.Wrapper`` whose behaviour lives in runtime hook implementations
(methods decorated with :data:`neuroplug.hookimpl`, see :mod:`neuroplug.hookspecs`).
``attach()``, called at the end of the subclass's ``__init__``, asks the layer for its
observation space and joins its hooks to the trial loop of every task below it. A layer
that only implements hooks needs no ``step`` of its own: stepping it goes straight to the
nearest layer (or task) that has one, so a stack of hook layers costs one call per step.

Every level -- a task or a layer -- is a stack of its own: stepping it runs the hooks of
the layers from the task up to it, and no others. Each layer holds its *chain*, the
:class:`~neuroplug.dispatch.HookTable` of the layers from the task up to it, and the task
runs the chain of the level being stepped. So a level may be wrapped more than once
(sibling stacks, such as a training and an evaluation Monitor over one env, as NeuroGym
programs use them) and any level may be stepped, as in NeuroGym: each wrapper sees only
the steps taken through it. In a single stack stepped at its top nothing is switched; once
a stack branches, or an inner level is stepped, every entry point activates its own chain
first (an identity check when it is already active). The task's state (its trial, its
time) is shared by all of them, as the wrapped env is in NeuroGym.

``close()`` on the outermost layer takes it out and closes the levels below down to the
first one another layer still wraps, leaving an unshared task as if it had never been
wrapped; ``detach()`` takes out the outermost layer only. Wrapping or stepping a closed
layer raises :class:`neuroplug.StackError`.

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
    "core.close_frees_the_task", component="core Layer", kind="design",
    neurogym="close() closes the env below and leaves every wrapper working (a Monitor can "
    "go on recording after it)",
    neuroplug="close() on the outermost layer takes it out of the trial loop (the Monitor "
    "saves first) and closes the levels below it down to one that another layer still "
    "wraps: an unshared task is bit-identical to a fresh one, and stepping a closed layer "
    "raises StackError; Monitor.save() writes without closing",
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
    """An outermost layer of a stack ``level`` (a task or layer) belongs to."""
    while level._aboves:
        level = level._aboves[0]
    return level


def chain_of(level: Any, task: TrialEnv) -> Any:
    """The hook table of the chain from ``task`` up to ``level`` (the task itself: none)."""
    return task._own_chain if level is task else level._chains[task]


def _tops(level: Any) -> list[Any]:
    """The outermost levels of every stack through ``level``."""
    if not level._aboves:
        return [level]
    return [top for above in level._aboves for top in _tops(above)]


def _check_entries(tasks: list[TrialEnv]) -> None:
    """From now on every top over ``tasks`` activates its chain when stepped (the stacks
    branch, or an inner level is stepped)."""
    for task in tasks:
        if not task._checking:
            task._checking = True
            for top in _tops(task):
                _guard(top, _Guard)


def _tasks_of(level: Any) -> list[TrialEnv]:
    return [level] if isinstance(level, TrialEnv) else level.tasks


def check_free(env: gym.Env, wrapper: str) -> None:
    """Raise :class:`StackError` if ``env`` is a closed layer (nothing may wrap it)."""
    level, _ = nearest_level(env)
    if level is not None and getattr(level, "_closed", False):
        raise StackError(
            f"{wrapper} cannot wrap {_name(level)}: that layer was closed (its hooks are out "
            f"of the trial loop); build the stack again"
        )


def _name(level: Any) -> str:
    return task_label(level) if isinstance(level, TrialEnv) else type(level).__name__


class _Guard:
    """Stands in for ``step`` / ``reset`` of a level that has layers above it (or is the
    top of a branched stack).

    Called by a layer above it -- through the class's method, or through a foreign wrapper
    with the level marked entered -- it passes the call on. Called from anywhere else, the
    level is an entry point: its chain is activated first, so the step has exactly the
    effects of the layers up to this level.
    """

    __slots__ = ("level", "method")

    def __init__(self, level: Any, method: str) -> None:
        self.level, self.method = level, method

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        level = self.level
        aboves = level._aboves
        if aboves:
            caller = sys._getframe(1).f_locals.get("self")
            if level._entered or any(caller is above for above in aboves):
                # a layer above steps it (one whose own step calls ``self.env.step``, as
                # gymnasium wrappers do, or through a foreign wrapper)
                return getattr(type(level), self.method)(level, *args, **kwargs)
            _check_entries(_tasks_of(level))
        level._activate()
        return getattr(type(level), self.method)(level, *args, **kwargs)

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

    _aboves: tuple[Layer, ...] = ()  # the layers directly above this one
    _entered = 0  # non-zero while a layer above steps this one through a foreign wrapper
    _chains: dict[TrialEnv, Any]  # task -> hook table of the chain up to this layer
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
        space = self.observation_space if in_loop else None
        chains: dict[TrialEnv, Any] = {}
        branches = False
        for env in self.inner_envs():
            level, _ = nearest_level(env)
            for task in tasks_below(env):
                chains[task] = chain_of(level, task).extended(self, space)
            branches = branches or bool(level._aboves)
            level._aboves = (*level._aboves, self)
            _guard(level, _Guard)
        self._chains = chains
        for task, table in chains.items():  # the new stack is the one stepped next
            task.activate(table)
        if branches:
            _check_entries(tasks)
        elif any(task._checking for task in tasks):
            _guard(self, _Guard)
        self._pending_logs: list[tuple[Callable, TrialEnv, dict[str, Any]]] = []
        self._seen_reward = 0.0
        for derived in self._derived:
            self.__dict__.pop(derived, None)

    def _activate(self) -> None:
        """Stepped as an entry point: every task below runs this layer's chain."""
        for task, table in self._chains.items():
            if task.hooks is not table:
                task.activate(table)

    def detach(self) -> None:
        """Take this layer out of its stack: its hooks leave the trial loop, and the env
        below is as if this layer had never been added. Only an outermost layer can be
        detached; the layer cannot be used afterwards."""
        if self._closed:
            return
        if self._aboves:
            raise StackError(
                f"{type(self).__name__}.detach(): it has {type(self._aboves[0]).__name__} "
                f"above it, in the stack {stack_top(self)}; detach or close the outermost "
                f"layer"
            )
        for env in self.inner_envs():
            level, _ = nearest_level(env)
            if level is None:
                continue
            level._aboves = tuple(a for a in level._aboves if a is not self)
            for task in tasks_below(env):
                if task.hooks is self._chains.get(task):
                    task.activate(chain_of(level, task))
            if not level._aboves:
                _unguard(level)
                if any(task._checking for task in _tasks_of(level)):
                    _guard(level, _Guard)  # a top of a branched stack
        self._closed = True
        _guard(self, _Closed)

    def close(self) -> None:
        """Close the stack from this layer down, as gymnasium does: the layer is detached
        (see :meth:`detach`), then each env below it is closed unless another layer still
        wraps it. Closing the outermost layer of an unshared stack leaves the task as if it
        had never been wrapped."""
        if self._closed:
            return
        self.detach()
        for env in self.inner_envs():
            level, _ = nearest_level(env)
            if level is None or not level._aboves:
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
        # not the links up (see TrialEnv.__getstate__): a copy holds what is below it
        state = dict(self.__dict__)
        for name in (*self._derived, "_aboves"):
            state.pop(name, None)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        for name in (*self._derived, "_aboves"):
            state.pop(name, None)
        # arrays may come back read-only (pickle protocol 5 out-of-band buffers, Ray)
        self.__dict__.update(writable_state(state))
        if self._closed:
            return
        # The levels below are restored by now: link to them and run this chain (the
        # outermost layer is restored last, so its chain is the one that stays active).
        for env in self.inner_envs():
            level, _ = nearest_level(env)
            if level is not None and all(a is not self for a in level._aboves):
                level._aboves = (*level._aboves, self)
        self._activate()


class TrialWrapper(Layer):
    """Base of layers that act on trial generation (``neuroplug_trial_params``,
    ``neuroplug_trial_built``, ``neuroplug_reset``).

    Kept as its own class, as in NeuroGym, so that ``isinstance(w, TrialWrapper)`` tells
    which wrappers change the trials themselves.
    """
