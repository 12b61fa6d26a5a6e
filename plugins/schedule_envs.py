"""ScheduleEnvs: a schedule picks the task of every trial.

``ScheduleEnvs(envs, schedule, env_input=False)``: when a trial ends, the schedule picks
the env that runs the next trial, and the step that ended the trial returns that trial's
first observation. ``reset`` resets every env and uses the schedule to pick the one that
returns the first observation. ``set_i(i)`` switches to env ``i`` by hand (the next step
acts in it; a fresh trial is started there if its last one had ended).

``schedule`` is a :class:`neuroplug.Schedule`, a schedule name (``"random"``) or a
``(name, kwargs)`` pair (``("sequential_block", {"block_lens": [10, 20]})``); its size
is the number of envs. Its random draws come from a generator seeded by ``reset(seed=s)``.

Registered as ``schedule_envs`` with ``multi_env=True``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import gymnasium as gym

from neuroplug import IncompatibleWrapperError, Schedule, hookimpl, resolve_schedule
from neuroplug.fidelity import declare_difference
from neuroplug.layer import foreign_below, task_label
from neuroplug.trial_env import TrialEnv
from neuroplug_plugins._multi import MultiEnvLayer

declare_difference(
    "schedule_envs.reset_keeps_the_schedule", component="wrapper schedule_envs",
    kind="bug fix",
    neurogym="reset() resets every other env through the wrapper, and each of those resets "
    "calls the schedule once more: a block schedule's first block comes out n_envs - 1 "
    "trials short (sequential_block with block_lens=[3, 3]: env 0 for 2 trials, then 3 each)",
    neuroplug="reset() calls the schedule once, for the env of the first trial; every block "
    "has its full length",
    reason="the length of the first block depends on how many envs there are, not on "
    "block_lens",
    test="tests/test_fidelity.py::test_schedule_envs_first_block_has_its_full_length",
)


class ScheduleEnvs(MultiEnvLayer):
    """Schedule environments: the schedule picks the env of each trial.

    Args:
        envs: the envs (tasks, or neuroplug stacks on one task each), all with the same
            observation and action shapes.
        schedule: a schedule object, name or ``(name, kwargs)`` pair over ``len(envs)``
            items. Default ``"sequential"`` (envs in turn).
        env_input: if True, append to the observation a one-hot (one entry per env) of the
            env the observation comes from. Default False.
    """

    def __init__(self, envs: Sequence[gym.Env], schedule: Any = "sequential",
                 env_input: bool = False) -> None:
        recorded = schedule if not isinstance(schedule, Schedule) else type(schedule).__name__
        super().__init__(envs, env_input, schedule=recorded)
        self.schedule: Schedule = resolve_schedule(schedule, len(self.envs))
        self._spec_kwargs["schedule"] = schedule
        for k, task in enumerate(self._env_tasks):
            if task is not None and task.trial_router is not None:
                raise IncompatibleWrapperError(
                    f"ScheduleEnvs: envs[{k}] ({task_label(self.envs[k])}) is already under a "
                    f"layer that picks its next trial's task"
                )
        for k, env in enumerate(self.envs):
            if foreign_below(env):
                raise IncompatibleWrapperError(
                    f"ScheduleEnvs: envs[{k}] ({task_label(env)}) has a foreign gymnasium "
                    f"wrapper between it and its task; a trial's first observation can come "
                    f"from another env, which that wrapper would not see. Put foreign "
                    f"wrappers outside ScheduleEnvs"
                )
        self._stale: set[int] = set()
        self.attach()
        # Every task below is routed here; a nested layer's routing is reached through this
        # one (``_pick``), and comes back when this layer is detached.
        self._previous_routers = {task: task.trial_router for task in self._index}
        for task in self._index:
            task.trial_router = self._route

    def detach(self) -> None:
        """Take this layer out (see :meth:`neuroplug.Layer.detach`); each task runs its own
        next trial again."""
        super().detach()
        for task, router in self.__dict__.pop("_previous_routers", {}).items():
            task.trial_router = router

    def _route(self, task: TrialEnv) -> TrialEnv:
        """Called by a task whose trial ended: the schedule picks the next trial's task."""
        return self._pick()

    def _pick(self) -> TrialEnv:
        """The schedule picks the env of the next trial (a nested layer, the task in it)."""
        previous = self.i_env
        i = int(self.schedule())
        if i != previous:
            self._stale.add(previous)
        self._stale.discard(i)
        self._set_current(i)
        inner = self._nested[i]
        return inner._pick() if inner is not None else self._env_tasks[i]

    def new_trial(self, **kwargs: Any) -> dict[str, Any]:
        """Let the schedule pick an env and start a new trial there."""
        previous = self.i_env
        i = int(self.schedule())
        if i != previous:
            self._stale.add(previous)
        self._stale.discard(i)
        self._set_current(i)
        return self._new_trial_in(i, **kwargs)

    def set_i(self, i: int) -> None:
        """Make the ``i``-th env the current one (a new trial starts there if its last one
        had ended); as in NeuroGym, the schedule moves on from ``i`` at the next trial's
        end (``schedule.i = i``)."""
        i = self._check_index(i)
        if i != self.i_env and i in self._stale:
            self._stale.discard(i)
            self._new_trial_in(i)
        self._set_current(i)
        self.schedule.i = i

    def _first_index(self) -> int:
        self.schedule.reset(self._rng)
        self._stale.clear()
        return int(self.schedule())

    def reset(self, *, seed: int | None = None,
              options: dict[str, Any] | None = None) -> tuple[Any, dict[str, Any]]:
        """Reset every env; the schedule (restarted, its generator seeded from ``seed``)
        picks the env that returns the first observation and becomes the current one."""
        return super().reset(seed=seed, options=options)


@hookimpl
def neuroplug_add_wrappers(registry) -> None:
    # aliases: NeuroGym's wrapper id
    registry.add_wrapper("schedule_envs", ScheduleEnvs, multi_env=True, aliases=["ScheduleEnvs-v0"])
