"""Supervised-learning batches from a task stack: trial-aligned, masked, seeded.

:class:`Dataset` turns a task (or a stack of wrappers on one) into batches of inputs,
targets and loss weights for training recurrent networks with supervised learning. It is
a drop-in for NeuroGym's ``Dataset`` call shape::

    inputs, targets = Dataset("dm", {"dt": 100}, batch_size=16, seq_len=100)()

and adds what that one lacks: a seed, trial-aligned batches (``mode="trial"``), a loss
mask shaped by the ``neuroplug_loss_mask`` hook, and observations that went through every
wrapper of the stack exactly as an agent sees them.

How a batch is made. Each row of a batch is its own copy of the stack, seeded from the
dataset's seed. The stack is driven with the ground-truth actions: the input at step ``t``
is the observation the agent saw, the target is the ground truth that step judged the
action against (``info["gt"]``), so trials end where the task ends them under a perfect
agent. Three paths produce that, with identical results:

``"step"``
    steps the stack, one ``env.step`` per time step. Exact for every stack (observation
    wrappers, logging layers, multi-task stacks); about as fast as an agent's rollout.
``"fast"``
    when the stack has no per-step work (no observation or logging hook, no layer with a
    ``step`` of its own, one task), it builds each trial with the task's own
    ``new_trial()`` (so every trial-generation wrapper still runs) and copies the trial's
    observation and ground-truth buffers into the batch with numpy slicing: no Python
    per time step.
``"vectorized"``
    when, in addition, no hook runs per trial and the task defines ``build_trials(n)``
    (see :class:`TrialBlock`), the task builds blocks of trials in a few numpy calls.

``path="auto"`` (the default) picks the fastest path the stack allows *for which* a probe
(a few trials built both ways from a private seed) shows that it agrees with a rollout --
they differ when the task ends a trial before its last step under the ground truth (e.g.
a decision period several steps long ends at its first step). ``dataset.path`` tells
which path was chosen and ``dataset.path_reason`` why.

This module holds the public API (:class:`Dataset`, :class:`Batch`), argument checks,
seeding and the choice of path; :mod:`neuroplug.dataset_rows` fills the rows on each path.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import attrs
import gymnasium as gym
import numpy as np

from neuroplug import plugins
from neuroplug.dataset_rows import BLOCK_TRIALS as BLOCK_TRIALS  # re-exported, as before
from neuroplug.dataset_rows import (
    TrialBlock,
    _FastRow,
    _Row,
    _StepRow,
    _VectorRow,
    buffer_layer,
    buffer_source,
)
from neuroplug.fidelity import declare_difference
from neuroplug.layer import Layer, layers_below, tasks_below
from neuroplug.trial_env import TrialEnv

__all__ = ["Batch", "Dataset", "TrialBlock"]

declare_difference(
    "dataset.per_step_stacks", component="Dataset", kind="bug fix",
    neurogym="Dataset copies the task's trial buffers (env.ob, env.gt) after new_trial(), so "
    "wrappers that act per step (noise, pass_action, pass_reward, reaction_time's urgency, "
    "...) never reach the inputs",
    neuroplug="with such a stack -- or a layer with a step of its own -- the inputs are the "
    "observations the agent sees, through every wrapper, from a rollout under the ground "
    "truth, and each trial ends where a perfect agent's ends (full_trials=False; "
    "dataset.path_reason says why). Other stacks, multi-task ones included, get "
    "NeuroGym's whole trial buffers (full_trials=None picks them)",
    reason="NeuroGym trains on inputs its own wrappers would have changed",
    test="tests/test_dataset.py::test_batches_equal_a_rollout_with_noise_and_pass_reward",
)

MODES = ("continuous", "trial")
PATHS = ("auto", "vectorized", "fast", "step")
#: NeuroGym's default sequence length in continuous mode.
DEFAULT_SEQ_LEN = 1000
#: Spawn-key tags separating the seed streams of rows and of the path probe from those of
#: ``split`` / ``derived`` children (whose keys are small indices).
_ROW_TAG = 0x524F57  # "ROW"
_PROBE_TAG = 0x50524F  # "PRO"
_PROBE_TRIALS = 12


@attrs.frozen(eq=False)
class Batch:
    """One batch: ``(seq_len, batch_size, ...)``, or ``(batch_size, seq_len, ...)`` when the
    dataset is ``batch_first``.

    Attributes:
        inputs: what the agent saw at each step (the stack's observation dtype).
        targets: the ground truth of each step: ``int64`` class indices for a ``Discrete``
            action space (no feature axis), else the action space's shape and dtype.
        mask: ``float32`` loss weight per step (and per output for vector targets), same
            shape as ``targets``: 1 on real steps unless a ``neuroplug_loss_mask`` hook
            reshaped it, 0 on padding.
        trial_start: ``bool``, ``(seq_len, batch_size)`` (or batch-first): True at the first
            step of every trial -- where a recurrent network's state may be reset.

    A batch unpacks like NeuroGym's pair: ``inputs, targets = batch``.
    """

    inputs: np.ndarray
    targets: np.ndarray
    mask: np.ndarray
    trial_start: np.ndarray

    def __iter__(self) -> Iterator[np.ndarray]:
        yield self.inputs
        yield self.targets


def _is_task_pair(spec: Any) -> bool:
    return (
        isinstance(spec, tuple)
        and len(spec) == 2
        and isinstance(spec[0], str)
        and isinstance(spec[1], Mapping)
    )


def _check_int(name: str, value: Any, minimum: int, allow_none: bool = False) -> int | None:
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        accepted = f"an int >= {minimum}" + (" or None" if allow_none else "")
        raise ValueError(f"Dataset: {name} must be {accepted}, got {value!r}")
    return int(value)


def _seed_int(seq: np.random.SeedSequence) -> int:
    """A non-negative int (128 bits) for ``env.reset(seed=...)`` from a seed sequence."""
    words = seq.generate_state(4, np.uint32)
    return int(sum(int(w) << (32 * i) for i, w in enumerate(words)))


def _target_layout(space: gym.Space) -> tuple[tuple[int, ...], Any]:
    if isinstance(space, gym.spaces.Discrete):
        return (), np.int64
    if isinstance(space, gym.spaces.Box):
        return tuple(space.shape), space.dtype
    if isinstance(space, gym.spaces.MultiDiscrete):
        return tuple(space.shape), np.int64
    raise TypeError(
        f"Dataset: the stack's action space {space} has no array form for targets; "
        f"Discrete, MultiDiscrete and Box are supported"
    )


def _owner(function: Any) -> Any:
    return getattr(function, "__self__", None)


def _step_obstacle(env: gym.Env) -> str | None:
    """Why stepping ``env`` is more than its tasks' trial buffers (None if it is not)."""
    while isinstance(env, Layer) and type(env).step is Layer.step:
        env = env.env
    if isinstance(env, TrialEnv):
        return None if type(env).step is TrialEnv.step else \
            f"task {type(env).__name__} overrides step"
    if buffer_layer(env):
        for inner in env.inner_envs():
            obstacle = _step_obstacle(inner)
            if obstacle is not None:
                return obstacle
        return None
    return f"{type(env).__name__} has a step of its own"


def _fast_path_obstacle(stack: gym.Env) -> str | None:
    """Why whole trial buffers (``stack.new_trial()``, ``stack.ob``) are not what stepping
    ``stack`` shows the agent (None if they are)."""
    tasks = tasks_below(stack)
    obstacle = _step_obstacle(stack)
    if obstacle is not None:
        return obstacle
    for task in tasks:
        router = task.trial_router
        if router is not None and not buffer_layer(_owner(router)):
            return "a layer routes trials between tasks"
        hooks = task.hooks
        hooks.refresh()
        for kind in ("observation", "log_step", "log_trial"):
            owners = sorted({
                type(f.__self__).__name__ if hasattr(f, "__self__") else
                getattr(f, "__module__", repr(f))
                for f in getattr(hooks, kind) if not buffer_layer(_owner(f))
            })
            if owners:
                what = "per-step work" if kind != "log_trial" else "trial logging"
                return f"{what}: neuroplug_{kind} implemented by {', '.join(owners)}"
    source = buffer_source(stack)
    if tuple(stack.observation_space.shape) != tuple(source.observation_space.shape):
        return "a layer changes the observation's shape"
    return None


def _refuse_recorders(stack: gym.Env) -> None:
    """A layer writing records (the Monitor) would be copied into every row, each copy a
    run of its own holding a share of the trials: refuse it, naming where it sits."""
    for layer in layers_below(stack):
        if layer.writes_records:
            stack.close()  # our copy: its recorder must not stay open, or save at exit
            raise ValueError(
                f"Dataset: the stack holds a {type(layer).__name__}, which writes what runs "
                f"through it; every batch row is a copy of the stack, so each copy would "
                f"write a run of its own. Build the Dataset from the env under it "
                f"(monitor.env), and monitor the network's evaluation on a stack of its own"
            )


def _vector_obstacle(stack: gym.Env) -> str | None:
    """Why ``stack``'s trials cannot come from its task's ``build_trials`` blocks (None if
    they can)."""
    tasks = tasks_below(stack)
    if len(tasks) != 1:
        return f"the stack holds {len(tasks)} tasks"
    task = tasks[0]
    if not callable(getattr(task, "build_trials", None)):
        return f"task {type(task).__name__} has no build_trials"
    hooks = task.hooks
    for kind in ("trial_params", "trial_built", "loss_mask"):
        if getattr(hooks, kind, ()):
            return f"neuroplug_{kind} hooks run per trial"
    if getattr(task, "neuroplug_loss_mask", None) is not None:
        return "the task shapes the loss mask per trial"
    return None


class Dataset:
    """Batches of inputs, targets and loss weights from a task stack, for supervised learning.

    Args:
        env: a task name (or NeuroGym id), a ``(name, kwargs)`` pair, a list of those for a
            multi-task stack (then ``wrappers`` must start with a multi-env wrapper), or a
            built env (a task or a stack; each row gets a deep copy, ``env`` itself is not
            stepped).
        env_kwargs: keyword arguments for every task built by name (``make_stack``'s
            ``task_kwargs``); not allowed with a built env.
        batch_size: rows per batch; each row is its own copy of the stack.
        seq_len: steps per batch in ``"continuous"`` mode (default 1000, as in NeuroGym);
            in ``"trial"`` mode the padded length (default: the longest trial of the batch;
            a longer trial is an error).
        batch_first: arrays ``(batch_size, seq_len, ...)`` instead of
            ``(seq_len, batch_size, ...)``.
        seed: an int >= 0, a ``numpy.random.SeedSequence``, or None (fresh entropy). The
            same seed gives the same batches from the first one on.
        wrappers: wrapper specs as in :func:`neuroplug.make_stack`, first innermost (applied
            on top of a built env too).
        mode: ``"continuous"`` -- each row's trials back to back, carried over from batch
            to batch, as an agent sees them -- or ``"trial"`` -- one trial per row, starting
            at step 0 and padded (inputs and targets 0, mask 0).
        worker: index of an independent stream: ``Dataset(..., seed=s, worker=w)`` gives
            the same batches as ``Dataset(..., seed=s).split(n)[w]`` for any ``n > w``; for
            hand-made data-loader workers.
        path: ``"auto"``, ``"vectorized"``, ``"fast"`` or ``"step"`` (see the module
            documentation); a path that does not apply is an error naming the reason.
        full_trials: keep every trial's whole buffer, as NeuroGym's ``Dataset`` does
            (``True``), or end it where a perfect agent's trial ends (``False``; e.g. the
            first step of a Yang et al. 2019 task's response period rather than the whole
            period). ``True`` needs a stack without per-step work (an error names the
            obstacle otherwise). Default ``None``: ``True`` where the stack allows it
            (NeuroGym's data), else ``False`` (see ``dataset.full_trials`` and
            ``dataset.path_reason``).

    Calling the dataset returns ``(inputs, targets)`` like NeuroGym's; :meth:`batch`,
    iteration and ``next`` return a :class:`Batch` with the mask too.
    """

    def __init__(
        self,
        env: Any,
        env_kwargs: Mapping[str, Any] | None = None,
        batch_size: int = 1,
        seq_len: int | None = None,
        batch_first: bool = False,
        seed: int | np.random.SeedSequence | None = None,
        wrappers: Sequence[Any] = (),
        mode: str = "continuous",
        worker: int | None = None,
        path: str = "auto",
        full_trials: bool | None = None,
    ) -> None:
        self.batch_size = _check_int("batch_size", batch_size, 1)
        self.seq_len = _check_int("seq_len", seq_len, 1, allow_none=True)
        self._seq_len_arg = self.seq_len
        if mode not in MODES:
            raise ValueError(f"Dataset: mode must be one of {MODES}, got {mode!r}")
        self.mode = mode
        if mode == "continuous" and self.seq_len is None:
            self.seq_len = DEFAULT_SEQ_LEN
        if not isinstance(batch_first, (bool, np.bool_)):
            raise ValueError(f"Dataset: batch_first must be a bool, got {batch_first!r}")
        self.batch_first = bool(batch_first)
        if path not in PATHS:
            raise ValueError(f"Dataset: path must be one of {PATHS}, got {path!r}")
        if full_trials is not None and not isinstance(full_trials, (bool, np.bool_)):
            raise ValueError(
                f"Dataset: full_trials must be True, False or None, got {full_trials!r}"
            )
        self.full_trials = None if full_trials is None else bool(full_trials)
        if env_kwargs is not None and not isinstance(env_kwargs, Mapping):
            raise TypeError(
                f"Dataset: env_kwargs must be a mapping of task keyword arguments or None, "
                f"got {env_kwargs!r}"
            )
        if isinstance(wrappers, (str, Mapping)) or not isinstance(wrappers, Sequence):
            raise TypeError(
                f"Dataset: wrappers must be a list of wrapper specs as in make_stack, "
                f"got {wrappers!r}"
            )
        worker = _check_int("worker", worker, 0, allow_none=True)
        self.seed_sequence = self._seed_sequence(seed, worker)
        self._env_spec = env
        self._env_kwargs = dict(env_kwargs or {})
        self._wrappers = list(wrappers)
        self._requested_path = path
        self._template = self._build(env)
        _refuse_recorders(self._template)
        self.observation_space = self._template.observation_space
        self.action_space = self._template.action_space
        self._target_shape, self._target_dtype = _target_layout(self.action_space)
        self._ones: dict[int, np.ndarray] = {}
        self._with_mask = True
        self._plugins_version = plugins.version
        self.path, self.path_reason = self._choose_path(path)
        row_class = {"vectorized": _VectorRow, "fast": _FastRow, "step": _StepRow}[self.path]
        #: The seed each row's stack is reset with before its first batch: stepping
        #: ``make_stack(...)`` reset with ``row_seeds[r]`` under the ground-truth actions
        #: reproduces row ``r``.
        self.row_seeds = self._row_seeds(_ROW_TAG, self.batch_size)
        self._rows = [
            row_class(self, self._copy(), seed) for seed in self.row_seeds
        ]

    # --- construction ---------------------------------------------------------------

    @staticmethod
    def _seed_sequence(seed: Any, worker: int | None) -> np.random.SeedSequence:
        if isinstance(seed, np.random.SeedSequence):
            base = seed
        elif seed is None:
            base = np.random.SeedSequence()
        elif isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
            raise ValueError(
                f"Dataset: seed must be an int >= 0, a numpy SeedSequence or None, got {seed!r}"
            )
        else:
            base = np.random.SeedSequence(int(seed))
        if worker is None:
            return base
        return np.random.SeedSequence(base.entropy, spawn_key=(*base.spawn_key, worker))

    def _build(self, env: Any) -> gym.Env:
        """The first row's stack (the template the other rows copy or rebuild)."""
        from neuroplug.stack import get_wrapper, parse_wrapper

        if isinstance(env, gym.Env):
            if self._env_kwargs:
                raise TypeError(
                    "Dataset: env_kwargs apply to tasks built by name; got a built env "
                    f"({type(env).__name__}) -- build it with those arguments instead"
                )
            if not tasks_below(env):
                raise TypeError(
                    f"Dataset: env must hold a neuroplug TrialEnv, got {type(env).__name__}"
                )
            built = copy.deepcopy(env)
            for index, spec in enumerate(self._wrappers):
                name, kwargs = parse_wrapper(spec, index)
                built = get_wrapper(name).factory(built, **kwargs)
            self._base_env: gym.Env | None = built
            self._task: Any = None
            return copy.deepcopy(built)
        if isinstance(env, str) or _is_task_pair(env):
            task = env
        elif isinstance(env, list) and env and all(
            isinstance(t, str) or _is_task_pair(t) for t in env
        ):
            task = list(env)
        else:
            raise TypeError(
                "Dataset: env must be a task name, a (name, kwargs) pair, a non-empty list "
                f"of those, or a built neuroplug env; got {env!r}"
            )
        self._base_env, self._task = None, task
        return self._copy()

    def _copy(self) -> gym.Env:
        """A fresh stack for one row (built by name, or a deep copy of the built env)."""
        if self._base_env is not None:
            return copy.deepcopy(self._base_env)
        from neuroplug.stack import make_stack

        return make_stack(self._task, self._wrappers, **self._env_kwargs)

    def _row_seeds(self, tag: int, n: int) -> list[int]:
        base = self.seed_sequence
        return [
            _seed_int(np.random.SeedSequence(base.entropy, spawn_key=(*base.spawn_key, tag, i)))
            for i in range(n)
        ]

    def _choose_path(self, requested: str) -> tuple[str, str]:
        if self.full_trials is None:  # NeuroGym's whole trials where the stack allows them
            self.full_trials = (requested != "step"
                                and _fast_path_obstacle(self._template) is None)
            if not self.full_trials:
                path, reason = self._choose_path(requested)
                return path, reason + "; trials end where a perfect agent's end " \
                    "(see neurogym-differences: dataset.per_step_stacks)"
        if self.full_trials:
            return self._choose_full_trials_path(requested)
        if requested == "step":
            return "step", "requested"
        obstacle = _fast_path_obstacle(self._template)
        fast_obstacle = obstacle
        if requested in ("auto", "vectorized"):
            if obstacle is None:
                obstacle = _vector_obstacle(self._template)
            if obstacle is None:
                obstacle = self._probe(_VectorRow)
            if obstacle is None:
                return "vectorized", (
                    "no per-trial or per-step hooks; the task builds trials in blocks and a "
                    "probe agreed with a rollout"
                )
            if requested == "vectorized":
                raise ValueError(f"Dataset: path='vectorized' is not possible here: {obstacle}")
        obstacle = fast_obstacle
        if obstacle is None:
            obstacle = self._probe(_FastRow)
        if obstacle is None:
            return "fast", "no per-step work in the stack; probe agreed with a rollout"
        if requested == "fast":
            raise ValueError(f"Dataset: path='fast' is not possible here: {obstacle}")
        return "step", obstacle

    def _choose_full_trials_path(self, requested: str) -> tuple[str, str]:
        """Whole trial buffers (NeuroGym's layout): the fast or the vectorized path."""
        obstacle = _fast_path_obstacle(self._template)
        if obstacle is not None or requested == "step":
            raise ValueError(
                "Dataset: full_trials=True copies whole trial buffers, which needs a stack "
                "without per-step work (the step path ends trials where the task ends them): "
                + (obstacle or "path='step' was requested")
            )
        if requested in ("auto", "vectorized"):
            obstacle = _vector_obstacle(self._template)
            if obstacle is None:
                obstacle = self._probe(_VectorRow, reference=_FastRow)
            if obstacle is None:
                return "vectorized", "whole trial buffers (full_trials); the task builds " \
                    "trials in blocks"
            if requested == "vectorized":
                raise ValueError(f"Dataset: path='vectorized' is not possible here: {obstacle}")
        return "fast", "whole trial buffers (full_trials), one new_trial() per trial"

    def _probe(self, row_class: type[_Row], reference: type[_Row] = _StepRow) -> str | None:
        """Build a few trials with ``row_class`` and ``reference`` (a rollout by default)
        from a private seed; None if they agree, else what differs."""
        seed = self._row_seeds(_PROBE_TAG, 1)[0]
        self._with_mask = False
        try:
            fast = row_class(self, self._copy(), seed)
            if isinstance(fast, _VectorRow):
                fast.block_trials = 5  # cross block boundaries within the probe
            step = reference(self, self._copy(), seed)
            fast.start()
            step.start()
            what = "a rollout" if reference is _StepRow else "new_trial()"
            for k in range(_PROBE_TRIALS):
                a, b = fast.trial(), step.trial()
                if len(a[0]) != len(b[0]) and reference is _StepRow:
                    return (
                        f"under the ground truth, trial {k} of a probe ends after "
                        f"{len(b[0])} of its {len(a[0])} steps (full_trials=True keeps "
                        f"whole trials)"
                    )
                if not (len(a[0]) == len(b[0]) and np.array_equal(a[0], b[0])
                        and np.array_equal(a[1], b[1])):
                    return f"trial {k} of a probe differs between {what} and its buffers"
        finally:
            self._with_mask = True
        return None

    def _ones_mask(self, n: int) -> np.ndarray:
        ones = self._ones.get(n)
        if ones is None:
            ones = np.ones((n, *self._target_shape), dtype=np.float32)
            ones.flags.writeable = False
            self._ones[n] = ones
        return ones

    def _trial_mask(self, task: TrialEnv) -> np.ndarray:
        """The loss weights of ``task``'s current trial: ones, shaped by the hooks."""
        n = len(task.ob)
        functions = getattr(task.hooks, "loss_mask", ())
        own = getattr(task, "neuroplug_loss_mask", None)
        if not functions and own is None:
            return self._ones_mask(n)
        mask = np.ones((n, *self._target_shape), dtype=np.float32)
        trial = task.trial if task.trial is not None else {}
        if own is not None:
            own(task, trial, mask)
        for function in functions:
            function(task, trial, mask)
        if mask.shape != (n, *self._target_shape):
            raise ValueError(
                f"a neuroplug_loss_mask hook changed the mask's shape to {mask.shape}"
            )
        return mask

    # --- streams --------------------------------------------------------------------

    def _config(self) -> dict[str, Any]:
        return {
            "env": self._env_spec,
            "env_kwargs": self._env_kwargs or None,
            "batch_size": self.batch_size,
            "seq_len": self._seq_len_arg,
            "batch_first": self.batch_first,
            "wrappers": self._wrappers,
            "mode": self.mode,
            "path": self._requested_path,
            "full_trials": self.full_trials,
        }

    def derived(self, *key: int) -> Dataset:
        """A dataset like this one on the independent stream ``key`` (non-negative ints)
        under this one's seed; ``split(n)[i]`` is ``derived(i)``."""
        for k in key:
            _check_int("key", k, 0)
        base = self.seed_sequence
        seed = np.random.SeedSequence(base.entropy, spawn_key=(*base.spawn_key, *key))
        return Dataset(seed=seed, **self._config())

    def split(self, n: int) -> list[Dataset]:
        """``n`` datasets like this one on independent streams (train / validation,
        data-loader workers). Deterministic: the same seed splits the same way."""
        n = _check_int("n", n, 1)
        return [self.derived(i) for i in range(n)]

    # --- batches --------------------------------------------------------------------

    @property
    def env(self) -> gym.Env:
        """A copy of the rows' stack, never stepped by the dataset (for its spaces and
        attributes; NeuroGym's ``dataset.env``)."""
        return self._template

    def _empty(self, length: int) -> Batch:
        lead = (self.batch_size, length) if self.batch_first else (length, self.batch_size)
        ob_space = self.observation_space
        return Batch(
            inputs=np.zeros((*lead, *ob_space.shape), dtype=ob_space.dtype),
            targets=np.zeros((*lead, *self._target_shape), dtype=self._target_dtype),
            mask=np.zeros((*lead, *self._target_shape), dtype=np.float32),
            trial_start=np.zeros(lead, dtype=bool),
        )

    def _row_views(self, batch: Batch, r: int) -> tuple[np.ndarray, ...]:
        if self.batch_first:
            return batch.inputs[r], batch.targets[r], batch.mask[r], batch.trial_start[r]
        return (batch.inputs[:, r], batch.targets[:, r], batch.mask[:, r],
                batch.trial_start[:, r])

    def _check_plugins(self) -> None:
        """Plugins registered since the path was chosen must not make it wrong."""
        self._plugins_version = plugins.version
        if self.path == "step":
            return
        stack = self._rows[0].stack
        obstacle = _fast_path_obstacle(stack)
        if obstacle is None and self.path == "vectorized":
            obstacle = _vector_obstacle(tasks_below(stack)[0])
        if obstacle is not None:
            raise RuntimeError(
                f"Dataset: the plugins changed after this dataset chose path={self.path!r}, "
                f"which no longer applies ({obstacle}); build the dataset after registering "
                f"plugins"
            )

    def batch(self) -> Batch:
        """The next batch (see :class:`Batch`)."""
        if self._plugins_version != plugins.version:
            self._check_plugins()
        for row in self._rows:
            if not row.started:
                row.start()
        if self.mode == "continuous":
            batch = self._empty(self.seq_len)
            for r, row in enumerate(self._rows):
                row.fill(*self._row_views(batch, r))
            return batch
        trials = [row.trial() for row in self._rows]
        longest = max(len(t[0]) for t in trials)
        length = longest if self.seq_len is None else self.seq_len
        if longest > length:
            raise ValueError(
                f"Dataset: a trial of {longest} steps does not fit seq_len={self.seq_len} in "
                f"trial mode; raise seq_len or leave it None to pad to the longest trial"
            )
        batch = self._empty(length)
        for r, (ob, gt, mask) in enumerate(trials):
            inputs, targets, weights, start = self._row_views(batch, r)
            n = len(ob)
            inputs[:n] = ob
            targets[:n] = gt
            weights[:n] = mask
            start[0] = True
        return batch

    def __call__(self) -> tuple[np.ndarray, np.ndarray]:
        """``(inputs, targets)`` of the next batch, as NeuroGym's ``Dataset()`` returns."""
        batch = self.batch()
        return batch.inputs, batch.targets

    def __iter__(self) -> Iterator[Batch]:
        return self

    def __next__(self) -> Batch:
        return self.batch()

    def torch(self, num_batches: int | None = None) -> Any:
        """This dataset as a ``torch.utils.data.IterableDataset`` (needs the ``torch``
        extra); see :class:`neuroplug.torch_data.TorchDataset`."""
        from neuroplug.torch_data import TorchDataset

        return TorchDataset(self, num_batches=num_batches)

    def __repr__(self) -> str:
        return (
            f"Dataset(env={self._env_spec!r}, batch_size={self.batch_size}, "
            f"seq_len={self.seq_len}, mode={self.mode!r}, path={self.path!r})"
        )
