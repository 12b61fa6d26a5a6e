"""Every level is a stack of its own: sibling stacks over one env are independent, any
level can be stepped with the effects of the layers up to it (as in NeuroGym), and
``close()`` / ``detach()`` take layers out so completely that an unshared task is
bit-identical to a fresh one (issues #11 and #18)."""

from __future__ import annotations

import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env

import neuroplug
from neuroplug import IncompatibleWrapperError, StackError
from neuroplug_plugins.monitor import Monitor
from neuroplug_plugins.multi_envs import MultiEnvs
from neuroplug_plugins.noise import Noise
from neuroplug_plugins.pass_reward import PassReward
from neuroplug_plugins.schedule_envs import ScheduleEnvs
from neuroplug_plugins.side_bias import SideBias


def rollout(env, seed=0, steps=300):
    """Observations, rewards and trial ends of ``steps`` seeded random steps."""
    obs, _ = env.reset(seed=seed)
    env.action_space.seed(seed)
    out = [np.array(obs)]
    for _ in range(steps):
        obs, reward, terminated, truncated, info = env.step(env.action_space.sample())
        assert env.observation_space.contains(obs)
        out.append((np.array(obs), reward, terminated, truncated, info["new_trial"]))
    return out


def assert_same(a, b):
    assert len(a) == len(b)
    np.testing.assert_array_equal(a[0], b[0])
    for i, (x, y) in enumerate(zip(a[1:], b[1:], strict=True)):
        np.testing.assert_array_equal(x[0], y[0], err_msg=f"step {i}")
        assert x[1:] == y[1:], f"step {i}: {x[1:]} != {y[1:]}"


# --- sibling stacks: a level wrapped more than once ------------------------------------------


def _step_each(envs, n, seed=0):
    """Step each env ``n`` times in turn; per env, the trials that ended through it."""
    rng = np.random.default_rng(seed)
    ended = {id(env): 0 for env in envs}
    for _ in range(n):
        for env in envs:
            *_, info = env.step(int(rng.integers(3)))
            ended[id(env)] += info["new_trial"]
    return [ended[id(env)] for env in envs]


def test_sibling_monitors_each_record_only_the_trials_run_through_them(tmp_path):
    """NeuroGym's pattern: a training and an evaluation Monitor over one env."""
    from neuroplug_plugins.monitor import load_run

    env = SideBias(neuroplug.make("dm"))
    train = Monitor(env, name="train", save_dir=tmp_path, interval=5, verbose=False)
    evaluate = Monitor(env, name="eval", save_dir=tmp_path, interval=5, verbose=False)
    train.reset(seed=0)
    ended = [0, 0]
    for _ in range(3):  # train for a while, then evaluate for a while, and again
        ended[0] += _step_each([train], 400, seed=ended[0])[0]
        ended[1] += _step_each([evaluate], 300, seed=ended[1])[0]
    assert train.num_tr == ended[0] > 20 and evaluate.num_tr == ended[1] > 20
    train.close()
    evaluate.close()
    assert len(load_run(tmp_path, run=train.run_id)["trial"]) == ended[0]
    assert len(load_run(tmp_path, run=evaluate.run_id)["trial"]) == ended[1]


def test_a_sibling_stack_has_its_own_effects_only():
    task = neuroplug.make("dm", sigma=0.0)
    noisy = Noise(task, std_noise=0.5)
    with_reward = PassReward(task)
    noisy.reset(seed=0)
    rng = np.random.default_rng(1)
    noise = []
    for _ in range(300):
        obs, *_ = noisy.step(int(rng.integers(3)))
        assert obs.shape == (3,)
        noise.append(obs - task.ob[task.t_ind])
        obs, reward, *_ = with_reward.step(int(rng.integers(3)))
        assert obs.shape == (4,) and obs[3] == reward
        np.testing.assert_array_equal(obs[:3], task.ob[task.t_ind])  # no noise here
    assert np.std(noise) == pytest.approx(0.5, rel=0.1)


def test_wrapping_the_task_of_a_built_stack_makes_a_sibling():
    stack = neuroplug.make_stack("dm", ["side_bias", "pass_reward"])
    expected = rollout(neuroplug.make_stack("dm", ["side_bias", "pass_reward"]))
    sibling = Noise(stack.unwrapped, std_noise=0.5)
    assert sibling.observation_space.shape == (3,)
    assert_same(rollout(stack), expected)  # the stack is untouched by its sibling
    multi = MultiEnvs([stack.unwrapped, neuroplug.make("dm")])  # multi-env layers too
    multi.reset(seed=0)
    assert multi.step(0)[0].shape == (3,)
    assert isinstance(StackError("x"), IncompatibleWrapperError)  # caught as before


def test_closing_one_sibling_leaves_the_other_and_the_last_frees_the_task(tmp_path):
    task = neuroplug.make("dm")
    shared = SideBias(task)
    first, second = PassReward(shared), Noise(shared, std_noise=0.2)
    first.reset(seed=0)
    _step_each([first, second], 100)
    first.close()
    assert second.step(0)[0].shape == (3,)  # the sibling goes on, with side_bias below
    assert shared._aboves == (second,)
    second.close()
    assert_same(rollout(task, seed=5), rollout(neuroplug.make("dm"), seed=5))


def test_a_copy_of_one_sibling_holds_its_own_stack_only():
    import copy
    import pickle

    task = neuroplug.make("dm")
    first, second = PassReward(task), Noise(task, std_noise=0.2)
    first.reset(seed=0)
    _step_each([first, second], 50)
    for clone in (copy.deepcopy(first), pickle.loads(pickle.dumps(first))):
        assert clone.unwrapped._aboves == (clone,)  # no copy of the sibling came along
        assert_same(rollout(clone, seed=2), rollout(neuroplug.make_stack("dm", ["pass_reward"]),
                                                    seed=2))


def test_wrapping_the_top_is_still_how_stacks_grow():
    """``noise`` twice, one over the other, adds two independent noises: std sqrt(2) * 0.5."""
    env = Noise(Noise(neuroplug.make("dm", sigma=0.0), std_noise=0.5), std_noise=0.5)
    env.reset(seed=0)
    task = env.unwrapped
    noise = []
    for _ in range(4000):
        obs, *_ = env.step(0)
        noise.append(obs[0] - task.ob[task.t_ind][0])
    assert np.std(noise) == pytest.approx(0.5 * np.sqrt(2), rel=0.05)


# --- stepping a level with layers above it ----------------------------------------------------


def test_stepping_an_inner_level_has_the_effects_of_the_layers_up_to_it():
    """As in NeuroGym, any level can be stepped, with the effects of the layers at or
    below it only; the stack stepped afterwards has all of its effects again."""
    stack = neuroplug.make_stack("dm", [("noise", {"std_noise": 0.5}), "pass_reward"])
    stack.reset(seed=0)
    task = stack.unwrapped
    obs, *_ = task.step(0)
    np.testing.assert_array_equal(obs, task.ob[task.t_ind])
    obs, *_ = stack.env.step(0)
    assert obs.shape == (3,) and not np.array_equal(obs, task.ob[task.t_ind])
    stack.env.reset(seed=0)
    check_env(task, skip_render_check=True)
    obs, reward, *_ = stack.step(0)
    assert obs.shape == stack.observation_space.shape == (4,) and obs[3] == reward
    assert not np.array_equal(obs[:3], task.ob[task.t_ind])


def test_new_trial_on_any_level_builds_the_stacks_next_trial():
    """``new_trial()`` is not an entry point of its own: from any level it runs every trial
    layer of the stack (documented in docs/architecture.md)."""
    stack = neuroplug.make_stack("dm", [("side_bias", {"probs": [[1.0, 0.0]]})])
    stack.reset(seed=0)
    for _ in range(20):
        assert stack.unwrapped.new_trial()["ground_truth"] == 0


# --- close() and detach() ------------------------------------------------------------------------


@pytest.mark.parametrize("wrappers", [
    ["noise"], ["side_bias", "pass_reward", "pass_action"],
    ["reaction_time", ("noise", {"std_noise": 0.3, "perf_th": 0.5}), "trial_history_v2"],
    [("schedule_attr", {"attr_list": [{"coh": 0.0}, {"coh": 51.2}]}), "monitor"],
])
def test_after_close_the_task_is_bit_identical_to_a_fresh_one(wrappers, tmp_path):
    wrappers = [("monitor", {"save_dir": tmp_path, "verbose": False}) if w == "monitor" else w
                for w in wrappers]
    stack = neuroplug.make_stack("dm", wrappers)
    rollout(stack, seed=1, steps=250)
    stack.close()
    task = stack.unwrapped
    assert task.observation_space.shape == (3,)
    assert_same(rollout(task, seed=5), rollout(neuroplug.make("dm"), seed=5))
    check_env(task, skip_render_check=True)


def test_after_close_the_bare_task_writes_nothing_to_the_monitor(tmp_path):
    stack = neuroplug.make_stack("dm", [("monitor", {"save_dir": tmp_path, "verbose": False,
                                                     "interval": 10})])
    rollout(stack, steps=800)
    stack.close()
    files = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    recorded = stack.num_tr
    rollout(stack.unwrapped, steps=500)  # evaluating on the bare task
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == files
    assert recorded > 10 and stack.num_tr == recorded and len(stack.data["trial"]) == 0


def test_close_is_final_and_idempotent():
    stack = neuroplug.make_stack("dm", ["side_bias", "noise"])
    stack.reset(seed=0)
    stack.close()
    stack.close()
    with pytest.raises(StackError, match=r"Noise\.step\(\): this layer was closed"):
        stack.step(0)
    with pytest.raises(StackError, match=r"SideBias\.reset\(\): this layer was closed"):
        stack.env.reset()
    with pytest.raises(StackError, match="Monitor cannot wrap Noise: that layer was closed"):
        Monitor(stack)


def test_detach_takes_out_the_outermost_layer_only():
    """After ``detach()`` the env below behaves exactly as if the layer had never been
    added: the same observations (and width) as the same stack built without it."""
    stack = neuroplug.make_stack("dm", ["side_bias", "pass_reward"])
    rollout(stack, steps=100)
    stack.detach()
    below = stack.env
    assert below.observation_space.shape == (3,)
    assert_same(rollout(below, seed=2), rollout(neuroplug.make_stack("dm", ["side_bias"]),
                                                 seed=2))


def test_only_the_outermost_layer_detaches_or_closes():
    stack = neuroplug.make_stack("dm", ["side_bias", "noise"])
    with pytest.raises(StackError, match=r"SideBias\.detach\(\): it has Noise above it"):
        stack.env.detach()
    with pytest.raises(StackError, match=r"SideBias\.detach\(\): it has Noise above it"):
        stack.env.close()
    stack.reset(seed=0)
    stack.step(0)  # nothing changed


def test_a_layer_with_its_own_step_detaches_too(tmp_path):
    stack = Monitor(neuroplug.make_stack("dm", ["pass_reward"]), save_dir=tmp_path,
                    verbose=False)
    rollout(stack, steps=50)
    stack.detach()
    assert_same(rollout(stack.env, seed=3), rollout(neuroplug.make_stack("dm", ["pass_reward"]),
                                                     seed=3))


@pytest.mark.parametrize("layer", [MultiEnvs, ScheduleEnvs])
@pytest.mark.parametrize("env_input", [False, True])
def test_closing_a_multi_env_stack_frees_every_task(layer, env_input):
    tasks = [neuroplug.make("dm"), neuroplug.make("dm", cohs=[51.2])]
    stack = Noise(layer([SideBias(tasks[0]), tasks[1]], env_input=env_input), std_noise=0.1)
    rollout(stack, steps=200)
    stack.close()
    for task, fresh in zip(tasks, [neuroplug.make("dm"), neuroplug.make("dm", cohs=[51.2])],
                           strict=True):
        assert task.trial_router is None
        assert_same(rollout(task, seed=4), rollout(fresh, seed=4))


class DoubleReward(neuroplug.Layer):
    """A third-party layer written the gymnasium way: its step calls ``self.env.step``."""

    def __init__(self, env):
        super().__init__(env)
        self.attach()

    def step(self, action):
        obs, reward, terminated, truncated, info = self.env.step(action)
        return obs, 2 * reward, terminated, truncated, info

    def reset(self, *, seed=None, options=None):
        return self.env.reset(seed=seed, options=options)


def test_a_layer_may_step_the_env_below_itself_as_gymnasium_wrappers_do():
    stack = DoubleReward(neuroplug.make_stack("dm", ["pass_reward"]))
    bare = neuroplug.make("dm")
    stack.reset(seed=0)
    bare.reset(seed=0)
    for action in np.random.default_rng(0).integers(0, 3, 400):
        obs, reward, *_ = stack.step(action)
        raw = bare.step(action)[1]
        assert reward == 2 * raw and obs[-1] == raw
    stack.reset(seed=0)
    for action in np.random.default_rng(1).integers(0, 3, 100):  # stepping the level below:
        obs, reward, *_ = stack.env.step(action)  # its effects, not DoubleReward's
        assert obs[-1] == reward and reward in (-0.1, 0.0, 1.0)
