"""The ``Monitor`` layer: records every trial, saves, plots, evaluates, probes activations.

The Monitor reaches the trial loop through the logging hook ``neuroplug_log_trial``, which
the task calls once per finished trial (see :mod:`neuroplug.hookspecs`); it appends the
record to ``data`` and saves every ``interval`` trials. It overrides ``step`` only for its
extra arguments (``collect_data``, ``record``) and the step counter; per-step work beyond
that happens only when it is needed (``trigger="step"``, step-wise logging, ``plot_create``,
activation probes).
"""

from __future__ import annotations

import copy
import logging
import os
import warnings
import weakref
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import gymnasium as gym

from neuroplug import Layer, StackError, hookimpl
from neuroplug.fidelity import declare_difference
from neuroplug_plugins.monitor import messages, shutdown
from neuroplug_plugins.monitor.activations import ActivationProbe, collect_readers
from neuroplug_plugins.monitor.config import Config, ConfigError
from neuroplug_plugins.monitor.evaluation import neurogym_columns, run_policy, summarize
from neuroplug_plugins.monitor.files import file_stem, new_run_id
from neuroplug_plugins.monitor.legacy import translate_legacy_arguments
from neuroplug_plugins.monitor.reading import RunTable, load_files
from neuroplug_plugins.monitor.storage import Writer, check_save_dir
from neuroplug_plugins.monitor.table import TrialTable

__all__ = ["RUNS_DIR_ENV", "Monitor", "default_save_dir"]

messages.install()  # verbose=True is visible where logging is not configured

#: Every live Monitor of this process, for :func:`_after_fork_in_child`.
_LIVE: weakref.WeakSet[Monitor] = weakref.WeakSet()


def _after_fork_in_child() -> None:
    """A forked process is a copy: each Monitor it inherited becomes a new run there.

    Without this, the child would save the parent's unsaved trials a second time (at its
    exit, on SIGTERM, at garbage collection), into the parent's run.
    """
    shutdown.forget_all()
    for monitor in list(_LIVE):
        monitor._start_run(copied_from=monitor.run_id)


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)

#: Environment variable naming the directory under which monitors save by default.
RUNS_DIR_ENV = "NEUROPLUG_RUNS_DIR"


class _Default:
    """The default of a Monitor argument: lets the Monitor tell an explicit value from none.

    Its ``repr`` is the default's, so ``help(Monitor)`` reads like the plain signature.
    """

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def __repr__(self) -> str:
        return repr(self.value)


_NONE, _TRIAL, _THOUSAND = _Default(None), _Default("trial"), _Default(1000)
_TRUE, _FALSE, _PNG, _INFO = _Default(True), _Default(False), _Default("png"), _Default("INFO")

#: Monitor argument -> its place in the config.
ARG_KEYS: dict[str, tuple[str, ...]] = {
    "name": ("monitor", "name"),
    "trigger": ("monitor", "trigger"),
    "interval": ("monitor", "interval"),
    "verbose": ("monitor", "verbose"),
    "save_dir": ("monitor", "save_dir"),
    "plot_create": ("monitor", "plot", "create"),
    "plot_steps": ("monitor", "plot", "steps"),
    "ext": ("monitor", "plot", "ext"),
    "level": ("log", "level"),
    "log_trigger": ("log", "trigger"),
    "log_interval": ("log", "interval"),
}


def default_save_dir(name: str) -> Path:
    """``$NEUROPLUG_RUNS_DIR/<name>``, or ``./neuroplug_runs/<name>`` (made absolute)."""
    base = os.environ.get(RUNS_DIR_ENV) or "neuroplug_runs"
    return (Path(os.path.expandvars(base)).expanduser() / name).absolute()


def _apply(config: Config, given: Mapping[str, Any]) -> Config:
    """``config`` with the explicitly given Monitor arguments set (validated on assignment)."""
    for arg, value in given.items():
        *path, field = ARG_KEYS[arg]
        target: Any = config
        for part in path:
            target = getattr(target, part)
        try:
            setattr(target, field, value)
        except ConfigError as exc:
            raise ConfigError(arg, exc.problem, what="Monitor argument") from None
    return config


declare_difference(
    "monitor.evaluate_on_a_copy", component="wrapper monitor", kind="bug fix",
    neurogym="Monitor.evaluate_policy steps the monitored env itself: the evaluation's "
    "trials advance the stack being trained (trial counters, side-bias blocks, trial "
    "history, adaptive noise, random state), so training after an evaluation differs",
    neuroplug="evaluate_policy runs the policy on a deep copy of the stack, from a fresh "
    "trial; the stack being trained is left exactly as it was (with step_fn, which steps "
    "the original, it evaluates the stack itself and warns)",
    reason="an evaluation must not change the experiment it measures",
    test="tests/monitor/test_monitor_eval.py::"
    "test_training_after_an_evaluation_is_as_without_it",
)


class Monitor(Layer):
    """Log, save, plot and evaluate the behaviour on a neuroplug task.

    Args:
        env: the env to monitor (a task or a stack on one).
        config: a :class:`~neuroplug_plugins.monitor.Config`, a dict, or a path to a TOML
            file (see :mod:`neuroplug_plugins.monitor.config`); explicit arguments below
            override it.
        name: prefix of the saved files; default: the task's class name.
        trigger: save every ``interval`` finished trials (``"trial"``) or steps (``"step"``).
        interval: how often to save, in trials or steps (default 1000).
        verbose: report every save and the progress (through :mod:`logging`, logger
            ``neuroplug.monitor.<name>``; shown on stderr until logging is configured,
            then wherever logging sends it).
        plot_create: keep the last ``plot_steps`` steps and draw them at every save
            (observations heat map, actions vs ground truth, rewards, performance).
        plot_steps: how many recent steps the figures show (default 1000).
        ext: image format of the figures (default ``"png"``).
        step_fn: called as ``step_fn(action)`` instead of the wrapped env's ``step``; it must
            return gymnasium's 5-tuple (and step the task, or nothing is recorded).
        save_dir: where files go; ``$VARS`` and ``~`` are expanded. Default:
            ``$NEUROPLUG_RUNS_DIR/<name>`` or else ``./neuroplug_runs/<name>``.
        level: level of the monitor's logger (``"INFO"``, ``"DEBUG"``, ...).
        log_trigger: log progress every ``log_interval`` trials (``"trial"``) or steps.
        log_interval: how often to log progress (default 1000).
        **legacy: NeuroGym's pre-2.0 names (``folder``, ``sv_per``, ``sv_stp``, ``sv_fig``,
            ``num_stps_sv_fig``, ``fig_type``), accepted with a ``DeprecationWarning``
            naming today's argument (:mod:`neuroplug_plugins.monitor.legacy`).

    Attributes:
        config: the final, validated :class:`Config`.
        data: the trials finished since the last save, as columns (``dict[str, list]``).
        data_eval: the trials of the last :meth:`evaluate_policy` run, as NeuroGym gives
            them: a numpy array per column (``action``, ``reward``, ``performance``, ...,
            ``index``: the trial numbers), ``trial`` the list of the trials' parameter dicts.
        cum_reward: the sum of the rewards of the current trial so far.
        num_tr: trials recorded so far (across episodes).
        t: steps taken through :meth:`step` with ``collect_data`` (the ``"step"`` trigger's
            counter).
        save_dir: the directory of the saved files and figures.
        probes: the :class:`ActivationProbe` objects by name.

    Whatever was collected since the last save is written by :meth:`close`, when the
    Monitor is garbage-collected, and when the interpreter exits.
    """

    writes_records = True  # a Dataset refuses it: its rows would be copies

    def __init__(
        self,
        env: gym.Env,
        config: Config | Mapping[str, Any] | str | os.PathLike | None = None,
        name: str | None = _NONE,  # type: ignore[assignment]
        trigger: str = _TRIAL,  # type: ignore[assignment]
        interval: int = _THOUSAND,  # type: ignore[assignment]
        verbose: bool = _TRUE,  # type: ignore[assignment]
        plot_create: bool = _FALSE,  # type: ignore[assignment]
        plot_steps: int = _THOUSAND,  # type: ignore[assignment]
        ext: str = _PNG,  # type: ignore[assignment]
        step_fn: Callable[[Any], tuple] | None = None,
        save_dir: str | os.PathLike | None = _NONE,  # type: ignore[assignment]
        level: str | int = _INFO,  # type: ignore[assignment]
        log_trigger: str = _TRIAL,  # type: ignore[assignment]
        log_interval: int = _THOUSAND,  # type: ignore[assignment]
        **legacy: Any,
    ) -> None:
        arguments = {
            "name": name, "trigger": trigger, "interval": interval, "verbose": verbose,
            "plot_create": plot_create, "plot_steps": plot_steps, "ext": ext,
            "save_dir": save_dir, "level": level, "log_trigger": log_trigger,
            "log_interval": log_interval,
        }
        given = {k: v for k, v in arguments.items() if not isinstance(v, _Default)}
        if legacy:  # NeuroGym's pre-2.0 names (folder, sv_per, ...): see legacy.py
            given.update(translate_legacy_arguments(
                legacy, given, [*arguments, "config", "step_fn"]))
        recorded = dict(given)
        if config is not None:
            recorded["config"] = config
        if step_fn is not None:
            recorded["step_fn"] = step_fn
        super().__init__(env, **recorded)
        if step_fn is not None and not callable(step_fn):
            raise TypeError(f"Monitor argument 'step_fn': expected a callable, got {step_fn!r}")
        self.config = _apply(Config.load(config), given)
        monitor, log = self.config.monitor, self.config.log

        self.name = monitor.name or type(self.env.unwrapped).__name__
        self._file_name = file_stem(self.name)
        self.save_dir = check_save_dir(
            (monitor.save_dir or default_save_dir(self._file_name)).absolute())
        self.logger = logging.getLogger(f"neuroplug.monitor.{self._file_name}")
        self.logger.setLevel(log.level)
        self.verbose = monitor.verbose
        self.trigger, self.interval = monitor.trigger, monitor.interval
        self.log_trigger, self.log_interval = log.trigger, log.interval
        self.plot_create, self.plot_steps, self.ext = (
            monitor.plot.create, monitor.plot.steps, monitor.plot.ext
        )

        self.data_eval = TrialTable()
        self.probes: dict[str, ActivationProbe] = {}
        self._step_fn = step_fn
        self._collect = True
        self._evaluating = False
        self._plot = None
        self._last_obs: Any = None
        self._draw_after_step: Path | None = None
        if self.plot_create:
            from neuroplug_plugins.monitor.plotting import StepBuffer

            self._plot = StepBuffer(self.plot_steps)
        self._start_run(copied_from=None)
        self.attach()

    def _start_run(self, copied_from: str | None) -> None:
        """Begin a new run: a new id, nothing recorded, a writer of its own.

        Called by ``__init__`` and by every copy (deepcopy, pickle, a vector env's worker,
        a Dataset row): a copy never writes into its original's run.
        """
        self.run_id = new_run_id()
        self.data = TrialTable()
        self.num_tr = 0
        self.t = 0
        self.cum_reward = 0.0
        self._progress = [0, 0.0, 0.0]  # trials, reward sum, performance sum since last log
        self._writer = Writer(
            self.data, self.save_dir, self._file_name, self.run_id,
            meta={"name": self.name, "task": type(self.env.unwrapped).__name__,
                  "trigger": self.trigger, "interval": self.interval,
                  "copied_from": copied_from},
            logger=self.logger, verbose=self.verbose, owner=self,
        )
        self._per_step = (
            self.trigger == "step" or (self.verbose and self.log_trigger == "step")
            or self._plot is not None or bool(self.probes)
        )
        shutdown.watch(self._writer)  # saved on SIGTERM and at interpreter exit
        _LIVE.add(self)

    def _retire(self) -> None:
        """Nothing more to save: stop watching for SIGTERM and exit."""
        shutdown.unwatch(self._writer)
        _LIVE.discard(self)

    def __del__(self) -> None:
        # Garbage collection (cycles included: PEP 442) saves the tail, with the counters.
        writer = self.__dict__.get("_writer")
        if writer is not None:
            writer.flush(t=self.__dict__.get("t"), num_tr=self.__dict__.get("num_tr"))
            shutdown.unwatch(writer)

    # --- the trial loop -----------------------------------------------------------------

    @hookimpl
    def neuroplug_log_trial(self, env: Any, record: dict[str, Any]) -> None:
        """One finished trial: into ``data_eval`` while evaluating, else into ``data``."""
        if self._evaluating:
            self.data_eval.append(self.data_eval.rows, record)
            return
        if not self._collect:
            return
        with shutdown.critical:  # a SIGTERM save sees the row and its count, or neither
            self.data.append(self.num_tr, record)
            self.num_tr += 1
        log_due = False
        if self.verbose:
            progress = self._progress
            progress[0] += 1
            progress[1] += record["reward"] or 0.0
            progress[2] += record["performance"] or 0.0
            log_due = self.log_trigger == "trial" and self.num_tr % self.log_interval == 0
        if self.trigger == "trial" and self.num_tr % self.interval == 0:
            # one message per save: the progress line joins it when both are due
            note = self._progress_note() if log_due else ""
            path = self._writer.write(t=self.t, num_tr=self.num_tr, note=note)
            if self._plot is not None:  # drawn once this step itself is in the buffer
                self._draw_after_step = path
        elif log_due:
            self._log_progress()

    def step(
        self, action: Any, collect_data: bool = True, record: bool = True
    ) -> tuple[Any, float, bool, bool, dict[str, Any]]:
        """Step the env (or ``step_fn``).

        Args:
            action: the agent's action.
            collect_data: record this step (and the trial it ends) in ``data`` and count it
                toward saving; ``False`` steps the env without recording.
            record: keep the activations the probes saw since the previous step.
        """
        step = self._inner_step if self._step_fn is None else self._step_fn_below
        if collect_data:
            self.t += 1  # counted first, so a save inside this step sees it
            result = step(action)
        else:
            self._collect = False
            try:
                result = step(action)
            finally:
                self._collect = True
        info = result[4]
        new_trial = info.get("new_trial", False)
        if new_trial:
            self.cum_reward = 0.0
        else:
            self.cum_reward += result[1]
        if self._per_step:
            self._after_step(result, action, new_trial, collect_data, record)
        return result

    def _step_fn_below(self, action: Any) -> tuple:
        """The user's ``step_fn``, allowed to step the env this Monitor wraps."""
        return self._call_below(self._step_fn, action)

    def _after_step(self, result: tuple, action: Any, new_trial: bool, collect_data: bool,
                    record: bool) -> None:
        for probe in self.probes.values():
            probe.commit(record)
            if new_trial:
                probe.end_trial()
        obs, reward, _, _, info = result
        if self._plot is not None:
            if collect_data:
                self.store_data(self._last_obs if self._last_obs is not None else obs,
                                action, reward, info)
            self._last_obs = obs
            if self._draw_after_step is not None:
                path, self._draw_after_step = self._draw_after_step, None
                self._draw(path)
        if not collect_data:
            return
        t = self.t
        if self.trigger == "step" and t % self.interval == 0:
            path = self._writer.write(allow_empty=True, t=t, num_tr=self.num_tr)
            self._draw(path)
        if self.verbose and self.log_trigger == "step" and t % self.log_interval == 0:
            self._log_progress()

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None
              ) -> tuple[Any, dict[str, Any]]:
        """Reset the env; an unfinished trial's activations are dropped (it is not recorded)."""
        obs, info = super().reset(seed=seed, options=options)
        self.cum_reward = 0.0
        self._last_obs = obs
        for probe in self.probes.values():
            probe.discard_trial()
        return obs, info

    # --- saving -------------------------------------------------------------------------

    def save(self) -> Path | None:
        """Write the trials recorded since the last save now; returns the file (or ``None``)."""
        path = self._writer.write(t=self.t, num_tr=self.num_tr)
        self._draw(path)
        return path

    def close(self) -> None:
        """Save what is unsaved (data and, with ``plot_create``, a last figure), then close."""
        pending, self._draw_after_step = self._draw_after_step, None
        self._draw(pending)
        path = self.save()
        if path is None and self._plot is not None and self._plot.since_draw:
            self._draw(self.save_dir / f"{self._file_name}-{self.run_id}-final.npz")
        self._retire()
        super().close()

    @property
    def files(self) -> list[Path]:
        """The data files this run has written so far, in order."""
        return list(self._writer.paths)

    def _draw(self, data_path: Path | None) -> None:
        plot = self._plot
        if data_path is None or plot is None or not plot.since_draw:
            return
        from neuroplug_plugins.monitor.plotting import draw_steps

        steps = plot.recent()
        if not steps:
            return
        self.save_dir.mkdir(parents=True, exist_ok=True)
        figure = data_path.with_name(f"{data_path.stem}_steps.{self.ext}")
        draw_steps(steps, figure, self.ext,
                   title=f"{self.name}: last {len(steps['action'])} steps (step {self.t})")
        plot.since_draw = 0
        if self.verbose:  # debug: a save reports itself once, in the save's line
            self.logger.debug("%s: drew the last %d steps to %s", self.name,
                             len(steps["action"]), figure)

    def store_data(self, obs: Any, action: Any, rew: float, info: dict[str, Any]) -> None:
        """Keep one step for the ``plot_create`` figures (``obs`` is what the agent saw)."""
        if self._plot is None:
            return
        performance = info.get("performance") if info.get("new_trial") else None
        self._plot.push(obs, action, info.get("gt"), rew, performance)

    def reset_data(self) -> None:
        """Forget the steps kept for the ``plot_create`` figures."""
        if self._plot is not None:
            self._plot.clear()

    def _progress_note(self) -> str:
        """``N trials, M steps; last K trials: mean reward .., performance ..``; restarts
        the window."""
        trials, reward, performance = self._progress
        self._progress = [0, 0.0, 0.0]
        note = f"{self.num_tr} trials, {self.t} steps"
        if trials:
            note += (f"; last {trials} trials: mean reward {reward / trials:.3f}, "
                     f"performance {performance / trials:.3f}")
        return note

    def _log_progress(self) -> None:
        self.logger.info("%s: %s", self.name, self._progress_note())

    # --- evaluation and plots -------------------------------------------------------------

    def evaluate_policy(self, num_trials: int = 100, model: Any | None = None,
                        verbose: bool = True) -> dict[str, Any]:
        """Run ``num_trials`` trials of a policy on a copy of the stack and summarise them.

        The stack being trained is left exactly as it was: the policy runs on a deep copy
        of it (its trial counters, side-bias blocks, trial history, adaptive noise and
        random state all stay put), so training after an evaluation is what it would have
        been without it. The copy starts where the stack is, from a fresh trial (reset).
        ``model`` is ``None`` for a random policy, or any object with
        ``predict(obs, state=None, episode_start=None, deterministic=True)`` returning
        ``(action, state)`` (stable-baselines3 style); its state is reset at the start of
        every trial. The trials go to ``data_eval`` (emptied first), never to ``data`` or
        the saved files; activation probes keep recording.

        With ``step_fn`` the stack cannot be copied (``step_fn`` steps the original), so
        the evaluation runs on the stack itself, with a warning.

        Returns:
            ``mean_performance``, ``mean_reward`` (the fraction of trials that ended with a
            positive reward), ``mean_cum_reward``, and per trial ``performances``,
            ``rewards`` (the reward that ended the trial) and ``cum_rewards``.
        """
        if isinstance(num_trials, bool) or not isinstance(num_trials, int) or num_trials <= 0:
            raise ValueError(f"num_trials must be a positive int, got {num_trials!r}")
        if self._closed:
            raise StackError(f"{type(self).__name__}.evaluate_policy(): this layer was "
                             f"closed, its hooks are out of the trial loop; build the stack "
                             f"again")
        self.data_eval = TrialTable()
        if self._step_fn is not None:
            warnings.warn(
                "Monitor.evaluate_policy with step_fn: the evaluation steps the stack being "
                "trained (step_fn steps it, so a copy cannot be evaluated); its state "
                "(trial counters, blocks, adaptive noise, random state) advances",
                UserWarning, stacklevel=2)
            evaluated = self
        else:
            evaluated = self._evaluation_copy()
        evaluated.data_eval = self.data_eval
        evaluated._evaluating = True
        evaluated._writer.paused = True
        try:
            run_policy(lambda action: self._eval_step(evaluated, action),
                       lambda: Monitor.reset(evaluated), self.action_space,
                       lambda: evaluated.data_eval.rows, num_trials, model, verbose)
        finally:
            evaluated._evaluating = False
            evaluated._writer.paused = False
            if evaluated is not self:
                evaluated._retire()  # the copy saves nothing and is dropped
        table = self.data_eval
        self.data_eval = neurogym_columns(table)
        return summarize(table)

    def _evaluation_copy(self) -> Monitor:
        try:
            return copy.deepcopy(self)
        except Exception as exc:
            raise TypeError(
                f"Monitor.evaluate_policy runs the policy on a copy of the stack, so that "
                f"training is unaffected, but the stack cannot be copied: {exc}") from exc

    def _eval_step(self, evaluated: Monitor, action: Any) -> tuple:
        result = (evaluated._inner_step if evaluated._step_fn is None
                  else evaluated._step_fn_below)(action)
        if self.probes:  # the model's layers are the user's: this Monitor's probes see them
            new_trial = result[4].get("new_trial", False)
            for probe in self.probes.values():
                probe.commit(True)
                if new_trial:
                    probe.end_trial()
        return result

    def plot_training_history(self, figsize: tuple[int, int] = (12, 6), save_fig: bool = True,
                              plot_performance: bool = True) -> Any:
        """Reward and performance per trial, from the saved files; a matplotlib Figure.

        Returns ``None`` (with a warning) when nothing was saved yet; call :meth:`save`
        first to include the latest trials. With ``save_fig`` the figure is written to
        ``<save_dir>/<name>_training_history.<ext>``.
        """
        from neuroplug_plugins.monitor import plotting

        try:
            table = self.load_run()
        except FileNotFoundError:
            self.logger.warning("%s: no saved data in %s yet; nothing to plot", self.name,
                                self.save_dir)
            return None
        fig = plotting.plot_training_history(table, self.name, figsize, plot_performance)
        if save_fig:
            path = self.save_dir / f"{self._file_name}-{self.run_id}_training_history.{self.ext}"
            plotting._save(fig, path, self.ext)
            if self.verbose:
                self.logger.info("%s: saved the training history to %s", self.name, path)
        return fig

    def record_activations(self, layer: Any, name: str | None = None,
                           steps: int | None = None) -> ActivationProbe:
        """Record the activations of ``layer`` (a torch module) per trial.

        Args:
            layer: a layer of a type some plugin reads (PyTorch ``nn.Linear``,
                ``nn.RNN`` / ``nn.GRU`` / ``nn.LSTM`` and their cells, activation functions;
                more through the ``neuroplug_add_activation_readers`` hook).
            name: the probe's name (default: the layer's class name, made unique).
            steps: keep at most this many steps per trial.

        The forward passes made between two :meth:`step` calls belong to that step.
        """
        readers = collect_readers()
        reader = readers.find(layer)
        if reader is None:
            raise TypeError(
                f"no activation reader for {type(layer).__module__}."
                f"{type(layer).__qualname__}; supported layer types: "
                f"{', '.join(readers.types()) or '(none: is torch installed?)'}. A plugin adds "
                f"one with the neuroplug_add_activation_readers hook"
            )
        if name is None:
            base = type(layer).__name__
            name, k = base, 1
            while name in self.probes:
                name, k = f"{base}_{k}", k + 1
        elif not isinstance(name, str) or not name:
            raise TypeError(f"name must be a non-empty string, got {name!r}")
        elif name in self.probes:
            raise ValueError(f"a probe named {name!r} already exists; pass another name")
        probe = ActivationProbe(layer, reader, name, steps)
        self.probes[name] = probe
        self._per_step = True
        return probe

    def plot_activations(self, name: str, population: str,
                         figsize: tuple[int, ...] | None = None,
                         neurons: int | list[int] | None = None, mean: bool = False,
                         batch_dim: int | None = None) -> tuple[Any, Any]:
        """Plot a probe's recorded activations over the steps of each trial (or their mean).

        Raises:
            ValueError: no probe (layer) named ``name``.
            KeyError: ``population`` was not recorded by that probe.
            ValueError: a neuron id in ``neurons`` is outside the population.
        """
        from neuroplug_plugins.monitor import plotting

        probe = self.probes.get(name)
        if probe is None:
            raise ValueError(
                f"no layer named {name!r} in the activation history; recorded: "
                f"{', '.join(self.probes) or '(none)'}"
            )
        trials = probe.activations(population)
        if not trials:
            raise ValueError(f"probe {name!r} has no finished trial recorded yet")
        return plotting.plot_activations(trials, name, population, figsize, neurons, mean,
                                         batch_dim)

    def load_run(self) -> RunTable:
        """What this Monitor's run saved so far, as one table (see :func:`load_run`).

        Only this run: not other runs in the same folder, not the copies of this Monitor.
        Raises :class:`FileNotFoundError` if nothing was saved yet (:meth:`save` saves now).
        """
        if not self._writer.paths:
            raise FileNotFoundError(
                f"{self.name}: run {self.run_id} has saved nothing yet in "
                f"{os.fspath(self.save_dir)!r}; call save() first")
        return load_files(self._writer.paths)

    # --- copying ------------------------------------------------------------------------

    def __getstate__(self) -> dict[str, Any]:
        state = super().__getstate__()
        for private in ("_writer", "data"):  # the original's run, not the copy's
            state.pop(private, None)
        state["probes"] = {}  # hooks belong to the live layers of this process
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        super().__setstate__(state)
        self._start_run(copied_from=state.get("run_id"))
