"""The perceptual decision-making task: gymnasium contract, statistics, oracle and chance."""

from __future__ import annotations

import numpy as np
import pytest

import neuroplug
from tests import task_checks


def make_dm(**kwargs):
    return neuroplug.make("dm", **kwargs)


def test_check_env():
    task_checks.assert_check_env(make_dm())


def test_observations_in_space():
    task_checks.assert_obs_in_space(make_dm(), steps=10_000)


def test_reproducible():
    task_checks.assert_reproducible(make_dm)


def test_oracle_reaches_ceiling_without_noise():
    env = make_dm(sigma=0)
    perf = task_checks.run_agent(env, task_checks.oracle, trials=500)
    assert np.mean(perf) >= 0.99


def test_random_agent_near_chance():
    # Fixation breaks do not end the trial; in each of the k decision steps a uniform
    # action over {fixate, left, right} ends the trial, correctly with probability 1/3.
    # P(correct) = sum_j (1/3)^j * 1/3 over j < k = (1 - (1/3)^k) / 2.
    env = make_dm()
    k = env.timing["decision"] // env.dt
    chance = (1 - (1 / 3) ** k) / 2
    perf = task_checks.run_agent(env, task_checks.random_policy(env), trials=3000)
    assert abs(np.mean(perf) - chance) < 0.03


def test_trial_length_matches_timing():
    env = make_dm(timing={"stimulus": ("choice", [500, 1000, 1500])})
    expected = sum(
        task_checks.expected_mean_duration(spec, env.dt) for spec in env.timing.values()
    )
    assert task_checks.mean_trial_length(env, trials=600) == pytest.approx(expected, rel=0.05)


def test_stimulus_points_to_ground_truth_with_full_coherence():
    env = make_dm(sigma=0, cohs=[51.2])
    env.reset(seed=0)
    for _ in range(20):
        trial = env.new_trial()
        stim = env.view_ob("stimulus")[:, 1:]
        assert np.all(stim.argmax(axis=1) == trial["ground_truth"])
        assert np.all(env.view_groundtruth("decision") == trial["ground_truth"] + 1)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"cohs": []}, ValueError, "cohs must not be empty"),
        ({"sigma": -1}, ValueError, "sigma must be >= 0"),
        ({"dim_ring": 1}, ValueError, "dim_ring must be an int >= 2"),
        ({"timing": {"stimulus": -100}}, ValueError, r"timing\['stimulus'\]"),
        ({"rewards": {"bonus": 1}}, ValueError, "unknown keys"),
        ({"dt": 0}, ValueError, "dt must be a positive number"),
    ],
)
def test_bad_parameters_fail_at_construction(kwargs, error, match):
    with pytest.raises(error, match=match):
        make_dm(**kwargs)
