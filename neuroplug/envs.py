"""Importing this module registers every task with gymnasium as ``neuroplug/<name>-v0``.

The registry registers the ids the first time it is built; this module builds it on import,
so that gymnasium's ``"module:id"`` form works from a fresh interpreter::

    gymnasium.make("neuroplug.envs:neuroplug/dm-v0", dt=50)

(``import neuroplug`` alone loads no plugin, so plain ``gymnasium.make("neuroplug/dm-v0")``
works once any registry function -- ``neuroplug.list_tasks()``, ``make`` -- has run.)
"""

from __future__ import annotations

from neuroplug.registry import get_registry

get_registry()
