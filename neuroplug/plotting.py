"""``plot_env``: a few trials of a task or stack drawn as NeuroGym's ``plot_env`` draws them.

Runs the env with a policy (a model's ``predict``, a fixed action, or random actions) and
draws, step by step, the observations (a heat map, or traces), the actions against the
ground truth, the rewards and each trial's performance::

    fig = neuroplug.plot_env("dm", num_trials=3, fname="dm.png")

The same drawing serves the Monitor's step figures. matplotlib is imported inside the
functions, never with ``neuroplug``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any

import gymnasium as gym
import numpy as np

__all__ = ["draw_steps_on", "plot_env", "run_env"]


def _scalar(value: Any) -> float:
    array = np.asarray(value, dtype=float).reshape(-1)
    return float(array[0]) if array.size else np.nan


def _check_count(name: str, value: Any, allow_none: bool = False) -> int | None:
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"plot_env: {name} must be an int >= 1, got {value!r}")
    return int(value)


def run_env(env: gym.Env | str, num_steps: int = 200, num_trials: int | None = None,
            def_act: Any = None, model: Any = None, seed: int | None = None
            ) -> dict[str, np.ndarray]:
    """Step ``env`` and return what each step showed and did.

    Args:
        env: an env (task or stack) or a task name (NeuroGym ids too).
        num_steps: steps to run (ignored when ``num_trials`` is given).
        num_trials: run this many whole trials instead (at most 100,000 steps).
        def_act: a fixed action to take at every step (when no ``model``).
        model: an object with ``predict(obs)`` returning ``(action, state)`` or an action,
            as stable-baselines3 models do; default: random actions.
        seed: passed to ``env.reset`` and the action space.

    Returns a dict of arrays, one row per step: ``obs``, ``action``, ``gt`` (NaN where the
    task has no ground truth), ``reward``, ``performance`` (NaN except on the step that ends
    a trial) and ``new_trial``.
    """
    if isinstance(env, str):
        from neuroplug.stack import make

        env = make(env)
    num_steps = _check_count("num_steps", num_steps)
    num_trials = _check_count("num_trials", num_trials, allow_none=True)
    obs, _ = env.reset(seed=seed)
    env.action_space.seed(seed)
    rows: dict[str, list[Any]] = {k: [] for k in ("obs", "action", "gt", "reward",
                                                  "performance", "new_trial")}
    limit = 100_000 if num_trials is not None else num_steps
    trials = 0
    for _ in range(limit):
        if model is not None:
            predicted = model.predict(obs)
            action = predicted[0] if isinstance(predicted, tuple) else predicted
        elif def_act is not None:
            action = def_act
        else:
            action = env.action_space.sample()
        rows["obs"].append(np.asarray(obs, dtype=float).reshape(-1))
        obs, reward, terminated, truncated, info = env.step(action)
        rows["action"].append(_scalar(action))
        rows["gt"].append(_scalar(info["gt"]) if info.get("gt") is not None else np.nan)
        rows["reward"].append(float(reward))
        new_trial = bool(info.get("new_trial"))
        rows["new_trial"].append(new_trial)
        rows["performance"].append(float(info.get("performance", 0)) if new_trial else np.nan)
        trials += new_trial
        if num_trials is not None and trials >= num_trials:
            break
        if terminated or truncated:
            obs, _ = env.reset()
    return {k: np.asarray(v) for k, v in rows.items()}


def draw_steps_on(fig: Any, steps: Mapping[str, np.ndarray], title: str | None = None,
                  legend: bool = True, ob_traces: Sequence[str] | None = None,
                  plot_performance: bool = True) -> list[Any]:
    """Draw ``steps`` (as :func:`run_env` returns them) on the matplotlib figure ``fig``:
    observations, actions against the ground truth, rewards and, optionally, performance.
    Returns the axes."""
    n = len(steps["action"])
    panels = 4 if plot_performance else 3
    axes = fig.subplots(panels, 1, sharex=True, height_ratios=[2, 1, 1, 1][:panels])
    obs = np.asarray(steps["obs"], dtype=float).reshape(n, -1)
    x = np.arange(n)
    if ob_traces:
        if len(ob_traces) != obs.shape[1]:
            raise ValueError(f"plot_env: ob_traces names {len(ob_traces)} traces but the "
                             f"observation has {obs.shape[1]} entries")
        for k, label in enumerate(ob_traces):
            axes[0].plot(x, obs[:, k], label=label)
        axes[0].legend(loc="upper right", fontsize="small")
        axes[0].set_ylabel("obs.")
    else:
        image = axes[0].imshow(obs.T, aspect="auto", interpolation="none", origin="lower",
                               cmap="viridis", extent=(-0.5, n - 0.5, -0.5, obs.shape[1] - 0.5))
        fig.colorbar(image, ax=axes[0], label="value", pad=0.01)
        if obs.shape[1] <= 20:
            axes[0].set_yticks(range(obs.shape[1]))
        axes[0].set_ylabel("obs. dim")
    if title:
        axes[0].set_title(title)
    axes[1].plot(x, steps["action"], drawstyle="steps-mid", label="action", color="tab:blue")
    axes[1].plot(x, steps["gt"], drawstyle="steps-mid", label="ground truth",
                 color="tab:orange", linestyle="--")
    axes[1].set_ylabel("action")
    if legend:
        axes[1].legend(loc="upper right", fontsize="small")
    axes[2].plot(x, steps["reward"], drawstyle="steps-mid", color="tab:green")
    axes[2].set_ylabel("reward")
    if plot_performance:
        performance = np.asarray(steps["performance"], dtype=float)
        ends = ~np.isnan(performance)
        axes[3].plot(x[ends], performance[ends], "o", color="tab:red", markersize=4)
        axes[3].set_ylim(-0.1, 1.1)
        axes[3].set_ylabel("performance")
    axes[-1].set_xlabel("step")
    return list(axes)


def plot_env(env: gym.Env | str, num_steps: int = 200, num_trials: int | None = None,
             def_act: Any = None, model: Any = None, name: str | None = None,
             legend: bool = True, ob_traces: Sequence[str] | None = None,
             fig_kwargs: Mapping[str, Any] | None = None,
             fname: str | os.PathLike | None = None, plot_performance: bool = True,
             seed: int | None = None) -> Any:
    """Run ``env`` (see :func:`run_env`) and draw the steps; NeuroGym's ``plot_env``
    arguments. ``fname`` saves the figure there; the figure is returned (pyplot's, so
    ``plt.show()`` works)."""
    import matplotlib.pyplot as plt

    label = env if isinstance(env, str) else type(env.unwrapped).__name__
    steps = run_env(env, num_steps, num_trials, def_act, model, seed)
    fig = plt.figure(**{"figsize": (10, 8), "layout": "constrained", **(fig_kwargs or {})})
    draw_steps_on(fig, steps, title=name or label, legend=legend, ob_traces=ob_traces,
                  plot_performance=plot_performance)
    if fname is not None:
        fig.savefig(fname, dpi=100)
    return fig
