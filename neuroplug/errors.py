"""Exceptions that users and plugin authors can catch by type."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


class NeuroplugError(Exception):
    """Base class of every neuroplug error."""


class UnknownNameError(NeuroplugError, KeyError):
    """A task, wrapper or schedule name that no loaded plugin registered."""

    def __init__(self, kind: str, name: object, known: Iterable[str]) -> None:
        known = sorted(known)
        close = difflib.get_close_matches(str(name), known, n=1, cutoff=0.5)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        self.kind, self.name, self.known, self.closest = kind, name, known, (close or [None])[0]
        message = f"unknown {kind} {name!r}.{hint} Known {kind}s: {', '.join(known) or '(none)'}"
        super().__init__(message)

    def __str__(self) -> str:  # KeyError would repr() the message
        return str(self.args[0])


class DuplicateNameError(NeuroplugError, ValueError):
    """Two plugins registered the same name."""


class IncompatibleWrapperError(NeuroplugError, ValueError):
    """A wrapper cannot work on the task (or env) under it; raised when the stack is built."""


class TimingError(NeuroplugError, RuntimeError):
    """A trial-building call made in the wrong order (e.g. ``add_period`` after ``add_ob``)."""


class StackError(IncompatibleWrapperError):
    """A stack used against its structure: a task (or layer) wrapped by a second stack, a
    level with layers above it stepped directly, or a closed layer used again."""
