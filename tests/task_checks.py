"""Checks every task must pass, shared by the task test modules.

Each function takes a zero-argument ``make`` callable (so a check can build fresh envs) or
a built env, and raises ``AssertionError`` with a message naming what failed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import gymnasium as gym
import numpy as np
from gymnasium.utils.env_checker import check_env

from neuroplug import TrialEnv


def assert_check_env(env: gym.Env) -> None:
    """gymnasium's own contract (reset determinism, spaces, no reused arrays)."""
    check_env(env, skip_render_check=True)


def assert_obs_in_space(env: gym.Env, steps: int = 5000, seed: int = 0) -> None:
    """Observations stay in the observation space under random actions."""
    env.action_space.seed(seed)
    obs, _ = env.reset(seed=seed)
    space = env.observation_space
    assert space.contains(obs), f"reset observation {obs!r} not in {space}"
    for i in range(steps):
        obs, reward, _, _, _ = env.step(env.action_space.sample())
        assert space.contains(obs), f"step {i}: observation {obs!r} not in {space}"
        assert np.isfinite(reward), f"step {i}: reward {reward!r} is not finite"


def rollout(env: gym.Env, actions: list[Any], seed: int) -> list[tuple[Any, ...]]:
    """(obs, reward, new_trial, gt) for each action, after ``reset(seed=seed)``."""
    obs, _ = env.reset(seed=seed)
    out = [(obs.copy(), 0.0, True, None)]
    for action in actions:
        obs, reward, _, _, info = env.step(action)
        out.append((obs.copy(), reward, info["new_trial"], info.get("gt")))
    return out


def assert_reproducible(make: Callable[[], gym.Env], steps: int = 5000, seed: int = 3) -> None:
    """Same seed and actions -> identical observations, rewards and infos; other seed differs."""
    env_a, env_b, env_c = make(), make(), make()
    env_a.action_space.seed(seed)
    actions = [env_a.action_space.sample() for _ in range(steps)]
    run_a = rollout(env_a, actions, seed)
    run_b = rollout(env_b, actions, seed)
    for i, (a, b) in enumerate(zip(run_a, run_b, strict=True)):
        np.testing.assert_array_equal(a[0], b[0], err_msg=f"observations differ at step {i}")
        assert a[1:3] == b[1:3], f"reward/new_trial differ at step {i}: {a[1:3]} != {b[1:3]}"
        np.testing.assert_array_equal(a[3], b[3], err_msg=f"gt differs at step {i}")
    run_c = rollout(env_c, actions, seed + 1)
    differs = any(
        not np.array_equal(a[0], c[0]) or a[1:3] != c[1:3]
        for a, c in zip(run_a, run_c, strict=True)
    )
    assert differs, "a different seed produced the very same rollout"


def expected_mean_duration(spec: Any, dt: float) -> float:
    """Mean duration (ms) of a period's timing spec once floored to a multiple of ``dt``
    (NeuroGym's rule), for the forms with a closed form."""
    from neuroplug.timing import normalize

    dist, args = normalize("period", spec)
    if dist == "constant":
        return args // dt * dt
    if dist == "choice":
        return float(np.mean([a // dt * dt for a in args]))
    if dist == "uniform":  # the mean of the floored uniform, on a fine grid
        return float(np.mean(np.linspace(args[0], args[1], 100_001) // dt * dt))
    raise ValueError(f"no closed-form mean for {dist!r}; estimate it by sampling")


def mean_period_duration(spec: Any, dt: float) -> float:
    """Mean duration (ms) of a period's timing spec: :func:`expected_mean_duration`'s
    forms plus truncated exponentials.

    The core draws ``vmin + Exp(m)``, redrawn until below ``vmax``: ``vmin`` plus an
    exponential truncated to ``[0, L)``, ``L = vmax - vmin``, whose mean is
    ``m - L e^(-L/m) / (1 - e^(-L/m))`` before flooring to ``dt``; the floored mean is
    integrated on a fine grid against that density.
    """
    from neuroplug.timing import normalize

    dist, args = normalize("period", spec)
    if dist == "truncated_exponential":
        m, vmin, vmax = args
        x = np.linspace(vmin, min(vmax, vmin + 40 * m), 400_001)
        density = np.exp(-(x - vmin) / m)
        return float(np.sum(x // dt * dt * density) / np.sum(density))
    return expected_mean_duration(spec, dt)


def first_response_chance(n_choices: int, steps: int) -> float:
    """Chance of a uniform random agent over fixation + ``n_choices`` answers when the
    first answer in a ``steps``-step window ends the trial and one answer is right.

    Each step the agent answers right with probability ``p = 1 / (n + 1)`` and keeps
    fixating with the same probability, so the chance is
    ``sum_{j < steps} p^j p = (1 - p^steps) / n``.
    """
    p = 1 / (n_choices + 1)
    return (1 - p**steps) / n_choices


def mean_trial_length(env: TrialEnv, trials: int = 500, seed: int = 0) -> float:
    """Mean built trial length in ms (``tmax``) over freshly generated trials."""
    env.reset(seed=seed)
    lengths = []
    for _ in range(trials):
        env.new_trial()
        lengths.append(env.tmax)
    return float(np.mean(lengths))


def run_agent(env: gym.Env, policy: Callable[[TrialEnv, Any], Any], trials: int,
              seed: int = 0, max_steps: int = 1_000_000) -> list[float]:
    """Performance of each finished trial under ``policy(task, obs) -> action``."""
    task = env.unwrapped
    obs, _ = env.reset(seed=seed)
    env.action_space.seed(seed)
    performances: list[float] = []
    for _ in range(max_steps):
        obs, _, _, _, info = env.step(policy(task, obs))
        if info["new_trial"]:
            performances.append(float(info["performance"]))
            if len(performances) >= trials:
                return performances
    raise AssertionError(f"only {len(performances)} trials finished in {max_steps} steps")


def oracle(task: TrialEnv, obs: Any) -> Any:
    """Answer the ground truth of the step the agent is looking at."""
    return task.gt_now


def random_policy(env: gym.Env) -> Callable[[TrialEnv, Any], Any]:
    """Uniformly random actions from ``env``'s action space."""
    return lambda task, obs: env.action_space.sample()
