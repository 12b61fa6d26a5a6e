"""Deliberate differences from NeuroGym 2.3.1, each declared once, next to the code that makes it.

neuroplug behaves as NeuroGym 2.3.1 does unless a difference is declared here. A module
that makes one calls :func:`declare_difference` at import time, beside the code, naming
what NeuroGym does, what we do, why, and the test that asserts our behaviour::

    declare_difference(
        "side_bias.seeded_first_block", component="wrapper side_bias", kind="bug fix",
        neurogym="the first block is drawn once, when the wrapper is built, ...",
        neuroplug="reset(seed=s) redraws the first block ... from the seeded generator",
        reason="NeuroGym's first block is not reproducible under a seed",
        test="tests/test_side_bias.py::test_reset_with_seed_reproduces_blocks_and_ground_truths",
    )

``docs/neurogym-differences.md`` is generated from these declarations
(``docs/scripts/differences_doc.py``), and a test checks that every named test exists.

Kinds:

- ``bug fix``: NeuroGym's behaviour is a bug (a perfect agent cannot score 1, a random agent
  scores far from chance, a crash, a seed that does not reproduce, a documented parameter
  that is ignored or misread).
- ``design``: a contract of neuroplug that NeuroGym does not have (no hidden step on reset,
  no pickle in saved files, ...).
- ``option``: behaviour beyond NeuroGym's, off by default; the default is NeuroGym's.
"""

from __future__ import annotations

import inspect
from typing import Literal

import attrs

__all__ = ["KINDS", "Difference", "declare_difference", "declared_differences"]

KINDS = ("bug fix", "design", "option")
Kind = Literal["bug fix", "design", "option"]


@attrs.frozen
class Difference:
    """One deliberate difference from NeuroGym 2.3.1."""

    key: str
    component: str
    kind: str
    neurogym: str
    neuroplug: str
    reason: str
    test: str
    module: str = ""


_DIFFERENCES: dict[str, Difference] = {}


def declare_difference(key: str, *, component: str, kind: Kind, neurogym: str,
                       neuroplug: str, reason: str, test: str) -> Difference:
    """Declare a deliberate difference from NeuroGym 2.3.1 (call at import time, beside the
    code that makes it). ``test`` is a pytest node id asserting our behaviour."""
    if kind not in KINDS:
        raise ValueError(f"declare_difference({key!r}): kind must be one of {KINDS}, "
                         f"got {kind!r}")
    if "::" not in test:
        raise ValueError(f"declare_difference({key!r}): test must be a pytest node id "
                         f"('tests/test_x.py::test_y'), got {test!r}")
    frame = inspect.currentframe()
    caller = frame.f_back if frame is not None else None
    module = caller.f_globals.get("__name__", "") if caller is not None else ""
    difference = Difference(key, component, kind, neurogym, neuroplug, reason, test, module)
    existing = _DIFFERENCES.get(key)
    if existing is not None and existing.module != module:
        raise ValueError(
            f"difference {key!r} is declared twice: in {existing.module} and in {module}"
        )
    _DIFFERENCES[key] = difference
    return difference


def declared_differences(load_plugins: bool = True) -> list[Difference]:
    """Every declared difference, sorted by component and key. With ``load_plugins``, the
    plugins are loaded first, so that their declarations are made (the core's are made
    by ``import neuroplug``)."""
    if load_plugins:
        from neuroplug.stack import list_tasks

        list_tasks()
    return sorted(_DIFFERENCES.values(), key=lambda d: (d.component, d.key))
