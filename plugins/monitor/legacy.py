"""The Monitor keyword names of NeuroGym before 2.0, accepted with a deprecation warning.

Older NeuroGym programs build ``Monitor(env, folder=..., sv_per=..., sv_stp=...,
sv_fig=..., num_stps_sv_fig=..., fig_type=...)``; each old name maps onto one argument of
today's signature (NeuroGym 2.3.1's), and the warning names it so the program can be
updated. An unknown keyword is an error that lists the accepted ones.
"""

from __future__ import annotations

import difflib
import warnings
from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["LEGACY_NAMES", "translate_legacy_arguments"]

#: Old keyword -> today's keyword.
LEGACY_NAMES: dict[str, str] = {
    "folder": "save_dir",
    "sv_per": "interval",
    "sv_stp": "trigger",
    "sv_fig": "plot_create",
    "num_stps_sv_fig": "plot_steps",
    "fig_type": "ext",
}

#: Old ``sv_stp`` values -> today's ``trigger`` values.
_TRIGGERS = {"trial": "trial", "timestep": "step", "step": "step"}


def translate_legacy_arguments(legacy: Mapping[str, Any], given: Mapping[str, Any],
                               accepted: Iterable[str]) -> dict[str, Any]:
    """Today's keyword arguments for the old ones in ``legacy``, each with a
    ``DeprecationWarning``; ``given`` holds the new-style arguments passed explicitly."""
    accepted = sorted(accepted)
    out: dict[str, Any] = {}
    for old, value in legacy.items():
        new = LEGACY_NAMES.get(old)
        if new is None:
            close = difflib.get_close_matches(old, [*accepted, *LEGACY_NAMES], n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise TypeError(
                f"Monitor got an unexpected keyword argument {old!r}{hint} "
                f"Accepted: {', '.join(accepted)}"
            )
        if new in given:
            raise TypeError(
                f"Monitor: {old!r} is the old name of {new!r}; pass only {new!r}"
            )
        if old == "sv_stp":
            if value not in _TRIGGERS:
                raise ValueError(
                    f"Monitor argument 'sv_stp' (now 'trigger'): expected 'trial' or "
                    f"'timestep', got {value!r}"
                )
            value = _TRIGGERS[value]
        warnings.warn(
            f"Monitor({old}=...) is NeuroGym's old keyword: use {new}= instead",
            DeprecationWarning, stacklevel=3,
        )
        out[new] = value
    return out
