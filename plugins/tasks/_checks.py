"""Parameter checks shared by the built-in tasks: clear errors at construction."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from numbers import Real
from typing import Any

import numpy as np


def check_non_negative(name: str, value: Any) -> float:
    """A real number >= 0, or a ``TypeError`` / ``ValueError`` naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"{name} must be a number, got {value!r}")
    if value < 0:
        raise ValueError(f"{name} must be >= 0, got {value!r}")
    return float(value)


def check_cohs(cohs: Sequence[float] | None, default: Sequence[float]) -> np.ndarray:
    """A non-empty 1-D array of coherences (numbers >= 0)."""
    if cohs is None:
        return np.asarray(default, dtype=float)
    if isinstance(cohs, (str, bytes)) or not hasattr(cohs, "__len__"):
        raise TypeError(f"cohs must be a sequence of numbers, got {cohs!r}")
    if len(cohs) == 0:
        raise ValueError("cohs must not be empty")
    values = [check_non_negative("cohs[]", c) for c in cohs]
    return np.asarray(values, dtype=float)


def merged(name: str, defaults: Mapping[str, float], overrides: Mapping[str, Any] | None
           ) -> dict[str, float]:
    """``defaults`` updated with ``overrides``; unknown keys are an error naming them."""
    result = dict(defaults)
    if overrides is None:
        return result
    if not isinstance(overrides, Mapping):
        raise TypeError(f"{name} must be a mapping, got {overrides!r}")
    unknown = set(overrides) - set(defaults)
    if unknown:
        raise ValueError(
            f"{name}: unknown keys {sorted(unknown)}; accepted: {sorted(defaults)}"
        )
    for key, value in overrides.items():
        if isinstance(value, bool) or not isinstance(value, Real):
            raise TypeError(f"{name}[{key!r}] must be a number, got {value!r}")
        result[key] = float(value)
    return result


def check_int(name: str, value: Any, minimum: int) -> int:
    """An integer (not a bool) >= ``minimum``, or a ``TypeError`` / ``ValueError`` naming it."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an int >= {minimum}, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be an int >= {minimum}, got {value!r}")
    return int(value)


def check_bool(name: str, value: Any) -> bool:
    """A ``bool`` (``numpy.bool_`` too), or a ``TypeError`` naming ``name``."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {value!r}")
    return bool(value)


def check_probability(name: str, value: Any) -> float:
    """A real number in [0, 1], or a ``TypeError`` / ``ValueError`` naming ``name``."""
    value = check_non_negative(name, value)
    if value > 1:
        raise ValueError(f"{name} must be a probability in [0, 1], got {value!r}")
    return value


def check_timing(defaults: Mapping[str, Any], overrides: Mapping[str, Any] | None
                 ) -> dict[str, Any]:
    """``defaults`` updated with ``overrides``; a period the task does not have is an error.

    The values themselves are validated when assigned to a task's ``timing``
    (:class:`neuroplug.trial_env.TimingDict`), which names the period at fault.
    """
    result = dict(defaults)
    if overrides is None:
        return result
    if not isinstance(overrides, Mapping):
        raise TypeError(f"timing must be a mapping of period name to duration, got {overrides!r}")
    unknown = set(overrides) - set(defaults)
    if unknown:
        raise ValueError(
            f"timing: unknown periods {sorted(unknown)}; this task has {sorted(defaults)}"
        )
    result.update(overrides)
    return result
