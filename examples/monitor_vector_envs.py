"""Several monitored stacks writing into one folder: every worker is a run of its own.

A lab trains on vectorised envs -- gymnasium's ``AsyncVectorEnv`` (worker processes) or
stable-baselines3's ``make_vec_env`` -- with a Monitor on every stack. Each Monitor is a
run with its own id, so the workers share ``--save-dir`` without ever overwriting one
another; ``load_run`` reads them all back with a ``run`` column.

    python examples/monitor_vector_envs.py --save-dir runs/vector            # gymnasium
    python examples/monitor_vector_envs.py --save-dir runs/vector --sb3      # SB3 PPO
"""

from __future__ import annotations

import argparse
import functools

import gymnasium as gym
import numpy as np

import neuroplug
from neuroplug_plugins.monitor import load_run


def monitored_dm(save_dir: str) -> gym.Env:
    """The stack every worker builds (a module-level function: workers can import it)."""
    return neuroplug.make_stack("dm", ["side_bias", ("monitor", {
        "name": "vector", "interval": 50, "save_dir": save_dir, "verbose": False})])


def run_gymnasium(save_dir: str, n_envs: int, steps: int) -> dict[str, int]:
    envs = gym.vector.AsyncVectorEnv([functools.partial(monitored_dm, save_dir)] * n_envs)
    try:
        envs.reset(seed=0)
        for _ in range(steps):
            envs.step(envs.action_space.sample())
        recorded = dict(zip(envs.get_attr("run_id"), envs.get_attr("num_tr"), strict=True))
    finally:
        envs.close()  # each worker's Monitor saves the rest of its run
    return recorded


def run_sb3(save_dir: str, n_envs: int, steps: int) -> dict[str, int]:
    from stable_baselines3 import PPO
    from stable_baselines3.common.env_util import make_vec_env

    venv = make_vec_env(functools.partial(monitored_dm, save_dir), n_envs=n_envs, seed=0)
    PPO("MlpPolicy", venv, n_steps=128, batch_size=128, seed=0, device="cpu").learn(
        total_timesteps=steps * n_envs)
    recorded = dict(zip(venv.get_attr("run_id"), venv.get_attr("num_tr"), strict=True))
    venv.close()
    return recorded


def main(argv: list[str] | None = None) -> dict[str, int]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--save-dir", default="neuroplug_runs/vector_example")
    parser.add_argument("--envs", type=int, default=4)
    parser.add_argument("--steps", type=int, default=1000, help="steps per env")
    parser.add_argument("--sb3", action="store_true", help="train SB3's PPO instead")
    args = parser.parse_args(argv)

    recorded = (run_sb3 if args.sb3 else run_gymnasium)(args.save_dir, args.envs, args.steps)
    table = load_run(args.save_dir)  # every run in the folder, earlier ones included
    for run, trials in recorded.items():
        saved = table["trial"][table["run"] == run]
        assert np.array_equal(saved, np.arange(trials)), "a run lost or repeated trials"
        print(f"run {run}: {trials} trials recorded, {len(saved)} read back")
    print(f"{len(recorded)} workers, {sum(recorded.values())} trials, none lost or repeated; "
          f"the folder holds {len(table.runs)} run(s)")
    return recorded


if __name__ == "__main__":
    main()
