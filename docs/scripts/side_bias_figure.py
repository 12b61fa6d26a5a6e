"""Draw docs/figures/side_bias_blocks.png: ground truth over trials, coloured by block.

Run from the repository root: ``python docs/scripts/side_bias_figure.py [output.png]``.
The stack is ``side_bias`` on ``dm`` with three blocks and block lengths drawn from
``(20, 60)``; trials are generated through the task (the same hooks as stepping).
"""

from __future__ import annotations

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

import neuroplug

PROBS = [[0.8, 0.1, 0.1], [0.1, 0.8, 0.1], [0.1, 0.1, 0.8]]
N_TRIALS = 300
COLOURS = ["tab:blue", "tab:orange", "tab:green"]


def simulate(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """(block, ground truth) of each of the first ``N_TRIALS`` trials after reset."""
    env = neuroplug.make_stack(
        "dm", [("side_bias", {"probs": PROBS, "block_dur": (20, 60)})], dim_ring=3
    )
    env.reset(seed=seed)
    task = env.unwrapped
    blocks, gts = [env.curr_block], [task.trial["ground_truth"]]
    for _ in range(N_TRIALS - 1):
        gts.append(task.new_trial()["ground_truth"])
        blocks.append(env.curr_block)
    return np.array(blocks), np.array(gts)


def draw(path: Path) -> None:
    blocks, gts = simulate()
    trials = np.arange(len(gts))
    fig, ax = plt.subplots(figsize=(7.5, 2.8), dpi=100)
    starts = np.flatnonzero(np.r_[True, blocks[1:] != blocks[:-1]])
    ends = np.r_[starts[1:], len(blocks)]
    for start, end in zip(starts, ends, strict=True):
        ax.axvspan(start - 0.5, end - 0.5, color=COLOURS[blocks[start]], alpha=0.15, lw=0)
    for block, colour in enumerate(COLOURS):
        mask = blocks == block
        jitter = np.random.default_rng(block).uniform(-0.12, 0.12, mask.sum())
        ax.scatter(trials[mask], gts[mask] + jitter, s=7, color=colour,
                   label=f"block {block}: P = {PROBS[block]}")
    ax.set_yticks([0, 1, 2])
    ax.set_ylim(-0.5, 2.5)
    ax.set_xlim(-0.5, len(gts) - 0.5)
    ax.set_xlabel("trial")
    ax.set_ylabel("ground truth")
    ax.set_title("side_bias on dm: block_dur=(20, 60), a switch never returns to the same "
                 "block", fontsize=9)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.38), ncol=3, fontsize=7,
              frameon=False)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)


if __name__ == "__main__":
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else (
        Path(__file__).resolve().parents[1] / "figures" / "side_bias_blocks.png"
    )
    draw(out)
    print(f"wrote {out}")
