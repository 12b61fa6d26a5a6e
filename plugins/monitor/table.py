"""The Monitor's in-memory trial table and its conversion to typed columns for saving.

:class:`TrialTable` holds the trials finished since the last save, one list per column;
:func:`to_column` turns a list into a typed array (never ``dtype=object``), so saved files
load with ``numpy.load(path, allow_pickle=False)``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

__all__ = ["BASE_COLUMNS", "TrialTable", "missing_fill", "to_column"]

#: The columns every record has, in file order; trial parameters follow as ``params.*``.
BASE_COLUMNS = ("trial", "action", "reward", "cum_reward", "performance", "steps", "gt")


def _flatten(params: Mapping[str, Any], prefix: str, out: dict[str, Any]) -> None:
    for key, value in params.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            _flatten(value, f"{name}.", out)
        else:
            out[name] = value


def _owned(value: Any) -> Any:
    """A copy of an array (the caller may reuse its action array; ``gt`` is a view)."""
    return value.copy() if isinstance(value, np.ndarray) else value


class TrialTable(dict):
    """Columns of equal length, one row per trial: ``dict[str, list]``.

    :meth:`append` adds a trial record; a parameter that appears for the first time is
    back-filled with ``None`` for the earlier rows, and a row without it gets ``None``.
    """

    def __init__(self) -> None:
        super().__init__({column: [] for column in BASE_COLUMNS})
        self.rows = 0

    def append(self, index: int, record: Mapping[str, Any]) -> None:
        """Add the trial ``record`` (as passed to ``neuroplug_log_trial``) as row ``index``.

        All or nothing: an exception midway (Ctrl-C's ``KeyboardInterrupt``) leaves the
        table as it was, never with a partial row. (A SIGTERM save waits for the append to
        finish: see ``shutdown.critical``.)
        """
        row = {
            "trial": index,
            "action": _owned(record.get("action")),
            "reward": record.get("reward"),
            "cum_reward": record.get("cum_reward"),
            "performance": record.get("performance"),
            "steps": record.get("steps"),
            "gt": _owned(record.get("gt")),
        }
        params = record.get("params")
        if params:
            _flatten(params, "params.", row)
        try:
            self._add_row(row)
        except BaseException:
            self._trim()
            raise

    def _add_row(self, row: dict[str, Any]) -> None:
        rows = self.rows
        for column, value in row.items():
            values = self.get(column)
            if values is None:
                values = self[column] = [None] * rows
            values.append(value)
        if len(row) != len(self):
            for values in self.values():
                if len(values) == rows:
                    values.append(None)
        self.rows = rows + 1

    def _trim(self) -> None:
        """Cut every column back to ``rows`` entries (undoing a partly added row)."""
        rows = self.rows
        for column in list(self):
            values = self[column]
            if len(values) > rows:
                del values[rows:]
            if column not in BASE_COLUMNS and not any(v is not None for v in values):
                del self[column]  # a parameter only the partial row had

    def clear_rows(self) -> None:
        """Empty every column (keeping the dict object, which the Monitor exposes as ``data``)."""
        self.clear()
        self.update({column: [] for column in BASE_COLUMNS})
        self.rows = 0

    def take(self) -> tuple[dict[str, list], int]:
        """Move every row out: ``(columns, rows)``, and the table is empty.

        A save takes the rows *before* writing them, so that no path -- a failed write, a
        signal, a second save started by a signal handler -- can write the same rows twice.
        """
        columns, rows = dict(self), self.rows
        self.clear_rows()
        return columns, rows

    def restore(self, columns: dict[str, list], rows: int) -> None:
        """Put rows that :meth:`take` moved out back in front (their save failed)."""
        added = self.rows
        for column in {**columns, **self}:
            self[column] = (columns.get(column) or [None] * rows) + (
                self.get(column) or [None] * added)
        self.rows = rows + added


def _plain(value: Any) -> Any:
    if isinstance(value, np.ndarray) and value.ndim == 0:
        return value.item()
    if isinstance(value, np.generic):
        return value.item()
    return value


def to_column(values: Sequence[Any]) -> np.ndarray:
    """A typed array for one column (never ``dtype=object``).

    Numbers, booleans, strings and equal-shaped arrays keep their type. ``None`` among
    numbers becomes NaN (the column becomes float); a column of only ``None`` is all NaN;
    ``None`` among strings becomes ``""``. Anything else (mixed or ragged values) is stored
    as the ``repr`` of each value, as strings.
    """
    values = [_plain(v) for v in values]
    if not values:
        return np.zeros(0, dtype=np.float64)
    present = [v for v in values if v is not None]
    if not present:
        return np.full(len(values), np.nan)
    if len(present) < len(values):
        if all(isinstance(v, (bool, int, float)) for v in present):
            return np.array([np.nan if v is None else float(v) for v in values])
        if all(isinstance(v, str) for v in present):
            return np.array(["" if v is None else v for v in values], dtype=str)
        return np.array([repr(v) for v in values], dtype=str)
    try:
        array = np.asarray(values)
    except (ValueError, TypeError):
        array = None
    if array is not None and array.dtype.kind in "biufcUS" and array.shape[:1] == (len(values),):
        return array
    return np.array([repr(v) for v in values], dtype=str)


def missing_fill(column: np.ndarray, rows: int) -> np.ndarray:
    """Fill for ``rows`` rows of a column absent from one file, compatible with ``column``."""
    shape = (rows, *column.shape[1:])
    if column.dtype.kind in "US":
        return np.full(shape, "", dtype=column.dtype)
    return np.full(shape, np.nan)
