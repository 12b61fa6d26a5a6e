"""No writer overwrites another's records: every recorded trial is read back exactly once.

One test per setup in which Monitors share a folder -- vector envs (in process and in
worker processes), SB3, two processes, two Monitors, copies, Dataset rows -- each checking
``sum(num_tr) == len(load_run(...)["trial"])`` and, per run, trials ``0 .. num_tr - 1``.
"""

from __future__ import annotations

import copy
import pickle
import subprocess
import sys
import textwrap

import gymnasium as gym
import numpy as np
import pytest

import neuroplug
from neuroplug_plugins.monitor import Monitor, list_runs, load_run


def assert_read_back_once(path, recorded: dict[str, int]) -> None:
    """Every run in ``recorded`` (run id -> trials recorded) is read back whole, once."""
    table = load_run(path)
    assert len(table["trial"]) == sum(recorded.values())
    assert set(table.runs) == set(recorded)
    for run, trials in recorded.items():
        np.testing.assert_array_equal(table["trial"][table["run"] == run], np.arange(trials))
        assert table.runs[run]["missing_files"] == []


def _step_randomly(envs, steps: int, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    for env in envs:
        env.reset(seed=int(rng.integers(1000)))
    for _ in range(steps):
        for env in envs:
            env.step(int(rng.integers(3)))


def test_every_recorded_trial_is_read_back_once(runs_dir):
    """Two Monitors in one process with default names and save_dir share one folder."""
    envs = [neuroplug.make_stack("dm", [("monitor", {"interval": 7, "verbose": False})])
            for _ in range(2)]
    assert envs[0].save_dir == envs[1].save_dir
    _step_randomly(envs, 900)
    recorded = {env.run_id: env.num_tr for env in envs}
    for env in envs:
        env.close()
    assert min(recorded.values()) > 30
    assert_read_back_once(runs_dir, recorded)


@pytest.mark.parametrize("how", ["deepcopy", "pickle"])
def test_copies_that_both_continue_keep_their_trials_apart(how, tmp_path):
    env = neuroplug.make_stack("dm", ["side_bias", ("monitor", {
        "interval": 5, "save_dir": tmp_path, "verbose": False})])
    _step_randomly([env], 200)
    clone = copy.deepcopy(env) if how == "deepcopy" else pickle.loads(pickle.dumps(env))
    for _ in range(400):  # both go on from where the copy was made
        env.step(1)
        clone.step(2)
    recorded = {env.run_id: env.num_tr, clone.run_id: clone.num_tr}
    env.close()
    clone.close()
    assert_read_back_once(tmp_path, recorded)


@pytest.mark.parametrize("built", [False, True])
def test_a_dataset_refuses_a_monitored_stack_and_leaves_no_run(tmp_path, built):
    wrappers = ["side_bias", ("monitor", {"save_dir": tmp_path, "verbose": False})]
    env = neuroplug.make_stack("dm", wrappers) if built else "dm"
    with pytest.raises(ValueError, match=r"the stack holds a Monitor, which writes what runs "
                                         r"through it; every batch row is a copy"):
        neuroplug.Dataset(env, wrappers=[] if built else wrappers, batch_size=4)
    if built:
        env.reset(seed=0)
        env.step(0)  # the user's stack is untouched, still working
        env.close()
    assert not list_runs(tmp_path)


def _monitored_dm(save_dir: str):
    return neuroplug.make_stack("dm", ["side_bias", ("monitor", {
        "interval": 10, "save_dir": save_dir, "verbose": False})])


@pytest.mark.parametrize("context", ["spawn", "fork"])
def test_async_vector_env_workers_keep_their_trials_apart(tmp_path, context):
    envs = gym.vector.AsyncVectorEnv(
        [lambda: _monitored_dm(str(tmp_path))] * 2, context=context)
    try:
        envs.reset(seed=0)
        for _ in range(600):
            envs.step(envs.action_space.sample())
        recorded = dict(zip(envs.get_attr("run_id"), envs.get_attr("num_tr"), strict=True))
    finally:
        envs.close(timeout=60)
    assert len(recorded) == 2 and min(recorded.values()) > 20
    assert_read_back_once(tmp_path, recorded)


PROCESS = textwrap.dedent("""
    import sys
    import neuroplug
    env = neuroplug.make_stack("dm", [("monitor", {"interval": 9, "name": "shared",
                                                   "save_dir": sys.argv[1], "verbose": False})])
    env.reset(seed=int(sys.argv[2]))
    for _ in range(3000):
        env.step(env.action_space.sample())
    print(env.run_id, env.num_tr)
    env.close()
""")


def test_two_processes_on_one_folder_and_name_keep_their_trials_apart(tmp_path):
    processes = [subprocess.Popen([sys.executable, "-c", PROCESS, str(tmp_path), str(seed)],
                                  stdout=subprocess.PIPE, text=True) for seed in (1, 2)]
    recorded = {}
    for process in processes:
        out, _ = process.communicate(timeout=120)
        assert process.returncode == 0
        run, trials = out.split()
        recorded[run] = int(trials)
    assert len(recorded) == 2
    assert_read_back_once(tmp_path, recorded)


def _sb3_env(save_dir):
    def make():
        return neuroplug.make_stack("dm", ["side_bias", ("monitor", {
            "interval": 10, "save_dir": save_dir, "verbose": False})])
    return make


def test_sb3_ppo_over_a_vector_of_monitored_stacks(tmp_path):
    sb3 = pytest.importorskip("stable_baselines3")
    from stable_baselines3.common.env_util import make_vec_env

    venv = make_vec_env(_sb3_env(str(tmp_path)), n_envs=4, seed=0)
    model = sb3.PPO("MlpPolicy", venv, n_steps=64, batch_size=64, n_epochs=1, seed=0,
                    device="cpu")
    model.learn(total_timesteps=2048)
    recorded = dict(zip(venv.get_attr("run_id"), venv.get_attr("num_tr"), strict=True))
    venv.close()
    assert len(recorded) == 4 and min(recorded.values()) > 10
    assert_read_back_once(tmp_path, recorded)


def test_sb3_recurrent_ppo_over_a_vector_of_monitored_stacks(tmp_path):
    contrib = pytest.importorskip("sb3_contrib")
    from stable_baselines3.common.env_util import make_vec_env

    venv = make_vec_env(_sb3_env(str(tmp_path)), n_envs=4, seed=0)
    model = contrib.RecurrentPPO("MlpLstmPolicy", venv, n_steps=64, batch_size=64,
                                 n_epochs=1, seed=0, device="cpu",
                                 policy_kwargs={"lstm_hidden_size": 16})
    model.learn(total_timesteps=1024)
    recorded = dict(zip(venv.get_attr("run_id"), venv.get_attr("num_tr"), strict=True))
    venv.close()
    assert len(recorded) == 4
    assert_read_back_once(tmp_path, recorded)


def test_names_that_look_alike_on_disk_stay_apart(tmp_path):
    envs = [Monitor(neuroplug.make("dm"), name=name, interval=5, save_dir=tmp_path,
                    verbose=False) for name in ("試験1", "実験1", "a b", "a/b")]
    _step_randomly(envs, 300)
    for env in envs:
        env.save()
    assert len({env._file_name for env in envs}) == 3  # 'a b' and 'a/b' share a stem
    for env in envs:
        table = load_run(tmp_path, name=env.name)
        assert set(table["run"]) == {env.run_id}
        np.testing.assert_array_equal(table["trial"], np.arange(env.num_tr))
        env.close()


def _child_continues(env, steps):
    env.reset(seed=9)
    for _ in range(steps):
        env.step(1)
    print(env.run_id, env.num_tr, flush=True)
    env.close()


def test_a_forked_process_is_a_new_run_and_never_saves_the_parents_trials(tmp_path):
    import multiprocessing

    env = _monitored_dm(str(tmp_path))  # interval 10
    _step_randomly([env], 333)
    assert env.data.rows > 0  # unsaved trials at the fork
    context = multiprocessing.get_context("fork")
    queue = context.SimpleQueue()

    def child():
        _child_continues(env, 300)
        queue.put((env.run_id, env.num_tr, env._writer.meta["copied_from"]))

    process = context.Process(target=child)
    process.start()
    process.join(timeout=60)
    assert process.exitcode == 0
    child_run, child_trials, copied_from = queue.get()
    assert child_run != env.run_id and copied_from == env.run_id
    _step_randomly([env], 200)
    recorded = {env.run_id: env.num_tr, child_run: child_trials}
    env.close()
    assert_read_back_once(tmp_path, recorded)
