"""``neurogym.envs.registration``: NeuroGym's task ids, collections and listings, over our
registry.

``ALL_NATIVE_ENVS`` maps NeuroGym's id of every task here to where its class lives;
``get_collection("yang19")`` lists the collection in NeuroGym's order (the order of a
multi-task stack's one-hot input). NeuroGym 2.3.1 leaves ``Detection-v0`` out of its
listing (its own FIXME); it is in ours, since the task works here. The
``perceptualdecisionmaking`` collection (``ibl20``, ``roitman02``) is not offered.
"""

from __future__ import annotations

from typing import Any

from neuroplug.registry import Entry, get_registry

__all__ = ["ALL_COLLECTIONS_ENVS", "ALL_ENVS", "ALL_EXTENDED_ENVS", "ALL_NATIVE_ENVS",
           "all_envs", "all_tags", "get_collection"]

_NOT_OFFERED = {"perceptualdecisionmaking": ("ibl20", "roitman02")}


def _neurogym_id(entry: Entry) -> str | None:
    return next((alias for alias in entry.aliases if alias.endswith("-v0")), None)


def _entry_point(entry: Entry) -> str:
    factory = entry.factory
    return f"{factory.__module__}:{factory.__qualname__}"


def _ids(collection: str | None, in_collection: bool) -> dict[str, str]:
    found = {}
    for entry in get_registry().entries_in_order("task"):
        ng_id = _neurogym_id(entry)
        if ng_id is None or (entry.collection is not None) != in_collection:
            continue
        if collection is None or entry.collection == collection:
            found[ng_id] = _entry_point(entry)
    return found


def get_collection(collection: str) -> list[str]:
    """NeuroGym's ids of a collection's tasks, in NeuroGym's order; ``[]`` for none."""
    if not collection:
        return []
    if collection in _NOT_OFFERED:
        raise ValueError(
            f"NeuroGym's collection {collection!r} ({', '.join(_NOT_OFFERED[collection])}) "
            f"is not offered by neuroplug"
        )
    ids = list(_ids(collection, True))
    if not ids:
        raise ValueError(f"Unknown collection of envs, {collection}.")
    return ids


ALL_NATIVE_ENVS: dict[str, str] = _ids(None, False)
ALL_COLLECTIONS_ENVS: dict[str, str] = _ids(None, True)
ALL_CONTRIB_ENVS: dict[str, str] = {}
ALL_PSYCHOPY_ENVS: dict[str, str] = {}
ALL_ENVS: dict[str, str] = dict(ALL_NATIVE_ENVS)
ALL_EXTENDED_ENVS: dict[str, str] = {**ALL_ENVS, **ALL_COLLECTIONS_ENVS}


def _tags(ng_id: str) -> tuple[str, ...]:
    return get_registry().get("task", ng_id).tags


def all_envs(tag: str | None = None, psychopy: bool = False, contrib: bool = False,
             collections: bool = False) -> list[str]:
    """NeuroGym's ids, sorted, optionally only those with ``tag`` (psychopy and contrib
    tasks are not offered, so those flags add nothing)."""
    envs: dict[str, Any] = dict(ALL_NATIVE_ENVS)
    if collections:
        envs.update(ALL_COLLECTIONS_ENVS)
    names = sorted(envs)
    if tag is None:
        return names
    if not isinstance(tag, str):
        raise TypeError(f"{type(tag)=} must be a string.")
    return [name for name in names if tag in _tags(name)]


def all_tags() -> list[str]:
    """Every tag of the tasks ``all_envs()`` lists."""
    return sorted({tag for name in all_envs() for tag in _tags(name)})
