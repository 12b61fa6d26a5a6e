"""Names of NeuroGym's namespace resolved through the registry, when first used.

The classes live in plugins, which the core never imports by name: ``wrappers.SideBias``
is whatever the plugin registered as ``side_bias``.
"""

from __future__ import annotations

from typing import Any

import gymnasium as gym

from neuroplug.errors import UnknownNameError
from neuroplug.registry import get_registry

__all__ = ["gymnasium_only", "resolve"]


def gymnasium_only(task: str) -> bool:
    """Whether ``task`` is an id only gymnasium knows (a program's own task, registered
    by ``ngym.register``), not a name or alias of ours."""
    try:
        get_registry().get("task", task)
    except UnknownNameError:
        return task in gym.registry
    return False


def resolve(module: str, attribute: str, names: dict[str, tuple[str, str]]) -> Any:
    """The class registered for NeuroGym's ``module.attribute`` (``names`` maps each
    attribute to ``(kind, our name)``); ``AttributeError`` for anything else."""
    if attribute not in names:
        raise AttributeError(f"module {module!r} has no attribute {attribute!r}")
    kind, name = names[attribute]
    try:
        return get_registry().get(kind, name).factory
    except UnknownNameError as exc:
        raise AttributeError(
            f"{module}.{attribute} is neuroplug's {kind} {name!r}, which no loaded plugin "
            f"provides ({exc}); see `neuroplug plugins`"
        ) from None
