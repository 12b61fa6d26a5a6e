"""How one batch row is filled, on each of the dataset's three build paths.

A row owns one copy of the stack and knows where it is in its current trial. ``_StepRow``
steps the stack under the ground-truth actions, ``_FastRow`` copies whole trial buffers
from ``new_trial()``, ``_VectorRow`` copies blocks of trials from the task's
``build_trials(n)`` (:class:`TrialBlock`). :class:`neuroplug.Dataset` (``dataset.py``)
validates, seeds, chooses the path and owns the rows; this module holds only the loops that
fill them, so that each path's hot code reads on its own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import attrs
import gymnasium as gym
import numpy as np

from neuroplug.layer import Layer, tasks_below
from neuroplug.trial_env import TrialEnv

if TYPE_CHECKING:
    from neuroplug.dataset import Dataset

__all__ = ["BLOCK_TRIALS", "TrialBlock"]

#: Trials a task builds per ``build_trials`` call on the vectorized path.
BLOCK_TRIALS = 64
_MAX_TRIAL_STEPS = 1_000_000


@attrs.frozen(eq=False)
class TrialBlock:
    """Several consecutive trials, built at once by a task's optional ``build_trials(n)``.

    The vectorized path of :class:`neuroplug.Dataset` uses it. A task that can build many trials in
    a few numpy calls defines ``build_trials(self, n) -> TrialBlock | None`` with this
    contract: the result is exactly what ``n`` successive ``new_trial()`` calls without any
    hook would produce -- the same observation and ground-truth buffers, drawn from
    ``self.rng`` in the same order, so the generator ends in the same state -- with the
    trials' buffers concatenated along time. Return ``None`` when a configuration is not
    supported (the dataset then builds trials one by one). Afterwards the task's current
    trial (``ob``, periods) is unspecified: the dataset never steps a task it fills this
    way. The dataset checks the contract on a probe before using it.

    Attributes:
        ob: ``(total_steps, *observation_shape)`` observations of the ``n`` trials.
        gt: ``(total_steps, *action_shape)`` ground truth.
        lengths: ``(n,)`` steps of each trial (summing to ``total_steps``).
    """

    ob: np.ndarray
    gt: np.ndarray
    lengths: np.ndarray


def _active_task(stack: gym.Env, tasks: list[TrialEnv]) -> TrialEnv:
    """The task that runs the current trial of ``stack``."""
    if len(tasks) == 1:
        return tasks[0]
    for name in ("active_task", "current_task", "task_now"):
        try:
            found = stack.get_wrapper_attr(name)
        except AttributeError:
            continue
        if isinstance(found, TrialEnv):
            return found
    for index_name in ("i_env", "i"):
        try:
            envs, index = stack.get_wrapper_attr("envs"), stack.get_wrapper_attr(index_name)
            found = tasks_below(envs[int(index)])
        except (AttributeError, IndexError, TypeError):
            continue
        if len(found) == 1:
            return found[0]
    raise TypeError(
        "Dataset: cannot tell which of the stack's tasks runs the current trial; the "
        "multi-task layer should expose it as an 'active_task' attribute (or 'envs' and "
        "'i_env')"
    )


def buffer_layer(obj: Any) -> bool:
    """Whether ``obj`` is a layer whose effects lie in the trial buffers it exposes."""
    return isinstance(obj, Layer) and obj.effects_in_trial_buffers


def buffer_source(stack: gym.Env) -> gym.Env:
    """The level whose ``ob`` / ``gt`` hold a whole trial as the agent sees it: the
    outermost multi-env layer (``effects_in_trial_buffers``), else the task."""
    env = stack
    while isinstance(env, Layer) and not buffer_layer(env):
        env = env.env
    return env


def _require_ground_truth(task: TrialEnv) -> None:
    """A task without ground truth has no targets: say so instead of failing later."""
    if task.gt is None:
        raise ValueError(
            f"Dataset: task {type(task).__name__} sets no ground truth "
            f"(set_groundtruth), so it has no targets"
        )


class _Row:
    """One row of the batches: a stack, seeded once, and where it is in its current trial."""

    def __init__(self, dataset: Dataset, stack: gym.Env, seed: int) -> None:
        self.dataset = dataset
        self.stack = stack
        self.tasks = tasks_below(stack)
        self.seed = seed
        self.started = False
        self.pos = 0
        self.mask: np.ndarray | None = None

    def trial_mask(self, task: TrialEnv) -> np.ndarray:
        return self.dataset._trial_mask(task)


class _StepRow(_Row):
    """Exact path: one ``stack.step`` per time step, driven by the ground truth."""

    def start(self) -> None:
        self.obs, _ = self.stack.reset(seed=self.seed)
        self.started = True
        self._begin_trial()

    def _begin_trial(self) -> None:
        self.task = _active_task(self.stack, self.tasks)
        _require_ground_truth(self.task)
        self.mask = self.trial_mask(self.task) if self.dataset._with_mask else None
        self.pos = 0

    def _step(self) -> tuple[Any, bool]:
        """Step once with the ground-truth action; return the target and whether a trial
        ended."""
        task = self.task
        obs, _, terminated, truncated, info = self.stack.step(task.gt[task.t_ind])
        target = info["gt"]
        self.pos += 1
        ended = bool(info.get("new_trial", False))
        if terminated or truncated:
            obs, _ = self.stack.reset()
            ended = True
        self.obs = obs
        if ended:
            self._begin_trial()
        return target, ended

    def fill(self, inputs: np.ndarray, targets: np.ndarray, mask: np.ndarray,
             start: np.ndarray) -> None:
        # _step inlined: this loop runs once per time step.
        step = self.stack.step
        obs, task, pos, weights = self.obs, self.task, self.pos, self.mask
        for t in range(inputs.shape[0]):
            inputs[t] = obs
            if pos == 0:
                start[t] = True
            if weights is not None:
                mask[t] = weights[pos]
            obs, _, terminated, truncated, info = step(task.gt[task.t_ind])
            targets[t] = info["gt"]
            pos += 1
            if info.get("new_trial", False) or terminated or truncated:
                if terminated or truncated:
                    obs, _ = self.stack.reset()
                self._begin_trial()
                task, pos, weights = self.task, 0, self.mask
        self.obs, self.pos = obs, pos

    def trial(self) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        obs_rows, target_rows = [], []
        mask = self.mask
        for _ in range(_MAX_TRIAL_STEPS):
            obs_rows.append(self.obs)
            target, ended = self._step()
            target_rows.append(target)
            if ended:
                break
        else:
            raise RuntimeError(f"Dataset: a trial ran {_MAX_TRIAL_STEPS} steps without ending")
        n = len(obs_rows)
        return np.asarray(obs_rows), np.asarray(target_rows), None if mask is None else mask[:n]


class _FastRow(_Row):
    """Fast path: whole trials from ``new_trial()``, copied with numpy slicing -- as
    NeuroGym's ``Dataset`` does: ``stack.new_trial()``, then ``stack.ob`` and ``stack.gt``
    (a multi-env layer's buffers hold its env one-hot)."""

    def start(self) -> None:
        self.stack.reset(seed=self.seed)
        self.source = buffer_source(self.stack)
        self.started = True
        self._load()

    def _load(self) -> None:
        task = self.task = _active_task(self.stack, self.tasks)
        _require_ground_truth(task)
        source = self.source
        self.ob, self.gt = source.ob, source.gt
        self.length = len(self.ob)
        self.mask = self.trial_mask(task) if self.dataset._with_mask else None
        self.pos = 0

    def fill(self, inputs: np.ndarray, targets: np.ndarray, mask: np.ndarray,
             start: np.ndarray) -> None:
        filled, total = 0, inputs.shape[0]
        while filled < total:
            pos = self.pos
            n = min(self.length - pos, total - filled)
            end = filled + n
            inputs[filled:end] = self.ob[pos:pos + n]
            targets[filled:end] = self.gt[pos:pos + n]
            if self.mask is not None:
                mask[filled:end] = self.mask[pos:pos + n]
            if pos == 0:
                start[filled] = True
            filled = end
            self.pos = pos + n
            if self.pos >= self.length:
                self.stack.new_trial()
                self._load()

    def trial(self) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        if self.pos:
            raise RuntimeError("Dataset: trial mode needs rows aligned at a trial start")
        out = (self.ob, self.gt, self.mask)
        self.stack.new_trial()
        self._load()
        return out


class _VectorRow(_FastRow):
    """Vectorized path: blocks of trials from the task's ``build_trials(n)``."""

    block_trials = BLOCK_TRIALS

    def _load(self) -> None:  # the first trial, built by reset
        task = self.task = self.tasks[0]
        _require_ground_truth(task)
        self._set_block(task.ob, task.gt, np.array([len(task.ob)]))

    def _set_block(self, ob: np.ndarray, gt: np.ndarray, lengths: np.ndarray) -> None:
        self.ob, self.gt = ob, gt
        self.starts = np.concatenate(([0], np.cumsum(lengths)))
        self.total = int(self.starts[-1])
        self.trial_k = 0  # next trial of the block handed out in trial mode
        self.pos = 0

    def _next_block(self) -> None:
        block = self.task.build_trials(self.block_trials)
        if not isinstance(block, TrialBlock):
            raise TypeError(
                f"Dataset: {type(self.task).__name__}.build_trials returned "
                f"{type(block).__name__}, not a TrialBlock, after a probe accepted it"
            )
        lengths = np.asarray(block.lengths, dtype=np.int64)
        if not (len(block.ob) == len(block.gt) == int(lengths.sum())) or (lengths < 1).any():
            raise ValueError(
                f"Dataset: {type(self.task).__name__}.build_trials returned buffers of "
                f"{len(block.ob)} / {len(block.gt)} steps for trial lengths summing to "
                f"{int(lengths.sum())}"
            )
        self._set_block(block.ob, block.gt, lengths)

    def fill(self, inputs: np.ndarray, targets: np.ndarray, mask: np.ndarray,
             start: np.ndarray) -> None:
        filled, total = 0, inputs.shape[0]
        mask[:] = 1.0
        while filled < total:
            pos = self.pos
            n = min(self.total - pos, total - filled)
            end = filled + n
            inputs[filled:end] = self.ob[pos:pos + n]
            targets[filled:end] = self.gt[pos:pos + n]
            starts = self.starts
            first = np.searchsorted(starts, pos)
            last = np.searchsorted(starts, pos + n)
            start[starts[first:last] - pos + filled] = True
            filled = end
            self.pos = pos + n
            if self.pos >= self.total:
                self._next_block()

    def trial(self) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        if self.trial_k >= len(self.starts) - 1:
            self._next_block()
        k = self.trial_k
        begin, end = int(self.starts[k]), int(self.starts[k + 1])
        self.trial_k = k + 1
        mask = self.dataset._ones_mask(end - begin) if self.dataset._with_mask else None
        return self.ob[begin:end], self.gt[begin:end], mask
