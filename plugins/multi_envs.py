"""MultiEnvs: one layer over several tasks; the agent acts in the one chosen with ``set_i``.

``MultiEnvs(envs, env_input=False)`` steps ``envs[i_env]`` (0 at first). ``set_i(i)``
switches to env ``i`` immediately: the next step acts in env ``i``'s current trial. The
envs must share observation and action shapes. With ``env_input=True`` the observation
gains one entry per env, a one-hot of the env the observation comes from.

Registered as ``multi_envs`` with ``multi_env=True``: ``make_stack(["dm", "dm"],
["multi_envs", ...])`` builds one task per name and hands the list to ``MultiEnvs``.
"""

from __future__ import annotations

from collections.abc import Sequence

import gymnasium as gym

from neuroplug import hookimpl
from neuroplug_plugins._multi import MultiEnvLayer


class MultiEnvs(MultiEnvLayer):
    """Wrap several envs; the current one (``set_i``) is stepped.

    Args:
        envs: the envs (tasks, or neuroplug stacks on one task each), all with the same
            observation and action shapes.
        env_input: if True, append to the observation a one-hot (one entry per env) of the
            env the observation comes from. Default False.

    ``reset(seed=s)`` resets every env, each with its own seed derived from ``s``, and
    returns the current env's first observation.
    """

    def __init__(self, envs: Sequence[gym.Env], env_input: bool = False) -> None:
        super().__init__(envs, env_input)
        self.attach()


@hookimpl
def neuroplug_add_wrappers(registry) -> None:
    # aliases: NeuroGym's wrapper id
    registry.add_wrapper("multi_envs", MultiEnvs, multi_env=True, aliases=["MultiEnvs-v0"])
