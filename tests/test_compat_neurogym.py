"""``neuroplug.compat.neurogym``: NeuroGym 2.3.1's namespace over our code."""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import pytest

import neuroplug
import neuroplug.compat.neurogym as ngym
from neuroplug.compat.neurogym import NeuroGymCompatWarning


class CustomTask(ngym.core.TrialEnv):
    """A task written the NeuroGym way: RandomState draws, ob_now, named spaces."""

    metadata = {"paper_name": None, "paper_link": None, "tags": ["custom"]}

    def __init__(self, dt=100, coh=1.0, timing=None):
        super().__init__(dt=dt)
        self.coh = coh
        self.timing = {"fixation": 200, "stimulus": ngym.utils.TruncExp(400, 200, 800),
                       "decision": 100}
        if timing:
            self.timing.update(timing)
        self.rewards = {"correct": 1.0, "fail": 0.0}
        name = {"fixation": 0, "stimulus": [1, 2]}
        self.observation_space = ngym.spaces.Box(-np.inf, np.inf, shape=(3,),
                                                 dtype=np.float32, name=name)
        self.action_space = ngym.spaces.Discrete(3, name={"fixation": 0, "choice": [1, 2]})

    def _new_trial(self, **kwargs):
        trial = {"ground_truth": self.rng.randint(2), "noise": self.rng.rand(),
                 "jitter": self.rng.randn(2)}
        trial.update(kwargs)
        self.add_period(["fixation", "stimulus", "decision"])
        self.add_ob(1, period=["fixation", "stimulus"], where="fixation")
        stim = np.zeros(2)
        stim[trial["ground_truth"]] = self.coh
        self.add_ob(stim, "stimulus", where="stimulus")
        self.set_groundtruth(trial["ground_truth"] + 1, "decision")
        return trial

    def _step(self, action):
        new_trial, reward = False, 0.0
        if self.in_period("decision"):
            new_trial = True
            if action == self.gt_now:
                reward = self.rewards["correct"]
                self.performance = 1
        return self.ob_now, reward, False, False, {"new_trial": new_trial,
                                                    "gt": self.gt_now}


def test_namespace_has_neurogyms_public_names():
    for name in ("make", "register", "Dataset", "spaces", "core", "wrappers", "envs",
                 "utils", "info", "config"):
        assert hasattr(ngym, name), name
    assert ngym.__version__ == "2.3.1"
    for name in ("TrialEnv", "TrialWrapper", "BaseEnv", "OBNOW"):
        assert hasattr(ngym.core, name)
    for name in ("plot_env", "TruncExp", "RandomSchedule", "SequentialSchedule",
                 "SequentialBlockSchedule", "plot_psychometric", "scheduler", "info",
                 "spaces", "data"):
        assert hasattr(ngym.utils, name), name
    assert ngym.utils.scheduler.RandomBlockSchedule is neuroplug.get_schedule(
        "random_block").factory
    assert ngym.utils.plot_env is ngym.utils.plotting.plot_env is neuroplug.plot_env
    assert ngym.utils.spaces is ngym.spaces and ngym.utils.data.Dataset is ngym.Dataset


def test_make_and_gymnasium_make_build_our_tasks():
    env = ngym.make("PerceptualDecisionMaking-v0", dt=50)
    assert isinstance(env, neuroplug.TrialEnv) and env.dt == 50
    assert type(gym.make("PerceptualDecisionMaking-v0").unwrapped) is type(env)
    with pytest.raises(neuroplug.UnknownNameError):
        ngym.make("NoSuchTask-v0")


def test_a_programs_own_task_registers_and_makes():
    ngym.register(id_="CompatCustomTask-v0", entry_point=CustomTask)
    ngym.register(id_="CompatCustomTask-v0", entry_point=CustomTask)  # taken: a no-op
    env = ngym.make("CompatCustomTask-v0", coh=0.5)
    assert isinstance(env.unwrapped, CustomTask) and env.unwrapped.coh == 0.5
    dataset = ngym.Dataset("CompatCustomTask-v0", env_kwargs={"coh": 0.5}, batch_size=2,
                           seq_len=30)
    inputs, target = dataset()
    assert inputs.shape == (30, 2, 3) and set(np.unique(target)) <= {0, 1, 2}
    assert inputs[..., 1:].max() == 0.5  # its coh reached the rows


def test_seed_reseeds_a_task_as_in_neurogym():
    env = ngym.wrappers.SideBias(ngym.make("PerceptualDecisionMaking-v0"))
    trials = []
    for _ in range(2):
        env.seed(3)  # read through the wrapper, as NeuroGym programs call it
        trials.append([env.unwrapped.new_trial()["coh"] for _ in range(20)])
    assert trials[0] == trials[1]


def test_wrappers_are_ours_and_neurogyms_ids_are_aliases():
    assert ngym.wrappers.SideBias is neuroplug.get_wrapper("side_bias").factory
    assert set(ngym.wrappers.ALL_WRAPPERS) == {
        "Monitor-v0", "Noise-v0", "PassReward-v0", "PassAction-v0", "ReactionTime-v0",
        "SideBias-v0", "ScheduleAttr-v0", "ScheduleEnvs-v0", "TrialHistoryV2-v0"}
    assert ngym.wrappers.all_wrappers() == sorted(ngym.wrappers.ALL_WRAPPERS)
    module, cls = ngym.wrappers.ALL_WRAPPERS["PassReward-v0"].split(":")
    assert getattr(__import__(module, fromlist=[cls]), cls) is ngym.wrappers.PassReward
    stack = neuroplug.make_stack("dm", ["SideBias-v0", "PassReward-v0"])
    assert type(stack).__name__ == "PassReward"
    with pytest.raises(AttributeError, match="RandomGroundTruth"):
        _ = ngym.wrappers.RandomGroundTruth


def test_collections_and_listings_follow_neurogym():
    yang19 = ngym.envs.get_collection("yang19")
    assert yang19[:4] == ["yang19.go-v0", "yang19.rtgo-v0", "yang19.dlygo-v0",
                          "yang19.anti-v0"] and len(yang19) == 20
    assert ngym.envs.get_collection("") == []
    with pytest.raises(ValueError, match=r"'perceptualdecisionmaking'.*not offered"):
        ngym.envs.get_collection("perceptualdecisionmaking")
    with pytest.raises(ValueError, match="Unknown collection of envs, nosuch"):
        ngym.envs.get_collection("nosuch")
    native = ngym.envs.registration.ALL_NATIVE_ENVS
    assert "PerceptualDecisionMaking-v0" in native and "yang19.go-v0" not in native
    assert ngym.envs.registration.all_envs() == sorted(native)
    assert set(ngym.envs.registration.all_envs(collections=True)) == set(native) | set(yang19)
    assert "two-alternative" in ngym.envs.registration.all_tags()
    assert "PerceptualDecisionMaking-v0" in ngym.envs.registration.all_envs(
        tag="two-alternative")


def test_a_task_written_the_neurogym_way_runs_and_reseeds():
    env = CustomTask()
    trials = []
    for _ in range(2):
        env.reset(seed=3)
        seen, ended = [], 0
        for _ in range(40):
            obs, reward, _, _, info = env.step(env.gt_now)
            seen.append((obs.copy(), reward))
            ended += info["new_trial"]
        trials.append(seen)
    # reset(seed=) reproduces every draw, TruncExp's included (it samples from env.rng)
    assert all(np.array_equal(a[0], b[0]) and a[1] == b[1]
               for a, b in zip(*trials, strict=True))
    assert sum(r for _, r in trials[0]) == ended >= 3  # the oracle wins every trial
    durations = {env.end_t["stimulus"] - env.start_t["stimulus"] for _ in range(50)
                 if env.new_trial()}
    assert min(durations) >= 200 and max(durations) < 800 and len(durations) > 1
    stats = env.trial_length_stats(num_trials=200)
    assert 4 <= stats["mean"] <= 10 and stats["max"] <= 10


def test_rng_answers_randomstate_methods_from_the_envs_generator():
    env = CustomTask()
    env.reset(seed=0)
    rng = env.rng
    assert rng.generator is env.np_random
    assert 0 <= rng.rand() < 1 and rng.rand(2, 3).shape == (2, 3)
    assert rng.randn(4).shape == (4,)
    draws = rng.randint(3, size=1000)
    assert set(draws) == {0, 1, 2}
    assert set(rng.randint(1, 3, size=200)) == {1, 2}
    assert set(rng.random_integers(2, size=200)) == {1, 2}
    assert rng.choice([5, 6]) in (5, 6) and 0 <= rng.uniform(0, 1) < 1
    state = rng.get_state()
    first = rng.rand(5)
    rng.set_state(state)
    np.testing.assert_array_equal(rng.rand(5), first)
    env.seed(7)
    a = env.rng.rand()
    env.seed(7)
    assert env.rng.rand() == a


class ForceLeft(ngym.core.TrialWrapper):
    """A NeuroGym-style trial wrapper: override new_trial, call the env's."""

    def __init__(self, env):
        super().__init__(env)
        self.calls = 0

    def new_trial(self, **kwargs):
        self.calls += 1
        kwargs["ground_truth"] = 0
        return self.env.new_trial(**kwargs)


def test_a_neurogym_style_trial_wrapper_starts_every_trial():
    env = ForceLeft(ngym.make("PerceptualDecisionMaking-v0"))
    env.reset(seed=0)
    for _ in range(300):
        env.step(env.unwrapped.gt_now)
    assert env.calls > 10
    assert env.unwrapped.trial["ground_truth"] == 0
    outer = ngym.wrappers.PassReward(env)
    outer.reset(seed=1)
    calls = env.calls
    for _ in range(100):
        outer.step(0)
    assert env.calls > calls and env.unwrapped.trial["ground_truth"] == 0
    outer.close()
    assert env.unwrapped.trial_top is None  # closed: the task starts its own trials


def test_dataset_takes_neurogyms_arguments():
    with pytest.warns(NeuroGymCompatWarning, match="cache_len has no effect"):
        dataset = ngym.Dataset("PerceptualDecisionMaking-v0", env_kwargs={"dt": 100},
                               batch_size=4, seq_len=50, max_batch=3, cache_len=500)
    batches = list(dataset)
    assert len(batches) == 3
    inputs, target = batches[0]
    assert inputs.shape == (50, 4, 3) and target.shape == (50, 4)
    assert len(dataset.envs) == 4 and dataset.env.observation_space.shape == (3,)
    inputs, target = dataset()
    assert inputs.shape == (50, 4, 3)
    dataset.seed(5)
    again = ngym.Dataset("PerceptualDecisionMaking-v0", env_kwargs={"dt": 100},
                         batch_size=4, seq_len=50)
    again.seed(5)
    np.testing.assert_array_equal(dataset()[0], again()[0])
    with pytest.raises(TypeError, match="env must be a task id"):
        ngym.Dataset(3)


def test_info_prints_tasks_wrappers_tags_and_one_entry(capsys):
    ngym.info.show_all_tasks()
    ngym.info.show_all_wrappers()
    ngym.info.show_all_tags()
    ngym.info.show_info("PerceptualDecisionMaking-v0")
    ngym.info.show_info(ngym.make("GoNogo-v0"))
    out = capsys.readouterr().out
    assert "Available tasks:" in out and "PerceptualDecisionMaking-v0" in out
    assert "SideBias-v0" in out and "Available tags:" in out
    assert "task dm" in out and "task go_nogo" in out
    with pytest.raises(ValueError, match="Unknown environment or wrapper: Nope-v0"):
        ngym.info.show_info("Nope-v0")


def test_plot_psychometric_fits_the_curve_it_was_given():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from neuroplug.compat.neurogym.utils.psychometric import fit_probit, probit

    rng = np.random.default_rng(0)
    evidence = np.repeat([-51.2, -25.6, -12.8, 0.0, 12.8, 25.6, 51.2], 400)
    choices = rng.random(evidence.size) < probit(evidence, 0.05, 0.3)
    beta, alpha = fit_probit(evidence, choices)
    assert abs(beta - 0.05) < 0.01 and abs(alpha - 0.3) < 0.1
    fig, ax = plt.subplots()
    ngym.utils.plot_psychometric(evidence, choices, ax, title="t", legend="fit")
    assert ax.get_title() == "t" and len(ax.lines) >= 1
    plt.close(fig)


def test_the_neurogym_program_example_runs(run_example):
    out = run_example("neurogym_program.py")
    assert "a batch: inputs (100, 16, 33), targets (100, 16)" in out
    assert "one trial: ob (22, 3), gt (22,)" in out
    assert "over 300 trials" in out
