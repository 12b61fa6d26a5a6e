"""The command line of a page generated from the code: write it, or ``--check`` that it is
current (what hooks_doc.py and differences_doc.py share)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path


def write_or_check(page: Path, render: Callable[[], str], description: str,
                   script: str) -> int:
    """``script [--check]``: write ``render()`` to ``page``, or exit 1 if it differs."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--check", action="store_true", help="fail if the page is stale")
    args = parser.parse_args()
    text = render()
    if args.check:
        if not page.exists() or page.read_text() != text:
            print(f"{page} is out of date: run python {script}", file=sys.stderr)
            return 1
        return 0
    page.write_text(text)
    return 0
