"""Draw the batch figures of docs/datasets.md into docs/figures/ (a second or two).

    python docs/scripts/dataset_figure.py

One figure per mode, from ``neuroplug.Dataset("dm", ...)`` with variable fixation and
stimulus durations and a loss-mask plugin in the style of Yang et al. 2019 (fixation
weighted 2, no weight on the first 200 ms of the stimulus): the inputs of the first row,
then the targets and the mask of every row, as heat maps over time, with trial starts
marked.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

import neuroplug

FIGURES = Path(__file__).resolve().parents[1] / "figures"
TASK = {"dt": 100, "timing": {"fixation": (100, 300), "stimulus": (500, 800, 1200)}}


class YangWeights:
    """Fixation weighted 2; the first two stimulus steps carry no weight."""

    @neuroplug.hookimpl
    def neuroplug_loss_mask(self, env: Any, trial: dict[str, Any], mask: np.ndarray) -> None:
        mask[: env.start_ind["decision"]] = 2.0
        start = env.start_ind["stimulus"]
        mask[start : start + 2] = 0.0


def draw(batch: neuroplug.Batch, title: str, path: Path) -> None:
    inputs = batch.inputs[:, 0].T  # features x time
    targets, mask = batch.targets.T, batch.mask.T  # rows x time
    fig, axes = plt.subplots(3, 1, figsize=(9, 6.5), sharex=True,
                             gridspec_kw={"height_ratios": [3, 8, 8]})
    panels = [
        (inputs, "inputs, row 0", "viridis", ["fixation", "stim 1", "stim 2"]),
        (targets, "targets (0 fixate, 1/2 choice)", "Greys", None),
        (mask, "mask (loss weight)", "magma", None),
    ]
    for ax, (data, label, cmap, ticks) in zip(axes, panels, strict=True):
        image = ax.imshow(data, aspect="auto", interpolation="nearest", cmap=cmap)
        fig.colorbar(image, ax=ax, pad=0.01)
        ax.set_title(label, fontsize=9, loc="left")
        if ticks:
            ax.set_yticks(range(len(ticks)), ticks, fontsize=8)
        else:
            ax.set_ylabel("row")
    for t in np.flatnonzero(batch.trial_start[:, 0]):
        axes[0].axvline(t - 0.5, color="w", lw=0.8, ls=":")
    for row, starts in enumerate(batch.trial_start.T):
        for t in np.flatnonzero(starts):
            for ax in axes[1:]:
                ax.plot([t - 0.5, t - 0.5], [row - 0.5, row + 0.5], color="tab:cyan", lw=1)
    axes[-1].set_xlabel("time step (dt = 100 ms); cyan: trial starts")
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main() -> list[Path]:
    FIGURES.mkdir(parents=True, exist_ok=True)
    name = neuroplug.register_plugin(YangWeights(), name="docs-yang-weights")
    try:
        continuous = neuroplug.Dataset("dm", TASK, batch_size=8, seq_len=60, seed=1)
        trial = neuroplug.Dataset("dm", TASK, batch_size=8, mode="trial", seed=1)
        out = [FIGURES / "dataset_continuous.png", FIGURES / "dataset_trial.png"]
        draw(continuous.batch(), 'mode="continuous": trials back to back, carried over '
             "between batches", out[0])
        draw(trial.batch(), 'mode="trial": one trial per row from step 0, padded '
             "(mask 0)", out[1])
    finally:
        neuroplug.unregister_plugin(name=name)
    return out


if __name__ == "__main__":
    for written in main():
        print(written)
