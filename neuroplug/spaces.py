"""Gymnasium spaces with named dimensions, so a task writes into ``where="stimulus"``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from gymnasium import spaces

NameMap = Mapping[str, int | range | list[int]]


def _indices(value: int | range | list[int]) -> int | list[int]:
    return value if isinstance(value, (int, np.integer)) else list(value)


class Box(spaces.Box):
    """``gymnasium.spaces.Box`` whose last axis may carry names: ``name={"fixation": 0, ...}``."""

    def __init__(self, low: Any, high: Any, shape: Any = None, dtype: Any = np.float32,
                 seed: Any = None, name: NameMap | None = None) -> None:
        super().__init__(low, high, shape=shape, dtype=dtype, seed=seed)
        self.name = {k: _indices(v) for k, v in (name or {}).items()}


class Discrete(spaces.Discrete):
    """``gymnasium.spaces.Discrete`` whose actions may carry names: ``name={"choice": [1, 2]}``."""

    def __init__(self, n: int, seed: Any = None, start: int = 0,
                 name: NameMap | None = None) -> None:
        super().__init__(n, seed=seed, start=start)
        self.name = {k: _indices(v) for k, v in (name or {}).items()}


def dim_names(space: spaces.Space) -> dict[str, int | list[int]]:
    """The named dimensions of ``space`` (empty for a plain gymnasium space)."""
    return dict(getattr(space, "name", None) or {})
