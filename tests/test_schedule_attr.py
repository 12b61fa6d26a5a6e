"""ScheduleAttr: the attributes of each trial follow the schedule; defaults; seeding."""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env

import neuroplug
from neuroplug import IncompatibleWrapperError, TrialEnv, spaces
from neuroplug_plugins.schedule_attr import ScheduleAttr
from neuroplug_plugins.schedules import RandomSchedule

ATTRS = [{"coh": 0.0}, {"coh": 51.2}, {"coh": 12.8}]


class PlainTask(TrialEnv):
    """A task without ``cohs``: no default attribute list."""

    def __init__(self):
        super().__init__(dt=100)
        self.timing = {"stimulus": 200}
        self.observation_space = spaces.Box(-1, 1, shape=(1,), dtype=np.float32)
        self.action_space = spaces.Discrete(2)

    def _new_trial(self, **kwargs):
        self.add_period("stimulus")
        return dict(kwargs)

    def _step(self, action):
        return None, 0.0, False, False, {}


def stepped_cohs(env, n_trials, seed=0):
    """The coherence of each of the first ``n_trials`` trials, by stepping the stack."""
    env.reset(seed=seed)
    cohs = [env.unwrapped.trial["coh"]]
    while len(cohs) < n_trials:
        _, _, _, _, info = env.step(0)
        if info["new_trial"]:
            cohs.append(env.unwrapped.trial["coh"])
    return cohs


def test_sequential_schedule_cycles_through_the_attributes():
    env = neuroplug.make_stack("dm", [("schedule_attr", {"schedule": "sequential",
                                                         "attr_list": ATTRS})],
                               timing={"stimulus": 200})
    assert stepped_cohs(env, 7) == [51.2, 12.8, 0.0, 51.2, 12.8, 0.0, 51.2]  # as NeuroGym 2.3.1


def test_block_schedule_gives_exact_blocks_of_attributes():
    env = ScheduleAttr(neuroplug.make("dm", timing={"stimulus": 200}),
                       schedule=("sequential_block", {"block_lens": [2, 1, 3]}),
                       attr_list=ATTRS)
    assert stepped_cohs(env, 8) == [0.0, 0.0, 51.2, 12.8, 12.8, 12.8, 0.0, 0.0]


def test_random_schedule_never_repeats_and_reproduces_under_a_seed():
    env = ScheduleAttr(neuroplug.make("dm"), schedule=RandomSchedule(), attr_list=ATTRS)
    assert env.schedule.n == 3
    env.reset(seed=9)
    task = env.unwrapped
    cohs = [task.trial["coh"]] + [task.new_trial()["coh"] for _ in range(2_000)]
    assert all(a != b for a, b in pairwise(cohs))
    assert set(cohs) == {0.0, 51.2, 12.8}
    env.reset(seed=9)
    replay = [task.trial["coh"]] + [task.new_trial()["coh"] for _ in range(2_000)]
    assert replay == cohs


def test_attribute_is_applied_to_the_built_trial():
    env = ScheduleAttr(neuroplug.make("dm", sigma=0.0), attr_list=[{"coh": 51.2,
                                                                     "ground_truth": 1}])
    env.reset(seed=0)
    task = env.unwrapped
    assert task.trial == {"ground_truth": 1, "coh": 51.2}
    stim = task.ob[task.start_ind["stimulus"], 1:]
    assert stim[1] > stim[0]  # the stimulus points at choice 1 with coherence 51.2


def test_by_name_alone_schedules_every_coherence_of_dm():
    env = neuroplug.make_stack("dm", ["schedule_attr"])
    task = env.unwrapped
    assert env.attr_list == [{"coh": float(c)} for c in task.cohs]
    env.reset(seed=0)
    cohs = [task.trial["coh"]] + [task.new_trial()["coh"] for _ in range(9)]
    expected = [float(c) for c in task.cohs]
    assert cohs == (expected[1:] + expected[:1]) * 2  # as NeuroGym 2.3.1
    check_env(env, skip_render_check=True)


def test_validation():
    with pytest.raises(IncompatibleWrapperError, match=r"ScheduleAttr on PlainTask.*'cohs'"):
        ScheduleAttr(PlainTask())
    with pytest.raises(TypeError, match="attr_list must be a list of dicts"):
        ScheduleAttr(PlainTask(), attr_list={"coh": 1})
    with pytest.raises(ValueError, match="at least one entry"):
        ScheduleAttr(PlainTask(), attr_list=[])
    with pytest.raises(TypeError, match=r"attr_list\[1\] must be a dict"):
        ScheduleAttr(PlainTask(), attr_list=[{"a": 1}, 2])
    with pytest.raises(neuroplug.UnknownNameError, match="unknown schedule 'sequentail'"):
        ScheduleAttr(PlainTask(), schedule="sequentail", attr_list=[{"a": 1}])
    with pytest.raises(ValueError, match="n=2 items but 1"):
        ScheduleAttr(PlainTask(), schedule=RandomSchedule(2), attr_list=[{"a": 1}])


def test_works_on_a_task_without_cohs_given_attr_list():
    env = ScheduleAttr(PlainTask(), attr_list=[{"level": 1}, {"level": 2}])
    env.reset(seed=0)
    task = env.unwrapped
    assert [task.trial["level"], task.new_trial()["level"], task.new_trial()["level"]] == [
        2, 1, 2]
