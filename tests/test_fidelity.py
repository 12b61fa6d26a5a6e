"""NeuroGym 2.3.1 fidelity: its behaviour by default (numbers measured with NeuroGym 2.3.1 in
its own environment, written in here), and every declared difference documented and tested.

The side-by-side check against a live NeuroGym is ``benchmarks/fidelity_vs_neurogym.py``.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from itertools import groupby
from pathlib import Path

import numpy as np
import pytest

import neuroplug
from neuroplug import TrialEnv, spaces
from neuroplug.fidelity import KINDS, declare_difference, declared_differences

ROOT = Path(__file__).resolve().parents[1]


# --- the declarations ------------------------------------------------------------------


def test_differences_page_is_generated_from_the_declarations_and_current():
    proc = subprocess.run(
        [sys.executable, str(ROOT / "docs/scripts/differences_doc.py"), "--check"],
        capture_output=True, text=True, check=False,
    )
    assert proc.returncode == 0, proc.stderr


def _test_functions(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    return {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)}


@pytest.mark.parametrize("difference", declared_differences(), ids=lambda d: d.key)
def test_every_declared_difference_names_a_test_that_exists(difference):
    path, _, name = difference.test.partition("::")
    assert (ROOT / path).is_file(), f"{difference.key}: no test file {path}"
    assert name in _test_functions(ROOT / path), f"{difference.key}: no test {name} in {path}"
    assert difference.kind in KINDS
    assert difference.module.startswith(("neuroplug", "neuroplug_plugins"))


def test_the_issue_list_of_differences_is_declared():
    keys = {d.key for d in declared_differences()}
    assert {
        "dm.fixation_through_stimulus", "side_bias.seeded_first_block",
        "reaction_time.tr_dur", "schedule_envs.reset_keeps_the_schedule",
        "go_nogo.withheld_nogo_is_correct", "dataset.per_step_stacks",
        "monitor.file_format", "core.reset_takes_no_step", "core.reset_seed",
    } <= keys


def test_declaring_checks_its_arguments():
    args = {"component": "x", "neurogym": "a", "neuroplug": "b", "reason": "c",
            "test": "tests/test_fidelity.py::test_declaring_checks_its_arguments"}
    with pytest.raises(ValueError, match="kind must be one of"):
        declare_difference("x.y", kind="better", **args)
    with pytest.raises(ValueError, match="test must be a pytest node id"):
        declare_difference("x.y", kind="design", **{**args, "test": "test_something"})


# --- timing ----------------------------------------------------------------------------


def test_period_durations_are_floored_to_dt_as_in_neurogym():
    # NeuroGym 2.3.1: PerceptualDecisionMaking-v0 with stimulus 750 ms at dt=100 has
    # 9 steps (fixation 1 + stimulus 7 + decision 1).
    env = neuroplug.make("dm", timing={"stimulus": 750})
    env.reset(seed=0)
    task = env.unwrapped
    assert task.ob.shape[0] == 9
    assert (task.start_ind["stimulus"], task.end_ind["stimulus"]) == (1, 8)
    assert task.sample_time("stimulus") == 700


class _Periods(TrialEnv):
    def __init__(self):
        super().__init__(dt=100)
        self.timing = {"a": 200, "b": 300}
        self.observation_space = spaces.Box(-1, 1, shape=(1,), dtype=np.float32)
        self.action_space = spaces.Discrete(2)

    def _new_trial(self, **kwargs):
        self.add_period("a")
        self.add_period("b")
        self.add_period("c", duration=150, after="b")  # not a multiple of dt
        return {}

    def _step(self, action):
        return None, 0.0, False, False, {}


def test_add_period_alone_follows_the_last_period():
    task = _Periods()
    task.reset(seed=0)
    assert (task.start_ind["b"], task.end_ind["b"]) == (2, 5)  # NeuroGym: (0, 3)
    # an explicit duration keeps its ms and covers int(start / dt) .. int(end / dt), as in
    # NeuroGym: 500-650 ms is step 5 only
    assert (task.start_t["c"], task.end_t["c"]) == (500, 650)
    assert (task.start_ind["c"], task.end_ind["c"]) == (5, 6)
    assert task.ob.shape[0] == 6 and task.tmax == 600


def test_info_trial_is_the_trial_that_ended():
    env = neuroplug.make("dm")
    env.reset(seed=0)
    task = env.unwrapped
    for _ in range(20):
        trial = dict(task.trial)
        while True:
            _, _, _, _, info = env.step(task.gt[task.t_ind])
            if info["new_trial"]:
                break
        assert info["trial"] == trial and info["performance"] == 1
        assert task.trial is not None and task.t_ind == 0


# --- dm --------------------------------------------------------------------------------


def test_dm_fixation_input_and_abort_are_neurogyms():
    env = neuroplug.make("dm")
    env.reset(seed=0)
    task = env.unwrapped
    # NeuroGym 2.3.1: ob[:, 0] of a default trial is [1, 0, 0, ..., 0] (22 steps)
    assert task.ob[:, 0].tolist() == [1.0] + [0.0] * 21
    env.reset(seed=0)
    assert env.step(1)[1] == pytest.approx(-0.1)  # fixation period: abort
    assert env.step(1)[1] == 0.0  # stimulus: not judged
    assert not task.trial_router and task.t_ind == 2


def test_dm_random_agent_reward_per_trial_matches_neurogym():
    # NeuroGym 2.3.1, 200,000 steps of uniform actions: 0.2615 per trial over 9090 trials;
    # in expectation -0.1 * 2/3 + 1/3 = 0.267. Ours within 0.02 of both.
    env = neuroplug.make("dm")
    env.reset(seed=0)
    rng = np.random.default_rng(0)
    total = trials = 0
    for action in rng.integers(3, size=100_000):
        _, reward, _, _, info = env.step(int(action))
        total += reward
        trials += info["new_trial"]
    assert trials == 100_000 // 22
    assert total / trials == pytest.approx(0.2615, abs=0.02)


def test_dm_fixation_through_stimulus_option():
    env = neuroplug.make("dm", fixation_through_stimulus=True)
    env.reset(seed=0)
    task = env.unwrapped
    assert task.ob[:, 0].tolist() == [1.0] * 21 + [0.0]
    rewards = [env.step(1)[1] for _ in range(21)]
    assert rewards == [pytest.approx(-0.1)] * 21  # fixation required until the decision
    with pytest.raises(TypeError, match="fixation_through_stimulus must be True or False"):
        neuroplug.make("dm", fixation_through_stimulus="yes")


# --- wrappers --------------------------------------------------------------------------


def test_side_bias_first_block_is_one_short_as_in_neurogym():
    # NeuroGym 2.3.1, SideBias(probs=[[1, 0], [0, 1]], block_dur=5): the block after reset
    # lasts 4 trials (the trial reset builds counts), then every block 5.
    env = neuroplug.make_stack("dm", [("side_bias", {"probs": [[1.0, 0.0], [0.0, 1.0]],
                                                      "block_dur": 5})])
    env.reset(seed=0)
    task = env.unwrapped
    sides = [task.trial["ground_truth"]] + [task.new_trial()["ground_truth"] for _ in range(40)]
    lengths = [len(list(run)) for _, run in groupby(sides)]
    assert lengths[:-1] == [4] + [5] * (len(lengths) - 2)


def test_side_bias_and_trial_history_put_probs_in_the_trial():
    env = neuroplug.make_stack("dm", [("side_bias", {"probs": [[0.9, 0.1], [0.1, 0.9]]})])
    env.reset(seed=0)
    trial = env.unwrapped.trial
    np.testing.assert_array_equal(trial["probs"], env.choice_prob[env.curr_block])
    history = neuroplug.make_stack("dm", ["trial_history_v2"])
    history.reset(seed=0)
    np.testing.assert_array_equal(history.unwrapped.trial["probs"], history.probs)


def test_schedules_start_at_zero_and_move_on_as_in_neurogym():
    from neuroplug_plugins.schedules import (
        RandomBlockSchedule,
        RandomSchedule,
        SequentialBlockSchedule,
        SequentialSchedule,
    )
    from tests.test_schedules import draw as draws

    # NeuroGym 2.3.1: SequentialSchedule(3) -> 1, 2, 0, 1, 2;
    # SequentialBlockSchedule(2, [2, 3]) -> 0, 0, 1, 1, 1, 0, 0, 1
    assert draws(SequentialSchedule(3), 5) == [1, 2, 0, 1, 2]
    assert draws(SequentialBlockSchedule(2, [2, 3]), 8) == [0, 0, 1, 1, 1, 0, 0, 1]
    assert {draws(RandomSchedule(3), 1, seed)[0] for seed in range(40)} == {1, 2}
    firsts = {tuple(draws(RandomBlockSchedule(3, [2, 2, 2]), 2, seed)) for seed in range(20)}
    assert firsts == {(0, 0)}


def test_schedule_envs_first_block_has_its_full_length():
    # NeuroGym 2.3.1 gives env 0, 0, 1, 1, 1, 0, 0, 0, ... (a first block of 2): its reset
    # resets the other env through the wrapper, which calls the schedule once more.
    env = neuroplug.make_stack(
        [("dm", {"cohs": [0.0]}), ("dm", {"cohs": [51.2]})],
        [("schedule_envs", {"schedule": ("sequential_block", {"block_lens": [3, 3]})})],
    )
    env.reset(seed=0)
    envs = [env.i_env]
    while len(envs) < 11:
        if env.step(0)[4]["new_trial"]:
            envs.append(env.i_env)
    assert envs == [0, 0, 0, 1, 1, 1, 0, 0, 0, 1, 1]


# --- tasks and the dataset -------------------------------------------------------------


def test_yang19_dm1_stimulus_lasts_200_400_or_600_ms():
    # NeuroGym 2.3.1: yang19.dm1-v0's stimulus lasts 2, 4 or 6 steps at its dt of 100.
    env = neuroplug.make("yang19.dm1")
    env.reset(seed=0)
    task = env.unwrapped
    lengths = set()
    for _ in range(300):
        task.new_trial()
        lengths.add(task.end_ind["stimulus"] - task.start_ind["stimulus"])
    assert task.dt == 100 and lengths == {2, 4, 6}


@pytest.mark.parametrize("name", ["yang19.go", "yang19.dlyanti", "delay_paired_association",
                                  "delay_match_sample_distractor_1d"])
def test_yang19_go_family_is_noiseless_by_default(name):
    # NeuroGym 2.3.1 adds no noise to these tasks (it has or ignores sigma); sigma > 0 does
    task = neuroplug.make(name).unwrapped
    task.reset(seed=0)
    assert task.sigma == 0
    values = np.unique(np.round(task.ob, 6))
    noisy = neuroplug.make(name, sigma=1.0).unwrapped
    noisy.reset(seed=0)
    assert len(np.unique(np.round(noisy.ob, 6))) > 3 * len(values)


def test_dataset_with_neurogyms_call_shape_gives_neurogyms_statistics():
    # NeuroGym 2.3.1: Dataset("DelayMatchSample-v0", batch_size=16, seq_len=100): 0.7216 of
    # the targets are "fixate" (50 batches).
    dataset = neuroplug.Dataset("DelayMatchSample-v0", batch_size=16, seq_len=100, seed=0)
    assert dataset.full_trials is True
    fixate = np.mean([np.mean(dataset()[1] == 0) for _ in range(50)])
    assert fixate == pytest.approx(0.7216, abs=0.02)
    cut = neuroplug.Dataset("DelayMatchSample-v0", batch_size=16, seq_len=100, seed=0,
                            full_trials=False)
    assert np.mean([np.mean(cut()[1] == 0) for _ in range(10)]) > 0.9
