"""Figures of the Monitor: recent steps, training history, recorded activations.

matplotlib is imported inside the functions, never when the plugin loads. Figures drawn
automatically during a run (``plot_create``) use :class:`matplotlib.figure.Figure` directly,
so they need no GUI backend and are not kept by pyplot; the figures returned to the user
come from ``pyplot`` so that ``plt.show()`` works.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from neuroplug_plugins.monitor.files import replace_atomically

__all__ = ["StepBuffer", "draw_steps", "plot_activations", "plot_training_history"]


class StepBuffer:
    """The most recent ``size`` steps: what the agent saw, did, should have done, and got.

    Arrays are allocated once (on the first step); each :meth:`push` writes one row of a
    ring buffer.
    """

    def __init__(self, size: int) -> None:
        self.size = int(size)
        self.obs: np.ndarray | None = None
        self.action = np.zeros(self.size)
        self.gt = np.full(self.size, np.nan)
        self.reward = np.zeros(self.size)
        self.performance = np.full(self.size, np.nan)
        self.count = 0  # steps pushed since the last clear
        self.since_draw = 0

    def push(self, obs: Any, action: Any, gt: Any, reward: float, performance: Any) -> None:
        """Record one step (``performance`` is NaN except on the step that ends a trial)."""
        i = self.count % self.size
        flat = np.asarray(obs, dtype=float).reshape(-1)
        if self.obs is None or self.obs.shape[1] != flat.shape[0]:
            self.obs = np.zeros((self.size, flat.shape[0]))
            self.count, i = 0, 0
        self.obs[i] = flat
        self.action[i] = _scalar(action)
        self.gt[i] = np.nan if gt is None else _scalar(gt)
        self.reward[i] = reward
        self.performance[i] = np.nan if performance is None else performance
        self.count += 1
        self.since_draw += 1

    def clear(self) -> None:
        """Forget every step."""
        self.count = 0
        self.since_draw = 0

    def recent(self) -> dict[str, np.ndarray]:
        """The buffered steps in time order."""
        n = min(self.count, self.size)
        if n == 0 or self.obs is None:
            return {}
        start = self.count % self.size if self.count > self.size else 0
        order = (np.arange(n) + start) % self.size
        return {
            "obs": self.obs[order], "action": self.action[order], "gt": self.gt[order],
            "reward": self.reward[order], "performance": self.performance[order],
        }


def _scalar(value: Any) -> float:
    array = np.asarray(value, dtype=float).reshape(-1)
    return float(array[0]) if array.size else np.nan


def draw_steps(steps: Mapping[str, np.ndarray], path: Path, ext: str, title: str) -> Path:
    """Draw buffered steps (obs heat map, actions vs ground truth, rewards, performance),
    with the drawing of :func:`neuroplug.plot_env`."""
    from matplotlib.figure import Figure

    from neuroplug.plotting import draw_steps_on

    fig = Figure(figsize=(10, 8), layout="constrained")
    draw_steps_on(fig, steps, title=title)
    _save(fig, path, ext)
    return path


def _save(fig: Any, path: Path, ext: str) -> None:
    def write(handle: io.BufferedWriter) -> None:
        fig.savefig(handle, format=ext, dpi=80)

    replace_atomically(path, write)


def _moving_average(values: np.ndarray, window: int) -> np.ndarray:
    if window <= 1 or len(values) < window:
        return values.astype(float)
    kernel = np.ones(window) / window
    return np.convolve(values.astype(float), kernel, mode="valid")


def plot_training_history(table: Mapping[str, np.ndarray], title: str,
                          figsize: tuple[float, float] = (12, 6),
                          plot_performance: bool = True) -> Any:
    """Reward (and performance) per trial with a moving average; a pyplot Figure."""
    import matplotlib.pyplot as plt

    reward = np.asarray(table["reward"], dtype=float)
    trials = np.arange(len(reward))
    window = max(1, min(100, len(reward) // 10))
    rows = 2 if plot_performance else 1
    fig, axes = plt.subplots(rows, 1, figsize=figsize, sharex=True, squeeze=False,
                             layout="constrained")
    axes = axes[:, 0]
    series = [("reward", reward, "tab:blue")]
    if plot_performance:
        series.append(("performance", np.asarray(table["performance"], dtype=float),
                       "tab:red"))
    for ax, (label, values, color) in zip(axes, series, strict=True):
        ax.plot(trials, values, ".", color=color, alpha=0.25, markersize=3, label="per trial")
        smooth = _moving_average(values, window)
        ax.plot(trials[window - 1:] if len(smooth) < len(values) else trials, smooth,
                color=color, linewidth=2, label=f"mean of {window} trials")
        ax.set_ylabel(label)
        ax.legend(loc="lower right", fontsize="small")
        ax.grid(alpha=0.3)
    axes[0].set_title(f"{title}: {len(reward)} trials, mean reward {reward.mean():.3f}"
                      if len(reward) else title)
    axes[-1].set_xlabel("trial")
    return fig


def plot_activations(trials: Sequence[np.ndarray], name: str, population: str,
                     figsize: tuple[float, ...] | None = None,
                     neurons: int | Sequence[int] | None = None, mean: bool = False,
                     batch_dim: int | None = None) -> tuple[Any, Any]:
    """Activations of ``population`` per step of a trial, for each trial or their mean.

    Each trial's array is ``(steps, *tensor_shape)``; the batch axis ``batch_dim`` of the
    tensor (if given) is averaged out, and the remaining entries are the neurons.
    """
    import matplotlib.pyplot as plt

    flat = []
    for trial in trials:
        array = np.asarray(trial, dtype=float)
        if batch_dim is not None:
            axis = batch_dim + 1 if batch_dim >= 0 else batch_dim
            if not -array.ndim < axis < array.ndim or axis == 0:
                raise ValueError(
                    f"batch_dim={batch_dim} is not an axis of the recorded tensors, which "
                    f"have shape {array.shape[1:]}"
                )
            array = array.mean(axis=axis)
        flat.append(array.reshape(array.shape[0], -1))
    n_neurons = flat[0].shape[1]
    if neurons is None:
        ids = list(range(n_neurons))
    else:
        ids = [neurons] if isinstance(neurons, (int, np.integer)) else list(neurons)
        bad = [i for i in ids if isinstance(i, bool) or not isinstance(i, (int, np.integer))
               or not 0 <= i < n_neurons]
        if bad or not ids:
            raise ValueError(
                f"neuron ids {bad or ids} are outside layer {name!r} population "
                f"{population!r}, which has neurons 0..{n_neurons - 1}"
            )
    fig, ax = plt.subplots(figsize=figsize or (10, 5), layout="constrained")
    colors = plt.get_cmap("tab10" if len(ids) <= 10 else "viridis")
    length = max(a.shape[0] for a in flat)
    for k, neuron in enumerate(ids):
        color = colors(k % 10) if len(ids) <= 10 else colors(k / max(1, len(ids) - 1))
        if mean:
            padded = np.full((len(flat), length), np.nan)
            for j, array in enumerate(flat):
                padded[j, : array.shape[0]] = array[:, neuron]
            ax.plot(np.nanmean(padded, axis=0), color=color, label=f"neuron {neuron}")
        else:
            for j, array in enumerate(flat):
                ax.plot(array[:, neuron], color=color, alpha=0.4, linewidth=1,
                        label=f"neuron {neuron}" if j == 0 else None)
    what = f"mean over {len(flat)} trials" if mean else f"{len(flat)} trials"
    ax.set_title(f"{name} / {population}: {what}")
    ax.set_xlabel("step in trial")
    ax.set_ylabel("activation")
    if len(ids) <= 10:
        ax.legend(loc="upper right", fontsize="small")
    return fig, ax
