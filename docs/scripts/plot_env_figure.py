"""Draw docs/figures/plot_env_dm.png: ``neuroplug.plot_env`` on three trials of ``dm``.

    python docs/scripts/plot_env_figure.py
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import neuroplug

OUT = Path(__file__).resolve().parents[1] / "figures" / "plot_env_dm.png"


class Oracle:
    """Answers the ground truth of each step."""

    def __init__(self, env):
        self.task = env.unwrapped

    def predict(self, obs):
        return self.task.gt_now, None


if __name__ == "__main__":
    env = neuroplug.make("dm")
    neuroplug.plot_env(env, num_trials=3, model=Oracle(env), fname=OUT, seed=0,
                       name="plot_env: dm, an oracle, 3 trials")
    print(f"wrote {OUT}")
