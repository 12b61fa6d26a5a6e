"""Figure for docs/wrappers/noise.md: adaptive noise holding an ideal observer at perf_th.

Run from the repository root: ``python docs/scripts/noise_adaptive_figure.py [out.png]``.
"""

from __future__ import annotations

import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

import neuroplug

PERF_TH = 0.7


def main(out: str = "docs/wrappers/noise_adaptive.png", trials: int = 6000) -> None:
    panels = [(0.01, "C1"), (0.002, "C2")]
    fig, axes = plt.subplots(2, 1, sharex=True, figsize=(7, 4.5))
    for step_noise, color in panels:
        perf, level = run(step_noise, trials)
        window = 100
        running = np.convolve(perf, np.ones(window) / window, mode="valid")
        axes[0].plot(np.arange(window - 1, trials), running, lw=0.8, color=color,
                     label=f"step_noise = {step_noise}")
        axes[1].plot(level, color=color, lw=0.8)
    axes[0].axhline(PERF_TH, color="k", ls="--", lw=1)
    axes[0].set_ylabel("performance\n(mean of 100)")
    axes[0].legend(loc="lower right", fontsize=8)
    axes[1].set_ylabel("std_noise")
    axes[1].set_xlabel("trial")
    fig.suptitle(f"Noise(perf_th={PERF_TH}, w=100) on dm sigma=0, ideal observer")
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    print(f"wrote {out}")


def run(step_noise: float, trials: int) -> tuple[list[int], list[float]]:
    """Performance and noise level per trial of an ideal observer under adaptive noise."""
    env = neuroplug.make_stack(
        "dm", [("noise", {"std_noise": 0.0, "perf_th": PERF_TH, "w": 100,
                          "step_noise": step_noise})],
        sigma=0, timing={"stimulus": 500},
    )
    task = env.unwrapped
    obs, _ = env.reset(seed=0)
    evidence, perf, level = 0.0, [], []
    while len(perf) < trials:  # an ideal observer: integrate the stimulus, report its sign
        t = task.t_ind
        action = 0
        if task.start_ind["stimulus"] <= t < task.end_ind["stimulus"]:
            evidence += obs[2] - obs[1]
        elif t >= task.start_ind["decision"]:
            action = 2 if evidence >= 0 else 1
        obs, _, _, _, info = env.step(action)
        if info["new_trial"]:
            evidence = 0.0
            perf.append(info["performance"])
            level.append(env.std_noise)
    return perf, level


if __name__ == "__main__":
    main(*sys.argv[1:2])
