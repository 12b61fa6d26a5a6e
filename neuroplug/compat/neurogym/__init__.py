"""NeuroGym 2.3.1's public namespace over neuroplug: change one import line.

    import neuroplug.compat.neurogym as ngym

    env = ngym.make("PerceptualDecisionMaking-v0", dt=100)
    env = ngym.wrappers.SideBias(env, probs=[[0.8, 0.2], [0.2, 0.8]], block_dur=200)
    dataset = ngym.Dataset("yang19.dm1-v0", batch_size=16, seq_len=100)

Every name maps onto neuroplug's own tasks, wrappers and helpers (no second
implementation). Importing it registers NeuroGym's ids with gymnasium
(``gymnasium.make("PerceptualDecisionMaking-v0")``) where gymnasium has no env of that id
yet. What differs from NeuroGym is listed in ``docs/migrating-from-neurogym.md``; where a
program meets a difference that changes its numbers, a one-time
:class:`NeuroGymCompatWarning` names it.
"""

from __future__ import annotations

from typing import Any

import gymnasium as gym

import neuroplug
import neuroplug.envs  # registers NeuroGym's ids with gymnasium
from neuroplug.compat.neurogym import config, core, envs, spaces, utils, wrappers
from neuroplug.compat.neurogym._lookup import gymnasium_only
from neuroplug.compat.neurogym._warn import NeuroGymCompatWarning
from neuroplug.compat.neurogym.utils import info
from neuroplug.compat.neurogym.utils.data import Dataset

__all__ = ["Dataset", "NeuroGymCompatWarning", "config", "core", "envs", "info", "make", "register",
           "spaces", "utils", "wrappers"]

#: The NeuroGym release this namespace mirrors.
__version__ = "2.3.1"


def make(id_: str, **kwargs: Any) -> gym.Env:
    """Build a task by NeuroGym id (or our name); an id registered with gymnasium by
    :func:`register` (a program's own task) is built by ``gymnasium.make``."""
    if gymnasium_only(id_):
        return gym.make(id_, disable_env_checker=True, **kwargs)
    return neuroplug.make(id_, **kwargs)


def register(id_: str, **kwargs: Any) -> None:
    """Register a program's own task with gymnasium, unless the id is taken (NeuroGym's
    ``register``); without gymnasium's order-enforcing wrapper, which a stack would only
    have to step around."""
    if id_ not in gym.registry:
        kwargs.setdefault("order_enforce", False)
        kwargs.setdefault("disable_env_checker", True)
        gym.register(id=id_, **kwargs)
