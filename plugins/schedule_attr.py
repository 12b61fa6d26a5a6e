"""ScheduleAttr: a schedule picks, each trial, a set of attributes for the task's trial.

``ScheduleAttr(env, schedule="sequential", attr_list=None)``: each trial the schedule picks
an entry of ``attr_list`` (a dict such as ``{"coh": 51.2}``) whose items are passed to the
task's trial generation (``_new_trial(**params)``), so they override what the task would
draw. ``schedule`` is a :class:`neuroplug.Schedule`, a schedule name (``"random"``) or a
``(name, kwargs)`` pair (``("sequential_block", {"block_lens": [100, 100]})``); its size is
``len(attr_list)``.

Defaults (so that ``make_stack("dm", ["schedule_attr"])`` works by name alone): with
``attr_list=None`` the task must have ``cohs`` (coherences, as ``dm`` has) and the list has
one entry per coherence, ``[{"coh": c} for c in task.cohs]``; the default schedule
``"sequential"`` then cycles through the coherences in order, one per trial.

The schedule's random draws come from a generator derived from the task's on ``reset``,
so ``reset(seed=s)`` reproduces them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import gymnasium as gym
import numpy as np

from neuroplug import IncompatibleWrapperError, Schedule, TrialWrapper, hookimpl, resolve_schedule
from neuroplug.fidelity import declare_difference
from neuroplug.layer import task_label
from neuroplug.trial_env import TrialEnv


def child_generator(rng: np.random.Generator) -> np.random.Generator:
    """A generator derived from ``rng`` (a spawned child; ``rng``'s stream is untouched
    when its seed sequence allows spawning)."""
    try:
        return rng.spawn(1)[0]
    except (TypeError, ValueError, AttributeError):
        return np.random.default_rng(int(rng.integers(2**63)))


def _default_attr_list(env: gym.Env, tasks: Sequence[TrialEnv]) -> list[dict[str, Any]]:
    found = []
    for task in tasks:
        cohs = getattr(task, "cohs", None)
        if cohs is None or len(cohs) == 0:
            raise IncompatibleWrapperError(
                f"ScheduleAttr on {task_label(task)}: attr_list was not given and the task has "
                f"no 'cohs' (coherences) to default to; pass attr_list, a list of dicts of "
                f"trial parameters, e.g. attr_list=[{{'coh': 0}}, {{'coh': 51.2}}]"
            )
        found.append([float(c) for c in np.ravel(cohs)])
    if any(c != found[0] for c in found):
        raise IncompatibleWrapperError(
            "ScheduleAttr: attr_list was not given and the tasks below have different 'cohs' "
            f"({found}); pass attr_list explicitly"
        )
    return [{"coh": c} for c in found[0]]


declare_difference(
    "schedule_attr.reset_restarts_schedule", component="wrapper schedule_attr", kind="bug fix",
    neurogym="reset() leaves the schedule where it was and its random draws come from a "
    "generator that reset(seed=s) does not reseed",
    neuroplug="reset(seed=s) restarts the schedule (index 0) with draws from a generator "
    "derived from the seed, so the attribute sequence reproduces",
    reason="NeuroGym's attribute sequence is not reproducible under a seed",
    test="tests/test_schedule_attr.py::"
    "test_random_schedule_never_repeats_and_reproduces_under_a_seed",
)

class ScheduleAttr(TrialWrapper):
    """Schedule trial attributes.

    Args:
        env: the task (or stack) to wrap.
        schedule: a schedule object, name or ``(name, kwargs)`` pair over
            ``len(attr_list)`` items. Default ``"sequential"``.
        attr_list: list of dicts; the schedule's pick is merged into the trial's
            parameters. Default ``None``: ``[{"coh": c} for c in task.cohs]`` (the task
            must have ``cohs``).

    Attributes:
        schedule: the resolved :class:`neuroplug.Schedule`.
        i: index in ``attr_list`` of the current trial's attributes.
    """

    def __init__(self, env: gym.Env, schedule: Any = "sequential",
                 attr_list: Sequence[Mapping[str, Any]] | None = None) -> None:
        recorded = type(schedule).__name__ if isinstance(schedule, Schedule) else schedule
        super().__init__(env, schedule=recorded, attr_list=attr_list)
        tasks = self.tasks
        if attr_list is None:
            attr_list = _default_attr_list(env, tasks)
        if isinstance(attr_list, (str, bytes, Mapping)) or not isinstance(attr_list, Sequence):
            raise TypeError(
                f"ScheduleAttr: attr_list must be a list of dicts of trial parameters, got "
                f"{attr_list!r}"
            )
        if not attr_list:
            raise ValueError("ScheduleAttr: attr_list must have at least one entry")
        for k, entry in enumerate(attr_list):
            if not isinstance(entry, Mapping):
                raise TypeError(
                    f"ScheduleAttr: attr_list[{k}] must be a dict of trial parameters, got "
                    f"{entry!r}"
                )
            keys = [key for key in entry if not isinstance(key, str)]
            if keys:
                raise TypeError(
                    f"ScheduleAttr: attr_list[{k}] keys must be parameter names (str), got "
                    f"{keys!r}"
                )
        self.attr_list = [dict(entry) for entry in attr_list]
        self.schedule: Schedule = resolve_schedule(schedule, len(self.attr_list))
        self.schedule.reset(child_generator(tasks[0].np_random))
        self.i = 0
        self.attach()

    @hookimpl
    def neuroplug_reset(self, env: TrialEnv, seed: int | None) -> None:
        # NeuroGym never restarts the schedule: see schedule_attr.reset_restarts_schedule
        self.schedule.reset(child_generator(env.np_random))

    @hookimpl
    def neuroplug_trial_params(self, env: TrialEnv, params: dict[str, Any]) -> None:
        i = self.schedule()
        self.i = i
        params.update(self.attr_list[i])


@hookimpl
def neuroplug_add_wrappers(registry) -> None:
    # aliases: NeuroGym's wrapper id
    registry.add_wrapper("schedule_attr", ScheduleAttr, aliases=["ScheduleAttr-v0"])
