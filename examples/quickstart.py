"""Quickstart: build a stack by name, run an oracle and a random agent, read what happened.

    python examples/quickstart.py [--steps 5000]
"""

from __future__ import annotations

import argparse

import numpy as np

import neuroplug


def run(env, policy, steps: int, seed: int) -> tuple[float, int]:
    """Mean performance and number of trials of ``policy(env) -> action`` over ``steps``."""
    env.reset(seed=seed)
    env.action_space.seed(seed)
    performances = []
    for _ in range(steps):
        _, _, _, _, info = env.step(policy(env))
        if info["new_trial"]:
            performances.append(info["performance"])
    return float(np.mean(performances)), len(performances)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=5000)
    args = parser.parse_args()

    print("tasks:", ", ".join(neuroplug.list_tasks()[:8]), "...")
    print("wrappers:", ", ".join(neuroplug.list_wrappers()))

    # The first wrapper listed is the innermost: side-biased trials, the previous reward
    # appended to the observation, then observation noise.
    env = neuroplug.make_stack(
        "dm",
        [("side_bias", {"probs": [[0.9, 0.1], [0.1, 0.9]], "block_dur": 50}),
         "pass_reward",
         ("noise", {"std_noise": 0.05})],
        sigma=0.0,
    )
    print("observation space:", env.observation_space)
    print("spec:", [w.name for w in env.spec.additional_wrappers])

    def oracle(stack):
        return stack.unwrapped.gt_now  # the ground truth of the step being judged

    def random_agent(stack):
        return stack.action_space.sample()

    for name, policy in [("oracle", oracle), ("random", random_agent)]:
        perf, trials = run(env, policy, args.steps, seed=0)
        print(f"{name:6s}: performance {perf:.3f} over {trials} trials")
    env.close()


if __name__ == "__main__":
    main()
