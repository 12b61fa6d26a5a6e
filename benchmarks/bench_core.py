"""Steps and trials per second of the bare dm task and of make_stack("dm", []).

    python benchmarks/bench_core.py [--steps 100000] [--repeat 5]

Prints the best of ``--repeat`` runs for each measurement. The action sequence is fixed
(seeded), so every run does the same work; trials/s counts trials finished while
stepping, and trial generation alone (``new_trial()`` in a loop).
"""

from __future__ import annotations

import argparse
import time

import numpy as np

import neuroplug


def time_steps(env, actions: list[int]) -> tuple[float, int]:
    """Seconds to step through ``actions`` and the number of trials that finished."""
    env.reset(seed=0)
    step = env.step
    trials = 0
    start = time.perf_counter()
    for action in actions:
        if step(action)[4]["new_trial"]:
            trials += 1
    return time.perf_counter() - start, trials


def time_new_trials(env, n: int) -> float:
    env.reset(seed=0)
    new_trial = env.unwrapped.new_trial
    start = time.perf_counter()
    for _ in range(n):
        new_trial()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    # Mostly fixation, with a response now and then: trials end by timeout or response.
    rng = np.random.default_rng(0)
    actions = np.where(rng.random(args.steps) < 0.9, 0, rng.integers(1, 3, args.steps))
    actions = actions.tolist()
    stacks = {
        'neuroplug.make("dm")': lambda: neuroplug.make("dm"),
        'neuroplug.make_stack("dm", [])': lambda: neuroplug.make_stack("dm", []),
    }
    print(f"{'stack':34s} {'steps/s':>10s} {'us/step':>8s} {'trials/s':>10s} "
          f"{'new_trial/s':>12s}")
    for label, build in stacks.items():
        env = build()
        best, trials = min(time_steps(env, actions) for _ in range(args.repeat))
        gen = min(time_new_trials(env, 5000) for _ in range(args.repeat))
        print(f"{label:34s} {args.steps / best:10.0f} {best / args.steps * 1e6:8.2f} "
              f"{trials / best:10.0f} {5000 / gen:12.0f}")


if __name__ == "__main__":
    main()
