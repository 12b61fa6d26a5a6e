"""PassReward: append the previous reward to the observation.

``PassReward(env)`` grows a 1-D Box observation space by one entry holding the reward of
the step that produced the observation (0 after ``reset``), as adjusted by inner layers
(e.g. ReactionTime's urgency). Recurrent agents trained by reinforcement learning use it
to learn from their own outcomes (meta-RL).
"""

from __future__ import annotations

import gymnasium as gym
import numpy as np

from neuroplug import Layer, hookimpl
from neuroplug.dispatch import Step
from neuroplug.trial_env import TrialEnv
from neuroplug_plugins.pass_action import appended_space


class PassReward(Layer):
    """Append the previous reward to the observation (0 after ``reset``).

    Args:
        env: the env to wrap; its observation space must be a 1-D Box.

    The appended entry is named ``"reward"`` in the observation space's names and is
    unbounded.
    """

    def __init__(self, env: gym.Env) -> None:
        super().__init__(env)
        self._space = appended_space(
            "PassReward", env, np.array([-np.inf]), np.array([np.inf]), "reward"
        )
        self._at = env.observation_space.shape[0]
        self.attach()

    @hookimpl
    def neuroplug_observation_space(self, env: gym.Env, space: gym.Space) -> gym.Space:
        return self._space

    @hookimpl
    def neuroplug_observation(self, env: TrialEnv, step: Step) -> None:
        step.obs[self._at] = step.reward


@hookimpl
def neuroplug_add_wrappers(registry):
    # aliases: NeuroGym's wrapper id
    registry.add_wrapper("pass_reward", PassReward, aliases=["PassReward-v0"])
