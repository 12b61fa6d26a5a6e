"""``neurogym.envs``: ``get_collection``; the listings are in ``envs.registration``
(``ALL_NATIVE_ENVS``, ``all_envs``, ...), also reachable from here."""

from __future__ import annotations

from neuroplug.compat.neurogym.envs import registration
from neuroplug.compat.neurogym.envs.registration import (
    ALL_COLLECTIONS_ENVS,
    ALL_ENVS,
    ALL_EXTENDED_ENVS,
    ALL_NATIVE_ENVS,
    all_envs,
    all_tags,
    get_collection,
)

__all__ = ["ALL_COLLECTIONS_ENVS", "ALL_ENVS", "ALL_EXTENDED_ENVS", "ALL_NATIVE_ENVS",
           "all_envs", "all_tags", "get_collection", "registration"]
