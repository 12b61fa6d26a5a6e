"""ReactionTime: responses during the stimulus, urgency, end_on_stimulus, tr_dur, checks."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env

import neuroplug
from neuroplug import IncompatibleWrapperError, TrialEnv, spaces
from neuroplug_plugins.reaction_time import ReactionTime

# fixation 2 steps, stimulus 5 steps, delay 3 steps, decision 2 steps
TIMING = {"fixation": 200, "stimulus": 500, "delay": 300, "decision": 200}
REWARDS = {"abort": -0.1, "correct": 1.0, "fail": -1.0}


def make_rt(urgency=-0.05, end_on_stimulus=True, **kwargs):
    task = neuroplug.make("dm", sigma=0, timing=TIMING, rewards=REWARDS, **kwargs)
    return ReactionTime(task, urgency=urgency, end_on_stimulus=end_on_stimulus)


def fixate_until_stimulus(env):
    task = env.unwrapped
    rewards = []
    while task.t_ind < task.start_ind["stimulus"]:
        _, reward, _, _, info = env.step(0)
        assert not info["new_trial"]
        rewards.append(reward)
    return rewards


@pytest.mark.parametrize("end_on_stimulus", [True, False])
@pytest.mark.parametrize(("correct", "expected"), [(True, 1.0), (False, -1.0)])
def test_response_at_first_stimulus_step_is_not_judged(end_on_stimulus, correct, expected):
    """As in NeuroGym 2.3.1: the window opens one step after stimulus onset."""
    env = make_rt(urgency=-0.05, end_on_stimulus=end_on_stimulus)
    task = env.unwrapped
    env.reset(seed=0)
    for _ in range(20):  # over several trials, both choices
        rewards = fixate_until_stimulus(env)
        assert rewards == [pytest.approx(-0.05)] * 2  # urgency on every fixation step
        assert task.t_ind == 2  # the first stimulus step
        gt = task.trial["ground_truth"] + 1
        action = gt if correct else 3 - gt
        _, reward, _, _, info = env.step(action)
        assert not info["new_trial"] and reward == pytest.approx(-0.05)  # not judged
        _, reward, _, _, info = env.step(action)  # the second stimulus step is
        assert info["new_trial"]
        assert reward == pytest.approx(expected - 0.05)
        assert info["performance"] == int(correct)
        assert info["tr_dur"] == 4
        assert task.t_ind == 0  # the next trial started


@pytest.mark.parametrize("end_on_stimulus", [True, False])
def test_response_late_in_stimulus_is_judged(end_on_stimulus):
    env = make_rt(urgency=0.0, end_on_stimulus=end_on_stimulus)
    task = env.unwrapped
    env.reset(seed=1)
    fixate_until_stimulus(env)
    for _ in range(4):
        assert env.step(0)[1] == 0.0  # fixating during the stimulus is fine
    assert task.t_ind == 6  # last stimulus step
    _, reward, _, _, info = env.step(task.trial["ground_truth"] + 1)
    assert info["new_trial"] and reward == 1.0 and info["tr_dur"] == 7


def test_end_on_stimulus_true_ends_trial_when_stimulus_ends():
    env = make_rt(urgency=-0.01, end_on_stimulus=True)
    task = env.unwrapped
    env.reset(seed=0)
    assert task.tmax == 700 and task.ob.shape[0] == 7 and task.gt.shape[0] == 7
    assert (task.start_ind["decision"], task.end_ind["decision"]) == (3, 7)
    lengths, rewards = [], []
    steps = 0
    for _ in range(7 * 30):
        _, reward, _, _, info = env.step(0)
        steps += 1
        rewards.append(reward)
        if info["new_trial"]:
            lengths.append(info["tr_dur"])
            assert info["tr_dur"] == steps and info["performance"] == 0
            steps = 0
    assert lengths == [7] * 30
    assert rewards == [pytest.approx(-0.01)] * len(rewards)


def test_end_on_stimulus_false_keeps_timing_and_allows_early_and_delay_responses():
    env = make_rt(urgency=0.0, end_on_stimulus=False)
    task = env.unwrapped
    env.reset(seed=0)
    assert task.tmax == 1200 and task.ob.shape[0] == 12
    assert (task.start_ind["decision"], task.end_ind["decision"]) == (3, 12)
    # no response: the trial runs its original 12 steps
    for i in range(12):
        _, _, _, _, info = env.step(0)
        assert info["new_trial"] == (i == 11)
    assert info["tr_dur"] == 12
    # a response in the delay (steps 7-9) is judged like one in the decision period
    for _ in range(8):
        env.step(0)
    assert task.in_period("delay")
    _, reward, _, _, info = env.step(task.trial["ground_truth"] + 1)
    assert info["new_trial"] and reward == 1.0 and info["tr_dur"] == 9


def test_breaking_fixation_before_stimulus_is_still_an_abort():
    env = make_rt(urgency=-0.05)
    env.reset(seed=0)
    _, reward, _, _, info = env.step(1)
    assert reward == pytest.approx(-0.1 - 0.05)
    assert not info["new_trial"]


def test_ground_truth_is_the_choice_during_the_stimulus():
    env = make_rt()
    task = env.unwrapped
    env.reset(seed=3)
    for _ in range(50):
        trial = task.new_trial()
        np.testing.assert_array_equal(task.gt, [0, 0, 0] + [trial["ground_truth"] + 1] * 4)


def test_oracle_reaction_time_agent_is_fast_and_correct():
    env = make_rt(urgency=-0.01, end_on_stimulus=True)
    task = env.unwrapped
    env.reset(seed=0)
    durations, perf = [], []
    while len(perf) < 300:
        _, _, _, _, info = env.step(task.gt_now)
        if info["new_trial"]:
            durations.append(info["tr_dur"])
            perf.append(info["performance"])
    assert np.mean(perf) == 1.0 and set(durations) == {4}


def test_check_env_and_reproducible():
    check_env(make_rt(), skip_render_check=True)
    runs = []
    for _ in range(2):
        env = make_rt()
        obs, _ = env.reset(seed=9)
        run = [obs]
        rng = np.random.default_rng(0)
        for _ in range(500):
            obs, reward, _, _, info = env.step(int(rng.integers(3)))
            run.append(np.append(obs, [reward, info.get("tr_dur", -1)]))
        runs.append(np.array(run, dtype=object))
    for a, b in zip(*runs, strict=True):
        np.testing.assert_array_equal(a, b)


def test_by_name_with_defaults():
    env = neuroplug.make_stack("dm", ["reaction_time"])
    assert env.urgency == 0.0 and env.end_on_stimulus is True
    env.reset(seed=0)
    assert env.unwrapped.tmax == 2100  # fixation 100 + stimulus 2000


class NoDecisionTask(TrialEnv):
    def __init__(self):
        super().__init__(dt=100)
        self.timing = {"fixation": 100, "stimulus": 300}
        self.observation_space = spaces.Box(-np.inf, np.inf, shape=(1,))
        self.action_space = spaces.Discrete(2)

    def _new_trial(self, **kwargs):
        self.add_period(["fixation", "stimulus"])
        self.add_ob(1.0)
        return {}

    def _step(self, action):
        return None, 0.0, False, False, {}


class UntimedTask(NoDecisionTask):
    """Periods with explicit durations and no timing dict: found by building a trial."""

    def __init__(self):
        super().__init__()
        self.timing = {}

    def _new_trial(self, **kwargs):
        decision = float(self.rng.choice([100, 200]))
        self.add_period(["fixation", "stimulus", "decision"], [100, 300, decision])
        self.set_groundtruth(1, "decision")
        return {}


def test_incompatible_task_is_refused_at_construction():
    with pytest.raises(IncompatibleWrapperError,
                       match=r"ReactionTime on NoDecisionTask: needs 'stimulus' and 'decision'"
                             r".*no 'decision' period"):
        ReactionTime(NoDecisionTask())


def test_periods_found_by_probe_trial_without_changing_the_task():
    task = UntimedTask()
    task.reset(seed=4)
    state = task.np_random.bit_generator.state
    trial = task.trial
    env = ReactionTime(task)
    assert task.np_random.bit_generator.state == state
    assert task.trial is trial and task.num_tr == 1
    env.reset(seed=0)
    assert (task.start_ind["decision"], task.end_ind["decision"]) == (2, 4)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"urgency": "high"}, "urgency must be a finite number, got 'high'"),
        ({"urgency": float("inf")}, "urgency must be a finite number"),
        ({"end_on_stimulus": "yes"}, "end_on_stimulus must be True or False, got 'yes'"),
    ],
)
def test_invalid_arguments(kwargs, match):
    with pytest.raises(TypeError, match=match):
        ReactionTime(neuroplug.make("dm"), **kwargs)


def run_doc_example(page: str) -> None:
    """Run the example (the last ``python`` block) of ``docs/wrappers/<page>.md``."""
    text = (Path(__file__).resolve().parents[1] / "docs" / "wrappers" / f"{page}.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    assert blocks, f"docs/wrappers/{page}.md has no python example"
    exec(compile(blocks[-1], f"docs/wrappers/{page}.md", "exec"), {})


def test_doc_example_runs():
    run_doc_example("reaction_time")
