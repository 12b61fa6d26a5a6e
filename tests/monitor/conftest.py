"""Fixtures of the Monitor tests: every run writes under the test's own tmp_path."""

from __future__ import annotations

from pathlib import Path

import matplotlib
import numpy as np
import pytest

import neuroplug

matplotlib.use("Agg")


@pytest.fixture(autouse=True)
def runs_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``$NEUROPLUG_RUNS_DIR`` for one test: Monitors without ``save_dir`` write here."""
    path = tmp_path / "runs"
    monkeypatch.setenv("NEUROPLUG_RUNS_DIR", str(path))
    return path


def run_trials(env, n_trials: int, seed: int = 0, **step_kwargs):
    """Step ``env`` with seeded random actions until ``n_trials`` trials finished.

    Returns what the test fed in and got back for each finished trial: the action and
    reward of the step that ended it, its summed reward, performance and parameters.
    """
    rng = np.random.default_rng(seed)
    env.reset(seed=seed)
    fed = {"action": [], "reward": [], "cum_reward": [], "performance": [], "params": []}
    running = 0.0
    n_actions = env.action_space.n
    while len(fed["action"]) < n_trials:
        action = int(rng.integers(n_actions))
        _, reward, _, _, info = env.step(action, **step_kwargs)
        running += reward
        if info["new_trial"]:
            fed["action"].append(action)
            fed["reward"].append(reward)
            fed["cum_reward"].append(running)
            fed["performance"].append(info["performance"])
            fed["params"].append(info["trial"])
            running = 0.0
    return fed


def monitored(task: str = "dm", task_kwargs: dict | None = None, **monitor_kwargs):
    """``Monitor(make(task), verbose=False, **monitor_kwargs)``."""
    from neuroplug_plugins.monitor import Monitor

    monitor_kwargs.setdefault("verbose", False)
    return Monitor(neuroplug.make(task, **(task_kwargs or {})), **monitor_kwargs)


@pytest.fixture(name="run_trials")
def run_trials_fixture():
    """The :func:`run_trials` helper."""
    return run_trials


@pytest.fixture(name="monitored")
def monitored_fixture():
    """The :func:`monitored` helper."""
    return monitored
