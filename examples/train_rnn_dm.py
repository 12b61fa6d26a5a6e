"""Train a small recurrent network on perceptual decision making (dm) with supervised batches.

The batches come from :class:`neuroplug.Dataset` in ``mode="trial"``: one trial per row,
starting from a fresh network state, exactly how the Monitor evaluates the trained network
(its state is reset at every trial start). The loss is the cross-entropy at every step,
weighted by the batch's ``mask``. The network is then evaluated as an agent on a monitored
stack, ``make_stack("dm", ["monitor"])``, through the Monitor's ``evaluate_policy`` with an
SB3-style ``predict``.

Task settings: ``dt=100`` and coherences 6.4-51.2 %. With dm's default coherences, one trial
in five has coherence 0, where no observer can beat chance, which caps the achievable
performance near 0.90; leaving that level out makes "90 %" a statement about learning.

Run ``python examples/train_rnn_dm.py`` (about 30 s of training on two CPU cores); the
environment variable ``NEUROPLUG_EXAMPLE_ITERATIONS`` (or ``--iterations``) shortens it.
Needs PyTorch (``pip install 'neuroplug[torch]'``).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from typing import Any

import numpy as np
import torch
from torch import nn

import neuroplug

TASK_KWARGS: dict[str, Any] = {"dt": 100, "cohs": [6.4, 12.8, 25.6, 51.2]}


class Net(nn.Module):
    """A GRU with a linear readout: observation -> one logit per action, every step."""

    def __init__(self, n_inputs: int, n_actions: int, hidden: int) -> None:
        super().__init__()
        self.rnn = nn.GRU(n_inputs, hidden)
        self.readout = nn.Linear(hidden, n_actions)

    def forward(self, x: torch.Tensor, state: torch.Tensor | None = None):
        out, state = self.rnn(x, state)
        return self.readout(out), state


class Policy:
    """The trained network as an agent: ``predict`` in the stable-baselines3 style."""

    def __init__(self, net: Net) -> None:
        self.net = net

    def predict(self, obs: Any, state: Any = None, episode_start: Any = None,
                deterministic: bool = True) -> tuple[int, Any]:
        x = torch.as_tensor(np.asarray(obs, dtype=np.float32)).view(1, 1, -1)
        with torch.no_grad():
            logits, state = self.net(x, state)
        return int(logits[0, 0].argmax()), state


def train(iterations: int, seed: int = 0, batch_size: int = 64, hidden: int = 64,
          lr: float = 1e-2, verbose: bool = True) -> Net:
    """Train on ``iterations`` batches of dm trials; returns the network."""
    torch.manual_seed(seed)
    dataset = neuroplug.Dataset("dm", TASK_KWARGS, batch_size=batch_size, mode="trial",
                                seed=seed)
    n_inputs = dataset.observation_space.shape[0]
    net = Net(n_inputs, int(dataset.action_space.n), hidden)
    optimizer = torch.optim.Adam(net.parameters(), lr=lr)
    loss_fn = nn.CrossEntropyLoss(reduction="none")
    start = time.perf_counter()
    for i in range(1, iterations + 1):
        batch = dataset.batch()
        inputs = torch.from_numpy(batch.inputs)
        targets = torch.from_numpy(batch.targets)
        mask = torch.from_numpy(batch.mask)
        logits, _ = net(inputs)
        losses = loss_fn(logits.flatten(0, 1), targets.flatten())
        loss = (losses * mask.flatten()).sum() / mask.sum()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if verbose and (i % 100 == 0 or i == iterations):
            decision = targets != 0
            accuracy = (logits.argmax(-1)[decision] == targets[decision]).float().mean()
            print(f"iteration {i:5d}  loss {loss.item():.4f}  decision accuracy "
                  f"{accuracy.item():.3f}  ({time.perf_counter() - start:.1f} s)")
    return net


def evaluate(net: Net, num_trials: int = 500, seed: int = 123) -> float:
    """Mean performance of ``net`` as an agent on a monitored dm stack."""
    with tempfile.TemporaryDirectory() as save_dir:
        env = neuroplug.make_stack(
            "dm", [("monitor", {"verbose": False, "save_dir": save_dir})], **TASK_KWARGS
        )
        env.reset(seed=seed)
        result = env.evaluate_policy(num_trials=num_trials, model=Policy(net), verbose=False)
        env.close()
    return float(result["mean_performance"])


def main(argv: list[str] | None = None) -> float:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--iterations", type=int,
        default=int(os.environ.get("NEUROPLUG_EXAMPLE_ITERATIONS", "600")),
        help="training batches (default 600, or $NEUROPLUG_EXAMPLE_ITERATIONS)",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--eval-trials", type=int, default=500)
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    start = time.perf_counter()
    net = train(args.iterations, seed=args.seed)
    performance = evaluate(net, num_trials=args.eval_trials)
    print(f"performance over {args.eval_trials} trials: {performance:.3f} "
          f"(total {time.perf_counter() - start:.1f} s)")
    return performance


if __name__ == "__main__":
    main()
