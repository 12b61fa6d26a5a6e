"""Schedules: exact sequences, no repeats for the random ones, block lengths, validation."""

from __future__ import annotations

import importlib.metadata
import re
from itertools import groupby, pairwise
from pathlib import Path

import numpy as np
import pytest

import neuroplug
from neuroplug import resolve_schedule
from neuroplug_plugins.schedules import (
    RandomBlockSchedule,
    RandomSchedule,
    SequentialBlockSchedule,
    SequentialSchedule,
)


def draw(schedule, k, seed=0):
    schedule.reset(np.random.default_rng(seed))
    return [schedule() for _ in range(k)]


def runs(seq):
    """[(value, run length), ...] of consecutive equal values."""
    return [(value, len(list(group))) for value, group in groupby(seq)]


def test_registered_by_plugin_through_entry_points():
    names = {ep.name for ep in importlib.metadata.entry_points(group="neuroplug")}
    assert "schedules" in names
    assert {"sequential", "random", "sequential_block", "random_block"} <= set(
        neuroplug.list_schedules()
    )
    assert neuroplug.get_schedule("random_block").factory is RandomBlockSchedule


def test_sequential_moves_on_from_zero_and_restarts_on_reset():
    schedule = SequentialSchedule(3)
    # As NeuroGym 2.3.1's SequentialSchedule: it starts at 0 and every call moves on.
    assert draw(schedule, 7) == [1, 2, 0, 1, 2, 0, 1]
    assert draw(schedule, 4) == [1, 2, 0, 1]
    assert schedule.total_count == 4
    assert draw(SequentialSchedule(1), 3) == [0, 0, 0]


def test_sequential_block_exact_sequence():
    schedule = SequentialBlockSchedule(3, block_lens=[2, 3, 1])
    assert draw(schedule, 13) == [0, 0, 1, 1, 1, 2, 0, 0, 1, 1, 1, 2, 0]
    assert draw(schedule, 3) == [0, 0, 1]  # reset restarts the first block


def test_random_never_repeats_the_current_index_never_starts_at_zero():
    seq = draw(RandomSchedule(4), 4000, seed=1)
    assert all(a != b for a, b in pairwise(seq))
    freq = np.bincount(seq, minlength=4) / len(seq)
    np.testing.assert_allclose(freq, 0.25, atol=0.03)
    # The first draw after reset moves on from index 0, as in NeuroGym 2.3.1.
    firsts = {draw(RandomSchedule(3), 1, seed=s)[0] for s in range(30)}
    assert firsts == {1, 2}


def test_random_with_one_item_is_always_zero():
    assert draw(RandomSchedule(1), 5) == [0] * 5
    assert draw(RandomBlockSchedule(block_lens=[3]), 7) == [0] * 7


def test_random_block_keeps_each_block_its_length_and_switches_to_another():
    lens = [2, 3, 5]
    seq = draw(RandomBlockSchedule(3, block_lens=lens), 3000, seed=2)
    blocks = runs(seq)
    for value, length in blocks[:-1]:
        assert length == lens[value]
    assert blocks[-1][1] <= lens[blocks[-1][0]]
    assert {value for value, _ in blocks} == {0, 1, 2}


def test_random_schedules_reproduce_from_the_reset_generator():
    for schedule in (RandomSchedule(5), RandomBlockSchedule(block_lens=[1, 2, 3])):
        assert draw(schedule, 50, seed=7) == draw(schedule, 50, seed=7)
        assert draw(schedule, 50, seed=7) != draw(schedule, 50, seed=8)


def test_resolve_schedule_accepts_name_pair_and_object():
    assert isinstance(resolve_schedule("sequential", 4), SequentialSchedule)
    block = resolve_schedule(("sequential_block", {"block_lens": [1, 2]}), 2)
    assert draw(block, 4) == [0, 1, 1, 0]
    loose = RandomSchedule()
    assert resolve_schedule(loose, 6) is loose and loose.n == 6
    with pytest.raises(ValueError, match="n=3 items but 2"):
        resolve_schedule(RandomSchedule(3), 2)
    block = SequentialBlockSchedule(block_lens=[1, 2])
    assert block.n == 2
    with pytest.raises(ValueError, match="n=2 items but 3"):
        resolve_schedule(block, 3)
    with pytest.raises(ValueError, match="block_lens of length 2"):
        block.n = 3


@pytest.mark.parametrize(
    ("factory", "kwargs", "error", "match"),
    [
        (SequentialSchedule, {"n": 0}, ValueError, "n must be an int >= 1"),
        (RandomSchedule, {"n": 2.5}, ValueError, "n must be an int >= 1"),
        (RandomSchedule, {"n": True}, ValueError, "n must be an int >= 1"),
        (SequentialBlockSchedule, {"n": 2}, TypeError, "block_lens is required"),
        (RandomBlockSchedule, {"block_lens": 3}, TypeError, "list of positive ints"),
        (RandomBlockSchedule, {"block_lens": []}, ValueError, "non-empty list"),
        (RandomBlockSchedule, {"block_lens": [2, 0]}, ValueError, r"invalid entries: \[0\]"),
        (RandomBlockSchedule, {"block_lens": [2, 1.5]}, ValueError, "invalid entries"),
        (SequentialBlockSchedule, {"n": 3, "block_lens": [1, 2]}, ValueError,
         r"n=3 but len\(block_lens\)=2"),
    ],
)
def test_invalid_arguments_are_rejected(factory, kwargs, error, match):
    with pytest.raises(error, match=match):
        factory(**kwargs)


DOCS = Path(__file__).resolve().parents[1] / "docs" / "wrappers"


@pytest.mark.parametrize(
    "page",
    ["schedules", "side_bias", "trial_history_v2", "schedule_attr", "multi_envs",
     "schedule_envs"],
)
def test_docs_examples_run(page):
    """Every ```python block of the page's "## Example" section runs (not stale)."""
    text = (DOCS / f"{page}.md").read_text()
    assert "## Example" in text, f"docs/wrappers/{page}.md has no Example section"
    example = text.split("## Example", 1)[1]
    blocks = re.findall(r"```python\n(.*?)```", example, flags=re.S)
    assert blocks, f"docs/wrappers/{page}.md has no python example"
    for block in blocks:
        exec(compile(block, f"docs/wrappers/{page}.md", "exec"), {})
