"""Reading runs back: :func:`load_run` (one table, a ``run`` column) and :func:`list_runs`.

Every data file is checked before it is trusted: it must be a Monitor file (its
``__meta__``), its name must agree with the run and number it records, and every column
must have the number of rows it states. Every error names the file. A run whose file
numbers have a gap (a file deleted or not copied) gives an :class:`IncompleteRunWarning`.
"""

from __future__ import annotations

import itertools
import json
import os
import warnings
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np

from neuroplug_plugins.monitor.files import DATA_FILE, FORMAT, LEGACY_DATA_FILE
from neuroplug_plugins.monitor.storage import META_KEY
from neuroplug_plugins.monitor.table import missing_fill

__all__ = ["IncompleteRunWarning", "MonitorFileError", "RunTable", "list_runs", "load_files",
           "load_run"]

_FORMATS = ("neuroplug-monitor/1", FORMAT)


class MonitorFileError(ValueError):
    """A file that looks like a Monitor data file cannot be read as one; names the file."""


class IncompleteRunWarning(UserWarning):
    """Some of a run's files are missing: their trials are not in the table."""


class RunTable(dict):
    """``{column: array}``, one row per trial, with a ``run`` column; from :func:`load_run`.

    ``runs`` maps each run id in the table to what its files record (``name``, ``task``,
    ``files``, ``trials``, ``started_at``, ``copied_from``, ...), in the table's order.
    """

    runs: dict[str, dict[str, Any]]

    def to_pandas(self) -> Any:
        """The table as a :class:`pandas.DataFrame` (array-valued columns as one array per
        row). Needs pandas, which neuroplug does not install."""
        try:
            import pandas as pd
        except ImportError:
            raise ImportError(
                "RunTable.to_pandas() needs pandas: pip install pandas") from None
        return pd.DataFrame({
            column: list(values) if values.ndim > 1 else values
            for column, values in self.items()
        })


class _File:
    """One data file found on disk, with its metadata read and checked."""

    __slots__ = ("meta", "number", "path", "rows", "run", "stem")

    def __init__(self, path: Path) -> None:
        self.path = path
        self.meta = _read_meta(path)
        match = DATA_FILE.match(path.name)
        legacy = match or LEGACY_DATA_FILE.match(path.name)
        self.stem = legacy["name"] if legacy else None
        #: as stated by the file; very early format-1 files state none (see :meth:`read`)
        self.rows: int | None = self.meta.get("rows")
        if self.meta.get("format") == FORMAT:
            if match is None or (match["run"], int(match["number"])) != (
                    self.meta.get("run"), self.meta.get("number")):
                raise MonitorFileError(
                    f"{os.fspath(path)}: its name does not match the run "
                    f"{self.meta.get('run')!r} and number {self.meta.get('number')!r} it "
                    f"records (renamed?); give it back its name "
                    f"<name>-{self.meta.get('run')}-{self.meta.get('number', 0):06d}.npz")
            self.run = self.meta["run"]
        else:  # format 1: one run per folder and name, no run id
            self.run = f"legacy-{self.meta.get('name', path.name)}"
        self.number = int(self.meta.get("number", 0))

    def matches(self, name: str | None) -> bool:
        return name is None or name in (self.meta.get("name"), self.stem)

    def read(self) -> dict[str, np.ndarray]:
        """The file's columns, each checked against the row count the file states."""
        try:
            with np.load(self.path, allow_pickle=False) as npz:
                arrays = {key: npz[key] for key in npz.files if key != META_KEY}
        except (OSError, ValueError, zipfile.BadZipFile, EOFError) as exc:
            raise MonitorFileError(f"{os.fspath(self.path)}: cannot be read: {exc}") from None
        if self.rows is None:
            self.rows = len(arrays.get("trial", ()))
        rows = self.rows
        for column, values in arrays.items():
            if values.ndim == 0 or len(values) != rows:
                raise MonitorFileError(
                    f"{os.fspath(self.path)}: column {column!r} has "
                    f"{'no rows' if values.ndim == 0 else f'{len(values)} rows'}, but the "
                    f"file states {rows} (damaged or edited?)")
        return arrays


def _read_meta(path: Path) -> dict[str, Any]:
    try:
        with np.load(path, allow_pickle=False) as npz:
            if META_KEY not in npz.files:
                raise MonitorFileError(
                    f"{os.fspath(path)}: not a Monitor data file (no {META_KEY} entry)")
            meta = json.loads(str(npz[META_KEY]))
    except MonitorFileError:
        raise
    except (OSError, ValueError, zipfile.BadZipFile, EOFError, json.JSONDecodeError) as exc:
        raise MonitorFileError(f"{os.fspath(path)}: cannot be read: {exc}") from None
    found = meta.get("format") if isinstance(meta, dict) else meta
    if found not in _FORMATS:
        raise MonitorFileError(f"{os.fspath(path)}: unknown format {found!r} (this neuroplug "
                               f"reads {', '.join(_FORMATS)})")
    return meta


def _candidates(path: Path) -> Iterable[Path]:
    """Data-file names under ``path``, recursively; temporary (hidden) files and symlinked
    files are skipped -- a Monitor never makes either."""
    for folder, dirs, files in os.walk(path):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for file in sorted(files):
            if file.startswith(".") or not (
                    DATA_FILE.match(file) or LEGACY_DATA_FILE.match(file)):
                continue
            candidate = Path(folder) / file
            if candidate.is_symlink():
                warnings.warn(f"load_run: skipped {os.fspath(candidate)}, a symlink (a "
                              f"Monitor never makes one)", stacklevel=4)
                continue
            if candidate.stat().st_size == 0:  # a name reserved by a writer mid-save
                continue
            yield candidate


def _files(path: Path, name: str | None) -> list[_File]:
    if path.is_file():
        return [_File(path)]
    if not path.is_dir():
        raise FileNotFoundError(f"no such file or directory: {os.fspath(path)!r}")
    return [f for f in (_File(p) for p in _candidates(path)) if f.matches(name)]


def _group(files: list[_File]) -> dict[str, list[_File]]:
    """Files by run, runs in the order they started, files by number; duplicates refused."""
    runs: dict[str, list[_File]] = {}
    for file in files:
        runs.setdefault(file.run, []).append(file)
    for run, group in runs.items():
        group.sort(key=lambda f: f.number)
        for a, b in itertools.pairwise(group):
            if a.number == b.number:
                raise MonitorFileError(
                    f"run {run} has two files numbered {a.number}: {os.fspath(a.path)} and "
                    f"{os.fspath(b.path)} (a copied folder?); remove one")
    return dict(sorted(runs.items(),
                       key=lambda item: (item[1][0].meta.get("started_at") or 0, item[0])))


def _select(runs: dict[str, list[_File]], run: str, path: Path) -> dict[str, list[_File]]:
    chosen = [r for r in runs if r == run] or [r for r in runs if r.startswith(run)]
    if len(chosen) == 1:
        return {chosen[0]: runs[chosen[0]]}
    listed = ", ".join(list(runs)[:10]) + (" ..." if len(runs) > 10 else "")
    if not chosen:
        raise FileNotFoundError(
            f"no run {run!r} under {os.fspath(path)!r}; runs there: {listed or '(none)'}")
    raise ValueError(f"run {run!r} is ambiguous under {os.fspath(path)!r}: it starts "
                     f"{', '.join(chosen)}")


def _info(group: list[_File]) -> dict[str, Any]:
    first, last = group[0].meta, group[-1].meta
    numbers = [f.number for f in group]
    return {
        "name": first.get("name"), "task": first.get("task"),
        "files": [f.path for f in group],
        "trials": sum(f.rows or 0 for f in group),
        "started_at": first.get("started_at"), "last_saved_at": last.get("saved_at"),
        "copied_from": first.get("copied_from"), "pid": first.get("pid"),
        "host": first.get("host"),
        "missing_files": sorted(set(range(numbers[-1] + 1)) - set(numbers)
                                - {n for f in group for n in f.meta.get("skipped", ())}),
    }


def list_runs(save_dir: str | os.PathLike, name: str | None = None) -> dict[str, dict]:
    """The runs under ``save_dir`` (recursively), oldest first: ``{run id: info}``.

    Reads only each file's metadata. ``info`` holds ``name``, ``task``, ``files``,
    ``trials``, ``started_at``, ``last_saved_at``, ``copied_from``, ``pid``, ``host`` and
    ``missing_files`` (numbers absent from the run's sequence).
    """
    path = Path(save_dir).expanduser()
    return {run: _info(group) for run, group in _group(_files(path, name)).items()}


def load_run(save_dir: str | os.PathLike, run: str | None = None,
             name: str | None = None) -> RunTable:
    """Read saved trials back as one table: ``{column: array}``, one row per trial.

    Args:
        save_dir: a folder, searched recursively (a Monitor's ``save_dir``, or a folder of
            many), or the path of one data file.
        run: read only this run (its id, or a prefix of it that only it has), e.g.
            ``monitor.run_id``. Default: every run found.
        name: read only runs of Monitors with this name.

    The table has a ``run`` column (the run id of each row); runs come oldest first and a
    run's trials in order. A column missing from some files (a parameter that appeared
    later, another task) is NaN (numbers) or ``""`` (strings) there. Files load with
    ``allow_pickle=False``. Raises :class:`FileNotFoundError` when nothing matches and
    :class:`MonitorFileError` (naming the file) for a file that cannot be trusted.
    """
    path = Path(save_dir).expanduser()
    runs = _group(_files(path, name))
    if run is not None:
        runs = _select(runs, run, path)
    if not runs:
        what = f"files of a Monitor named {name!r}" if name else "Monitor data files"
        raise FileNotFoundError(f"no {what} under {os.fspath(path)!r}")
    return _table(runs, path)


def load_files(paths: Iterable[str | os.PathLike]) -> RunTable:
    """The table of exactly these data files (what :meth:`Monitor.load_run` reads)."""
    files = [_File(Path(p)) for p in paths]
    if not files:
        raise FileNotFoundError("no files given")
    return _table(_group(files), files[0].path.parent)


def _table(runs: dict[str, list[_File]], path: Path) -> RunTable:
    parts: list[tuple[dict[str, np.ndarray], int]] = []
    table_runs: dict[str, dict[str, Any]] = {}
    for run_id, group in runs.items():
        info = table_runs[run_id] = _info(group)
        if info["missing_files"]:
            warnings.warn(IncompleteRunWarning(
                f"run {run_id} under {os.fspath(path)!r}: file number(s) "
                f"{info['missing_files']} are missing; their trials are not in the table"),
                stacklevel=3)
        for file in group:
            arrays = file.read()
            arrays["run"] = np.full(file.rows, run_id)
            parts.append((arrays, file.rows))
    table = RunTable(_concat(parts))
    table.runs = table_runs
    return table


def _concat(parts: list[tuple[dict[str, np.ndarray], int]]) -> dict[str, np.ndarray]:
    columns: list[str] = ["run"]
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
                pieces.append(missing_fill(template, rows))
        pieces = [p for p in pieces if len(p)] or pieces[:1]
        try:
            table[column] = np.concatenate(pieces)
        except ValueError:  # shapes differ between files: fall back to strings
            table[column] = np.concatenate(
                [np.array([repr(v.tolist()) for v in p], dtype=str) for p in pieces]
            )
    return table
