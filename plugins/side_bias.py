"""SideBias: block-wise biased choice probabilities.

``SideBias(env, probs=None, block_dur=200)`` draws each trial's ground truth from the
current block's row of ``probs`` (one row per block, one column per choice of the task).
After a block's duration a new block is drawn uniformly among the *other* blocks (never the
same one). ``block_dur`` is

- an ``int`` >= 1: that many trials per block (the first block after ``reset`` has one
  fewer: the trial ``reset`` builds counts, as in NeuroGym 2.3.1);
- a ``float`` in (0, 1): the probability of switching block before each trial (block
  lengths are geometric, mean ``1 / block_dur``);
- a ``(low, high)`` pair of ints: each block lasts a number of trials drawn uniformly from
  ``low..high`` inclusive.

With ``probs=None`` there is one block per choice: that choice has probability 0.8 and the
others share 0.2 equally (``[[0.8, 0.2], [0.2, 0.8]]`` for two choices).

Each trial's parameters carry ``probs``, the current block's row, as in NeuroGym.

The block and its duration are redrawn from the task's generator on ``reset`` (so
``reset(seed=s)`` reproduces them); the current block is ``curr_block``.
"""

from __future__ import annotations

import numbers
from bisect import bisect_right
from collections.abc import Sequence
from typing import Any

import gymnasium as gym
import numpy as np

from neuroplug import TrialWrapper, hookimpl
from neuroplug.fidelity import declare_difference
from neuroplug.trial_env import TrialEnv
from neuroplug_plugins._choices import choices_below, cumulative, prob_matrix


def default_probs(n_choices: int, p: float = 0.8) -> list[list[float]]:
    """One block per choice: that choice at ``p``, the others sharing ``1 - p`` equally."""
    if n_choices == 1:
        return [[1.0]]
    rest = (1.0 - p) / (n_choices - 1)
    return [[p if j == i else rest for j in range(n_choices)] for i in range(n_choices)]


def _is_int(value: Any) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def check_block_dur(value: Any) -> tuple[str, Any]:
    """``block_dur`` -> ``("fixed", n)``, ``("switch", p)`` or ``("uniform", (low, high))``."""
    accepted = ("an int >= 1 (trials per block), a float in (0, 1) (per-trial switch "
                "probability) or a (low, high) pair of ints with 1 <= low <= high")
    if isinstance(value, (bool, np.bool_)):
        raise TypeError(f"SideBias: block_dur must be {accepted}, got {value!r}")
    if _is_int(value):
        if value < 1:
            raise ValueError(f"SideBias: block_dur must be {accepted}, got {value!r}")
        return "fixed", int(value)
    if isinstance(value, numbers.Real):
        if not 0 < value < 1:
            raise ValueError(
                f"SideBias: a float block_dur is a per-trial switch probability and must lie "
                f"in (0, 1), got {value!r}; for a fixed number of trials pass an int"
            )
        return "switch", float(value)
    if isinstance(value, Sequence) and not isinstance(value, (str, bytes)):
        if len(value) != 2:
            raise ValueError(
                f"SideBias: a block_dur range must be a (low, high) pair, got {value!r}"
            )
        if not all(_is_int(v) for v in value):
            raise TypeError(
                f"SideBias: a block_dur range must hold two ints (low, high), got {value!r}"
            )
        low, high = int(value[0]), int(value[1])
        if not 1 <= low <= high:
            raise ValueError(
                f"SideBias: a block_dur range (low, high) needs 1 <= low <= high, "
                f"got {value!r}"
            )
        return "uniform", (low, high)
    raise TypeError(f"SideBias: block_dur must be {accepted}, got {value!r}")


declare_difference(
    "side_bias.seeded_first_block", component="wrapper side_bias", kind="bug fix",
    neurogym="the first block is drawn once, when the wrapper is built, from the task's "
    "unseeded generator; reset(seed=s) does not redraw it",
    neuroplug="reset(seed=s) redraws the first block (and its duration) from the seeded "
    "generator",
    reason="NeuroGym's first block is not reproducible under a seed",
    test="tests/test_side_bias.py::test_reset_with_seed_reproduces_blocks_and_ground_truths",
)


class SideBias(TrialWrapper):
    """Change the probability of the ground truth with block-wise biases.

    Args:
        env: the task (or stack) to wrap; every task under it must expose ``choices``.
        probs: probability matrix of shape ``(n_blocks, n_choices)``, a 2-D list of numbers;
            each row (one block) must be non-negative and sum to 1, with one column per
            choice of the task (``len(task.choices)``). Default ``None``: one block per
            choice, that choice at 0.8 and the others sharing 0.2.
        block_dur: block duration: int >= 1 (trials per block), float in (0, 1)
            (per-trial switch probability) or ``(low, high)`` ints (uniform, inclusive).
            Default 200.

    Raises:
        TypeError: ``probs`` is not a 2-D list of numbers, or ``block_dur`` has a wrong type.
        ValueError: a row does not sum to 1, has a negative entry, or the wrong number of
            columns; ``block_dur`` is out of range.
        IncompatibleWrapperError: a task below has no ``choices``.

    Attributes:
        curr_block: index of the current block (a row of ``choice_prob``).
        choice_prob: the probability matrix as an array.
    """

    def __init__(self, env: gym.Env, probs: Sequence[Sequence[float]] | None = None,
                 block_dur: float | tuple[int, int] = 200) -> None:
        super().__init__(env, probs=probs, block_dur=block_dur)
        self._choices = choices_below("SideBias", env)
        self.choices = next(iter(self._choices.values()))
        n_choices = len(self.choices)
        self.probs = probs
        self.choice_prob = prob_matrix(
            "SideBias", "probs", default_probs(n_choices) if probs is None else probs,
            n_choices,
        )
        self.n_blocks = self.choice_prob.shape[0]
        self._cum = cumulative(self.choice_prob)
        self.block_dur = block_dur
        self._dur_kind, self._dur = check_block_dur(block_dur)
        self.curr_block = 0
        self._left = 0
        self._draw_state(self.tasks[0].np_random)
        self.attach()

    def _duration(self, rng: np.random.Generator) -> int | None:
        """Trials in a new block (``None``: a per-trial switch probability decides)."""
        kind, dur = self._dur_kind, self._dur
        if kind == "fixed":
            return dur
        if kind == "uniform":
            return int(rng.integers(dur[0], dur[1] + 1))
        return None

    def _draw_state(self, rng: np.random.Generator) -> None:
        self.curr_block = int(rng.integers(self.n_blocks))
        self._left = self._duration(rng)

    def _switch(self, rng: np.random.Generator) -> None:
        n = self.n_blocks
        if n > 1:
            block = int(rng.integers(n - 1))
            self.curr_block = block + 1 if block >= self.curr_block else block
        self._left = self._duration(rng)

    @hookimpl
    def neuroplug_reset(self, env: TrialEnv, seed: int | None) -> None:
        self._draw_state(env.np_random)

    @hookimpl
    def neuroplug_trial_params(self, env: TrialEnv, params: dict[str, Any]) -> None:
        # NeuroGym 2.3.1's rule, trial by trial: count the trial down first, then switch
        # when the count reaches 0 (so the first block after reset, whose count includes
        # the trial reset builds, has block_dur - 1 trials) or, with a switch probability,
        # switch with that probability before every trial.
        rng = env.np_random
        if self._left is None:
            switch = rng.random() < self._dur
        else:
            self._left -= 1
            switch = self._left <= 0
        if switch:
            self._switch(rng)
        cum = self._cum[self.curr_block]
        choices = self._choices[env]
        index = bisect_right(cum, rng.random())
        params["ground_truth"] = choices[index if index < len(choices) else -1]
        params["probs"] = self.choice_prob[self.curr_block]


@hookimpl
def neuroplug_add_wrappers(registry) -> None:
    # aliases: NeuroGym's wrapper id
    registry.add_wrapper("side_bias", SideBias, aliases=["SideBias-v0"])
