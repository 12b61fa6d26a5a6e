"""MultiEnvs / ScheduleEnvs: which env runs each trial, the env one-hot at every step,
shape checks, reproducibility, and layers stacked above a multi-env layer."""

from __future__ import annotations

import copy
import pickle
from itertools import pairwise

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env

import neuroplug
from neuroplug import IncompatibleWrapperError
from neuroplug_plugins.multi_envs import MultiEnvs
from neuroplug_plugins.schedule_envs import ScheduleEnvs
from neuroplug_plugins.schedules import SequentialSchedule

SHORT = {"stimulus": 200}  # 4 steps per dm trial


def tasks(n=3):
    """``n`` dm tasks told apart by their single coherence: task k has coh 10 * k."""
    return [neuroplug.make("dm", timing=SHORT, cohs=[10.0 * k]) for k in range(n)]


def assert_obs_from_current_env(env, obs, n_obs=3):
    """``obs`` is the current env's observation, followed by the one-hot of that env."""
    i = env.get_wrapper_attr("i_env")
    envs = env.get_wrapper_attr("envs")
    task = envs[i].unwrapped
    np.testing.assert_array_equal(obs[:n_obs], task.ob[task.t_ind])
    onehot = np.zeros(len(envs), dtype=obs.dtype)
    onehot[i] = 1
    np.testing.assert_array_equal(obs[n_obs:n_obs + len(envs)], onehot)


def trial_envs(env, n_trials, seed=0, check_every_step=True):
    """Index of the env that ran each of the first ``n_trials`` trials, read from the trial
    itself (its coherence), checking the one-hot at every step on the way."""
    obs, _ = env.reset(seed=seed)
    order = [env.get_wrapper_attr("i_env")]
    if check_every_step:
        assert_obs_from_current_env(env, obs)
    ran = []
    while len(ran) < n_trials:
        obs, _, _, _, info = env.step(0)
        if check_every_step:
            assert_obs_from_current_env(env, obs)
        if info["new_trial"]:
            ran.append(round(info["trial"]["coh"] / 10))
            order.append(env.get_wrapper_attr("i_env"))
    assert ran == order[:n_trials]  # the env that ran a trial is the one picked for it
    return ran


# --- ScheduleEnvs ------------------------------------------------------------------------


def test_sequential_schedule_runs_the_envs_in_turn_with_correct_one_hot():
    env = ScheduleEnvs(tasks(3), "sequential", env_input=True)
    assert env.observation_space.shape == (6,)
    assert env.observation_space.name["env"] == [3, 4, 5]
    assert trial_envs(env, 10) == [1, 2, 0, 1, 2, 0, 1, 2, 0, 1]  # as NeuroGym 2.3.1


def test_block_schedule_keeps_each_env_for_its_block():
    env = neuroplug.make_stack(
        [("dm", {"cohs": [0.0]}), ("dm", {"cohs": [10.0]})],
        [("schedule_envs", {"schedule": ("sequential_block", {"block_lens": [2, 3]}),
                            "env_input": True})],
        timing=SHORT,
    )
    assert trial_envs(env, 12) == [0, 0, 1, 1, 1, 0, 0, 1, 1, 1, 0, 0]


def test_random_schedule_never_repeats_an_env_and_is_seeded_by_reset():
    env = ScheduleEnvs(tasks(3), "random", env_input=True)
    first = trial_envs(env, 60, seed=4)
    assert all(a != b for a, b in pairwise(first))
    assert set(first) == {0, 1, 2}
    assert trial_envs(env, 60, seed=4, check_every_step=False) == first
    starts = {trial_envs(env, 1, seed=s, check_every_step=False)[0] for s in range(20)}
    assert starts == {1, 2}  # reset lets the schedule pick: never 0 first, as in NeuroGym


def test_reset_resets_every_env():
    env = ScheduleEnvs(tasks(2), "sequential")
    env.reset(seed=0)
    for _ in range(30):
        env.step(1)
    env.reset(seed=1)
    for sub in env.envs:
        assert sub.unwrapped.num_tr == 1 and sub.unwrapped.t_ind == 0


def test_new_trial_lets_the_schedule_pick():
    env = ScheduleEnvs(tasks(3), SequentialSchedule(), env_input=False)
    env.reset(seed=0)
    cohs = [env.new_trial()["coh"] for _ in range(5)]
    assert cohs == [20.0, 0.0, 10.0, 20.0, 0.0]  # reset started in env 1, as NeuroGym does


def test_set_i_switches_by_hand_and_the_schedule_resumes():
    env = ScheduleEnvs(tasks(3), "sequential", env_input=True)
    env.reset(seed=0)
    env.set_i(2)
    obs, *_ = env.step(0)
    assert_obs_from_current_env(env, obs)
    assert env.unwrapped is env.envs[2].unwrapped
    assert env.schedule.i == 2  # the schedule moves on from the env set by hand
    while not env.step(0)[4]["new_trial"]:
        pass
    assert env.i_env == 0  # sequential: 2 -> 0
    with pytest.raises(ValueError, match=r"i must be an int in \[0, 2\], got 3"):
        env.set_i(3)


# --- MultiEnvs ---------------------------------------------------------------------------


def test_multi_envs_steps_the_env_chosen_by_set_i_with_correct_one_hot():
    env = neuroplug.make_stack([("dm", {"cohs": [10.0 * k]}) for k in range(3)],
                               [("multi_envs", {"env_input": True})], timing=SHORT)
    assert isinstance(env, MultiEnvs)
    obs, _ = env.reset(seed=0)
    assert env.i_env == 0
    assert_obs_from_current_env(env, obs)
    rng = np.random.default_rng(0)
    for t in range(400):
        if t % 7 == 3:
            env.set_i(int(rng.integers(3)))
        before = [e.unwrapped.num_tr * 100 + e.unwrapped.t_ind for e in env.envs]
        obs, _, _, _, info = env.step(0)
        after = [e.unwrapped.num_tr * 100 + e.unwrapped.t_ind for e in env.envs]
        moved = [k for k in range(3) if before[k] != after[k]]
        assert moved == [env.i_env]  # only the current env advanced
        assert_obs_from_current_env(env, obs)
        if info["new_trial"]:
            assert info["trial"]["coh"] == 10.0 * env.i_env


def test_multi_envs_without_env_input_keeps_the_space():
    env = neuroplug.make_stack(["dm", "dm"], ["multi_envs"])
    assert env.observation_space.shape == (3,)
    assert env.get_wrapper_attr("neuroplug_observation") is None  # no per-step hook
    check_env(env, skip_render_check=True)


# --- shared checks ------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["multi_envs", "schedule_envs"])
def test_envs_must_share_shapes(name):
    with pytest.raises(
        IncompatibleWrapperError,
        match=r"same observation and action shapes.*#0 neuroplug/dm-v0: observation Box\(3,\), "
        r"action Discrete\(3\); #1 neuroplug/dm-v0: observation Box\(4,\), action Discrete\(4\)",
    ):
        neuroplug.make_stack([("dm", {"dim_ring": 2}), ("dm", {"dim_ring": 3})], [name])


@pytest.mark.parametrize("cls", [MultiEnvs, ScheduleEnvs])
def test_argument_validation(cls):
    with pytest.raises(TypeError, match="non-empty list of envs"):
        cls(neuroplug.make("dm"))
    with pytest.raises(TypeError, match="non-empty list of envs"):
        cls([])
    task = neuroplug.make("dm")
    with pytest.raises(ValueError, match=r"holds the same task as envs\[0\]"):
        cls([task, task])
    with pytest.raises(TypeError, match="env_input must be True or False"):
        cls(tasks(2), env_input="yes")


def test_a_list_of_tasks_needs_a_multi_env_wrapper_first():
    with pytest.raises(IncompatibleWrapperError, match="first wrapper must take a list"):
        neuroplug.make_stack(["dm", "dm"], ["side_bias"])


@pytest.mark.parametrize(
    "wrappers",
    [
        ["multi_envs"],
        ["schedule_envs"],
        [("schedule_envs", {"schedule": "random", "env_input": True}), "side_bias"],
        [("multi_envs", {"env_input": True}), "trial_history_v2", "schedule_attr"],
    ],
)
def test_check_env_and_rebuild_from_spec(wrappers):
    env = neuroplug.make_stack(["dm", "dm"], wrappers, timing=SHORT)
    check_env(env, skip_render_check=True)
    rebuilt = gym.make(env.spec)
    assert type(rebuilt) is type(env)
    actions = np.random.default_rng(0).integers(3, size=200)
    np.testing.assert_array_equal(rollout(env, actions), rollout(rebuilt, actions))


def rollout(env, actions, seed=3):
    obs, _ = env.reset(seed=seed)
    out = [obs]
    for a in actions:
        obs, reward, *_ = env.step(int(a))
        out.append(np.append(obs, reward))
    return np.concatenate(out)


def test_reset_with_seed_reproduces_the_whole_multi_env_stack():
    env = neuroplug.make_stack(
        ["dm", "dm", "dm"],
        [("schedule_envs", {"schedule": "random", "env_input": True}),
         ("side_bias", {"block_dur": 0.3}), ("schedule_attr", {"schedule": "random"})],
        timing=SHORT,
    )
    actions = np.random.default_rng(1).integers(3, size=500)
    first = rollout(env, actions, seed=7)
    np.testing.assert_array_equal(first, rollout(env, actions, seed=7))
    assert not np.array_equal(first, rollout(env, actions, seed=8))


def test_copies_and_pickles_step_like_the_original():
    env = neuroplug.make_stack(["dm", "dm"],
                               [("schedule_envs", {"schedule": "random", "env_input": True}),
                                "side_bias", "trial_history_v2", "schedule_attr"],
                               timing=SHORT)
    actions = np.random.default_rng(2).integers(3, size=200)
    expected = rollout(env, actions)
    for clone in (copy.deepcopy(env), pickle.loads(pickle.dumps(env))):
        np.testing.assert_array_equal(rollout(clone, actions), expected)


# --- layers above a multi-env layer ------------------------------------------------------


def test_side_bias_above_schedule_envs_biases_every_task():
    probs = [[0.9, 0.1], [0.1, 0.9]]
    env = neuroplug.make_stack(
        ["dm", "dm"],
        [("schedule_envs", {"schedule": "random", "env_input": True}),
         ("side_bias", {"probs": probs, "block_dur": 50})],
        timing=SHORT,
    )
    assert env.observation_space.shape == (5,)
    env.reset(seed=0)
    blocks, gts, envs = [], [], []
    for _ in range(6_000):
        trial = env.new_trial()  # through side_bias, then the schedule picks the task
        blocks.append(env.curr_block)
        gts.append(trial["ground_truth"])
        envs.append(env.get_wrapper_attr("i_env"))
    assert all(a != b for a, b in pairwise(envs))  # random over 2 envs alternates
    blocks, gts = np.array(blocks), np.array(gts)
    for block in (0, 1):
        freq = np.bincount(gts[blocks == block], minlength=2) / np.sum(blocks == block)
        np.testing.assert_allclose(freq, probs[block], atol=0.03)
    # Stepping: every step's one-hot names the task the observation comes from.
    obs, _ = env.reset(seed=1)
    assert_obs_from_current_env(env, obs)
    for _ in range(300):
        obs, *_ = env.step(0)
        assert_obs_from_current_env(env, obs)


@pytest.mark.parametrize("name", ["multi_envs", "schedule_envs"])
def test_each_env_gets_its_own_seed_derived_from_reset(name):
    env = neuroplug.make_stack(["dm", "dm"], [name])
    env.reset(seed=5)
    first = [e.unwrapped.ob.copy() for e in env.envs]
    assert not np.array_equal(first[0], first[1])  # not both seeded with 5
    env.reset(seed=5)
    for e, ob in zip(env.envs, first, strict=True):
        np.testing.assert_array_equal(e.unwrapped.ob, ob)
