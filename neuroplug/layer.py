"""Base classes of stack layers: the wrappers that plugins ship.

A layer is a ``gymnasium.Wrapper`` whose behaviour lives in runtime hook implementations
(methods decorated with :data:`neuroplug.hookimpl`, see :mod:`neuroplug.hookspecs`).
``attach()``, called at the end of the subclass's ``__init__``, asks the layer for its
observation space and joins its hooks to the trial loop of every task below it. A layer
that only implements hooks needs no ``step`` of its own: stepping it goes straight to the
nearest layer (or task) that has one, so a stack of hook layers costs one call per step.

gymnasium 1.x does not forward unknown attributes through wrappers; reach the task with
``layer.task`` (or ``layer.unwrapped``) and other layers' attributes with
``layer.get_wrapper_attr(name)``.
"""

from __future__ import annotations

from typing import Any

import gymnasium as gym
from gymnasium.utils import RecordConstructorArgs

from neuroplug.errors import IncompatibleWrapperError
from neuroplug.trial_env import TrialEnv


def task_label(env: gym.Env) -> str:
    """How messages name the task under ``env``: its registered id, else its class name."""
    task = env.unwrapped
    return getattr(getattr(task, "spec", None), "id", None) or type(task).__name__


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


class Layer(gym.Wrapper, RecordConstructorArgs):
    """Base of every neuroplug wrapper.

    Args:
        env: the env to wrap (a task or another layer).
        **recorded: the constructor arguments to record in ``env.spec``.
    """

    def __init__(self, env: gym.Env, **recorded: Any) -> None:
        RecordConstructorArgs.__init__(self, **recorded)
        gym.Wrapper.__init__(self, env)
        self._inner_step = env.step

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
        tasks = self.tasks
        if not tasks:
            raise IncompatibleWrapperError(
                f"{type(self).__name__} needs a neuroplug TrialEnv underneath, "
                f"got {self.env!r}"
            )
        inner_space = self.env.observation_space
        space = None
        hook = getattr(self, "neuroplug_observation_space", None)
        if hook is not None:
            space = hook(env=self.env, space=inner_space)
        if space is not None and space is not inner_space:
            self.observation_space = space
        for task in tasks:
            task.attach_layer(self, self.observation_space)
        self._inner_step = direct_step(self.env)

    # --- the step path --------------------------------------------------------------

    def step(self, action: Any) -> tuple[Any, float, bool, bool, dict[str, Any]]:
        """Step the stack: this layer's work happens in its hooks, inside the task's loop."""
        return self._inner_step(action)

    def new_trial(self, **kwargs: Any) -> dict[str, Any]:
        """Start a new trial of the task below (running every trial-generation hook)."""
        if isinstance(self.env, Layer):  # down to a multi-env layer, which picks the task
            return self.env.new_trial(**kwargs)
        return self.task.new_trial(**kwargs)


def direct_step(env: gym.Env) -> Any:
    """The ``step`` that stepping ``env`` amounts to: skip layers that add no step logic."""
    while isinstance(env, Layer) and type(env).step is Layer.step:
        env = env.env
    return env.step


class TrialWrapper(Layer):
    """Base of layers that act on trial generation (``neuroplug_trial_params``,
    ``neuroplug_trial_built``, ``neuroplug_reset``).

    Kept as its own class, as in NeuroGym, so that ``isinstance(w, TrialWrapper)`` tells
    which wrappers change the trials themselves.
    """
