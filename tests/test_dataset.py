"""neuroplug.Dataset: shapes, masks, equality with rollouts, the two paths, seeding."""

from __future__ import annotations

import itertools
import pickle
from typing import Any

import numpy as np
import pytest

import neuroplug
from neuroplug import Dataset, hookimpl

#: dm with the fixation input on until the decision period (not NeuroGym's default): these
#: tests read the decision's onset from the inputs.
CUE = {"fixation_through_stimulus": True}


def _same(a: neuroplug.Batch, b: neuroplug.Batch) -> bool:
    return all(
        np.array_equal(getattr(a, f), getattr(b, f))
        for f in ("inputs", "targets", "mask", "trial_start")
    )


# --- shapes and the NeuroGym call shape ---------------------------------------------


def test_neurogym_call_shape() -> None:
    inputs, targets = Dataset(
        "PerceptualDecisionMaking-v0", env_kwargs={"dt": 100}, batch_size=16, seq_len=100
    )()
    assert inputs.shape == (100, 16, 3) and inputs.dtype == np.float32
    assert targets.shape == (100, 16) and targets.dtype == np.int64
    # positional, as NeuroGym users write it
    inputs, targets = Dataset("dm", {"dt": 100}, 16, 100, True)()
    assert inputs.shape == (16, 100, 3) and targets.shape == (16, 100)


def test_batch_fields_and_unpacking() -> None:
    dataset = Dataset(("dm", CUE), batch_size=4, seq_len=50, seed=0, batch_first=True)
    batch = next(iter(dataset))
    assert isinstance(batch, neuroplug.Batch)
    assert batch.mask.shape == batch.targets.shape == (4, 50)
    assert batch.mask.dtype == np.float32 and batch.trial_start.dtype == bool
    inputs, targets = batch
    assert inputs is batch.inputs and targets is batch.targets
    # dm: targets are the choice exactly where the fixation input is off (decision)
    assert np.array_equal(batch.targets != 0, batch.inputs[..., 0] == 0)


def test_default_seq_len_is_neurogyms() -> None:
    assert Dataset("dm", seed=0).seq_len == 1000


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"batch_size": 0}, ValueError, r"batch_size must be an int >= 1, got 0"),
        ({"batch_size": 2.5}, ValueError, r"batch_size must be an int >= 1"),
        ({"seq_len": 0}, ValueError, r"seq_len must be an int >= 1 or None, got 0"),
        ({"mode": "trials"}, ValueError, r"mode must be one of \('continuous', 'trial'\)"),
        ({"path": "quick"}, ValueError, r"path must be one of"),
        ({"seed": -1}, ValueError, r"seed must be an int >= 0, a numpy SeedSequence or None"),
        ({"seed": "a"}, ValueError, r"seed must be"),
        ({"worker": -2}, ValueError, r"worker must be an int >= 0 or None, got -2"),
        ({"batch_first": "yes"}, ValueError, r"batch_first must be a bool, got 'yes'"),
        ({"env_kwargs": [1]}, TypeError, r"env_kwargs must be a mapping"),
        ({"wrappers": "noise"}, TypeError, r"wrappers must be a list of wrapper specs"),
        ({"env": 3}, TypeError, r"env must be a task name, a \(name, kwargs\) pair"),
        ({"env": []}, TypeError, r"env must be a task name"),
    ],
)
def test_arguments_are_validated(kwargs: dict[str, Any], error: type, match: str) -> None:
    arguments = {"env": "dm", **kwargs}
    with pytest.raises(error, match=match):
        Dataset(**arguments)


def test_env_kwargs_with_a_built_env_is_an_error() -> None:
    with pytest.raises(TypeError, match="env_kwargs apply to tasks built by name"):
        Dataset(neuroplug.make("dm"), env_kwargs={"dt": 50})


def test_unknown_task_names_the_known_ones() -> None:
    with pytest.raises(neuroplug.UnknownNameError):
        Dataset("no_such_task")


def test_trial_longer_than_seq_len_is_an_error() -> None:
    dataset = Dataset("dm", batch_size=2, seq_len=10, mode="trial", seed=0)
    with pytest.raises(ValueError, match=r"trial of 22 steps does not fit seq_len=10"):
        dataset.batch()


# --- masks against the trial structure ----------------------------------------------


class GraceAndFixationWeights:
    """Yang et al. 2019-style weights: fixation x2, no weight in a grace period (the first
    two steps of the stimulus here, as dm's decision lasts one step at dt=100)."""

    def __init__(self) -> None:
        self.calls = 0

    @hookimpl
    def neuroplug_loss_mask(self, env: Any, trial: dict[str, Any], mask: np.ndarray) -> None:
        self.calls += 1
        mask[: env.start_ind["decision"]] = 2.0
        start = env.start_ind["stimulus"]
        mask[start : start + 2] = 0.0


def _expected_trial_mask(fixation: int, stimulus: int) -> np.ndarray:
    """dm trial: ``fixation`` steps, ``stimulus`` steps, one decision step."""
    weights = np.full(fixation + stimulus + 1, 2.0, dtype=np.float32)
    weights[fixation : fixation + 2] = 0.0
    weights[-1] = 1.0
    return weights


VARIABLE_TIMING = {"fixation": (100, 300), "stimulus": (300, 500, 800)}


@pytest.mark.parametrize("path", ["fast", "step"])
def test_continuous_mask_follows_each_trial(register_plugin, path: str) -> None:
    register_plugin(GraceAndFixationWeights())
    dataset = Dataset("dm", {"timing": VARIABLE_TIMING, **CUE}, batch_size=3, seq_len=80, seed=4,
                      path=path)
    assert dataset.path == path
    for batch in (dataset.batch(), dataset.batch()):
        for row in range(3):
            fixation_on = batch.inputs[:, row, 0] == 1
            mask = batch.mask[:, row]
            starts = np.flatnonzero(batch.trial_start[:, row])
            # a trial starts right after each decision step (fixation input off)
            decisions = np.flatnonzero(~fixation_on)
            assert np.array_equal(starts[starts > 0], decisions[decisions < 79] + 1)
            for begin, end in itertools.pairwise(starts):
                stimulus = np.flatnonzero(batch.inputs[begin:end, row, 1] != 0)[0]
                expected = _expected_trial_mask(stimulus, end - begin - 1 - stimulus)
                assert np.array_equal(mask[begin:end], expected)


@pytest.mark.parametrize("path", ["fast", "step"])
def test_trial_mode_mask_and_padding(register_plugin, path: str) -> None:
    register_plugin(GraceAndFixationWeights())
    dataset = Dataset("dm", {"timing": VARIABLE_TIMING, **CUE}, batch_size=8, mode="trial",
                      seed=1, path=path, batch_first=True)
    lengths = set()
    for _ in range(3):
        batch = dataset.batch()
        assert np.array_equal(batch.trial_start[:, 0], np.ones(8, bool))
        assert not batch.trial_start[:, 1:].any()
        for row in range(8):
            decision = np.flatnonzero(batch.inputs[row, :, 0] == 0)
            n = decision[0] + 1  # the trial ends at its decision step
            lengths.add(n)
            stimulus = np.flatnonzero(batch.inputs[row, :n, 1] != 0)[0]
            expected = _expected_trial_mask(stimulus, n - 1 - stimulus)
            assert np.array_equal(batch.mask[row, :n], expected)
            assert not batch.mask[row, n:].any()  # padding weighs nothing
            assert not batch.inputs[row, n:].any() and not batch.targets[row, n:].any()
        assert batch.inputs.shape[1] == max(
            np.flatnonzero(batch.inputs[r, :, 0] == 0)[0] + 1 for r in range(8)
        )
    assert len(lengths) > 1  # the padding was exercised


def test_trial_mode_pads_to_seq_len() -> None:
    batch = Dataset("dm", batch_size=2, seq_len=30, mode="trial", seed=0).batch()
    assert batch.inputs.shape == (30, 2, 3)
    assert np.array_equal(batch.mask[:, 0], np.r_[np.ones(22), np.zeros(8)])


def test_mask_hook_runs_once_per_trial(register_plugin) -> None:
    dataset = Dataset("dm", batch_size=2, seq_len=100, seed=0, path="fast")

    class Counter(GraceAndFixationWeights):
        built = 0

        @hookimpl
        def neuroplug_trial_built(self, env: Any, trial: dict[str, Any]) -> None:
            self.built += 1

    counter = Counter()
    register_plugin(counter)
    dataset.batch()
    dataset.batch()
    # 200 steps per row, 22 steps per trial: every trial built got exactly one mask
    assert counter.calls == counter.built >= 2 * 200 // 22


class GraceLayer(neuroplug.Layer):
    """A wrapper shaping the loss: no weight on the first ``grace`` steps of the stimulus."""

    def __init__(self, env: Any, grace: int = 3) -> None:
        super().__init__(env, grace=grace)
        self.grace = grace
        self.attach()

    @hookimpl
    def neuroplug_loss_mask(self, env: Any, trial: dict[str, Any], mask: np.ndarray) -> None:
        start = env.start_ind["stimulus"]
        mask[start : start + self.grace] = 0.0


def test_mask_hook_on_a_layer() -> None:
    dataset = Dataset(GraceLayer(neuroplug.make("dm"), grace=3), batch_size=2, seq_len=44,
                      seed=0)
    assert dataset.path == "fast"
    batch = dataset.batch()
    expected = np.ones(22, np.float32)
    expected[1:4] = 0
    assert np.array_equal(batch.mask[:, 0], np.r_[expected, expected])


def test_task_method_shapes_the_mask_first(register_plugin) -> None:
    task = neuroplug.make("dm")
    seen: list[float] = []

    def own(env: Any, trial: dict[str, Any], mask: np.ndarray) -> None:
        mask[:] = 5.0

    task.neuroplug_loss_mask = own

    class Later:
        @hookimpl
        def neuroplug_loss_mask(self, env: Any, trial: dict[str, Any], mask: np.ndarray):
            seen.append(float(mask[0]))
            mask[-1] = 0.5

    register_plugin(Later())
    batch = Dataset(task, batch_size=1, seq_len=22, seed=0).batch()
    assert seen[0] == 5.0
    assert np.array_equal(batch.mask[:, 0], np.r_[np.full(21, 5.0), 0.5])


# --- equality with a rollout of the same seeded stack -------------------------------


def _rollout(stack: Any, seed: int, n_steps: int) -> tuple[np.ndarray, np.ndarray]:
    """Step ``stack`` with the ground-truth actions, as an agent would be judged."""
    obs, _ = stack.reset(seed=seed)
    inputs, targets = [], []
    for _ in range(n_steps):
        inputs.append(obs)
        task = stack.unwrapped
        obs, _, _, _, info = stack.step(task.gt[task.t_ind])
        targets.append(info["gt"])
    return np.asarray(inputs), np.asarray(targets)


WRAPPERS = [("noise", {"std_noise": 0.3}), "pass_reward"]


def _require(*names: str) -> None:
    missing = [n for n in names if n not in neuroplug.list_wrappers()]
    if missing:
        pytest.skip(f"wrappers not registered yet: {missing}")


def test_batches_equal_a_rollout_with_noise_and_pass_reward() -> None:
    _require("noise", "pass_reward")
    dataset = Dataset(("dm", CUE), batch_size=3, seq_len=60, seed=7, wrappers=WRAPPERS)
    assert dataset.path == "step" and "neuroplug_observation" in dataset.path_reason
    batches = [dataset.batch(), dataset.batch()]
    inputs = np.concatenate([b.inputs for b in batches])
    targets = np.concatenate([b.targets for b in batches])
    for row in range(3):
        stack = neuroplug.make_stack("dm", WRAPPERS, **CUE)
        expected_inputs, expected_targets = _rollout(stack, dataset.row_seeds[row], 120)
        np.testing.assert_array_equal(inputs[:, row], expected_inputs)
        np.testing.assert_array_equal(targets[:, row], expected_targets)
    assert inputs.shape[-1] == 4
    # the wrappers really acted: previous reward 1 right after each correct decision
    rewarded = np.flatnonzero(inputs[:, 0, -1] == 1.0)
    assert np.array_equal(rewarded - 1, np.flatnonzero(targets[:, 0] != 0)[: len(rewarded)])
    fixation = inputs[:, 0, 0]
    assert np.std(fixation[fixation > 0.5] - 1) == pytest.approx(0.3, rel=0.2)


def test_trial_mode_rows_equal_rollout_trials() -> None:
    _require("noise", "pass_reward")
    dataset = Dataset("dm", batch_size=2, mode="trial", seed=3, wrappers=WRAPPERS)
    batches = [dataset.batch() for _ in range(3)]
    stack = neuroplug.make_stack("dm", WRAPPERS)
    inputs, targets = _rollout(stack, dataset.row_seeds[1], 3 * 22)
    for k, batch in enumerate(batches):
        np.testing.assert_array_equal(batch.inputs[:, 1], inputs[22 * k : 22 * (k + 1)])
        np.testing.assert_array_equal(batch.targets[:, 1], targets[22 * k : 22 * (k + 1)])


class AlternatingChoice(neuroplug.TrialWrapper):
    """A trial-generation layer drawing from the task's generator (fast-path eligible)."""

    def __init__(self, env: Any) -> None:
        super().__init__(env)
        self.attach()

    @hookimpl
    def neuroplug_trial_params(self, env: Any, params: dict[str, Any]) -> None:
        params["ground_truth"] = int(env.rng.integers(2))
        params["coh"] = 51.2 if env.num_tr % 2 else 6.4


@pytest.mark.parametrize("mode", ["continuous", "trial"])
@pytest.mark.parametrize(
    "env", [lambda: "dm", lambda: AlternatingChoice(neuroplug.make("dm", sigma=0.5))]
)
def test_fast_and_step_paths_are_identical(mode: str, env: Any) -> None:
    kwargs = {"batch_size": 4, "seq_len": 70 if mode == "continuous" else None, "seed": 11,
              "mode": mode}
    fast = Dataset(env(), path="fast", **kwargs)
    step = Dataset(env(), path="step", **kwargs)
    assert fast.path == "fast" and step.path == "step"
    for _ in range(3):
        assert _same(fast.batch(), step.batch())


def test_auto_path_falls_back_when_trials_end_early() -> None:
    # dt=20: the decision lasts 5 steps but a perfect agent ends the trial at the first
    dataset = Dataset("dm", {"dt": 20}, batch_size=2, seq_len=300, seed=0, full_trials=False)
    assert dataset.path == "step"
    assert "ends after 106 of its 110 steps" in dataset.path_reason
    with pytest.raises(ValueError, match="path='fast' is not possible here: under the ground"):
        Dataset("dm", {"dt": 20}, batch_size=2, seq_len=30, path="fast", full_trials=False)
    batch = dataset.batch()
    assert np.array_equal(np.flatnonzero(batch.trial_start[:, 0]), [0, 106, 212])


MULTI = [("dm", CUE), ("dm", {"cohs": [51.2], **CUE})]
SCHEDULE = ("schedule_envs", {"schedule": "sequential", "env_input": True})


def test_multi_task_stack_rolled_out() -> None:
    # at dt=20 a perfect agent ends a trial at the first of its 5 decision steps
    dataset = Dataset(MULTI, {"dt": 20}, batch_size=2, seq_len=330, seed=1,
                      wrappers=[SCHEDULE], full_trials=False)
    assert dataset.path == "step"
    batch = dataset.batch()
    starts = np.flatnonzero(batch.trial_start[:, 0])
    # one-hot env input alternates trial by trial
    env_index = batch.inputs[starts, 0, -2:].argmax(axis=1)
    assert len(starts) >= 3 and np.all(np.diff(env_index) != 0)
    # each step was driven by the active task's ground truth: the choice target falls on
    # the decision step (fixation input off) of whichever task runs the trial
    assert np.array_equal(batch.targets != 0, batch.inputs[..., 0] == 0)
    ends = np.flatnonzero(batch.targets[:, 0]) + 1  # each trial ends at its first answer
    assert np.array_equal(ends[ends < len(batch.targets)], starts[1:])


@pytest.mark.parametrize("wrappers", [[SCHEDULE], [SCHEDULE, "side_bias"],
                                      [("multi_envs", {"env_input": True})]])
def test_multi_task_stack_gives_neurogyms_whole_trials_by_default(wrappers) -> None:
    """As NeuroGym's Dataset: stack.new_trial(), then stack.ob (with the env one-hot) and
    stack.gt, back to back."""
    dataset = Dataset(MULTI, {"dt": 20}, batch_size=2, seq_len=400, seed=3,
                      wrappers=wrappers)
    assert dataset.path == "fast" and dataset.full_trials
    reference = neuroplug.make_stack([("dm", CUE), ("dm", {"cohs": [51.2], **CUE})],
                                     wrappers, dt=20)
    reference.reset(seed=dataset.row_seeds[0])
    inputs, targets = [reference.ob], [reference.gt]
    while sum(map(len, inputs)) < 400:
        reference.new_trial()
        inputs.append(reference.ob)
        targets.append(reference.gt)
    batch = dataset.batch()
    np.testing.assert_array_equal(batch.inputs[:, 0], np.concatenate(inputs)[:400])
    np.testing.assert_array_equal(batch.targets[:, 0], np.concatenate(targets)[:400])
    # whole decision periods (5 steps at dt=20), not cut at a perfect agent's answer
    decision = np.diff(np.flatnonzero(np.diff(np.r_[0, batch.targets[:, 0] > 0, 0])))[::2]
    assert set(decision[:-1]) == {5}
    one_hot = batch.inputs[:, 0, -2:]
    assert np.all(one_hot.sum(axis=1) == 1)


def test_multi_task_stack_with_per_step_work_inside_is_rolled_out() -> None:
    tasks = [neuroplug.make("dm"), neuroplug.get_wrapper("noise").factory(neuroplug.make("dm"))]
    stack = neuroplug.get_wrapper("schedule_envs").factory(tasks, "random")
    dataset = Dataset(stack, batch_size=1, seq_len=30, seed=0)
    assert dataset.path == "step" and not dataset.full_trials
    assert "neuroplug_observation implemented by Noise" in dataset.path_reason
    with pytest.raises(ValueError, match="full_trials=True copies whole trial buffers"):
        Dataset(stack, batch_size=1, seq_len=30, seed=0, full_trials=True)


# --- seeding ------------------------------------------------------------------------


def test_same_seed_same_batches_different_seed_different() -> None:
    a = Dataset("dm", batch_size=4, seq_len=50, seed=5)
    b = Dataset("dm", batch_size=4, seq_len=50, seed=5)
    c = Dataset("dm", batch_size=4, seq_len=50, seed=6)
    for _ in range(3):
        x, y, z = a.batch(), b.batch(), c.batch()
        assert _same(x, y)
        assert not np.array_equal(x.inputs, z.inputs)
    # rows are independent streams too
    assert not np.array_equal(x.inputs[:, 0], x.inputs[:, 1])


def test_unseeded_datasets_differ() -> None:
    a, b = Dataset("dm", batch_size=2, seq_len=30), Dataset("dm", batch_size=2, seq_len=30)
    assert not np.array_equal(a.batch().inputs, b.batch().inputs)


def test_split_and_workers_are_independent_and_reproducible() -> None:
    parent = Dataset("dm", batch_size=2, seq_len=40, seed=9)
    train, validation = parent.split(2)
    first = [train.batch().inputs, validation.batch().inputs, parent.batch().inputs]
    assert not np.array_equal(first[0], first[1])
    assert not np.array_equal(first[0], first[2])
    assert not np.array_equal(first[1], first[2])
    again = Dataset("dm", batch_size=2, seq_len=40, seed=9).split(3)
    assert np.array_equal(again[0].batch().inputs, first[0])
    worker = Dataset("dm", batch_size=2, seq_len=40, seed=9, worker=1)
    assert np.array_equal(worker.batch().inputs, first[1])
    with pytest.raises(ValueError, match="n must be an int >= 1, got 0"):
        parent.split(0)


def test_pickled_dataset_continues_its_stream() -> None:
    dataset = Dataset("dm", batch_size=2, seq_len=30, seed=0)
    dataset.batch()
    clone = pickle.loads(pickle.dumps(dataset))
    assert _same(dataset.batch(), clone.batch())


@pytest.mark.parametrize("path", ["vectorized", "fast", "step"])
def test_memory_does_not_grow(path: str) -> None:
    import tracemalloc

    dataset = Dataset("dm", batch_size=8, seq_len=100, seed=0, path=path)
    tracemalloc.start()
    try:
        for _ in range(30):
            dataset.batch()
        steady, _ = tracemalloc.get_traced_memory()
        for _ in range(150):
            dataset.batch()
        current, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert current - steady < 100_000


# --- the vectorized path (tasks with build_trials) ------------------------------------


DM_CONFIGS = [
    {},
    {"timing": VARIABLE_TIMING},
    {"sigma": 0},
    {"dim_ring": 3, "cohs": [0, 50]},
]


@pytest.mark.parametrize("mode", ["continuous", "trial"])
@pytest.mark.parametrize("config", DM_CONFIGS)
def test_vectorized_path_equals_rollouts(config: dict[str, Any], mode: str) -> None:
    kwargs = {"batch_size": 3, "seq_len": 90 if mode == "continuous" else None, "seed": 2,
              "mode": mode}
    vectorized = Dataset("dm", config, **kwargs)
    assert vectorized.path == "vectorized", vectorized.path_reason
    step = Dataset("dm", config, path="step", **kwargs)
    # enough batches to cross several blocks of BLOCK_TRIALS trials
    for _ in range(25 if mode == "trial" else 20):
        assert _same(vectorized.batch(), step.batch())


def test_vectorized_path_steps_aside_for_per_trial_hooks(register_plugin) -> None:
    register_plugin(GraceAndFixationWeights())
    dataset = Dataset("dm", batch_size=2, seq_len=30, seed=0)
    assert dataset.path == "fast"
    assert dataset.path_reason.startswith("whole trial buffers")
    with pytest.raises(ValueError, match="neuroplug_loss_mask hooks run per trial"):
        Dataset("dm", batch_size=2, seq_len=30, path="vectorized")


def test_a_wrong_build_trials_is_caught_by_the_probe() -> None:
    task = neuroplug.make("dm")
    honest = task.build_trials

    def shuffled(n: int) -> Any:
        block = honest(n)
        return neuroplug.dataset.TrialBlock(ob=block.ob[::-1].copy(), gt=block.gt,
                                            lengths=block.lengths)

    task.build_trials = shuffled
    dataset = Dataset(task, batch_size=2, seq_len=30, seed=0)
    assert dataset.path == "fast"
    with pytest.raises(ValueError, match="path='vectorized' is not possible here: trial 1 "):
        Dataset(task, batch_size=2, seq_len=30, path="vectorized")
    task.build_trials = None
    with pytest.raises(ValueError, match="task PerceptualDecisionMaking has no build_trials"):
        Dataset(task, batch_size=2, seq_len=30, path="vectorized")


# --- full_trials: whole buffers, as NeuroGym ----------------------------------------


@pytest.mark.parametrize("mode", ["continuous", "trial"])
def test_full_trials_keep_whole_buffers(mode: str) -> None:
    # dt=20: a 5-step decision period, which a perfect agent's trial ends at its first step
    kwargs = {"batch_size": 2, "seq_len": 330 if mode == "continuous" else None, "seed": 0,
              "mode": mode, "full_trials": True}
    vectorized = Dataset("dm", {"dt": 20}, **kwargs)
    fast = Dataset("dm", {"dt": 20}, path="fast", **kwargs)
    assert (vectorized.path, fast.path) == ("vectorized", "fast")
    for _ in range(8):
        batch = vectorized.batch()
        assert _same(batch, fast.batch())
    starts = np.flatnonzero(batch.trial_start[:, 0])
    assert np.array_equal(starts, [0] if mode == "trial" else [0, 110, 220])
    choice = np.flatnonzero(batch.targets[:110, 0])
    assert np.array_equal(choice, np.arange(105, 110))  # the whole decision period
    assert batch.mask[:110].all()


def test_full_trials_need_a_stack_without_per_step_work() -> None:
    _require("noise")
    with pytest.raises(ValueError, match=r"full_trials=True copies whole trial buffers.*"
                                         r"neuroplug_observation implemented by Noise"):
        Dataset("dm", wrappers=["noise"], full_trials=True)
    with pytest.raises(ValueError, match="path='step' was requested"):
        Dataset("dm", full_trials=True, path="step")
    with pytest.raises(ValueError, match="full_trials must be True, False or None, got 1"):
        Dataset("dm", full_trials=1)
    assert Dataset("dm", full_trials=True, seed=0).split(2)[1].full_trials


# --- every registered task ----------------------------------------------------------


@pytest.mark.parametrize("task", neuroplug.list_tasks())
def test_every_task_batches_identically_on_every_path(task: str) -> None:
    kwargs = {"batch_size": 2, "seq_len": 60, "seed": 0, "full_trials": False}
    try:
        auto = Dataset(task, **kwargs)
        auto_batch = auto.batch()
    except ValueError as exc:  # a task without ground truth cannot give targets
        assert "sets no ground truth" in str(exc)
        return
    step = Dataset(task, path="step", **kwargs)
    assert _same(auto_batch, step.batch()), auto.path
    assert _same(auto.batch(), step.batch()), auto.path
    trial = Dataset(task, batch_size=2, mode="trial", seed=0).batch()
    assert trial.mask[0].all() and trial.trial_start[0].all()


def test_plugins_registered_later_are_not_skipped_silently(register_plugin) -> None:
    vectorized = Dataset("dm", batch_size=2, seq_len=30, seed=0)
    fast = Dataset("dm", batch_size=2, seq_len=30, seed=0, path="fast")
    assert vectorized.path == "vectorized"
    vectorized.batch()
    register_plugin(GraceAndFixationWeights())
    with pytest.raises(RuntimeError, match=r"chose path='vectorized', which no longer "
                                           r"applies \(neuroplug_loss_mask hooks run"):
        vectorized.batch()
    fast.batch()  # the fast path runs loss-mask hooks: fine

    class Logger:
        @hookimpl
        def neuroplug_log_trial(self, env: Any, record: dict[str, Any]) -> None:
            pass

    register_plugin(Logger())
    with pytest.raises(RuntimeError, match="trial logging: neuroplug_log_trial implemented"):
        fast.batch()


def test_docs_first_example_runs() -> None:
    from pathlib import Path

    page = (Path(__file__).resolve().parents[1] / "docs" / "datasets.md").read_text()
    code = page.split("```python\n", 1)[1].split("```", 1)[0]
    namespace: dict[str, Any] = {}
    exec(compile(code, "docs/datasets.md", "exec"), namespace)
    assert namespace["inputs"].shape == (100, 64, 4)  # noise > pass_reward: 3 + 1 entries
    assert namespace["batch"].mask.shape == (100, 64)
