"""The Monitor's messages are visible by default, and step aside once logging is configured.

Monitors log through :mod:`logging` (``neuroplug.monitor.<name>``). A library should not
configure logging for its users, but ``verbose=True`` must show something in a terminal or
a notebook that has not configured it. So one handler sits on ``neuroplug.monitor``: it
writes to the *current* ``sys.stderr`` (a notebook's, a test runner's) only while no other
handler would receive the record. After ``logging.basicConfig(...)`` -- or any handler on
the way to the root logger -- it writes nothing, and the message appears once, there.
"""

from __future__ import annotations

import logging
import sys

__all__ = ["LOGGER", "DefaultHandler", "install"]

LOGGER = "neuroplug.monitor"


def _handled_elsewhere(record: logging.LogRecord, mine: logging.Handler) -> bool:
    logger: logging.Logger | None = logging.getLogger(record.name)
    while logger is not None:
        if any(h is not mine for h in logger.handlers):
            return True
        if not logger.propagate:
            return False
        logger = logger.parent
    return False


class DefaultHandler(logging.Handler):
    """``message`` lines on ``sys.stderr`` while logging is not configured."""

    def __init__(self) -> None:
        super().__init__(logging.NOTSET)
        self.setFormatter(logging.Formatter("%(message)s"))

    def handle(self, record: logging.LogRecord) -> bool:
        if _handled_elsewhere(record, self):
            return False
        return super().handle(record)

    def emit(self, record: logging.LogRecord) -> None:
        try:
            stream = sys.stderr
            stream.write(self.format(record) + "\n")
            stream.flush()
        except Exception:
            self.handleError(record)


def install() -> None:
    """Put one :class:`DefaultHandler` on the ``neuroplug.monitor`` logger (idempotent)."""
    logger = logging.getLogger(LOGGER)
    if not any(isinstance(h, DefaultHandler) for h in logger.handlers):
        logger.addHandler(DefaultHandler())
