"""``neurogym.utils.plotting``: ``plot_env`` (``neuroplug.plot_env``, NeuroGym's arguments)."""

from __future__ import annotations

from neuroplug.plotting import plot_env, run_env

__all__ = ["plot_env", "run_env"]
