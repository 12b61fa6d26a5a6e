"""Names and safe creation of the Monitor's files: run ids, data-file names, exclusive writes.

Every Monitor instance is a *run* with an id of its own (:func:`new_run_id`): the time it
started and 8 random hex digits (from the OS, so forked workers never draw the same one).
Its data files are ``<save_dir>/<name>-<run id>-<NNNNNN>.npz``, so runs sharing a folder
(vector-env workers, two processes, yesterday's run) never share a file name.

A data file is never written in place and never replaces anything (:func:`create_new`):
it is written to a temporary file made by :func:`tempfile.mkstemp` (an unpredictable name,
created exclusively, never through a symlink), fsynced, then hard-linked to its final name,
which fails if that name exists in any form (file, symlink, dangling symlink). Figures,
which a run redraws under the same name, are replaced atomically instead
(:func:`replace_atomically`; a rename replaces a planted symlink, never its target).
"""

from __future__ import annotations

import errno
import os
import re
import secrets
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO

__all__ = [
    "DATA_FILE",
    "FORMAT",
    "LEGACY_DATA_FILE",
    "create_new",
    "data_file_name",
    "file_stem",
    "new_run_id",
    "replace_atomically",
]

FORMAT = "neuroplug-monitor/2"
#: ``<name>-<YYYYMMDD>-<HHMMSS>-<8 hex>-<number>.npz``
DATA_FILE = re.compile(
    r"^(?P<name>.+)-(?P<run>\d{8}-\d{6}-[0-9a-f]{8})-(?P<number>\d{6,})\.npz$"
)
#: Files of format 1 (neuroplug 0.1 before run ids): ``<name>-<number>.npz``.
LEGACY_DATA_FILE = re.compile(r"^(?P<name>.+)-(?P<number>\d{6})\.npz$")

_UMASK = os.umask(0o022)
os.umask(_UMASK)
#: What ``open(path, "w")`` would give a new file; ``mkstemp`` makes it 0600 otherwise.
FILE_MODE = 0o666 & ~_UMASK
#: ``os.link`` errors that mean "this file system has no hard links", not "cannot write".
_NO_HARD_LINKS = {errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.ENOSYS, errno.EMLINK}


#: The longest stem, in UTF-8 bytes.
STEM_BYTES = 120


def new_run_id() -> str:
    """``YYYYMMDD-HHMMSS-xxxxxxxx``: local start time and 32 random bits from the OS."""
    return f"{time.strftime('%Y%m%d-%H%M%S')}-{secrets.token_hex(4)}"


def file_stem(name: str) -> str:
    """``name`` made safe as a file-name prefix; letters of any script are kept.

    Stems are cut to 120 bytes (UTF-8). Two names may give the same stem (``a b`` and
    ``a/b``, or two long names that start alike): files stay apart all the same,
    by run id, and :func:`~neuroplug_plugins.monitor.load_run` selects by the name
    recorded in each file, not by the stem.
    """
    stem = re.sub(r"[^\w.-]+", "_", name).strip("._-") or "monitor"
    # File names are limited to 255 bytes; with the run id, number and suffix added, a
    # stem of at most 120 bytes always fits.
    while len(stem.encode()) > STEM_BYTES:
        stem = stem[:-1]
    return stem


def data_file_name(stem: str, run: str, number: int) -> str:
    """The name of a run's ``number``-th data file."""
    return f"{stem}-{run}-{number:06d}.npz"


def _fsync_dir(folder: Path) -> None:
    """Make a new directory entry durable (best effort; not available everywhere)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _temporary(folder: Path, stem: str, write: Callable[[IO[bytes]], None]) -> Path:
    """A complete, fsynced temporary file in ``folder`` holding what ``write`` wrote."""
    fd, name = tempfile.mkstemp(prefix=f".{stem}-", suffix=".tmp", dir=folder)
    tmp = Path(name)
    try:
        os.fchmod(fd, FILE_MODE)
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def _link_new(tmp: Path, final: Path) -> bool:
    """Give ``tmp`` the name ``final`` unless that name exists; ``False`` if it does."""
    try:
        os.link(tmp, final, follow_symlinks=False)
        return True
    except FileExistsError:
        return False
    except OSError as exc:
        if exc.errno not in _NO_HARD_LINKS:
            raise
    # No hard links here: reserve the name exclusively, then rename over the reservation.
    try:
        fd = os.open(final, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, FILE_MODE)
    except FileExistsError:
        return False
    os.close(fd)
    os.replace(tmp, final)
    return True


def create_new(folder: Path, stem: str, name_for: Callable[[int], str], number: int,
               write: Callable[[int, IO[bytes]], None]) -> tuple[Path, int]:
    """Write a new file ``folder / name_for(n)`` for the first free ``n >= number``.

    ``write(n, handle)`` writes the content for number ``n`` (it is called again if that
    name turns out to be taken). Returns the path and the number used. Nothing that exists
    is ever replaced, followed or truncated.
    """
    while True:
        tmp = _temporary(folder, stem, lambda handle, n=number: write(n, handle))
        try:
            final = folder / name_for(number)
            if _link_new(tmp, final):
                _fsync_dir(folder)
                return final, number
        finally:
            tmp.unlink(missing_ok=True)
        number += 1


def replace_atomically(path: Path, write: Callable[[IO[bytes]], None]) -> None:
    """Write ``path`` through ``write(handle)``: a complete new file replaces it at once.

    For files a run rewrites under one name (figures). The temporary file is made by
    :func:`tempfile.mkstemp`; the rename replaces whatever entry ``path`` is (a planted
    symlink included) and never writes through it.
    """
    path = Path(path)
    tmp = _temporary(path.parent, path.stem, write)
    try:
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)
