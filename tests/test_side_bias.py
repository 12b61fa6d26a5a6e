"""SideBias: validation, per-block ground-truth statistics, block durations, reproducibility."""

from __future__ import annotations

import importlib.metadata
from itertools import groupby

import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env

import neuroplug
from neuroplug import IncompatibleWrapperError, TrialEnv, spaces
from neuroplug_plugins.side_bias import SideBias


class NoChoicesTask(TrialEnv):
    """A task without ``choices``: nothing for SideBias to bias."""

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


def dm(**kwargs):
    return neuroplug.make("dm", **kwargs)


def trials(env, n, seed=0):
    """(block, ground truth) of the first ``n`` trials after ``reset`` (which builds the
    first), generated straight through the task (the same hooks as stepping)."""
    env.reset(seed=seed)
    task = env.unwrapped
    out = [(env.get_wrapper_attr("curr_block"), task.trial["ground_truth"])]
    for _ in range(n - 1):
        trial = task.new_trial()
        out.append((env.get_wrapper_attr("curr_block"), trial["ground_truth"]))
    return np.array(out)


def block_lengths(blocks):
    """Lengths of the runs of equal blocks, the last (possibly cut short) dropped."""
    return [len(list(g)) for _, g in groupby(blocks)][:-1]


# --- validation ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("probs", "error", "match"),
    [
        (0.8, TypeError, "2-D list of numbers"),
        ("0.8, 0.2", TypeError, "2-D list of numbers"),
        ([0.8, 0.2], TypeError, "row 0 is 0.8, not a list"),
        ([[0.8, "0.2"]], TypeError, "row 0 holds '0.2'"),
        ([[0.8, None]], TypeError, "row 0 holds None"),
        ([], ValueError, "at least one row"),
        ([[0.5, 0.4], [0.2, 0.8]], ValueError, r"rows \[0\] sum to \[0.9\]"),
        ([[1.2, -0.2]], ValueError, "non-negative"),
        ([[0.2, 0.3, 0.5]], ValueError, r"needs 2 columns.*lengths \[3\]"),
        ([[0.5, 0.5], [1.0]], ValueError, "needs 2 columns"),
        ([[np.nan, 1.0]], ValueError, "finite"),
    ],
)
def test_each_probs_validation_error(probs, error, match):
    with pytest.raises(error, match=match):
        SideBias(dm(), probs=probs)


@pytest.mark.parametrize(
    ("block_dur", "error", "match"),
    [
        (0, ValueError, "int >= 1"),
        (-5, ValueError, "int >= 1"),
        (1.5, ValueError, r"must lie in \(0, 1\)"),
        (0.0, ValueError, r"must lie in \(0, 1\)"),
        ((5, 2), ValueError, "1 <= low <= high"),
        ((0, 2), ValueError, "1 <= low <= high"),
        ((1, 2, 3), ValueError, r"\(low, high\) pair"),
        ((1.0, 2.0), TypeError, "two ints"),
        ("200", TypeError, "block_dur must be"),
        (True, TypeError, "block_dur must be"),
        (None, TypeError, "block_dur must be"),
    ],
)
def test_each_block_dur_validation_error(block_dur, error, match):
    with pytest.raises(error, match=match):
        SideBias(dm(), probs=[[0.8, 0.2], [0.2, 0.8]], block_dur=block_dur)


def test_columns_must_match_the_task_choices():
    with pytest.raises(ValueError, match=r"3 columns.*len\(choices\) = 3"):
        SideBias(dm(dim_ring=3), probs=[[0.8, 0.2], [0.2, 0.8]])


def test_task_without_choices_is_incompatible_at_construction():
    with pytest.raises(IncompatibleWrapperError, match=r"SideBias on NoChoicesTask.*'choices'"):
        SideBias(NoChoicesTask())


def test_accepts_arrays_and_tuples():
    env = SideBias(dm(), probs=np.array([[0.7, 0.3]]), block_dur=[2, 4])
    assert env.choice_prob.tolist() == [[0.7, 0.3]]


# --- defaults and registration -----------------------------------------------------------


def test_by_name_alone_one_block_per_choice():
    names = {ep.name for ep in importlib.metadata.entry_points(group="neuroplug")}
    assert "side_bias" in names
    env = neuroplug.make_stack("dm", ["side_bias"])
    assert isinstance(env, SideBias)
    np.testing.assert_allclose(env.choice_prob, [[0.8, 0.2], [0.2, 0.8]])
    env3 = neuroplug.make_stack("dm", ["side_bias"], dim_ring=3)
    np.testing.assert_allclose(env3.choice_prob, [[0.8, 0.1, 0.1], [0.1, 0.8, 0.1],
                                                  [0.1, 0.1, 0.8]])
    assert env.get_wrapper_attr("block_dur") == 200


def test_check_env_passes():
    check_env(neuroplug.make_stack("dm", ["side_bias"]), skip_render_check=True)
    check_env(SideBias(dm(), block_dur=0.2), skip_render_check=True)


# --- statistics ------------------------------------------------------------------------


def test_per_block_ground_truth_frequencies_match_probs():
    probs = [[0.9, 0.1], [0.1, 0.9]]
    env = SideBias(dm(), probs=probs, block_dur=50)
    data = trials(env, 20_000, seed=1)
    for block in (0, 1):
        gts = data[data[:, 0] == block, 1]
        assert len(gts) > 5_000
        freq = np.bincount(gts, minlength=2) / len(gts)
        np.testing.assert_allclose(freq, probs[block], atol=0.02)


def test_int_block_dur_gives_exact_blocks_that_always_switch():
    env = SideBias(dm(dim_ring=3), block_dur=7)
    blocks = trials(env, 3_000, seed=2)[:, 0]
    changed = blocks[1:] != blocks[:-1]
    # The block changes exactly every 7 trials (a switch never returns to the same block);
    # the first block has 6, as in NeuroGym 2.3.1 (the trial reset builds counts).
    np.testing.assert_array_equal(np.nonzero(changed)[0] + 1, np.arange(6, 3_000, 7))
    assert set(blocks) == {0, 1, 2}


def test_tuple_block_dur_gives_lengths_in_range():
    env = SideBias(dm(dim_ring=3), block_dur=(3, 6))
    first, *lengths = block_lengths(trials(env, 5_000, seed=3)[:, 0])
    assert 2 <= first <= 5  # one short, as in NeuroGym 2.3.1
    assert set(lengths) == {3, 4, 5, 6}
    counts = np.bincount(lengths, minlength=7)[3:] / len(lengths)
    np.testing.assert_allclose(counts, 0.25, atol=0.05)


def test_float_block_dur_gives_geometric_lengths():
    p = 0.1
    env = SideBias(dm(dim_ring=3), block_dur=p)
    lengths = np.array(block_lengths(trials(env, 20_000, seed=4)[:, 0]))
    assert abs(lengths.mean() - 1 / p) < 0.08 / p
    # Geometric: P(length = 1) = p, P(length = 2) = p (1 - p).
    assert abs(np.mean(lengths == 1) - p) < 0.025
    assert abs(np.mean(lengths == 2) - p * (1 - p)) < 0.025


def test_steps_use_the_biased_ground_truth():
    env = neuroplug.make_stack("dm", [("side_bias", {"probs": [[1.0, 0.0]]})],
                               timing={"stimulus": 200})
    env.reset(seed=0)
    seen = []
    for _ in range(200):
        _, _, _, _, info = env.step(0)
        if info["new_trial"]:
            seen.append(info["trial"]["ground_truth"])
    assert len(seen) > 20 and set(seen) == {0}


def test_reset_with_seed_reproduces_blocks_and_ground_truths():
    env = neuroplug.make_stack("dm", [("side_bias", {"block_dur": (2, 9)})])
    first = trials(env, 300, seed=11)
    again = trials(env, 300, seed=11)
    other = trials(env, 300, seed=12)
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, other)


def test_docs_figure_script_draws_the_blocks(tmp_path):
    import runpy
    from pathlib import Path

    script = Path(__file__).resolve().parents[1] / "docs" / "scripts" / "side_bias_figure.py"
    module = runpy.run_path(str(script))
    blocks, gts = module["simulate"]()
    assert len(blocks) == len(gts) == module["N_TRIALS"] and set(blocks) == {0, 1, 2}
    lengths = [len(list(g)) for _, g in groupby(blocks)][:-1]
    assert all(20 <= n <= 60 for n in lengths)
    out = tmp_path / "blocks.png"
    module["draw"](out)
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
