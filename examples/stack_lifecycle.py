"""A stack's life: build it, put a foreign gymnasium wrapper in it, wrap its task a second
time (a sibling stack), copy it, close it and evaluate on the freed task.

    python examples/stack_lifecycle.py

Prints what each step shows; see docs/wrappers.md, "Stacks are self-contained".
"""

from __future__ import annotations

import pickle

import numpy as np
from gymnasium.wrappers import TransformReward

import neuroplug
from neuroplug_plugins.noise import Noise
from neuroplug_plugins.pass_reward import PassReward


def tenfold(reward: float) -> float:
    """A module-level function, so the stack pickles."""
    return 10 * reward


def main() -> dict[str, float]:
    task = neuroplug.make("dm")
    # PassReward sits above the foreign TransformReward: it shows the transformed reward.
    env = Noise(PassReward(TransformReward(task, tenfold)), std_noise=0.1)
    obs, _ = env.reset(seed=0)
    rng = np.random.default_rng(0)
    for _ in range(100):
        obs, reward, *_ = env.step(int(rng.integers(3)))
    print(f"observation {np.round(obs, 2)} (last entry: the reward {reward:g} plus noise)")

    sibling = PassReward(task)  # a second stack on the same task, as NeuroGym allows
    raw = []
    for _ in range(100):
        obs, reward, *_ = sibling.step(int(rng.integers(3)))
        raw.append(bool(np.array_equal(obs[:3], task.ob[task.t_ind]) and obs[3] == reward))
    print(f"through the sibling, the task's own observations and rewards: {all(raw)}")

    twin = pickle.loads(pickle.dumps(env))  # an exact copy, sharing nothing
    actions = rng.integers(3, size=500)
    same = all(np.array_equal(env.step(a)[0], twin.step(a)[0]) for a in actions)
    print(f"the copy continues identically: {same}")

    env.close()  # its layers leave the task's trial loop
    sibling.close()  # and now the last stack on the task: it is free
    fresh = neuroplug.make("dm")
    runs = []
    for bare in (task, fresh):
        bare.reset(seed=1)
        runs.append([bare.step(int(a))[1] for a in actions])
    print(f"after close the task equals a fresh one: {runs[0] == runs[1]}")
    return {"copy_identical": float(same), "freed_identical": float(runs[0] == runs[1])}


if __name__ == "__main__":
    main()
