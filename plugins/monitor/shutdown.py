"""Nothing recorded is lost when the process is told to stop, and nothing is saved twice.

Two mechanisms, both only in the main thread (the only one Python runs signal handlers in):

* :func:`signals_held` wraps each save: SIGINT and SIGTERM arriving while a file is being
  written and the in-memory table cleared are held and delivered, to whatever handler was
  in place, once both are done. So Ctrl-C can never land between "file written" and "table
  cleared" (which would save that interval twice, once more at exit).
* At interpreter exit every watched writer (one per open Monitor) saves its rows.
* While at least one Monitor is open, a SIGTERM handler (:func:`watch`) saves every open
  Monitor's unsaved trials, then does what the previous handler would: call it, ignore
  the signal, or -- the default -- terminate the process by SIGTERM as if nothing had
  been installed. SLURM's and ``docker stop``'s SIGTERM therefore loses nothing.
  A SIGTERM arriving while a trial is being added to a table (:data:`critical`) is handled
  when that is done, so a save never takes half a row.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import signal
import threading
import weakref
from collections.abc import Iterator
from types import FrameType
from typing import Any, Protocol

__all__ = ["critical", "forget_all", "signals_held", "unwatch", "watch"]

_HELD = tuple(s for s in (getattr(signal, "SIGINT", None), getattr(signal, "SIGTERM", None))
              if s is not None)
_SIGTERM = getattr(signal, "SIGTERM", None)


class Flushable(Protocol):
    def flush(self) -> None: ...


_open: weakref.WeakSet[Any] = weakref.WeakSet()
_previous: Any = None  # the SIGTERM handler ours replaced
_lock = threading.RLock()  # a Monitor's __del__ may unwatch while watch runs (GC)


def _in_main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


@contextlib.contextmanager
def signals_held() -> Iterator[None]:
    """Hold SIGINT and SIGTERM for the duration; deliver them afterwards, in order."""
    if not _in_main_thread():
        yield
        return
    arrived: list[tuple[int, FrameType | None]] = []
    saved: dict[int, Any] = {}

    def hold(signum: int, frame: FrameType | None) -> None:
        arrived.append((signum, frame))

    try:
        for signum in _HELD:
            saved[signum] = signal.signal(signum, hold)
        yield
    finally:
        for signum, handler in saved.items():
            signal.signal(signum, handler if handler is not None else signal.SIG_DFL)
        for signum, frame in arrived:
            _deliver(signum, frame, saved.get(signum))


def _deliver(signum: int, frame: FrameType | None, handler: Any) -> None:
    """Do what ``handler`` (a callable, ``SIG_IGN``, ``SIG_DFL`` or ``None``) does."""
    if handler is signal.SIG_IGN:
        return
    if callable(handler):
        handler(signum, frame)
        return
    # SIG_DFL (or a handler installed outside Python): the default action, for real.
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)


def _flush_open() -> None:
    for writer in list(_open):
        writer.flush()


class _Critical:
    """``with critical:`` -- a SIGTERM that arrives inside is handled on the way out.

    Cheaper than :func:`signals_held` (no handler is swapped), for work done once per
    trial: adding a row to a table, which a save must never see half done.
    """

    __slots__ = ("deferred", "depth")

    def __init__(self) -> None:
        self.depth = 0
        self.deferred: list[tuple[int, FrameType | None]] = []

    def __enter__(self) -> None:
        self.depth += 1

    def __exit__(self, *exc: object) -> None:
        self.depth -= 1
        if not self.depth and self.deferred:
            signum, frame = self.deferred.pop(0)
            self.deferred.clear()
            _on_sigterm(signum, frame)


critical = _Critical()


def _on_sigterm(signum: int, frame: FrameType | None) -> None:
    if critical.depth:
        critical.deferred.append((signum, frame))
        return
    _flush_open()
    _deliver(signum, frame, _previous)


atexit.register(_flush_open)  # interpreter exit: every Monitor still open saves its tail


def watch(writer: Flushable) -> None:
    """Save ``writer``'s unsaved rows on SIGTERM, until :func:`unwatch` (or it is gone)."""
    global _previous
    with _lock:
        _open.add(writer)
        if _SIGTERM is None or not _in_main_thread():
            return
        current = signal.getsignal(_SIGTERM)
        if current is not _on_sigterm:
            try:
                signal.signal(_SIGTERM, _on_sigterm)
            except (ValueError, OSError):  # not allowed here (embedded interpreters)
                return
            _previous = current


def unwatch(writer: Flushable) -> None:
    """Stop watching ``writer``; the last one out puts the previous SIGTERM handler back."""
    global _previous
    with _lock:
        _open.discard(writer)
        if _open or _SIGTERM is None or not _in_main_thread():
            return
        if signal.getsignal(_SIGTERM) is _on_sigterm:  # nobody installed theirs on top
            with contextlib.suppress(ValueError, OSError):
                signal.signal(_SIGTERM, _previous if _previous is not None else signal.SIG_DFL)
            _previous = None


def forget_all() -> None:
    """Watch nothing (in a forked child: the writers it inherited are the parent's)."""
    _open.clear()
