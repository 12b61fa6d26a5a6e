"""The first half of the standard battery (``catalog_a``): contract, timing, oracle, chance.

Every task gets the same battery: gymnasium's ``check_env``, observations in the space under
random actions, seeded reproducibility, trials that end and whose mean length matches the
timing, an oracle that answers the ground truth, a random agent at the chance level computed
for that task, and clear errors for bad parameters.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pytest

import neuroplug
from tests import task_checks
from tests.task_checks import first_response_chance, mean_period_duration

# name -> kwargs that remove the input noise (the oracle reads the ground truth anyway, but
# the brief asks for the noiseless version where there is noise to remove)
NOISELESS = {
    "go_nogo": {},
    "delay_match_sample": {"sigma": 0},
    "context_dm": {"sigma": 0},
    "dm_delay_response": {"sigma": 0},
    "pulse_dm": {},
    "delay_match_sample_distractor_1d": {"sigma": 0},
    "delay_match_category": {"sigma": 0},
    "dual_delay_match_sample": {"sigma": 0},
    "delay_comparison": {"sigma": 0},
    "delay_paired_association": {"sigma": 0},
    "interval_discrimination": {},
    "ready_set_go": {},
    "motor_timing": {},
    "one_two_three_go": {},
}
NAMES = list(NOISELESS)

ALIASES = {
    "go_nogo": "GoNogo-v0",
    "delay_match_sample": "DelayMatchSample-v0",
    "context_dm": "ContextDecisionMaking-v0",
    "dm_delay_response": "PerceptualDecisionMakingDelayResponse-v0",
    "pulse_dm": "PulseDecisionMaking-v0",
    "delay_match_sample_distractor_1d": "DelayMatchSampleDistractor1D-v0",
    "delay_match_category": "DelayMatchCategory-v0",
    "dual_delay_match_sample": "DualDelayMatchSample-v0",
    "delay_comparison": "DelayComparison-v0",
    "delay_paired_association": "DelayPairedAssociation-v0",
    "interval_discrimination": "IntervalDiscrimination-v0",
    "ready_set_go": "ReadySetGo-v0",
    "motor_timing": "MotorTiming-v0",
    "one_two_three_go": "OneTwoThreeGo-v0",
}


def make(name: str, **kwargs):
    return neuroplug.make(name, **kwargs)


# --- registry and metadata ------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_registered_with_alias_and_metadata(name):
    task = make(ALIASES[name]).unwrapped
    assert type(task) is type(make(name).unwrapped)
    meta = type(task).metadata
    assert meta["paper_name"] and meta["paper_link"].startswith("https://")
    assert meta["tags"] and "supervised" in meta["tags"]
    assert meta["render_modes"] == []
    assert (type(task).__doc__ or "").strip(), "the docstring is the task's description"


# --- gymnasium contract and reproducibility -------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_check_env(name):
    task_checks.assert_check_env(make(name))


@pytest.mark.parametrize("name", NAMES)
def test_observations_in_space(name):
    task_checks.assert_obs_in_space(make(name), steps=5000)


@pytest.mark.parametrize("name", NAMES)
def test_reproducible(name):
    task_checks.assert_reproducible(lambda: make(name), steps=2000)


# --- trial lengths --------------------------------------------------------------------


def expected_trial_length(task) -> float:
    """Sum of the mean durations of a trial's periods, from the task's timing."""
    dt, timing = task.dt, task.timing

    def mean(period: str) -> float:
        return mean_period_duration(timing[period], dt)

    name = type(task).__name__
    if name == "ReadySetGo":
        # ready overlaps the start of measure; production lasts 2 * gain * measure
        return mean("fixation") + mean("measure") + mean("set") + 2 * task.gain * mean("measure")
    if name == "MotorTiming":
        # production lasts twice the cued interval, floored to dt
        production = np.mean([2 * v // dt * dt for v in task.intervals])
        return mean("fixation") + mean("cue") + mean("set") + production
    if name == "OneTwoThreeGo":
        # the interval drawn from interval1 is used three times
        return (mean("fixation") + mean("target") + mean("s1") + mean("s2") + mean("s3")
                + 3 * mean("interval1") + mean("response"))
    return sum(mean(period) for period in timing)


@pytest.mark.parametrize("name", NAMES)
def test_trial_length_matches_timing(name):
    env = make(name)
    expected = expected_trial_length(env.unwrapped)
    measured = task_checks.mean_trial_length(env.unwrapped, trials=600)
    assert measured == pytest.approx(expected, rel=0.03)


@pytest.mark.parametrize("name", NAMES)
def test_every_trial_ends_within_its_length(name):
    env = make(name)
    task = env.unwrapped
    env.reset(seed=1)
    env.action_space.seed(1)
    length, steps, ended = task.tmax // task.dt, 0, 0
    for _ in range(3000):
        _, _, _, _, info = env.step(env.action_space.sample())
        steps += 1
        if info["new_trial"]:
            assert steps <= length
            length, steps, ended = task.tmax // task.dt, 0, ended + 1
    assert ended >= 3000 * task.dt / (2 * expected_trial_length(task))


# --- oracle and chance ----------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_oracle_reaches_ceiling_without_noise(name):
    env = make(name, **NOISELESS[name])
    perf = task_checks.run_agent(env, task_checks.oracle, trials=200)
    assert np.mean(perf) >= 0.95


def steps_of(task, period: str) -> int:
    return round(task_checks.expected_mean_duration(task.timing[period], task.dt) / task.dt)


def go_nogo_chance(task) -> float:
    """Go and no-go trials are equally likely; with Go at probability 1/2 per step of the
    k-step decision period a go trial is right if some step is Go (1 - 2^-k), a no-go trial
    if none is (2^-k): (1 - 2^-k) / 2 + 2^-k / 2 = 1/2 whatever k."""
    k = steps_of(task, "decision")
    return 0.5 * (1 - 0.5**k) + 0.5 * 0.5**k


def distractor_chance(task, p_go: float = 0.5) -> float:
    """Any Go after the sample ends the trial; it is right only inside the matching test.
    With Go at probability p per step: P(right | match is test i) = (1-p)^N_i (1 - (1-p)^k_i),
    N_i the steps from the end of the sample to test i, k_i the steps of test i; the
    matching test is uniform over the three."""
    order = ["delay1", "test1", "delay2", "test2", "delay3", "test3"]
    total = 0.0
    for i in (1, 2, 3):
        before = order[: order.index(f"test{i}")]
        n = sum(steps_of(task, period) for period in before)
        total += (1 - p_go) ** n * (1 - (1 - p_go) ** steps_of(task, f"test{i}"))
    return total / 3


def dual_dms_chance(task) -> float:
    """Uniform over {fixate, right, wrong} each step. Test 1 must see at least one answer and
    no wrong one: (2/3)^k1 - (1/3)^k1; test 2 is a first-answer window of k2 steps."""
    k1, k2 = steps_of(task, "test1"), steps_of(task, "test2")
    return ((2 / 3) ** k1 - (1 / 3) ** k1) * first_response_chance(2, k2)


def production_chance(task, p_go: float = 0.5, trials: int = 1500) -> float:
    """Timing tasks: the first Go (probability p per step) in the response window ends the
    trial and is right when within the margin of the target. For each generated trial the
    probability is exact, sum_j (1-p)^j p [Go at window step j is within the margin]; the
    chance level is its mean over the trials the task generates."""
    task.reset(seed=123)
    name = type(task).__name__
    total = 0.0
    for _ in range(trials):
        trial = task.new_trial()
        if name == "ReadySetGo":
            start, end = task.start_ind["production"], task.end_ind["production"]
            ref, target = task.end_t["measure"], trial["production"]
        elif name == "MotorTiming":
            start, end = task.start_ind["production"], task.end_ind["production"]
            ref, target = task.end_t["set"], trial["production"]
        else:
            start, end = task.start_ind["interval3"], task.end_ind["response"]
            ref, target = task.end_t["s3"], trial["interval"]
        margin = task.prod_margin * target + 25
        total += sum(
            (1 - p_go) ** j * p_go
            for j in range(end - start)
            if abs((start + j) * task.dt - ref - target) <= margin
        )
    return total / trials


CHANCE: dict[str, Callable] = {
    "go_nogo": go_nogo_chance,
    "delay_paired_association": go_nogo_chance,
    "delay_match_sample": lambda t: first_response_chance(2, steps_of(t, "decision")),
    "context_dm": lambda t: first_response_chance(t.dim_ring, steps_of(t, "decision")),
    "dm_delay_response": lambda t: first_response_chance(2, steps_of(t, "decision")),
    "pulse_dm": lambda t: first_response_chance(2, steps_of(t, "decision")),
    "delay_match_category": lambda t: first_response_chance(2, steps_of(t, "test")),
    "delay_comparison": lambda t: first_response_chance(2, steps_of(t, "decision")),
    "interval_discrimination": lambda t: first_response_chance(2, steps_of(t, "decision")),
    "delay_match_sample_distractor_1d": distractor_chance,
    "dual_delay_match_sample": dual_dms_chance,
    "ready_set_go": production_chance,
    "motor_timing": production_chance,
    "one_two_three_go": production_chance,
}


@pytest.mark.parametrize("name", NAMES)
def test_random_agent_near_chance(name):
    env = make(name)
    chance = CHANCE[name](make(name).unwrapped)
    trials = 1500
    perf = task_checks.run_agent(env, task_checks.random_policy(env), trials=trials)
    # four binomial standard errors, plus a little for the chance levels estimated from
    # generated trials (timing tasks)
    tolerance = 4 * math.sqrt(chance * (1 - chance) / trials) + 0.005
    assert abs(np.mean(perf) - chance) < tolerance, (np.mean(perf), chance)


@pytest.mark.parametrize(
    "name",
    ["delay_match_sample_distractor_1d", "ready_set_go", "motor_timing", "one_two_three_go"],
)
def test_sparse_random_agent_near_chance(name):
    # With Go at 1/2 per step these tasks' chance level is ~0 (an early Go ends the trial),
    # which a broken task could match too; a random agent that says Go rarely has a chance
    # level well above 0, computed by the same exact arguments with p = 0.1.
    p_go = 0.1
    env = make(name)
    rng = np.random.default_rng(5)
    chance = CHANCE[name](make(name).unwrapped, p_go=p_go)
    assert chance > 0.03
    trials = 1500
    perf = task_checks.run_agent(env, lambda task, obs: int(rng.random() < p_go), trials=trials)
    tolerance = 4 * math.sqrt(chance * (1 - chance) / trials) + 0.005
    assert abs(np.mean(perf) - chance) < tolerance, (np.mean(perf), chance)


# --- task-specific behaviour ----------------------------------------------------------


def play(env, actions_for: Callable, seed: int = 0):
    """Run one trial with ``actions_for(task, t_ind) -> action``; return (rewards, info)."""
    task = env.unwrapped
    env.reset(seed=seed)
    rewards = []
    while True:
        _, reward, _, _, info = env.step(actions_for(task, task.t_ind))
        rewards.append(reward)
        if info["new_trial"]:
            return rewards, info


def oracle_at(task, t_ind):
    return int(task.gt[t_ind])


@pytest.mark.parametrize(("go", "respond", "performance", "last_reward"), [
    (0, False, 1, 0.0),    # no-go withheld: right, no reward
    (0, True, 0, -0.5),    # no-go answered: fail
    (1, True, 1, 1.0),     # go answered: correct
    (1, False, 0, -0.5),   # go withheld: miss, charged when the trial runs out
])
def test_go_nogo_outcomes(go, respond, performance, last_reward):
    env = make("go_nogo")
    task = env.unwrapped
    env.reset(seed=0)
    task.new_trial(ground_truth=go)
    stim = task.view_ob("stimulus")
    assert np.all(stim[:, 2 if go else 1] == 1) and np.all(stim[:, 1 if go else 2] == 0)
    assert np.all(task.view_ob("decision") == 0)
    rewards = []
    while True:
        in_decision = task.start_ind["decision"] <= task.t_ind
        _, reward, _, _, info = env.step(int(respond and in_decision))
        rewards.append(reward)
        if info["new_trial"]:
            break
    assert info["performance"] == performance
    assert rewards[-1] == pytest.approx(last_reward)
    assert sum(rewards[:-1]) == 0


def test_delay_paired_association_pairs_and_forced_answer():
    env = make("delay_paired_association", sigma=0)
    task = env.unwrapped
    env.reset(seed=0)
    expected = {(1, 3): 1, (2, 4): 1, (1, 4): 0, (2, 3): 0}
    for pair, go in expected.items():
        trial = task.new_trial(pair=pair)
        assert trial["ground_truth"] == go
        assert np.all(task.view_ob("stim1")[:, pair[0]] == 1)
        assert np.all(task.view_ob("stim2")[:, pair[1]] == 1)
        assert np.all(task.view_groundtruth("decision") == go)
    for go in (0, 1, 0, 1):
        trial = task.new_trial(ground_truth=go)
        assert expected[trial["pair"]] == go


def test_delay_match_sample_test_equals_sample_on_match():
    env = make("delay_match_sample", sigma=0, dim_ring=8)
    task = env.unwrapped
    env.reset(seed=0)
    for _ in range(30):
        trial = task.new_trial()
        sample = task.view_ob("sample")[0, 1:]
        test = task.view_ob("test")[0, 1:]
        if trial["ground_truth"] == 1:
            np.testing.assert_allclose(test, sample, atol=1e-6)
        else:
            assert test.argmax() == (sample.argmax() + 4) % 8
        assert np.all(task.view_ob("decision")[:, 0] == 0)
        assert np.all(task.view_groundtruth("decision") == trial["ground_truth"])


def test_context_dm_relevant_modality_points_to_answer():
    env = make("context_dm", sigma=0, use_expl_context=True, dim_ring=4)
    task = env.unwrapped
    env.reset(seed=0)
    assert task.observation_space.shape == (1 + 2 * 4 + 2,)
    for _ in range(40):
        trial = task.new_trial()
        stim = task.view_ob("stimulus")[0]
        relevant = stim[1:5] if trial["context"] == 0 else stim[5:9]
        assert relevant.argmax() + 1 == trial["ground_truth"]
        context = task.view_ob("decision")[0, 9:]
        assert context.tolist() == ([1, 0] if trial["context"] == 0 else [0, 1])
    implicit = make("context_dm", impl_context_modality=1).unwrapped
    implicit.reset(seed=0)
    assert {implicit.new_trial()["context"] for _ in range(20)} == {1}


def test_delay_comparison_answer_names_the_larger_stimulus():
    env = make("delay_comparison", sigma=0)
    task = env.unwrapped
    env.reset(seed=0)
    for _ in range(30):
        trial = task.new_trial()
        v1 = task.view_ob("stimulus1")[0, 1]
        v2 = task.view_ob("stimulus2")[0, 1]
        assert (1 if v1 > v2 else 2) == trial["ground_truth"]
        assert min(v1, v2) >= 0.5 and max(v1, v2) <= 1


@pytest.mark.parametrize("name", ["interval_discrimination", "pulse_dm"])
def test_forced_ground_truth_is_consistent_with_the_stimulus(name):
    # layers such as side_bias set params["ground_truth"]; the stimulus must agree with it
    task = make(name).unwrapped
    task.reset(seed=0)
    for wanted in [*task.choices, *task.choices] * 5:
        trial = task.new_trial(ground_truth=wanted)
        assert trial["ground_truth"] == wanted
        if name == "interval_discrimination":
            assert (1 if trial["duration1"] > trial["duration2"] else 2) == wanted
            assert task.end_ind["stim1"] - task.start_ind["stim1"] == round(
                trial["duration1"] / task.dt)
        else:
            n1, n2 = sum(trial["pulse1"]), sum(trial["pulse2"])
            if n1 != n2:  # ties are broken at random
                assert (0 if n1 > n2 else 1) == wanted
            assert task.view_groundtruth("decision")[0] == wanted + 1


ANSWER_ACTION = {
    "pulse_dm": lambda c: c + 1,
    "delay_match_category": lambda c: {"match": 1, "non-match": 2}[c],
}


@pytest.mark.parametrize("name", [n for n in NAMES if hasattr(make(n).unwrapped, "choices")])
def test_ground_truth_param_is_honoured(name):
    # side_bias / trial_history_v2 pick the next trial's answer from ``choices`` and pass it
    # as params["ground_truth"]; the trial must then ask for that answer
    task = make(name, **NOISELESS[name]).unwrapped
    task.reset(seed=0)
    to_action = ANSWER_ACTION.get(name, lambda c: c)
    for choice in list(task.choices) * 4:
        trial = task.new_trial(ground_truth=choice)
        key = "ground_truth1" if name == "dual_delay_match_sample" else "ground_truth"
        assert trial[key] == choice
        if name == "delay_match_sample_distractor_1d":  # answer: the test that matches
            assert task.view_groundtruth(f"test{choice}").all()
            continue
        action = to_action(choice)
        if action == 0:  # no-go: fixate throughout
            assert not task.gt.any()
        else:
            assert action in task.gt


def test_dual_delay_match_sample_needs_both_tests_right():
    env = make("dual_delay_match_sample", sigma=0)
    wrong = {1: 2, 2: 1}

    def policy(flip_test: str):
        def act(task, t_ind):
            gt = int(task.gt[t_ind])
            in_flip = task.start_ind[flip_test] <= t_ind < task.end_ind[flip_test]
            return wrong[gt] if (gt and in_flip) else gt
        return act

    _, info = play(env, oracle_at)
    assert info["performance"] == 1
    for flip in ("test1", "test2"):
        _, info = play(env, policy(flip))
        assert info["performance"] == 0


REFERENCE = {"ready_set_go": ("measure", "production"), "motor_timing": ("set", "production"),
             "one_two_three_go": ("s3", "interval")}


@pytest.mark.parametrize("name", ["ready_set_go", "motor_timing", "one_two_three_go"])
def test_production_reward_peaks_at_the_ground_truth_go(name):
    # the documented rule: a Go t_prod ms after the reference earns
    # max(0.1, (1 - |t_prod - target| / margin) ** 1.5) within margin = 0.2 target + 25
    env = make(name)
    task = env.unwrapped
    ref_period, target_key = REFERENCE[name]

    def rule(trial, go_t, ref_t):
        eps = abs(go_t - ref_t - trial[target_key])
        margin = task.prod_margin * trial[target_key] + 25
        return max((1 - eps / margin) ** 1.5, 0.1) if eps <= margin else 0.0

    outcomes = {}
    for shift in (0, -1, 1, 2):
        env.reset(seed=0)
        go_ind = int(np.flatnonzero(task.gt)[0]) + shift
        ref_t, trial = task.end_t[ref_period], dict(task.trial)
        rewards = []
        while True:
            t_ind = task.t_ind
            _, reward, _, _, info = env.step(int(t_ind == go_ind))
            rewards.append(reward)
            if info["new_trial"]:
                break
        assert len(rewards) == go_ind + 1
        assert rewards[-1] == pytest.approx(rule(trial, go_ind * task.dt, ref_t))
        assert info["performance"] == int(rewards[-1] > 0)
        outcomes[shift] = rewards[-1]
    assert outcomes[0] > 0.9
    assert outcomes[0] >= max(outcomes[-1], outcomes[1]) > outcomes[2] or outcomes[2] == 0


def test_ready_set_go_gain_scales_production():
    task = make("ready_set_go", gain=1.5).unwrapped
    task.reset(seed=0)
    trial = task.new_trial()
    assert trial["production"] == pytest.approx(1.5 * trial["measure"])
    n = task.end_ind["production"] - task.start_ind["production"]
    assert n == round(2 * trial["production"] / task.dt)
    go = int(np.flatnonzero(task.view_groundtruth("production"))[0])
    t_go = task.start_t["production"] + go * task.dt
    assert abs(t_go - task.end_t["measure"] - trial["production"]) <= task.dt / 2


# --- parameter validation -------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kwargs", "error", "match"),
    [
        ("go_nogo", {"timing": {"stimulus": -100}}, ValueError, r"timing\['stimulus'\]"),
        ("go_nogo", {"timing": {"stimlus": 100}}, ValueError, "unknown periods.*stimlus"),
        ("go_nogo", {"rewards": {"bonus": 1}}, ValueError, "unknown keys"),
        ("go_nogo", {"dt": 0}, ValueError, "dt must be a positive number"),
        ("delay_match_sample", {"dim_ring": 1}, ValueError, "dim_ring must be an int >= 2"),
        ("delay_match_sample", {"dim_ring": 2.5}, TypeError, "dim_ring must be an int"),
        ("delay_match_sample", {"sigma": -1}, ValueError, "sigma must be >= 0"),
        ("context_dm", {"impl_context_modality": 2}, ValueError, "impl_context_modality"),
        ("context_dm", {"use_expl_context": "yes"}, TypeError, "use_expl_context must be"),
        ("context_dm", {"timing": {"delay": ("exponential", 600)}}, ValueError,
         "unknown distribution"),
        ("dm_delay_response", {"stim_scale": -1}, ValueError, "stim_scale must be >= 0"),
        ("pulse_dm", {"p_pulse": (0.3, 1.5)}, ValueError, "probability"),
        ("pulse_dm", {"p_pulse": 0.3}, TypeError, "p_pulse must be a pair"),
        ("pulse_dm", {"n_bin": 0}, ValueError, "n_bin must be an int >= 1"),
        ("pulse_dm", {"timing": {"cue6": 10}}, ValueError, "unknown periods"),
        ("delay_match_sample_distractor_1d", {"sigma": "high"}, TypeError,
         "sigma must be a number"),
        ("delay_match_category", {"dim_ring": 0}, ValueError, "dim_ring"),
        ("dual_delay_match_sample", {"rewards": "x"}, TypeError, "rewards must be a mapping"),
        ("delay_comparison", {"vpairs": []}, ValueError, "vpairs must not be empty"),
        ("delay_comparison", {"vpairs": [(10, 10)]}, ValueError, "must differ"),
        ("delay_comparison", {"vpairs": [(1, 2, 3)]}, TypeError, "pair of numbers"),
        ("delay_paired_association", {"sigma": -0.1}, ValueError, "sigma must be >= 0"),
        ("interval_discrimination", {"timing": {"stim1": ("uniform", (600, 300))}},
         ValueError, "low <= high"),
        ("ready_set_go", {"gain": 0}, ValueError, "gain must be > 0"),
        ("ready_set_go", {"prod_margin": -1}, ValueError, "prod_margin must be >= 0"),
        ("motor_timing", {"prod_margin": "0.2"}, TypeError, "prod_margin must be a number"),
        ("one_two_three_go", {"timing": {"interval1": []}}, ValueError, "must not be empty"),
    ],
)
def test_bad_parameters_fail_at_construction(name, kwargs, error, match):
    with pytest.raises(error, match=match):
        make(name, **kwargs)


@pytest.mark.parametrize("name", NAMES)
def test_pickled_task_continues_identically(name):
    # stacks go to vector-env workers by pickling: the copy must carry the trial and the rng
    import pickle

    env = make(name)
    env.reset(seed=4)
    env.action_space.seed(4)
    for _ in range(10):
        env.step(env.action_space.sample())
    clone = pickle.loads(pickle.dumps(env))
    actions = [env.action_space.sample() for _ in range(200)]
    for action in actions:
        a, ra, *_ = env.step(action)
        b, rb, *_ = clone.step(action)
        np.testing.assert_array_equal(a, b)
        assert ra == rb


def test_delay_comparison_pairs_in_either_order():
    task = make("delay_comparison", sigma=0, vpairs=[(10, 30)]).unwrapped
    task.reset(seed=0)
    for gt in (1, 2, 1, 2):
        trial = task.new_trial(ground_truth=gt)
        assert (trial["v1"] > trial["v2"]) == (gt == 1)
