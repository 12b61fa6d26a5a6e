"""TrialHistoryV2: the empirical transition matrix matches probs; validation; seeding."""

from __future__ import annotations

import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env

import neuroplug
from neuroplug import IncompatibleWrapperError, TrialEnv, spaces
from neuroplug_plugins.trial_history_v2 import TrialHistoryV2


class NoChoicesTask(TrialEnv):
    def __init__(self):
        super().__init__(dt=100)
        self.timing = {"stimulus": 200}
        self.observation_space = spaces.Box(-1, 1, shape=(1,), dtype=np.float32)
        self.action_space = spaces.Discrete(2)

    def _new_trial(self, **kwargs):
        self.add_period("stimulus")
        return {}

    def _step(self, action):
        return None, 0.0, False, False, {}


def ground_truths(env, n, seed=0):
    """Ground truths of the first ``n`` trials after ``reset`` (which builds the first)."""
    env.reset(seed=seed)
    task = env.unwrapped
    out = [task.trial["ground_truth"]]
    out.extend(task.new_trial()["ground_truth"] for _ in range(n - 1))
    return np.array(out)


def transitions(gts, n):
    counts = np.zeros((n, n))
    np.add.at(counts, (gts[:-1], gts[1:]), 1)
    return counts / counts.sum(axis=1, keepdims=True)


@pytest.mark.parametrize(
    ("dim_ring", "probs"),
    [
        (2, [[0.8, 0.2], [0.3, 0.7]]),
        (3, [[0.1, 0.6, 0.3], [0.5, 0.0, 0.5], [0.2, 0.2, 0.6]]),
    ],
)
def test_empirical_transition_matrix_matches_probs(dim_ring, probs):
    env = TrialHistoryV2(neuroplug.make("dm", dim_ring=dim_ring), probs=probs)
    gts = ground_truths(env, 20_000, seed=5)
    np.testing.assert_allclose(transitions(gts, dim_ring), probs, atol=0.02)


def test_default_is_uniform_and_works_by_name():
    env = neuroplug.make_stack("dm", ["trial_history_v2"])
    assert isinstance(env, TrialHistoryV2)
    np.testing.assert_allclose(env.probs, [[0.5, 0.5], [0.5, 0.5]])
    gts = ground_truths(env, 20_000, seed=1)
    np.testing.assert_allclose(transitions(gts, 2), 0.5, atol=0.02)
    check_env(env, skip_render_check=True)


def test_remembers_the_ground_truth_the_task_actually_used():
    # side_bias above overrides every ground truth with choice 1; the history follows it.
    env = neuroplug.make_stack(
        "dm", [("trial_history_v2", {"probs": [[0.0, 1.0], [1.0, 0.0]]}),
               ("side_bias", {"probs": [[0.0, 1.0]]})]
    )
    gts = ground_truths(env, 50)
    assert set(gts) == {1}
    assert env.env.prev_trial == 1


@pytest.mark.parametrize(
    ("probs", "error", "match"),
    [
        ("uniform", TypeError, "2-D list of numbers"),
        ([0.5, 0.5], TypeError, "not a list"),
        ([[0.5, "x"], [0.5, 0.5]], TypeError, "holds 'x'"),
        ([[0.5, 0.5]], ValueError, r"shape \(2, 2\)"),
        ([[0.5, 0.5], [0.5, 0.5], [0.5, 0.5]], ValueError, r"shape \(2, 2\)"),
        ([[0.2, 0.3, 0.5], [0.2, 0.3, 0.5]], ValueError, "needs 2 columns"),
        ([[0.5, 0.6], [0.5, 0.5]], ValueError, "sum to 1"),
        ([[1.5, -0.5], [0.5, 0.5]], ValueError, "non-negative"),
    ],
)
def test_probs_validation(probs, error, match):
    with pytest.raises(error, match=match):
        TrialHistoryV2(neuroplug.make("dm"), probs=probs)


def test_task_without_choices_is_incompatible():
    with pytest.raises(IncompatibleWrapperError, match="TrialHistoryV2 on NoChoicesTask"):
        TrialHistoryV2(NoChoicesTask())


def test_reset_with_seed_reproduces_the_sequence():
    env = TrialHistoryV2(neuroplug.make("dm"), probs=[[0.7, 0.3], [0.4, 0.6]])
    first = ground_truths(env, 500, seed=3)
    np.testing.assert_array_equal(first, ground_truths(env, 500, seed=3))
    assert not np.array_equal(first, ground_truths(env, 500, seed=4))
