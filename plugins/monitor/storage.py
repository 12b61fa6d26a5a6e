"""Saving and loading the Monitor's trial table: numbered ``.npz`` files, written atomically.

Each save writes one file ``<save_dir>/<name>-<NNNNNN>.npz`` holding the trials finished since
the previous save, one row per trial, as typed columns (no object arrays, so files load with
``numpy.load(path, allow_pickle=False)``):

``trial``, ``action``, ``reward``, ``cum_reward``, ``performance``, ``steps``, ``gt``
    the fields of the trial record (see ``neuroplug_log_trial`` in :mod:`neuroplug.hookspecs`);
    ``trial`` counts the monitor's trials from 0 across episodes.
``params.<key>``
    one column per trial parameter (nested dicts flattened as ``params.a.b``).
``__meta__``
    a 0-d string array holding JSON: format version, monitor name, task, file number, ...

A file is written under a temporary name in the same directory and renamed with
:func:`os.replace`, so a crash leaves either the whole file or none of it.
:func:`load_run` reads a whole run back as one table.
"""

from __future__ import annotations

import io
import json
import logging
import os
import re
import time
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from neuroplug.fidelity import declare_difference

__all__ = ["FORMAT", "TrialTable", "Writer", "atomic_write", "load_run", "to_column"]

FORMAT = "neuroplug-monitor/1"
META_KEY = "__meta__"
#: The columns every record has, in file order; trial parameters follow as ``params.*``.
BASE_COLUMNS = ("trial", "action", "reward", "cum_reward", "performance", "steps", "gt")
_FILE = re.compile(r"^(?P<name>.+)-(?P<number>\d{6})\.npz$")


# --- the in-memory table ------------------------------------------------------------------


declare_difference(
    "monitor.file_format", component="wrapper monitor", kind="design",
    neurogym="every interval, np.savez(save_dir / f'trial_{N}.npz', **data) with every info "
    "key of the trial's last step as a column (the trial dict as an object array, read "
    "back only with allow_pickle=True); a run interrupted between saves loses its last "
    "trials",
    neuroplug="numbered files <name>-000000.npz, ... written atomically (temporary file, "
    "then rename), plain numeric or string columns only (the trial's parameters as "
    "params.<key> columns, no pickle), the remainder written on close, garbage collection "
    "and interpreter exit; load_run(save_dir) reads a whole run back",
    reason="saved data must load without pickle and never be lost or half-written",
    test="tests/monitor/test_monitor_data.py::"
    "test_files_load_without_pickle_and_carry_metadata",
)

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
        """Add the trial ``record`` (as passed to ``neuroplug_log_trial``) as row ``index``."""
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

    def clear_rows(self) -> None:
        """Empty every column (keeping the dict object, which the Monitor exposes as ``data``)."""
        self.clear()
        self.update({column: [] for column in BASE_COLUMNS})
        self.rows = 0


# --- columns ------------------------------------------------------------------------------


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


def _missing(column: np.ndarray, rows: int) -> np.ndarray:
    """Fill for ``rows`` rows of a column absent from one file, compatible with ``column``."""
    shape = (rows, *column.shape[1:])
    if column.dtype.kind in "US":
        return np.full(shape, "", dtype=column.dtype)
    return np.full(shape, np.nan)


# --- writing ------------------------------------------------------------------------------


def atomic_write(path: Path, write: Any) -> None:
    """Write ``path`` through ``write(file_object)`` under a temporary name, then rename.

    The temporary file lives in the same directory (``.<name>.<pid>.tmp``) so that the
    final :func:`os.replace` is atomic; it is flushed and fsynced first, so the renamed
    file is complete even after a crash of the process or of the machine.
    """
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    try:  # make the rename itself durable (best effort; not available everywhere)
        fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError:
        pass


def numbered_files(save_dir: Path, name: str | None = None) -> list[tuple[str, int, Path]]:
    """``(name, number, path)`` of the data files in ``save_dir``, in name and number order."""
    found = []
    if not save_dir.is_dir():
        return found
    for path in save_dir.iterdir():
        match = _FILE.match(path.name)
        if match and (name is None or match["name"] == name):
            found.append((match["name"], int(match["number"]), path))
    return sorted(found)


class Writer:
    """Writes a :class:`TrialTable` to numbered files; holds no reference to the Monitor.

    Kept separate so that a ``weakref.finalize`` on the Monitor can flush the remainder at
    garbage collection or interpreter exit without keeping the Monitor alive.
    """

    def __init__(self, table: TrialTable, save_dir: Path, name: str, meta: dict[str, Any],
                 logger: logging.Logger, verbose: bool) -> None:
        self.table, self.save_dir, self.name = table, Path(save_dir), name
        self.meta, self.logger, self.verbose = dict(meta), logger, verbose
        self.next_number: int | None = None
        self.paused = False
        self.paths: list[Path] = []

    def _number(self) -> int:
        if self.next_number is None:
            existing = numbered_files(self.save_dir, self.name)
            self.next_number = existing[-1][1] + 1 if existing else 0
            if existing:
                self.logger.warning(
                    "%s: %s already holds %d file(s) named %s-*.npz; numbering continues at "
                    "%d (load_run will read them together)", self.name, self.save_dir,
                    len(existing), self.name, self.next_number,
                )
        number = self.next_number
        self.next_number += 1
        return number

    def write(self, allow_empty: bool = False, **meta: Any) -> Path | None:
        """Write the table's rows to the next numbered file and empty the table.

        Returns the path, or ``None`` when nothing was written (no rows and not
        ``allow_empty``, or writing is paused).
        """
        table = self.table
        if self.paused or (table.rows == 0 and not allow_empty):
            return None
        self.save_dir.mkdir(parents=True, exist_ok=True)
        number = self._number()
        path = self.save_dir / f"{self.name}-{number:06d}.npz"
        arrays = {column: to_column(values) for column, values in table.items()}
        info = {**self.meta, **meta, "format": FORMAT, "name": self.name, "number": number,
                "rows": table.rows, "saved_at": time.time()}
        arrays[META_KEY] = np.array(json.dumps(info, default=str))

        def dump(handle: io.BufferedWriter) -> None:
            np.savez(handle, **arrays)

        atomic_write(path, dump)
        first = table["trial"][0] if table.rows else None
        rows = table.rows
        table.clear_rows()
        self.paths.append(path)
        if self.verbose:
            if rows:
                self.logger.info("%s: saved trials %s-%s to %s", self.name, first,
                                 first + rows - 1, path)
            else:
                self.logger.info("%s: saved an empty interval to %s", self.name, path)
        return path

    def flush(self) -> None:
        """Write whatever rows are unsaved (the finalizer's entry point; never raises)."""
        try:
            self.write()
        except Exception:  # at exit there is nobody left to catch it
            self.logger.exception("%s: could not save the remaining trials", self.name)


# --- reading ------------------------------------------------------------------------------


def _read(path: Path) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    with np.load(path, allow_pickle=False) as npz:
        arrays = {key: npz[key] for key in npz.files}
    meta_raw = arrays.pop(META_KEY, None)
    meta = json.loads(str(meta_raw)) if meta_raw is not None else {}
    return arrays, meta


def _concat(parts: Iterable[tuple[dict[str, np.ndarray], int]]) -> dict[str, np.ndarray]:
    parts = list(parts)
    columns: list[str] = []
    for arrays, _ in parts:
        columns.extend(c for c in arrays if c not in columns)
    table: dict[str, np.ndarray] = {}
    for column in columns:
        present = [a[column] for a, rows in parts if column in a]
        filled = [a[column] for a, rows in parts if column in a and rows]
        template = (filled or present)[0]
        pieces = []
        for arrays, rows in parts:
            if column in arrays:
                pieces.append(arrays[column])
            elif rows:
                pieces.append(_missing(template, rows))
        pieces = [p for p in pieces if len(p)] or pieces[:1]
        try:
            table[column] = np.concatenate(pieces)
        except ValueError:  # shapes differ between files: fall back to strings
            table[column] = np.concatenate(
                [np.array([repr(v.tolist()) for v in p], dtype=str) for p in pieces]
            )
    return table


def load_run(save_dir: str | os.PathLike, name: str | None = None) -> dict[str, np.ndarray]:
    """Load every saved file of a run back as one table: ``{column: array}``, one row a trial.

    ``save_dir`` is the Monitor's ``save_dir`` (or the path of a single ``.npz`` file).
    ``name`` selects the monitor whose files to read when several wrote to the same
    directory; without it the directory must hold one monitor's files. Columns missing
    from some files (a parameter that appeared later) are filled with NaN (numbers) or
    ``""`` (strings). Files load with ``allow_pickle=False``.
    """
    path = Path(save_dir).expanduser()
    if path.is_file():
        return _read(path)[0]
    files = numbered_files(path, name)
    if not files:
        what = f"files named {name}-NNNNNN.npz" if name else "monitor files (*-NNNNNN.npz)"
        raise FileNotFoundError(f"no {what} in {os.fspath(path)!r}")
    names = sorted({n for n, _, _ in files})
    if len(names) > 1:
        raise ValueError(
            f"{os.fspath(path)!r} holds files of several monitors ({', '.join(names)}); "
            f"pass name= to choose one"
        )
    parts = []
    for _, _, file in files:
        arrays, meta = _read(file)
        rows = meta.get("rows")
        if rows is None:
            rows = len(arrays["trial"]) if "trial" in arrays else 0
        parts.append((arrays, int(rows)))
    return _concat(parts)
