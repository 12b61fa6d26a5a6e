"""PassAction: append the previous action to the observation.

``PassAction(env)`` grows a 1-D Box observation space by the size of the action: one entry
holding the action index for a ``Discrete`` action space, the action's entries for a 1-D
``Box`` action space. After ``reset`` the appended entries are 0 (no action taken yet).
Recurrent agents use it to know what they did, e.g. in tasks with trial history.
"""

from __future__ import annotations

from typing import Any

import gymnasium as gym
import numpy as np

from neuroplug import IncompatibleWrapperError, Layer, hookimpl, spaces
from neuroplug.dispatch import Step
from neuroplug.layer import task_label
from neuroplug.spaces import dim_names
from neuroplug.trial_env import TrialEnv


def appended_space(wrapper: str, env: gym.Env, low: np.ndarray, high: np.ndarray,
                   name: str) -> spaces.Box:
    """``env``'s 1-D Box observation space with entries ``[low, high]`` appended.

    The new entries are named ``name`` (one index or a range) in the space's names, or
    ``name_2``, ``name_3``, ... if that name is taken.
    """
    space = env.observation_space
    if not isinstance(space, gym.spaces.Box) or len(space.shape) != 1:
        raise IncompatibleWrapperError(
            f"{wrapper} on {task_label(env)}: needs a 1-D Box observation space to append "
            f"to, got {space}"
        )
    n = space.shape[0]
    k = len(low)
    names = dim_names(space)
    base, count = name, 1
    while name in names:  # the same wrapper twice in a stack: "action", "action_2", ...
        count += 1
        name = f"{base}_{count}"
    names[name] = n if k == 1 else range(n, n + k)
    dtype = space.dtype
    return spaces.Box(
        np.concatenate([space.low, np.asarray(low, dtype=dtype)]),
        np.concatenate([space.high, np.asarray(high, dtype=dtype)]),
        dtype=dtype,
        name=names,
    )


class PassAction(Layer):
    """Append the previous action to the observation (0 after ``reset``).

    Args:
        env: the env to wrap; its observation space must be a 1-D Box and its action space
            ``Discrete`` (one entry: the action index) or a 1-D ``Box`` (its entries).

    The appended entries are named ``"action"`` in the observation space's names and are
    bounded by the action range (widened to include the 0 shown after ``reset``).
    """

    def __init__(self, env: gym.Env) -> None:
        super().__init__(env)
        action_space = env.action_space
        if isinstance(action_space, gym.spaces.Discrete):
            first = int(action_space.start)
            low = np.array([min(first, 0)], dtype=float)
            high = np.array([max(first + int(action_space.n) - 1, 0)], dtype=float)
        elif isinstance(action_space, gym.spaces.Box) and len(action_space.shape) == 1:
            low = np.minimum(action_space.low.astype(float), 0.0)
            high = np.maximum(action_space.high.astype(float), 0.0)
        else:
            raise IncompatibleWrapperError(
                f"PassAction on {task_label(env)}: needs a Discrete or 1-D Box action space, "
                f"got {action_space}"
            )
        self._space = appended_space("PassAction", env, low, high, "action")
        n = env.observation_space.shape[0]
        self._at: Any = n if len(low) == 1 else slice(n, n + len(low))
        self.attach()

    @hookimpl
    def neuroplug_observation_space(self, env: gym.Env, space: gym.Space) -> gym.Space:
        return self._space

    @hookimpl
    def neuroplug_observation(self, env: TrialEnv, step: Step) -> None:
        action = step.action
        step.obs[self._at] = 0 if action is None else action


@hookimpl
def neuroplug_add_wrappers(registry):
    # aliases: NeuroGym's wrapper id
    registry.add_wrapper("pass_action", PassAction, aliases=["PassAction-v0"])
