"""Value checks and small maths shared by the second half of the task battery.

Complements :mod:`neuroplug_plugins.tasks._checks`: every check raises a ``TypeError`` or
``ValueError`` naming the parameter, the value and what is accepted.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from numbers import Real
from typing import Any

TWO_PI = 2 * math.pi


def check_number(name: str, value: Any) -> float:
    """A finite real number (not a bool)."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"{name} must be a number, got {value!r}")
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return float(value)


def check_numbers(name: str, values: Any, minimum: float | None = None,
                  maximum: float | None = None) -> list[float]:
    """A non-empty sequence of finite numbers, each within ``[minimum, maximum]`` if given."""
    is_sequence = isinstance(values, Sequence) or hasattr(values, "__array__")
    if isinstance(values, (str, bytes)) or not is_sequence:
        raise TypeError(f"{name} must be a sequence of numbers, got {values!r}")
    result = [check_number(f"{name}[{i}]", v) for i, v in enumerate(list(values))]
    if not result:
        raise ValueError(f"{name} must not be empty")
    for i, v in enumerate(result):
        if minimum is not None and v < minimum:
            raise ValueError(f"{name}[{i}] must be >= {minimum}, got {v!r}")
        if maximum is not None and v > maximum:
            raise ValueError(f"{name}[{i}] must be <= {maximum}, got {v!r}")
    return result


def circular_dist(angle: float) -> float:
    """Distance of ``angle`` (radians) from 0 on the circle, in ``[0, pi]``."""
    d = abs(angle) % TWO_PI
    return min(d, TWO_PI - d)


def wrapped(angle: float) -> float:
    """``angle`` wrapped into ``[-pi, pi)``."""
    return (angle + math.pi) % TWO_PI - math.pi
