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


def _names(*tasks):
    return {id(task): name for name, task in zip("abc", tasks, strict=True)}


def test_nested_schedule_envs_pick_the_env_then_the_task_within_it():
    schedule_envs = neuroplug.get_wrapper("schedule_envs").factory
    a, b = neuroplug.make("dm"), neuroplug.make("dm", cohs=[51.2])
    c = neuroplug.make("dm", cohs=[6.4])
    inner = schedule_envs([a, b], "sequential")
    outer = schedule_envs([inner, c], "sequential", env_input=True)
    names = _names(a, b, c)
    obs, _ = outer.reset(seed=0)
    ended, one_hot = [], set()
    for _ in range(3000):
        task = outer.active_task
        one_hot.add((names[id(task)], tuple(obs[-2:])))
        obs, *_, info = outer.step(task.gt_now)
        if info["new_trial"]:
            ended.append(names[id(task)])
    # the outer schedule alternates its two envs, the inner one its two tasks
    assert ended[:8] == ["c", "a", "c", "b", "c", "a", "c", "b"]
    assert one_hot == {("a", (1, 0)), ("b", (1, 0)), ("c", (0, 1))}
    outer.close()
    assert a.trial_router is b.trial_router is c.trial_router is None


def test_nested_multi_envs_and_their_batches():
    multi_envs = neuroplug.get_wrapper("multi_envs").factory
    schedule_envs = neuroplug.get_wrapper("schedule_envs").factory
    a, b, c = neuroplug.make("dm"), neuroplug.make("dm"), neuroplug.make("dm")
    stack = multi_envs([schedule_envs([a, b], "sequential"), c], env_input=True)
    stack.set_i(0)
    stack.reset(seed=0)
    first = stack.active_task
    stack.new_trial()
    assert stack.active_task is not first  # the inner schedule moved on
    dataset = neuroplug.Dataset(stack, batch_size=2, seq_len=60, seed=0)
    assert dataset.path == "fast"
    inputs, _ = dataset()
    assert np.all(inputs[..., -2] == 1)  # env 0 of the outer layer, every step
    with pytest.raises(ValueError, match=r"holds the same task as envs\[0\]"):
        schedule_envs([schedule_envs([neuroplug.make("dm"), c]), c])


def test_a_schedule_envs_exposes_its_current_trial_like_neurogym():
    stack = neuroplug.make_stack(["dm", ("dm", {"dt": 100, "cohs": [51.2]})],
                                 [("schedule_envs", {"schedule": "sequential",
                                                     "env_input": True})])
    stack.reset(seed=0)
    for _ in range(4):
        trial = stack.new_trial()
        task = stack.active_task
        assert stack.trial is trial is task.trial and stack.dt == 100
        assert stack.timing is task.timing
        assert stack.ob.shape == (len(task.ob), 5) and stack.gt is task.gt
        np.testing.assert_array_equal(stack.ob[:, :3], task.ob)
        np.testing.assert_array_equal(stack.ob[:, 3 + stack.i_env], 1)
