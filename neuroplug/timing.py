"""Period durations: the forms a task's ``timing`` accepts, validated once and sampled per trial.

A period's timing is one of

* a number: a constant duration in ms;
* a list or tuple of numbers: one of them, chosen uniformly each trial;
* a callable taking no argument and returning a duration;
* an object with a ``timing_spec()`` method returning one of these forms (NeuroGym's
  ``TruncExp``: its draws then come from the task's generator, seeded by ``reset``);
* a ``(distribution, args)`` pair, with ``distribution`` one of ``constant`` (``args`` a
  number), ``choice`` (a list), ``uniform`` (``(low, high)``), ``truncated_exponential``
  (``(mean, min, max)``, ``max`` optional) or ``until`` (``t``: the period lasts until the
  absolute time ``t`` of the trial, measured from its start).

Sampled durations are floored to a multiple of ``dt``, as in NeuroGym 2.3.1 (750 ms at
``dt=100`` lasts 7 steps).
"""

from __future__ import annotations

from collections.abc import Mapping
from numbers import Real
from typing import Any

import numpy as np

DISTRIBUTIONS = ("constant", "choice", "uniform", "truncated_exponential", "until")


class Until:
    """A period that lasts until an absolute time of the trial (the ``until`` distribution)."""

    __slots__ = ("t",)

    def __init__(self, t: float) -> None:
        self.t = float(t)

    def __repr__(self) -> str:
        return f"Until({self.t:g})"


def _check_number(period: str, value: Any, what: str = "duration") -> float:
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(
            f"timing[{period!r}]: {what} must be a number, got {value!r} "
            f"({type(value).__name__})"
        )
    if value < 0:
        raise ValueError(f"timing[{period!r}]: {what} must be >= 0, got {value!r}")
    return float(value)


def _check_numbers(period: str, values: Any, what: str) -> list[float]:
    if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
        raise TypeError(f"timing[{period!r}]: {what} must be a list of numbers, got {values!r}")
    values = [_check_number(period, v) for v in values]
    if not values:
        raise ValueError(f"timing[{period!r}]: {what} must not be empty")
    return values


def normalize(period: str, spec: Any) -> tuple[str, Any]:
    """Validate one period's timing ``spec`` and return it as a ``(distribution, args)`` pair.

    Raises ``TypeError`` / ``ValueError`` naming the period and the accepted forms. The pair
    is plain data (no closures), so a task holding it pickles.
    """
    if isinstance(spec, Real) and not isinstance(spec, bool):
        return ("constant", _check_number(period, spec))
    as_spec = getattr(spec, "timing_spec", None)
    if callable(as_spec):
        return normalize(period, as_spec())
    if callable(spec):
        return ("callable", spec)
    if isinstance(spec, tuple) and len(spec) == 2 and isinstance(spec[0], str):
        dist, args = spec
        if dist == "constant":
            return ("constant", _check_number(period, args))
        if dist == "choice":
            return ("choice", tuple(_check_numbers(period, args, "'choice' values")))
        if dist == "uniform":
            bounds = _check_numbers(period, args, "'uniform' bounds (low, high)")
            if len(bounds) != 2 or bounds[1] < bounds[0]:
                raise ValueError(
                    f"timing[{period!r}]: 'uniform' needs (low, high) with low <= high, "
                    f"got {args!r}"
                )
            return ("uniform", tuple(bounds))
        if dist == "truncated_exponential":
            bounds = _check_numbers(period, args, "'truncated_exponential' (mean, min[, max])")
            if len(bounds) > 3:
                raise ValueError(
                    f"timing[{period!r}]: 'truncated_exponential' takes (mean, min[, max]), "
                    f"got {args!r}"
                )
            mean = bounds[0]
            vmin = bounds[1] if len(bounds) > 1 else 0.0
            vmax = bounds[2] if len(bounds) > 2 else float("inf")
            return ("truncated_exponential", (mean, vmin, vmax))
        if dist == "until":
            return ("until", _check_number(period, args, "'until' time"))
        raise ValueError(
            f"timing[{period!r}]: unknown distribution {dist!r}; "
            f"accepted: {', '.join(DISTRIBUTIONS)}"
        )
    if isinstance(spec, (list, tuple)):
        return ("choice", tuple(_check_numbers(period, spec, "a list of durations")))
    raise TypeError(
        f"timing[{period!r}]: unsupported timing {spec!r}; accepted: a number, a list of "
        f"numbers, a callable, or a (distribution, args) pair with distribution one of "
        f"{', '.join(DISTRIBUTIONS)}"
    )


def sample(spec: tuple[str, Any], rng: np.random.Generator) -> float | Until:
    """Draw one duration (ms, unrounded) from a normalized spec (``until``: an :class:`Until`)."""
    dist, args = spec
    if dist == "constant":
        return args
    if dist == "choice":
        return args[int(rng.integers(len(args)))]
    if dist == "uniform":
        return float(rng.uniform(args[0], args[1]))
    if dist == "truncated_exponential":
        mean, vmin, vmax = args
        return vmax if vmin >= vmax else _truncated_exponential(rng, mean, vmin, vmax)
    if dist == "until":
        return Until(args)
    return float(args())


def _truncated_exponential(
    rng: np.random.Generator, mean: float, vmin: float, vmax: float
) -> float:
    """An exponential of the given mean, shifted to start at ``vmin``, resampled above ``vmax``."""
    for _ in range(1000):
        x = vmin + rng.exponential(mean)
        if x < vmax:
            return float(x)
    return float(vmax)


def normalize_timing(timing: Mapping[str, Any]) -> dict[str, tuple[str, Any]]:
    """Validate a whole ``timing`` mapping; one normalized spec per period."""
    if not isinstance(timing, Mapping):
        raise TypeError(f"timing must be a mapping of period name to timing, got {timing!r}")
    return {period: normalize(period, spec) for period, spec in timing.items()}


def floor_to_dt(duration: float, dt: float) -> float:
    """Floor a duration to a multiple of ``dt`` (never negative), as NeuroGym 2.3.1 does."""
    return max(0.0, (duration // dt) * dt)
