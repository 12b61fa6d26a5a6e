"""``neurogym.utils.psychometric``: a probit psychometric curve, fitted and drawn."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

__all__ = ["plot_psychometric", "probit"]

_erf = np.vectorize(math.erf, otypes=[float])


def probit(x: Any, beta: float, alpha: float) -> np.ndarray:
    """The cumulative Gaussian ``0.5 * (1 + erf((beta * x + alpha) / sqrt(2)))``."""
    return 0.5 * (1 + _erf((beta * np.asarray(x, dtype=float) + alpha) / math.sqrt(2)))


def fit_probit(x: Any, y: Any, iterations: int = 200) -> tuple[float, float]:
    """Least-squares ``(beta, alpha)`` of :func:`probit` to choices ``y`` (NeuroGym uses
    scipy's ``curve_fit``), by Levenberg-Marquardt in numpy, started at the scale of ``x``
    (from ``beta = 1`` the curve is flat in coherence units and nothing moves)."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    spread = float(np.std(x))
    params, damping = np.array([1.0 / spread if spread > 0 else 1.0, 0.0]), 1e-3

    def residual(p: np.ndarray) -> np.ndarray:
        return probit(x, *p) - y

    cost = float(np.sum(residual(params) ** 2))
    for _ in range(iterations):
        z = params[0] * x + params[1]
        density = np.exp(-z * z / 2) / math.sqrt(2 * math.pi)
        jacobian = np.stack([density * x, density], axis=1)
        gradient = jacobian.T @ residual(params)
        normal = jacobian.T @ jacobian
        step = np.linalg.solve(normal + damping * np.diag(np.diag(normal) + 1e-12), -gradient)
        trial = params + step
        trial_cost = float(np.sum(residual(trial) ** 2))
        if trial_cost < cost:
            params, damping = trial, damping / 10
            if cost - trial_cost < 1e-14:
                break
            cost = trial_cost
        else:
            damping *= 10
    return float(params[0]), float(params[1])


def plot_psychometric(sig_ev: Any, ch: Any, ax: Any, title: str | None = None,
                      legend: str | None = None) -> None:
    """Fit a probit curve to choices ``ch`` (1 right, 0 left) against signed evidence
    ``sig_ev`` and draw it on ``ax`` with each evidence level's mean and SEM (NeuroGym's
    figure, its axes scaled for coherences in ``[-52, 52]``)."""
    sig_ev, ch = np.asarray(sig_ev, dtype=float), np.asarray(ch, dtype=float)
    beta, alpha = fit_probit(sig_ev, ch)
    x_fit = np.linspace(np.min(sig_ev), np.max(sig_ev), 300)
    (line,) = ax.plot(x_fit, probit(x_fit, beta, alpha), label=legend)
    color = line.get_color()
    levels = np.unique(sig_ev)
    means = [np.mean(ch[sig_ev == e]) for e in levels]
    sems = [np.std(ch[sig_ev == e]) / np.sqrt(np.sum(sig_ev == e)) for e in levels]
    ax.errorbar(levels, means, yerr=sems, fmt="o", color=color, ecolor=color, capsize=3)
    ax.axvline(0, linestyle="--", linewidth=0.5, color="gray")
    ax.axhline(0.5, linestyle="--", linewidth=0.5, color="gray")
    ax.set_xlim((-52, 52))
    ax.set_ylim((-0.05, 1.05))
    ax.set_xticks([-52, 0, 52])
    ax.set_xticklabels(["-1", "0", "1"])
    ax.set_xlabel("Stimulus evidence")
    ax.set_ylabel("P(Right)")
    ax.set_title(title or "")
    if legend:
        ax.legend()
