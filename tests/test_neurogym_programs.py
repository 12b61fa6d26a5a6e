"""What NeuroGym programs rely on, natively (issue: NeuroGym programs with one changed
import): a task's own ``_step`` observation, ``reset`` options, attributes read through
wrappers, yang19's order. The compat namespace has its own tests (test_compat_*)."""

from __future__ import annotations

import numpy as np
import pytest

import neuroplug
from neuroplug import spaces
from neuroplug.trial_env import OBNOW


class Counting(neuroplug.TrialEnv):
    """A task that computes its observation in ``_step``, the NeuroGym way."""

    def __init__(self, dt=100, mode="array"):
        super().__init__(dt=dt)
        self.mode = mode
        self.timing = {"fixation": 300, "decision": 200}
        self.observation_space = spaces.Box(-np.inf, np.inf, shape=(2,), dtype=np.float32)
        self.action_space = spaces.Discrete(2)

    def _new_trial(self, **kwargs):
        self.add_period(["fixation", "decision"])
        self.add_ob(7.0, "fixation", where=0)
        self.set_groundtruth(1, "decision")
        return {"ground_truth": 1}

    def _step(self, action):
        if self.mode == "array":
            ob = np.array([100.0 + self.t_ind, self.num_tr], dtype=np.float32)
        elif self.mode == "ob_now":
            ob = self.ob_now
        elif self.mode == "wrong_shape":
            ob = np.zeros(3)
        else:
            ob = None
        return ob, 0.0, False, False, {"new_trial": False}


def test_an_observation_returned_by_step_is_the_one_the_agent_sees():
    env = Counting()
    env.reset(seed=0)
    seen = [env.step(0)[0] for _ in range(7)]
    # NeuroGym returns _step's observation as it is, on the step ending a trial too
    expected = [[100 + t, 1] for t in range(5)] + [[100, 2], [101, 2]]
    np.testing.assert_array_equal(np.array(seen), expected)


def test_an_observation_returned_by_step_goes_through_the_wrappers():
    env = neuroplug.get_wrapper("pass_reward").factory(Counting())
    env.reset(seed=0)
    obs = env.step(0)[0]
    np.testing.assert_array_equal(obs, [100, 1, 0])


@pytest.mark.parametrize("mode", ["ob_now", "none"])
def test_ob_now_or_none_lets_the_buffer_supply_the_next_observation(mode):
    env = Counting(mode=mode)
    obs, _ = env.reset(seed=0)
    seen = [obs] + [env.step(0)[0] for _ in range(5)]
    np.testing.assert_array_equal(np.array(seen)[:, 0], [7, 7, 7, 0, 0, 7])
    assert env.ob_now is OBNOW


def test_an_observation_of_the_wrong_shape_is_an_error_naming_the_task():
    env = Counting(mode="wrong_shape")
    env.reset(seed=0)
    with pytest.raises(ValueError, match=r"Counting._step returned an observation of shape "
                                         r"\(3,\); the observation space has shape \(2,\)"):
        env.step(0)


def test_reset_options_are_checked():
    env = neuroplug.make_stack("dm", ["side_bias"])
    obs, _ = env.reset(seed=0, options={"no_step": True})  # NeuroGym's keys are accepted
    np.testing.assert_array_equal(obs, env.task.ob[0])
    env.reset(options={"step_fn": None})
    with pytest.raises(ValueError, match=r"unknown option\(s\) 'coh'.*'no_step', 'step_fn'"):
        env.reset(options={"coh": 51.2})
    with pytest.raises(TypeError, match="options must be a mapping"):
        env.reset(options=["no_step"])
    multi = neuroplug.make_stack(["dm", "dm"], [("schedule_envs", {"schedule": "random"})])
    with pytest.raises(ValueError, match="unknown option"):
        multi.reset(options={"nostep": True})


def test_task_attributes_read_through_every_wrapper():
    env = neuroplug.make_stack("dm", ["side_bias", "pass_reward", "noise"], dt=50)
    env.reset(seed=1)
    assert env.dt == 50 and env.timing is env.task.timing
    trial = env.new_trial()
    assert env.trial is trial and env.ob is env.task.ob and env.gt is env.task.gt
    assert env.ob.shape == (len(env.gt), 3)
    assert env.probs is env.get_wrapper_attr("probs")  # a layer's own, from above it
    with pytest.raises(AttributeError, match=r"'Noise' object has no attribute 'dtt', nor "
                                             r"has any env below it \(neuroplug/dm-v0\)"):
        _ = env.dtt
    with pytest.raises(AttributeError):
        _ = env._private  # never forwarded
    assert getattr(env, "neuroplug_trial_params", None) is None  # hooks never forwarded


def test_yang19_collection_comes_in_neurogyms_order():
    assert neuroplug.list_tasks(collection="yang19") == [
        f"yang19.{name}" for name in (
            "go", "rtgo", "dlygo", "anti", "rtanti", "dlyanti", "dm1", "dm2", "ctxdm1",
            "ctxdm2", "multidm", "dlydm1", "dlydm2", "ctxdlydm1", "ctxdlydm2",
            "multidlydm", "dms", "dnms", "dmc", "dnmc")
    ]
    names = neuroplug.list_tasks()
    assert names == sorted(names)  # everything else stays sorted by name
