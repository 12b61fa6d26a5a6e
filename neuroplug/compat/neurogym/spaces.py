"""``neurogym.spaces`` (``neurogym.utils.spaces``): spaces with named dimensions."""

from __future__ import annotations

from gymnasium.spaces import Dict, MultiBinary, MultiDiscrete, Space, Tuple
from gymnasium.spaces.utils import flatdim, flatten, unflatten

from neuroplug.spaces import Box, Discrete

__all__ = ["Box", "Dict", "Discrete", "MultiBinary", "MultiDiscrete", "Space", "Tuple",
           "flatdim", "flatten", "unflatten"]
