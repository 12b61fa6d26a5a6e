"""What copies of a stack need to stay exact: writable arrays after unpickling.

Pickle protocol 5 can hand arrays back as views of read-only buffers (Ray's object store
does), and a stack writes into its arrays in place. ``writable_state`` copies such arrays
when a task or layer is unpickled, so the copy continues exactly as the original would.
"""

from __future__ import annotations

from typing import Any

import numpy as np

_DEPTH = 3  # arrays inside lists and dicts of the state, this deep


def writable(value: Any, depth: int = _DEPTH) -> Any:
    """``value`` with every read-only array in it (or in its lists and dicts) copied."""
    if isinstance(value, np.ndarray):
        return value if value.flags.writeable else value.copy()
    if depth <= 0:
        return value
    if isinstance(value, list):
        for index, item in enumerate(value):
            value[index] = writable(item, depth - 1)
    elif isinstance(value, dict):
        for key, item in value.items():
            value[key] = writable(item, depth - 1)
    return value


def writable_state(state: dict[str, Any]) -> dict[str, Any]:
    """An object's unpickled ``__dict__`` with its read-only arrays copied."""
    return writable(state, _DEPTH + 1)
