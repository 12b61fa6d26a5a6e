"""Saving the Monitor's trial table: one new ``.npz`` file per save, never overwriting.

Each save writes ``<save_dir>/<name>-<run id>-<NNNNNN>.npz`` (see :mod:`.files`) holding the
trials finished since the previous save, one row per trial, as typed columns (no object
arrays: files load with ``numpy.load(path, allow_pickle=False)``):

``trial``, ``action``, ``reward``, ``cum_reward``, ``performance``, ``steps``, ``gt``
    the fields of the trial record (see ``neuroplug_log_trial`` in :mod:`neuroplug.hookspecs`);
    ``trial`` counts the run's trials from 0 across episodes.
``params.<key>``
    one column per trial parameter (nested dicts flattened as ``params.a.b``).
``__meta__``
    a 0-d string array holding JSON: format, run id, monitor name, task, file number, ...

A save first *takes* the rows out of the table, then creates the file exclusively, with
SIGINT and SIGTERM held (:mod:`.shutdown`); if the write fails the rows go back. So a row is
in exactly one file, or still in memory -- never in two files, never in none.
:func:`~neuroplug_plugins.monitor.reading.load_run` reads runs back.
"""

from __future__ import annotations

import io
import json
import logging
import os
import socket
import tempfile
import threading
import time
import weakref
from pathlib import Path
from typing import Any

import numpy as np

from neuroplug.fidelity import declare_difference
from neuroplug_plugins.monitor import shutdown
from neuroplug_plugins.monitor.files import FORMAT, create_new, data_file_name
from neuroplug_plugins.monitor.table import TrialTable, to_column

__all__ = ["META_KEY", "SaveDirError", "Writer", "check_save_dir"]

META_KEY = "__meta__"

declare_difference(
    "monitor.file_format", component="wrapper monitor", kind="design",
    neurogym="every interval, np.savez(save_dir / f'trial_{N}.npz', **data) with every info "
    "key of the trial's last step as a column (the trial dict as an object array, read "
    "back only with allow_pickle=True); a second Monitor on the same folder (a vector env, "
    "a second process) overwrites the first one's files; a run interrupted between saves "
    "loses its last trials",
    neuroplug="every Monitor is a run with its own id; files <name>-<run id>-000000.npz, ... "
    "are created exclusively (never replacing or following anything) and hold plain "
    "numeric or string columns only (the trial's parameters as params.<key> columns, no "
    "pickle); the remainder is written on close, garbage collection, interpreter exit and "
    "SIGTERM; load_run(save_dir) reads every run back with a run column",
    reason="saved data must load without pickle and never be lost, half-written or "
    "overwritten by another writer",
    test="tests/monitor/test_monitor_runs.py::test_every_recorded_trial_is_read_back_once",
)


class SaveDirError(ValueError):
    """A Monitor's ``save_dir`` cannot hold its files (found when the Monitor is built)."""


def check_save_dir(path: Path) -> Path:
    """Create ``path`` (and its parents) and check a file can be created in it.

    Raises :class:`SaveDirError` naming the path when it is a file, lies under a file, or
    is not writable -- at construction, not 1,000 trials later inside ``env.step``.
    """
    try:
        path.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise SaveDirError(
            f"Monitor argument 'save_dir': {os.fspath(path)!r} exists and is not a directory"
        ) from None
    except NotADirectoryError:
        raise SaveDirError(
            f"Monitor argument 'save_dir': {os.fspath(path)!r} lies under a file, not a "
            f"directory") from None
    except OSError as exc:
        raise SaveDirError(
            f"Monitor argument 'save_dir': cannot create {os.fspath(path)!r}: "
            f"{exc.strerror or exc}") from None
    try:  # the real test: os.access is wrong for root, ACLs and read-only mounts
        fd, probe = tempfile.mkstemp(prefix=".neuroplug-probe-", dir=path)
    except OSError as exc:
        raise SaveDirError(
            f"Monitor argument 'save_dir': cannot write in {os.fspath(path)!r}: "
            f"{exc.strerror or exc}") from None
    os.close(fd)
    os.unlink(probe)
    return path


class Writer:
    """Writes a :class:`TrialTable` to a run's numbered files.

    It holds only a weak reference to its Monitor (``owner``), so that the writers
    :mod:`.shutdown` watches (to save them on SIGTERM and at interpreter exit) never keep
    a Monitor alive; the owner's step and trial counters go into each file's metadata.
    """

    def __init__(self, table: TrialTable, save_dir: Path, stem: str, run: str,
                 meta: dict[str, Any], logger: logging.Logger, verbose: bool,
                 owner: Any = None) -> None:
        self.table, self.save_dir, self.stem, self.run = table, Path(save_dir), stem, run
        self.meta = {"name": stem, "run": run, "pid": os.getpid(),
                     "host": socket.gethostname(), "started_at": time.time(), **meta}
        self.logger, self.verbose = logger, verbose
        self.owner = weakref.ref(owner) if owner is not None else None
        self.next_number = 0
        self.paused = False
        self.paths: list[Path] = []
        self.skipped: list[int] = []
        self._lock = threading.Lock()

    def counters(self) -> dict[str, Any]:
        """The owner's ``t`` and ``num_tr`` (empty once the owner is gone)."""
        owner = self.owner() if self.owner is not None else None
        if owner is None:
            return {}
        return {"t": getattr(owner, "t", None), "num_tr": getattr(owner, "num_tr", None)}

    def write(self, allow_empty: bool = False, note: str = "", **meta: Any) -> Path | None:
        """Write the table's rows to the run's next file and empty the table.

        Returns the path, or ``None`` when nothing was written (no rows and not
        ``allow_empty``, or writing is paused). If writing fails, the rows stay in the
        table (the next save tries again) and the error propagates. ``note`` is added to
        the save's message.
        """
        if self.paused or (self.table.rows == 0 and not allow_empty):
            return None
        # Signals held first, then the lock: a SIGTERM handler that saves this writer can
        # never run while this thread holds its lock (it would wait for itself forever).
        with shutdown.signals_held(), self._lock:
            columns, rows = self.table.take()
            try:
                path = self._write_file(columns, rows, meta)
            except BaseException:
                self.table.restore(columns, rows)
                raise
            self.paths.append(path)
        if self.verbose:
            self._report(path, columns, rows, note)
        return path

    def _write_file(self, columns: dict[str, list], rows: int, meta: dict[str, Any]) -> Path:
        arrays = {column: to_column(values) for column, values in columns.items()}
        info = {**self.meta, **meta, "format": FORMAT, "rows": rows,
                "first_trial": columns["trial"][0] if rows else None}

        def dump(number: int, handle: io.BufferedWriter) -> None:
            # "skipped": numbers whose names were taken by something else (never this run's)
            skipped = [*self.skipped, *range(self.next_number, number)]
            stamped = {**info, "number": number, "skipped": skipped, "saved_at": time.time()}
            np.savez(handle, **arrays, **{META_KEY: np.array(json.dumps(stamped, default=str))})

        self.save_dir.mkdir(parents=True, exist_ok=True)  # removed since the Monitor was built?
        path, number = create_new(
            self.save_dir, self.stem, lambda n: data_file_name(self.stem, self.run, n),
            self.next_number, dump)
        if number != self.next_number:
            self.skipped.extend(range(self.next_number, number))
            self.logger.warning(
                "%s: %s was taken by something else; saved as %s instead", self.meta["name"],
                data_file_name(self.stem, self.run, self.next_number), path.name)
        self.next_number = number + 1
        return path

    def _report(self, path: Path, columns: dict[str, list], rows: int, note: str) -> None:
        name, extra = self.meta["name"], f" ({note})" if note else ""
        if rows:
            first = columns["trial"][0]
            self.logger.info("%s: saved trials %s-%s to %s%s", name, first, first + rows - 1,
                             path, extra)
        else:
            self.logger.info("%s: saved an empty interval to %s%s", name, path, extra)

    def flush(self, **counters: Any) -> None:
        """Write whatever rows are unsaved, never raising (for exit, SIGTERM and garbage
        collection); ``counters`` (``t``, ``num_tr``) default to the owner's."""
        try:
            self.write(**(counters or self.counters()))
        except Exception:  # at exit there is nobody left to catch it
            self.logger.exception("%s: could not save the remaining trials",
                                  self.meta.get("name"))
