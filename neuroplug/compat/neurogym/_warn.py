"""One warning per difference a NeuroGym program meets here, naming the doc section."""

from __future__ import annotations

import warnings

__all__ = ["NeuroGymCompatWarning", "warn_once"]

GUIDE = "docs/migrating-from-neurogym.md"
_warned: set[str] = set()


class NeuroGymCompatWarning(UserWarning):
    """A NeuroGym program uses something neuroplug does differently."""


def warn_once(key: str, message: str, section: str, stacklevel: int = 3) -> None:
    """Warn ``message`` the first time ``key`` comes up in this process."""
    if key in _warned:
        return
    _warned.add(key)
    warnings.warn(f"{message} (see {GUIDE}#{section})", NeuroGymCompatWarning,
                  stacklevel=stacklevel)
