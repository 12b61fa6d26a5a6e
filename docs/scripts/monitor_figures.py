"""Regenerate the figures of docs/monitor.md into docs/figures/ (a few seconds).

    python docs/scripts/monitor_figures.py

Runs a monitored "training" on the dm task (the lapsing integrator of
examples/monitor_evaluate.py), then draws: the training history, the plot_create figure of
the last steps, and (if PyTorch is installed) the hidden activations of a small RNN.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt

import neuroplug

ROOT = Path(__file__).resolve().parents[2]
FIGURES = ROOT / "docs" / "figures"
sys.path.insert(0, str(ROOT / "examples"))

from monitor_evaluate import Integrator  # noqa: E402


def main() -> None:
    FIGURES.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        env = neuroplug.make_stack(
            "dm",
            [("monitor", {"name": "docs", "interval": 100, "save_dir": tmp, "verbose": False,
                          "plot_create": True, "plot_steps": 120})],
            cohs=[3.2, 6.4, 12.8, 25.6],
        )
        policy = Integrator(seed=1)
        obs, _ = env.reset(seed=0)
        state, trials, total = None, 0, 600
        while trials < total:
            policy.lapse = max(0.05, 1.0 - trials / (0.7 * total))
            action, state = policy.predict(obs, state)
            obs, _, _, _, info = env.step(action)
            if info["new_trial"]:
                trials, state = trials + 1, None
        env.save()
        fig = env.plot_training_history(figsize=(8, 4.5), save_fig=False)
        fig.savefig(FIGURES / "monitor_training_history.png", dpi=70)
        plt.close(fig)
        sixth = env.files[5]
        shutil.copy(sixth.with_name(f"{sixth.stem}_steps.png"), FIGURES / "monitor_steps.png")

        try:
            import torch
        except ImportError:
            print("torch is not installed: skipping monitor_activations.png")
            env.close()
            return
        torch.manual_seed(0)
        rnn = torch.nn.RNN(input_size=3, hidden_size=16)
        env.record_activations(rnn, name="rnn")
        obs, _ = env.reset(seed=1)
        hidden, trials = None, 0
        with torch.no_grad():
            while trials < 20:
                _, hidden = rnn(torch.as_tensor(obs).view(1, 1, 3), hidden)
                obs, _, _, _, info = env.step(0 if obs[0] > 0.5 else 1)
                if info["new_trial"]:
                    trials, hidden = trials + 1, None
        fig, _ = env.plot_activations("rnn", "hidden", neurons=[0, 1, 2, 3], figsize=(8, 3.5))
        fig.savefig(FIGURES / "monitor_activations.png", dpi=70)
        plt.close(fig)
        env.data.clear_rows()  # these trials were only for the probe
        env.close()
    for path in sorted(FIGURES.glob("monitor_*.png")):
        print(f"{path.relative_to(ROOT)}: {path.stat().st_size // 1024} KiB")


if __name__ == "__main__":
    main()
