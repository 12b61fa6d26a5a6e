"""The second half of the standard battery (``catalog_b``): contract, timing, oracle, chance.

Every task: gymnasium's ``check_env``, observations in the space for 5,000 random steps,
seeded reproducibility, trials that end within their planned length, mean trial length equal
to the sum of the mean period durations, an oracle that answers the ground truth (or the
continuous target), a random agent at the chance level computed for the task, and clear
errors for bad parameters at construction.

Tasks an oracle cannot solve (performance >= 0.95), and what is tested instead:

* ``reaching_1d``, ``reaching_1d_self_distraction``: the hand turns 0.05 rad per step, so in
  the 5 reach steps it covers 0.25 rad while targets lie up to pi away; the per-step reward
  decays with the remaining distance. The oracle is checked to reach, trial by trial, the
  best performance any agent can reach (computed independently from the target).
* ``bandit``: the reward is a Bernoulli draw; the oracle (the best arm) is checked to earn the
  best arm's expected reward, the random agent the mean of the arms'.
* ``null``: nothing to answer (one action, no reward, no ground truth).
"""

from __future__ import annotations

import copy
import math
import pickle

import gymnasium as gym
import numpy as np
import pytest

import neuroplug
from tests import task_checks
from tests.task_checks import first_response_chance, mean_period_duration

ALIASES = {
    "reaching_1d": "Reaching1D-v0",
    "reaching_1d_self_distraction": "Reaching1DWithSelfDistraction-v0",
    "reaching_delay_response": "ReachingDelayResponse-v0",
    "anti_reach": "AntiReach-v0",
    "multi_sensory_integration": "MultiSensoryIntegration-v0",
    "post_decision_wager": "PostDecisionWager-v0",
    "probabilistic_reasoning": "ProbabilisticReasoning-v0",
    "hierarchical_reasoning": "HierarchicalReasoning-v0",
    "economic_dm": "EconomicDecisionMaking-v0",
    "bandit": "Bandit-v0",
    "daw_two_step": "DawTwoStep-v0",
    "detection": "Detection-v0",
    "tone_detection": "ToneDetection-v0",
    "spatial_suppress_motion": "SpatialSuppressMotion-v0",
    "annubes": "AnnubesEnv-v0",
    "null": "Null-v0",
}
NAMES = list(ALIASES)

# Tasks solvable by an oracle, with the arguments that remove their input noise.
NOISELESS = {
    "reaching_delay_response": {},
    "anti_reach": {},
    "multi_sensory_integration": {"sigma": 0},
    "post_decision_wager": {"sigma": 0},
    "probabilistic_reasoning": {},
    "hierarchical_reasoning": {},
    "economic_dm": {},
    "daw_two_step": {},
    "detection": {"sigma": 0},
    "tone_detection": {"sigma": 0},
    "spatial_suppress_motion": {},
    "annubes": {"noise_std": 0},
}


def make(name: str, **kwargs):
    return neuroplug.make(name, **kwargs)


# --- registry and metadata ------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_registered_with_alias_and_metadata(name):
    task = make(ALIASES[name]).unwrapped
    assert type(task) is type(make(name).unwrapped)
    entry = neuroplug.get_task(name)
    assert entry.description.strip() and not entry.description.startswith("Args")
    assert entry.tags and all(tag.strip() for tag in entry.tags)
    meta = type(task).metadata
    assert set(meta) >= {"paper_name", "paper_link", "tags", "render_modes"}
    assert meta["render_modes"] == []
    if name not in ("null", "annubes"):  # neither has a paper behind it
        assert meta["paper_name"] and meta["paper_link"].startswith("https://")


# --- gymnasium contract and reproducibility -------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_check_env(name):
    task_checks.assert_check_env(make(name))


@pytest.mark.parametrize("name", NAMES)
def test_observations_in_space(name):
    task_checks.assert_obs_in_space(make(name), steps=5000)


@pytest.mark.parametrize("name", [n for n in NAMES if n != "null"])
def test_reproducible(name):
    task_checks.assert_reproducible(lambda: make(name), steps=2000)


def test_null_is_deterministic_whatever_the_seed():
    # Null draws nothing at random, so the "other seed differs" half of the check cannot
    # hold; every rollout is the same.
    runs = [task_checks.rollout(make("null"), [0] * 50, seed) for seed in (0, 1)]
    for a, b in zip(*runs, strict=True):
        np.testing.assert_array_equal(a[0], b[0])
        assert a[1:3] == b[1:3]
    assert all(step[2] for step in runs[0])  # every step ends a (one-step) trial
    assert all(step[1] == 0 for step in runs[0])


@pytest.mark.parametrize("name", NAMES)
def test_pickles_and_deep_copies(name):
    env = make(name)
    env.reset(seed=0)
    for clone in (pickle.loads(pickle.dumps(env)), copy.deepcopy(env)):
        obs, *_ = clone.step(clone.action_space.sample())
        assert clone.observation_space.contains(obs)


@pytest.mark.parametrize("name", NAMES)
def test_every_trial_ends_within_its_planned_length(name):
    env = make(name)
    task = env.unwrapped
    env.action_space.seed(1)
    env.reset(seed=1)
    planned, steps, finished = task._tmax_ind, 0, 0
    while finished < 100:
        _, _, _, _, info = env.step(env.action_space.sample())
        steps += 1
        assert steps <= planned, f"trial {finished} ran past its {planned} planned steps"
        if info["new_trial"]:
            assert isinstance(info["trial"], dict)
            assert np.isfinite(info["performance"])
            finished += 1
            planned, steps = task._tmax_ind, 0


# --- trial lengths --------------------------------------------------------------------


# The periods that follow one another in a trial (overlapping ones, such as the wager's
# pre_sure inside the delay, and timing entries that are not periods are left out).
SEQUENCES = {
    "reaching_1d": ["fixation", "reach"],
    "reaching_1d_self_distraction": ["fixation", "reach"],
    "reaching_delay_response": ["stimulus", "delay", "decision"],
    "anti_reach": ["fixation", "stimulus", "delay", "decision"],
    "multi_sensory_integration": ["fixation", "stimulus", "decision"],
    "post_decision_wager": ["fixation", "stimulus", "delay", "decision"],
    "probabilistic_reasoning": ["fixation", "stimulus0", "stimulus1", "stimulus2",
                                "stimulus3", "delay", "decision"],
    "hierarchical_reasoning": ["fixation", "rule_target", "fixation2", "flash1", "delay",
                               "flash2", "decision"],
    "economic_dm": ["fixation", "offer_on", "decision"],
    "detection": ["fixation", "stimulus"],
    "tone_detection": ["stimulus"],
    "spatial_suppress_motion": ["stimulus"],
    "annubes": ["fixation", "stimulus", "iti"],
}
STEPS_PER_TRIAL = {"bandit": 1, "daw_two_step": 2, "null": 1}  # no timing: fixed steps


@pytest.mark.parametrize("name", NAMES)
def test_mean_trial_length_matches_timing(name):
    kwargs = {"iti": ("choice", [0, 300])} if name == "annubes" else {}
    env = make(name, **kwargs)
    task = env.unwrapped
    if name in STEPS_PER_TRIAL:
        expected = STEPS_PER_TRIAL[name] * task.dt
    else:
        expected = sum(mean_period_duration(task.timing[p], task.dt) for p in SEQUENCES[name])
    measured = task_checks.mean_trial_length(task, trials=800)
    assert measured == pytest.approx(expected, rel=0.04), (measured, expected)


# --- oracle ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(NOISELESS))
def test_oracle_reaches_ceiling_without_noise(name):
    env = make(name, **NOISELESS[name])
    perf = task_checks.run_agent(env, task_checks.oracle, trials=300)
    assert np.mean(perf) >= 0.95, np.mean(perf)


def best_reaching_performance(target: float, n_reach: int, correct=1.0, fail=-0.1) -> float:
    """The highest performance any agent can reach: the hand starts at pi when the target
    appears, and after k moves of 0.05 rad its best distance is min_|j|<=k dist(pi + .05j)."""
    total = 0.0
    for k in range(1, n_reach + 1):
        best = min(
            abs((math.pi + 0.05 * j - target + math.pi) % (2 * math.pi) - math.pi)
            for j in range(-k, k + 1)
        )
        total += (max(correct - best, fail) - fail) / (correct - fail)
    return total / n_reach


@pytest.mark.parametrize("name", ["reaching_1d", "reaching_1d_self_distraction"])
def test_reaching_oracle_is_optimal_trial_by_trial(name):
    env = make(name, timing={"reach": 2000})  # 20 reach steps: 1 rad within reach
    task = env.unwrapped
    env.reset(seed=0)
    checked = 0
    while checked < 60:
        _, _, _, _, info = env.step(task.gt_now)
        if info["new_trial"]:
            target = info["trial"]["ground_truth"]
            assert info["performance"] == pytest.approx(
                best_reaching_performance(target, 20), abs=1e-9
            )
            checked += 1


def test_reaching_hand_feeds_back_into_the_observation():
    env = make("reaching_1d", dim_ring=16)
    task = env.unwrapped
    obs, _ = env.reset(seed=0)
    theta = task.theta
    np.testing.assert_allclose(obs[16:], np.cos(theta - math.pi), atol=1e-6)
    for action, turn in [(1, 0.05), (1, 0.10), (2, 0.05), (0, 0.05)]:
        obs, *_ = env.step(action)
        np.testing.assert_allclose(obs[16:], np.cos(theta - math.pi - turn), atol=1e-5)
    assert np.all(obs[:16] == 0)  # fixation: the target is not shown yet


def test_bandit_oracle_earns_the_best_arm_and_random_the_mean():
    p = (0.2, 0.8, 0.5)
    env = make("bandit", n=3, p=p)
    trials = 4000
    rewards = {}
    for label, policy in [("oracle", task_checks.oracle),
                          ("random", task_checks.random_policy(env))]:
        task = env.unwrapped
        env.reset(seed=0)
        env.action_space.seed(0)
        total = 0.0
        for _ in range(trials):
            _, reward, _, _, _ = env.step(policy(task, None))
            total += reward
        rewards[label] = total / trials
    # Bernoulli rewards: standard error <= 0.5 / sqrt(4000) ~ 0.008; allow ~4 of them.
    assert rewards["oracle"] == pytest.approx(max(p), abs=0.03)
    assert rewards["random"] == pytest.approx(np.mean(p), abs=0.03)


# --- chance ---------------------------------------------------------------------------


def decision_steps(env, period: str = "decision") -> int:
    task = env.unwrapped
    return round(task.timing[period] / task.dt)


def chance_for(name: str, env) -> float:
    task = env.unwrapped
    if name == "anti_reach":
        return first_response_chance(task.action_space.n - 1, decision_steps(env))
    if name in ("multi_sensory_integration", "probabilistic_reasoning", "economic_dm"):
        return first_response_chance(2, decision_steps(env))
    if name == "post_decision_wager":
        # Each decision step: fixate (1/4, go on), correct (1/4, perf 1), wrong (1/4, 0),
        # sure bet (1/4; perf 0.7 on the half of trials that offer it, else 0).
        k = decision_steps(env)
        per_step = 0.25 * 1 + 0.25 * 0.5 * 0.7
        return per_step * (1 - 0.25**k) / 0.75
    if name == "hierarchical_reasoning":
        # The rule chosen at the last rule step must be right (1 of 5 actions), then the
        # first decision response must be right (1 of 5 actions, 7 steps).
        return 0.2 * first_response_chance(4, decision_steps(env))
    if name == "daw_two_step":
        return 1 / 3  # the first action must be the rich state's common route: 1 of 3
    if name == "tone_detection":
        return 1 / task.action_space.n  # the report is the last action: 1 of 4
    if name == "annubes":
        return 0.5  # each stimulus step is right for 1 of the 2 actions; perf is the mean
    if name == "reaching_delay_response":
        # A response ends the trial when action[0] > 0 (probability 1/2 per decision step);
        # its performance is 1 / (1 + |a - g|)^2, a ~ U(-1, 2), g ~ U(0, 1), whose mean is
        # (1/3) E_g[2 - 1/(g + 2) - 1/(3 - g)] = (2 - 2 ln 1.5) / 3.
        k = decision_steps(env)
        return (1 - 0.5**k) * (2 - 2 * math.log(1.5)) / 3
    if name in ("reaching_1d", "reaching_1d_self_distraction"):
        # A target-blind hand is independent of the uniform target, so their circular
        # distance U is uniform on [0, pi]; per reach step the normalised reward is
        # max(1.1 - U, 0) / 1.1, whose mean is 1.1 / (2 pi).
        return 1.1 / (2 * math.pi)
    if name == "spatial_suppress_motion":
        # Per frame and direction, E|u - p| = (p^2 + (1 - p)^2) / 2 for u ~ U(0, 1); the two
        # contrast conditions are equally likely (direction only permutes the columns).
        n = round(task.timing["stimulus"] / task.dt)
        scores = []
        for contrast in (0.05, 0.99):
            gt = task.getgroundtruth({"contrast": contrast, "direction": 1}, n)
            scores.append(1 - np.mean((gt**2 + (1 - gt) ** 2) / 2))
        return float(np.mean(scores))
    raise KeyError(name)


CHANCE_TASKS = [
    "reaching_1d", "reaching_1d_self_distraction", "reaching_delay_response", "anti_reach",
    "multi_sensory_integration", "post_decision_wager", "probabilistic_reasoning",
    "hierarchical_reasoning", "economic_dm", "daw_two_step", "tone_detection",
    "spatial_suppress_motion", "annubes",
]


@pytest.mark.parametrize("name", CHANCE_TASKS)
def test_random_agent_near_chance(name):
    env = make(name)
    chance = chance_for(name, env)
    # Box actions are slow to sample; those tasks' per-trial performances also vary less.
    trials = {"spatial_suppress_motion": 300, "reaching_delay_response": 1200}.get(name, 2500)
    perf = np.asarray(task_checks.run_agent(env, task_checks.random_policy(env), trials=trials))
    # Four standard errors of the mean of per-trial performances in [0, 1], plus a small
    # margin for the discretised continuous tasks.
    tolerance = 4 * max(perf.std(), 0.05) / math.sqrt(trials) + 0.005
    assert abs(perf.mean() - chance) < tolerance, (perf.mean(), chance)


def test_detection_random_agent_near_chance():
    # With a constant 10-step stimulus, a trial's chance depends on its own parameters: a
    # no-pulse trial is right if all 10 steps withhold, (1/2)^10; a pulse at step d is right
    # if the first go comes at or after d: (1/2)^d (1 - (1/2)^(10 - d)).
    env = make("detection", timing={"stimulus": 1000})
    task = env.unwrapped
    env.reset(seed=0)
    env.action_space.seed(0)
    perf, expected = [], []
    n = 10
    while len(perf) < 3000:
        _, _, _, _, info = env.step(env.action_space.sample())
        if info["new_trial"]:
            trial = info["trial"]
            d = round(trial["delay"] / task.dt)
            expected.append(0.5**d * (1 - 0.5 ** (n - d)) if trial["ground_truth"] else 0.5**n)
            perf.append(info["performance"])
    assert abs(np.mean(perf) - np.mean(expected)) < 4 * 0.5 / math.sqrt(len(perf))


# --- task-specific behaviour ----------------------------------------------------------


def test_daw_two_step_shows_the_state_reached():
    env = make("daw_two_step")
    task = env.unwrapped
    obs, _ = env.reset(seed=0)
    for _ in range(50):
        np.testing.assert_array_equal(obs, [1, 0, 0])
        action = 1 + int(task.rng.integers(2))
        state = task.trial["transition"][action]
        obs, reward, _, _, info = env.step(action)
        assert not info["new_trial"]
        assert obs[state] == 1 and obs.sum() == 1
        assert reward == task.trial["reward"][state - 1]
        obs, _, _, _, info = env.step(0)
        assert info["new_trial"]


def test_hierarchical_rule_alternates_in_blocks():
    env = make("hierarchical_reasoning")
    task = env.unwrapped
    env.reset(seed=0)
    rules = []
    for _ in range(200):
        rules.append(task.new_trial()["rule"])
    changes = [i for i in range(1, len(rules)) if rules[i] != rules[i - 1]]
    blocks = np.diff([0, *changes])
    assert len(changes) >= 8
    assert blocks.min() >= 10 and blocks[1:].max() <= 20


def test_annubes_max_sequential_is_respected():
    env = make("annubes", session={"v": 1, "a": 1}, catch_prob=0.2, max_sequential=2)
    task = env.unwrapped
    env.reset(seed=0)
    run = {"v": 0, "a": 0}
    for _ in range(500):
        trial = task.new_trial()
        for modality in run:
            run[modality] = run[modality] + 1 if modality in trial["stim_types"] else 0
            assert run[modality] <= 2


def test_spatial_suppression_ground_truth_is_a_distribution():
    env = make("spatial_suppress_motion")
    task = env.unwrapped
    env.reset(seed=0)
    for _ in range(10):
        task.new_trial()
        gt = task.view_groundtruth()
        assert np.all(gt >= 0)
        np.testing.assert_allclose(gt.sum(axis=1), 1, atol=1e-6)
        assert task.action_space.contains(gt[-1])


# --- parameter validation -------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kwargs", "error", "match"),
    [
        ("reaching_1d", {"dim_ring": 1}, ValueError, "dim_ring must be an int >= 2"),
        ("reaching_1d", {"dim_ring": 2.5}, TypeError, "dim_ring must be an int"),
        ("reaching_1d", {"rewards": {"correct": -1}}, ValueError, "'correct' must exceed"),
        ("reaching_1d_self_distraction", {"timing": {"reach": -5}}, ValueError,
         r"timing\['reach'\]"),
        ("reaching_delay_response", {"lowbound": 0.5, "highbound": 0.2}, ValueError,
         "lowbound <= highbound"),
        ("reaching_delay_response", {"highbound": "1"}, TypeError, "highbound must be a number"),
        ("anti_reach", {"anti": "yes"}, TypeError, "anti must be True or False"),
        ("anti_reach", {"timing": {"choice": 100}}, ValueError, "unknown periods"),
        ("anti_reach", {"timing": "fast"}, TypeError, "timing must be a mapping"),
        ("economic_dm", {"rewards": [1]}, TypeError, "rewards must be a mapping"),
        ("reaching_delay_response", {"lowbound": -3}, ValueError, "need -1 <= lowbound"),
        ("multi_sensory_integration", {"sigma": -1}, ValueError, "sigma must be >= 0"),
        ("post_decision_wager", {"dim_ring": 3}, ValueError, "dim_ring must be 2"),
        ("post_decision_wager", {"rewards": {"bonus": 1}}, ValueError, "unknown keys"),
        ("probabilistic_reasoning", {"shape_weight": []}, ValueError,
         "shape_weight must not be empty"),
        ("probabilistic_reasoning", {"n_loc": 0}, ValueError, "n_loc must be an int >= 1"),
        ("hierarchical_reasoning", {"timing": {"delay": lambda: 800}}, ValueError,
         "median duration"),
        ("economic_dm", {"rewards": {"correct": 0}}, ValueError, "must be > 0"),
        ("bandit", {"n": 3}, ValueError, "one probability per arm"),
        ("bandit", {"p": (0.5, 1.5)}, ValueError, r"p\[1\] must be <= 1"),
        ("bandit", {"rewards": {"correct": 1}}, TypeError, "sequence of payouts"),
        ("bandit", {"n": 0}, ValueError, "n must be an int >= 1"),
        ("daw_two_step", {"rewards": {"abort": "x"}}, TypeError, "must be a number"),
        ("detection", {"stim_dur": 10}, ValueError, "at least one step"),
        ("detection", {"delay": -100}, ValueError, "delay must be >= 0"),
        ("tone_detection", {"dt": 100}, ValueError, "dt must be <= the tone duration"),
        ("tone_detection", {"timing": {"toneTiming": [500, 2000]}}, ValueError,
         "would end after the stimulus"),
        ("spatial_suppress_motion", {"dt": -8.3}, ValueError, "dt must be a positive number"),
        ("annubes", {"session": {}}, TypeError, "session must be a non-empty dict"),
        ("annubes", {"session": {"catch": 1}}, ValueError, "reserved for catch trials"),
        ("annubes", {"session": {"v": -1, "a": 1}}, ValueError, r"session\['v'\] must be >= 0"),
        ("annubes", {"catch_prob": 1.5}, ValueError, r"catch_prob must be in \[0, 1\]"),
        ("annubes", {"intensities": {"v": [1]}}, ValueError, "exactly the modalities"),
        ("annubes", {"session": {"v": 1}, "catch_prob": 0, "max_sequential": 3}, ValueError,
         "shown on every trial"),
        ("annubes", {"fix_time": -5}, ValueError, r"fix_time: timing\['fixation'\]"),
        ("annubes", {"output_behavior": [1]}, ValueError, "at least 2 values"),
        ("null", {"dt": 0}, ValueError, "dt must be a positive number"),
    ],
)
def test_bad_parameters_fail_at_construction(name, kwargs, error, match):
    with pytest.raises(error, match=match):
        make(name, **kwargs)


@pytest.mark.parametrize("name", ["bandit", "daw_two_step"])
def test_timing_is_ignored_with_a_warning(name):
    with pytest.warns(UserWarning, match="timing"):
        env = make(name, timing={"decision": 100})
    env.reset(seed=0)
    assert env.unwrapped.tmax == STEPS_PER_TRIAL[name] * env.unwrapped.dt


def test_gymnasium_make_builds_every_task():
    for name in NAMES:
        entry = neuroplug.get_task(name)
        env = gym.make(entry.gymnasium_id)
        assert type(env.unwrapped).__name__ == type(make(name).unwrapped).__name__


def test_hierarchical_reasoning_honours_a_requested_ground_truth():
    env = make("hierarchical_reasoning")
    task = env.unwrapped
    env.reset(seed=0)
    for answer in [0, 1] * 20:
        trial = task.new_trial(ground_truth=answer)
        assert trial["ground_truth"] == answer
        assert task.view_groundtruth("decision")[0] == 3 + answer
        flashed = int(np.argmax(task.view_ob("flash1")[0, 3:]))
        assert flashed == (answer if trial["pro_choice"] else 1 - answer)
