"""Monitor a run on the perceptual decision-making task: save, reload, plot, evaluate.

A hand-written policy stands in for a network being trained: it integrates the stimulus
while the fixation cue is on and reports the stronger side at the decision, but lapses
(acts at random) with a probability that shrinks as "training" proceeds. The Monitor
records every trial, saves every 100 trials, and at the end we reload the run, plot its
history and compare the policy with a random one using ``evaluate_policy``.

    python examples/monitor_evaluate.py --trials 600 --save-dir runs/example
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

import matplotlib
import numpy as np

import neuroplug
from neuroplug_plugins.monitor import load_run

matplotlib.use("Agg")


class Integrator:
    """Sum the stimulus during fixation; at the decision report the larger side.

    Follows the stable-baselines3 ``predict`` convention, with the running sums as the
    recurrent state, so ``Monitor.evaluate_policy`` can drive it (and resets it per trial).
    """

    def __init__(self, lapse: float = 0.0, seed: int = 0) -> None:
        self.lapse = lapse
        self.rng = np.random.default_rng(seed)

    def predict(self, obs, state=None, episode_start=None, deterministic=True):
        evidence = np.zeros(len(obs) - 1) if state is None else state
        if obs[0] > 0.5:  # fixation cue on: keep fixating, accumulate evidence
            return 0, evidence + obs[1:]
        if self.rng.random() < self.lapse:
            return int(self.rng.integers(1, len(obs))), evidence
        return 1 + int(np.argmax(evidence)), evidence


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=600, help="training trials to run")
    parser.add_argument("--save-dir", default="neuroplug_runs/monitor_example")
    parser.add_argument("--eval-trials", type=int, default=200)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")

    env = neuroplug.make_stack(
        "dm",
        [("monitor", {"name": "example", "interval": 100, "save_dir": args.save_dir,
                      "log_interval": 200, "plot_create": True, "plot_steps": 200})],
        cohs=[3.2, 6.4, 12.8, 25.6],
        fixation_through_stimulus=True,  # the integrator answers when the cue goes off
    )
    policy = Integrator(seed=1)
    obs, _ = env.reset(seed=0)
    state, trials = None, 0
    while trials < args.trials:
        policy.lapse = max(0.05, 1.0 - trials / (0.7 * args.trials))  # "learning"
        action, state = policy.predict(obs, state)
        obs, _, _, _, info = env.step(action)
        if info["new_trial"]:
            trials, state = trials + 1, None
    env.save()  # the trials since the last multiple of 100

    # This run, as one table of arrays: the folder may hold earlier runs of the example
    # too (load_run(args.save_dir) reads them all, with a run column to tell them apart).
    table = load_run(args.save_dir, run=env.run_id)
    print(f"run {env.run_id}: reloaded {len(table['trial'])} trials; "
          f"columns: {', '.join(sorted(table))}")
    first, last = table["performance"][:100].mean(), table["performance"][-100:].mean()
    print(f"performance: first 100 trials {first:.2f}, last 100 trials {last:.2f}")

    figure = env.plot_training_history(figsize=(8, 5))
    print(f"training history: "
          f"{Path(args.save_dir) / f'example-{env.run_id}_training_history.png'}")
    figure.clf()

    trained = env.evaluate_policy(args.eval_trials, model=Integrator(lapse=0.0), verbose=False)
    chance = env.evaluate_policy(args.eval_trials, model=None, verbose=False)
    print(f"evaluation over {args.eval_trials} trials: trained policy "
          f"{trained['mean_performance']:.2f}, random policy {chance['mean_performance']:.2f}")
    env.close()  # frees the task: the Monitor is out of its trial loop
    return {"first": float(first), "last": float(last),
            "trained": trained["mean_performance"], "random": chance["mean_performance"]}


if __name__ == "__main__":
    main()
