"""Every hook neuroplug calls, declared and documented in one place.

A plugin is any module (or object) with functions named after these hooks and decorated
with :data:`neuroplug.hookimpl`. Built-in plugins are found through the ``neuroplug``
entry-point group exactly like third-party ones.

There are two kinds of hook.

**Registration hooks** run once, when the registry is first used. They add names.

**Runtime hooks** run inside the trial loop, in three families: *trial generation*,
*observation modification* and *logging*. They are implemented either by process-wide
plugins (module-level functions: a lab-wide logger) or by the layers of a stack
(methods of a wrapper instance decorated with ``@hookimpl``). When a layer joins a stack,
the task underneath resolves the implementations once, with pluggy's ordering rules
(``tryfirst`` / ``trylast``, new-style ``wrapper=True`` implementations), and from then on
calls them directly: the per-step path pays no pluggy dispatch. Among plain
implementations, layers run from the innermost outwards, the order data flows through a
stack, and process-wide plugins run after the layers.

In every runtime hook, ``env`` is the :class:`neuroplug.TrialEnv` (the task) whose trial
loop is running. Observation hooks are honoured on stack layers only: a process-wide
plugin cannot change what the agent sees behind the stack's back.

A layer above a foreign gymnasium wrapper (``TransformObservation`` between two layers)
runs its observation and step-logging hooks in its own ``step``, on what that wrapper
returned, and its trial-logging records carry the action and rewards it saw; its trial
generation hooks run in the task's loop as usual.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    import gymnasium

    from neuroplug.dispatch import Step
    from neuroplug.registry import Registry
    from neuroplug.trial_env import TrialEnv

PROJECT = "neuroplug"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


# --- registration -------------------------------------------------------------------


@hookspec
def neuroplug_add_tasks(registry: Registry) -> None:
    """Add tasks to the registry.

    Called once per plugin when the registry is (re)built. Call
    ``registry.add_task(name, factory, aliases=..., tags=..., description=...,
    paper_name=..., paper_link=..., collection=...)`` for each task; ``factory(**kwargs)``
    returns a :class:`neuroplug.TrialEnv`. A name that another plugin already registered
    raises :class:`neuroplug.errors.DuplicateNameError`, and the plugin is skipped with a
    warning.
    """


@hookspec
def neuroplug_add_wrappers(registry: Registry) -> None:
    """Add wrappers to the registry.

    Call ``registry.add_wrapper(name, factory, multi_env=False, description=...)``;
    ``factory(env, **kwargs)`` wraps ``env`` (with ``multi_env=True`` it receives the list
    of envs instead). The factory should raise
    :class:`neuroplug.errors.IncompatibleWrapperError` when it cannot work on ``env``.
    """


@hookspec
def neuroplug_add_schedules(registry: Registry) -> None:
    """Add schedules (the objects that pick an index each trial) to the registry.

    Call ``registry.add_schedule(name, factory)``; ``factory(n, **kwargs)`` returns a
    :class:`neuroplug.Schedule` over ``n`` items.
    """


@hookspec
def neuroplug_add_activation_readers(readers: Any) -> None:
    """Teach the Monitor's activation probes to read a new kind of network layer.

    Called once per plugin each time ``Monitor.record_activations(layer)`` looks up a
    reader (so plugins registered by hand later are seen). Call
    ``readers.add(layer_type, reader)``: ``reader(layer, inputs, output)`` is called from the
    layer's forward hook (PyTorch's ``register_forward_hook``) and returns
    ``{population: tensor or array}``, e.g. ``{"output": out, "hidden": h_n}``. Lookup
    follows the layer's class hierarchy (the most specific registered class wins);
    registering a class another plugin already registered raises
    :class:`neuroplug.errors.DuplicateNameError` and that plugin's readers are skipped
    with a warning. The built-in ``monitor`` plugin registers PyTorch's ``nn.Linear``,
    ``nn.RNN`` / ``nn.GRU`` / ``nn.LSTM`` (and cells) and the activation-function modules.
    """


# --- runtime: trial generation ------------------------------------------------------


@hookspec
def neuroplug_reset(env: TrialEnv, seed: int | None) -> None:
    """The task was reset; draw the layer's state afresh.

    Called by ``TrialEnv.reset`` after the task's random generator was reseeded and before
    the first trial is generated. Layers redraw whatever random state they keep (a
    side-bias block, a trial-history memory, a schedule position) from ``env.np_random``,
    so ``reset(seed=s)`` makes the whole stack reproducible. ``seed`` is the seed given to
    ``reset`` (``None`` when not reseeding).
    """


@hookspec
def neuroplug_trial_params(env: TrialEnv, params: dict[str, Any]) -> None:
    """Choose parameters of the next trial before the task builds it.

    Called once per trial by ``TrialEnv.new_trial`` with ``params``, the keyword arguments
    that will be passed to the task's ``_new_trial(**params)`` (initially those given to
    ``new_trial``). Update ``params`` in place, e.g. ``params["ground_truth"] = 1``. The
    return value is ignored. A later (outer) layer sees, and may override, what an inner
    one set.
    """


@hookspec
def neuroplug_trial_built(env: TrialEnv, trial: dict[str, Any]) -> None:
    """The task has built a trial: periods, observations and ground truth exist.

    Called once per trial right after ``_new_trial`` returns ``trial`` (also
    ``env.trial``). Implementations may read or edit the trial's buffers and periods
    (``env.ob``, ``env.gt``, ``env.start_ind``, ...) in place. The return value is ignored.
    """


# --- runtime: observation modification ----------------------------------------------


@hookspec(firstresult=True)
def neuroplug_observation_space(
    env: gymnasium.Env, space: gymnasium.spaces.Space
) -> gymnasium.spaces.Space | None:
    """The observation space a layer presents, given the space ``space`` of ``env`` below it.

    Called once, on the layer that implements it, when the layer is constructed; the layer's
    ``observation_space`` becomes the result (``None`` keeps ``space``). A layer that
    changes the observation's shape in :func:`neuroplug_observation` must declare it here.
    """


@hookspec
def neuroplug_observation(env: TrialEnv, step: Step) -> None:
    """Modify what the agent sees at this step, in place.

    Called by the task after every ``step`` (and after ``reset``) with ``step``, the
    outgoing step: ``step.obs`` is a fresh array as wide as the stack's outermost
    observation space, already holding the task's observation in its first entries; each
    layer writes only into the entries its own observation space covers. ``step.action``
    (``None`` after reset), ``step.reward`` (may be adjusted, e.g. an urgency cost),
    ``step.info`` and ``step.new_trial`` describe the step. Do not keep a reference to
    ``step``: it is reused.
    """


# --- runtime: supervised-learning loss weights ----------------------------------------


@hookspec
def neuroplug_loss_mask(env: TrialEnv, trial: dict[str, Any], mask: Any) -> None:
    """Shape the loss weights of one trial of a supervised-learning batch, in place.

    Called by :class:`neuroplug.Dataset` once per trial, when the trial starts (whichever
    way the dataset builds it), never by an agent's rollout. ``trial`` is the trial's
    parameters (``env.trial``); the trial's periods are readable on ``env``
    (``env.start_ind["decision"]``, ``env.end_ind``, ...). ``mask`` is a new ``float32``
    array of shape ``(n_steps, *action_space.shape)`` -- one weight per step of the trial's
    buffer (and per output for vector targets) -- filled with ones; edit it in place, e.g.
    ``mask[start : start + grace] = 0`` for a grace period after the go cue, or
    ``mask[: env.start_ind["decision"]] = 2.0`` for a heavier fixation weight (Yang et al.
    2019). Steps a trial does not reach and padding keep weight 0 whatever the hook writes.
    A task may implement it too, as a method ``neuroplug_loss_mask(self, env, trial, mask)``
    of the task class; it runs before the layers' and plugins' implementations (layers
    innermost first, then process-wide plugins). The return value is ignored.
    """


# --- runtime: logging -----------------------------------------------------------------


@hookspec
def neuroplug_log_step(env: TrialEnv, step: Step) -> None:
    """A step finished; ``step`` holds exactly what the agent receives.

    Called after every ``step`` once the observation hooks have run. Read-only: changing
    ``step`` here is not supported. Keep it cheap, it runs on every step.
    """


@hookspec
def neuroplug_log_trial(env: TrialEnv, record: dict[str, Any]) -> None:
    """A trial finished.

    Called exactly once per finished trial of every stack in the process, at the end of
    the step that finished it -- after that step's observation hooks, so ``record`` holds
    the reward the agent received; the next trial is already built (``env.trial`` is the
    next one; ``record["params"]`` is the finished one). ``record`` is a new dict owned by
    the receiver, with keys:

    ``trial``
        index of the finished trial within the episode (0 for the first after ``reset``)
    ``params``
        the trial's parameters (a copy of ``env.trial``: ground truth, coherence, ...)
    ``action``
        the action of the step that ended the trial
    ``reward``
        the reward of that step
    ``cum_reward``
        the sum of the rewards of the trial's steps
    ``performance``
        ``env.performance`` at the end of the trial (1 for correct, 0 otherwise)
    ``steps``
        how many steps the trial lasted
    ``gt``
        the ground truth at the step that ended the trial (``None`` without one)
    """
