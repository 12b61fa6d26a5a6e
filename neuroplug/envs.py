"""Importing this module registers every task with gymnasium, under our ids and NeuroGym's.

The registry registers ``neuroplug/<name>-v0`` the first time it is built; this module builds
it on import, so that gymnasium's ``"module:id"`` form works from a fresh interpreter::

    gymnasium.make("neuroplug.envs:neuroplug/dm-v0", dt=50)
    gymnasium.make("neuroplug.envs:PerceptualDecisionMaking-v0")   # NeuroGym's id

(``import neuroplug`` alone loads no plugin, so plain ``gymnasium.make("neuroplug/dm-v0")``
works once any registry function -- ``neuroplug.list_tasks()``, ``make`` -- has run.)

NeuroGym's ids (``PerceptualDecisionMaking-v0``, ``yang19.go-v0``, ...) are registered only
by importing this module, and only where gymnasium has no env of that id yet: with NeuroGym
imported first, its own envs keep their ids (and importing NeuroGym afterwards replaces
ours, with gymnasium's warning), so the two never mix silently.
"""

from __future__ import annotations

import gymnasium as gym

from neuroplug.registry import _GymnasiumEntryPoint, get_registry

__all__ = ["NEUROGYM_IDS"]

#: NeuroGym id -> our task name, for the ids this import registered with gymnasium.
NEUROGYM_IDS: dict[str, str] = {}


def _register_neurogym_ids() -> None:
    for entry in get_registry().entries("task"):
        for alias in entry.aliases:
            if alias.endswith("-v0") and alias not in gym.registry:
                gym.register(id=alias, entry_point=_GymnasiumEntryPoint(entry.name),
                             disable_env_checker=True, order_enforce=False)
                NEUROGYM_IDS[alias] = entry.name


_register_neurogym_ids()
