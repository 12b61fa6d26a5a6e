"""Policy evaluation on a monitored env: a random policy or an SB3-style ``predict`` model.

The Monitor routes the trials finished during an evaluation into ``data_eval`` (never into
``data``, never into the saved files); this module drives the loop, summarises, and gives
``data_eval`` NeuroGym's form (:func:`neurogym_columns`).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import gymnasium as gym
import numpy as np

from neuroplug_plugins.monitor.table import TrialTable, to_column

__all__ = ["progress_bar", "run_policy", "summarize"]


def progress_bar(total: int, label: str = "evaluating") -> Any:
    """A :mod:`tqdm` bar on stderr: live in a terminal, a widget in a notebook, and in a
    log file (SLURM's, a pipe) at most one redraw every 30 s instead of one per update."""
    from tqdm.auto import tqdm

    notebook = tqdm.__module__.startswith("tqdm.notebook")
    stream = sys.stderr
    live = notebook or bool(getattr(stream, "isatty", lambda: False)())
    return tqdm(total=total, desc=label, unit="trial", file=None if notebook else stream,
                mininterval=0.1 if live else 30.0, dynamic_ncols=live, leave=True)


def _action_for(space: gym.Space, action: Any) -> Any:
    """The model's output as an action of ``space`` (SB3 returns arrays, even for one env)."""
    if isinstance(space, gym.spaces.Discrete):
        return int(np.asarray(action).reshape(-1)[0])
    array = np.asarray(action)
    if space.shape is not None and array.shape != space.shape and array.size == np.prod(
        space.shape
    ):
        array = array.reshape(space.shape)
    return array


def run_policy(step: Callable[[Any], tuple], reset: Callable[[], tuple], space: gym.Space,
               trials_done: Callable[[], int], num_trials: int, model: Any = None,
               verbose: bool = True) -> None:
    """Step until ``trials_done()`` reaches ``num_trials``.

    ``model`` is ``None`` (actions sampled from ``space``) or any object with
    ``predict(obs, state=None, episode_start=None, deterministic=True)`` returning
    ``(action, state)``; the state is reset (``state=None``, ``episode_start=[True]``) at
    the first step of every trial, so a recurrent policy starts each trial afresh.
    """
    if model is not None and not callable(getattr(model, "predict", None)):
        raise TypeError(
            f"model must be None (random policy) or have a predict(obs, state=None, "
            f"episode_start=None, deterministic=True) method, got {type(model).__name__}"
        )
    bar = progress_bar(num_trials) if verbose else None
    obs, _ = reset()
    state = None
    start = True
    done = trials_done()
    try:
        while done < num_trials:
            if model is None:
                action = space.sample()
            else:
                result = model.predict(obs, state=state, episode_start=np.array([start]),
                                       deterministic=True)
                if isinstance(result, tuple) and len(result) == 2:
                    action, state = result
                else:
                    action = result
                action = _action_for(space, action)
            obs, _, _, _, info = step(action)
            start = bool(info.get("new_trial", False))
            if start:
                state = None
                shown, done = done, trials_done()
                if bar is not None:
                    bar.update(done - shown)
    finally:
        if bar is not None:
            bar.close()


def neurogym_columns(table: TrialTable) -> dict[str, Any]:
    """``data_eval`` as NeuroGym's: one numpy array per column (``action``, ``reward``,
    ``cum_reward``, ``performance``, ``steps``, ``gt``, ``params.*``), ``trial`` the list
    of each trial's parameter dicts, ``index`` the trials' numbers."""
    columns: dict[str, Any] = {
        ("index" if name == "trial" else name): to_column(values)
        for name, values in table.items()
    }
    params = [name for name in table if name.startswith("params.")]
    columns["trial"] = [
        {name.removeprefix("params."): table[name][k] for name in params
         if table[name][k] is not None}
        for k in range(table.rows)
    ]
    return columns


def summarize(table: dict[str, list]) -> dict[str, Any]:
    """The summary :meth:`Monitor.evaluate_policy` returns, from the evaluation's trials."""
    performances = [float(p) for p in table["performance"]]
    rewards = [float(r) for r in table["reward"]]
    cum_rewards = [float(r) for r in table["cum_reward"]]
    n = len(rewards)
    return {
        "mean_performance": float(np.mean(performances)) if n else float("nan"),
        # As in NeuroGym: the fraction of trials that ended with a positive reward.
        "mean_reward": float(np.mean(np.asarray(rewards) > 0)) if n else float("nan"),
        "mean_cum_reward": float(np.mean(cum_rewards)) if n else float("nan"),
        "performances": performances,
        "rewards": rewards,
        "cum_rewards": cum_rewards,
        "num_trials": n,
    }
