"""Shared checks of the wrappers that draw a task's ground truth (``side_bias``,
``trial_history_v2``): the task's ``choices`` and matrices of choice probabilities."""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

import gymnasium as gym
import numpy as np

from neuroplug import IncompatibleWrapperError
from neuroplug.layer import task_label, tasks_below
from neuroplug.trial_env import TrialEnv


def choices_below(wrapper: str, env: gym.Env) -> dict[TrialEnv, list[Any]]:
    """``task -> list of choices`` for every task under ``env``.

    Every task must expose a non-empty ``choices`` (the values its ground truth takes), all
    of the same length (several tasks sit under a multi-env layer); otherwise an
    :class:`IncompatibleWrapperError` names the wrapper, the task and what is missing.
    """
    tasks: list[TrialEnv] = tasks_below(env)
    found: dict[TrialEnv, list[Any]] = {}
    for task in tasks:
        choices = getattr(task, "choices", None)
        if choices is None:
            raise IncompatibleWrapperError(
                f"{wrapper} on {task_label(task)}: the task has no 'choices' attribute (the "
                f"list of values its ground truth takes); {wrapper} draws the ground truth "
                f"among them, so it needs a task that defines choices"
            )
        values = [c.item() if isinstance(c, np.generic) else c for c in np.ravel(choices)]
        if not values:
            raise IncompatibleWrapperError(
                f"{wrapper} on {task_label(task)}: the task's 'choices' is empty"
            )
        found[task] = values
    sizes = {len(v) for v in found.values()}
    if len(sizes) > 1:
        listing = ", ".join(f"{task_label(t)}: {len(found[t])}" for t in tasks)
        raise IncompatibleWrapperError(
            f"{wrapper}: every task below must have the same number of choices, got {listing}"
        )
    return found


def prob_matrix(wrapper: str, parameter: str, value: Any, n_choices: int,
                n_rows: int | None = None) -> np.ndarray:
    """Validate a matrix of choice probabilities (one row per block / previous choice).

    ``TypeError`` unless ``value`` is a 2-D list (or tuple / array) of real numbers;
    ``ValueError`` unless it has ``n_choices`` columns (and ``n_rows`` rows when given),
    finite non-negative entries and rows summing to 1.
    """
    head = f"{wrapper}: {parameter}"
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        raise TypeError(
            f"{head} must be a 2-D list of numbers (one row of {n_choices} choice "
            f"probabilities per row), got {value!r}"
        )
    if not value:
        raise ValueError(f"{head} must have at least one row, got {value!r}")
    for r, row in enumerate(value):
        if isinstance(row, np.ndarray):
            row = row.tolist()
        if isinstance(row, (str, bytes)) or not isinstance(row, Sequence):
            raise TypeError(
                f"{head} must be a 2-D list of numbers; row {r} is {row!r}, not a list"
            )
        for p in row:
            if isinstance(p, bool) or not isinstance(p, numbers.Real):
                raise TypeError(
                    f"{head} must be a 2-D list of numbers; row {r} holds {p!r}"
                )
    lengths = [len(row) for row in value]
    if any(n != n_choices for n in lengths):
        raise ValueError(
            f"{head} needs {n_choices} columns, one per choice of the task (len(choices) = "
            f"{n_choices}); got rows of lengths {lengths}"
        )
    if n_rows is not None and len(value) != n_rows:
        raise ValueError(
            f"{head} must have shape ({n_rows}, {n_choices}) (one row per previous choice), "
            f"got {len(value)} rows"
        )
    matrix = np.array(value, dtype=float)
    if not np.all(np.isfinite(matrix)):
        raise ValueError(f"{head} must hold finite numbers, got {value!r}")
    if np.any(matrix < 0):
        rows = sorted({int(r) for r in np.nonzero(matrix < 0)[0]})
        raise ValueError(f"{head} must be non-negative; rows {rows} have negative entries")
    sums = matrix.sum(axis=1)
    bad = [r for r, s in enumerate(sums) if not np.isclose(s, 1.0, rtol=0, atol=1e-6)]
    if bad:
        raise ValueError(
            f"{head}: every row must sum to 1; rows {bad} sum to "
            f"{[round(float(sums[r]), 6) for r in bad]}"
        )
    return matrix


def cumulative(matrix: np.ndarray) -> list[list[float]]:
    """Per row, the cumulative probabilities, ending at exactly 1 (for ``bisect`` draws)."""
    rows = []
    for row in matrix:
        cum = np.cumsum(row / row.sum())
        cum[cum >= 1.0 - 1e-12] = 1.0
        rows.append([float(c) for c in cum])
    return rows
