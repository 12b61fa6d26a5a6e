"""Foreign gymnasium wrappers keep their place in a stack: a layer above one sees what it
returns, so effects come in the order the stack lists them (issue #11, finding 4)."""

from __future__ import annotations

import numpy as np
import pytest
from gymnasium.wrappers import (
    RecordEpisodeStatistics,
    TimeLimit,
    TransformObservation,
    TransformReward,
)

import neuroplug
from neuroplug import IncompatibleWrapperError
from neuroplug_plugins.monitor import Monitor
from neuroplug_plugins.multi_envs import MultiEnvs
from neuroplug_plugins.noise import Noise
from neuroplug_plugins.pass_action import PassAction
from neuroplug_plugins.pass_reward import PassReward
from neuroplug_plugins.schedule_envs import ScheduleEnvs
from neuroplug_plugins.side_bias import SideBias


def doubled(env):
    return TransformObservation(env, lambda o: 2 * o, env.observation_space)


def actions(n, seed=0):
    return np.random.default_rng(seed).integers(0, 3, n)


def test_noise_above_a_transform_is_added_to_what_the_transform_returns():
    """``Noise(TransformObservation(SideBias(task)))``: 2 * o + noise, where the same noise
    and trials from an identical stack without the transform give o + noise."""
    foreign = Noise(doubled(SideBias(neuroplug.make("dm"))), std_noise=0.3)
    plain = Noise(SideBias(neuroplug.make("dm")), std_noise=0.3)
    a, _ = foreign.reset(seed=7)
    b, _ = plain.reset(seed=7)
    task = plain.unwrapped
    for step, action in enumerate(actions(600)):
        o = task.ob[task.t_ind]
        np.testing.assert_allclose(a, 2 * o + (b - o), atol=1e-5, err_msg=f"step {step}")
        a, ra, *_ = foreign.step(action)
        b, rb, *_ = plain.step(action)
        assert ra == rb
    assert foreign.observation_space.contains(a)


def test_the_transform_above_noise_doubles_the_noise_too():
    below = doubled(Noise(neuroplug.make("dm", sigma=0.0), std_noise=0.3))
    below.reset(seed=0)
    task = below.unwrapped
    noise = []
    for action in actions(3000):
        obs, *_ = below.step(action)
        noise.append(obs[1] - 2 * task.ob[task.t_ind][1])
    assert np.std(noise) == pytest.approx(0.6, rel=0.05)


@pytest.mark.parametrize("pass_reward_above", [True, False])
def test_pass_reward_shows_the_reward_of_its_own_place(pass_reward_above):
    def tenfold(env):
        return TransformReward(env, lambda r: 10 * r)

    task = neuroplug.make("dm")
    env = PassReward(tenfold(task)) if pass_reward_above else tenfold(PassReward(task))
    bare = neuroplug.make("dm")
    env.reset(seed=3)
    bare.reset(seed=3)
    seen = 0
    for action in actions(1500):
        obs, reward, *_ = env.step(action)
        raw = bare.step(action)[1]
        assert reward == 10 * raw
        assert obs[-1] == (reward if pass_reward_above else raw)
        seen += raw != 0
    assert seen > 20


def test_pass_action_above_a_transform_keeps_the_transformed_observation():
    env = PassAction(doubled(neuroplug.make("dm")))
    bare = neuroplug.make("dm")
    obs, _ = env.reset(seed=1)
    expected, _ = bare.reset(seed=1)
    for action in actions(300):
        np.testing.assert_array_equal(obs[:3], 2 * expected)
        obs, *_ = env.step(action)
        expected, *_ = bare.step(action)
        assert obs[3] == action


def test_time_limit_between_layers_truncates_and_changes_nothing_else():
    limited = Noise(TimeLimit(SideBias(neuroplug.make("dm")), max_episode_steps=50),
                    std_noise=0.2)
    plain = Noise(SideBias(neuroplug.make("dm")), std_noise=0.2)
    a, _ = limited.reset(seed=2)
    b, _ = plain.reset(seed=2)
    for step, action in enumerate(actions(50), start=1):
        np.testing.assert_array_equal(a, b)
        a, ra, ta, truncated, _ = limited.step(action)
        b, rb, tb, _, _ = plain.step(action)
        assert (ra, ta) == (rb, tb)
        assert truncated == (step == 50)
    limited.reset()
    assert not limited.step(0)[3]


def test_record_episode_statistics_between_layers_counts_what_passes_it():
    env = PassReward(RecordEpisodeStatistics(
        TimeLimit(SideBias(neuroplug.make("dm")), max_episode_steps=40)))
    env.reset(seed=0)
    total = 0.0
    for action in actions(40):
        _, reward, _, truncated, info = env.step(action)
        total += reward
    assert truncated and info["episode"]["l"] == 40
    assert info["episode"]["r"] == pytest.approx(total)


def test_a_monitor_above_a_transform_records_the_rewards_the_agent_got(tmp_path):
    env = Monitor(TransformReward(neuroplug.make("dm"), lambda r: 10 * r),
                  save_dir=tmp_path / "a", verbose=False)
    plain = Monitor(neuroplug.make("dm"), save_dir=tmp_path / "b", verbose=False)
    env.reset(seed=5)
    plain.reset(seed=5)
    returned = []
    for action in actions(2000):
        returned.append(env.step(action)[1])
        plain.step(action)
    assert env.num_tr == plain.num_tr > 50
    np.testing.assert_allclose(env.data["reward"], 10 * np.asarray(plain.data["reward"]))
    np.testing.assert_allclose(env.data["cum_reward"],
                               10 * np.asarray(plain.data["cum_reward"]))
    assert list(env.data["action"]) == list(plain.data["action"])
    n = int(np.sum(plain.data["steps"]))
    assert float(np.sum(env.data["cum_reward"])) == pytest.approx(sum(returned[:n]))


def test_each_level_under_a_foreign_wrapper_steps_with_its_own_effects():
    side_bias = SideBias(neuroplug.make("dm", sigma=0.0))
    foreign = doubled(side_bias)
    env = Noise(foreign, std_noise=0.1)
    env.reset(seed=0)
    task = side_bias.unwrapped
    for level, expected in ((side_bias, 1), (foreign, 2)):  # NeuroGym: any level steps
        obs, *_ = level.step(0)
        np.testing.assert_array_equal(obs, expected * task.ob[task.t_ind])
    obs, *_ = env.step(0)
    assert np.abs(obs - 2 * task.ob[task.t_ind]).max() > 0  # the noise is back
    env.close()  # closes the foreign wrapper and SideBias too: the task is free again
    task.reset(seed=0)
    task.step(0)


def test_schedule_envs_refuses_a_foreign_wrapper_under_it():
    with pytest.raises(IncompatibleWrapperError,
                       match=r"ScheduleEnvs: envs\[1\] .* foreign gymnasium wrapper"):
        ScheduleEnvs([neuroplug.make("dm"), doubled(neuroplug.make("dm"))])


def test_multi_envs_over_a_foreign_wrapper_keeps_the_one_hot_out_of_it():
    env = MultiEnvs([doubled(neuroplug.make("dm")), neuroplug.make("dm")], env_input=True)
    obs, _ = env.reset(seed=0)
    for step in range(200):
        task = env.unwrapped
        factor = 2 if env.i_env == 0 else 1
        np.testing.assert_array_equal(obs[:3], factor * task.ob[task.t_ind])
        np.testing.assert_array_equal(obs[3:], np.eye(2)[env.i_env])
        if step == 100:
            env.set_i(1)
        obs, *_ = env.step(0)
    assert env.i_env == 1


def test_an_all_neuroplug_stack_still_steps_the_task_in_one_call():
    stack = neuroplug.make_stack("dm", ["side_bias", "pass_reward", "pass_action", "noise"])
    assert stack._inner_step.__self__ is stack.unwrapped
    assert stack._inner_step.__func__ is type(stack.unwrapped).step
    above = PassReward(TransformObservation(stack, lambda o: o, stack.observation_space))
    assert above._inner_step == above._own_path_step


def test_the_stack_lifecycle_example_runs(run_example):
    out = run_example("stack_lifecycle.py")
    assert "through the sibling, the task's own observations and rewards: True" in out
    assert "the copy continues identically: True" in out
    assert "after close the task equals a fresh one: True" in out
