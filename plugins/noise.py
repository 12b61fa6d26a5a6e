"""Noise: Gaussian noise on the observation, optionally adapted to hold performance down.

``Noise(env, std_noise=0.1, perf_th=None, w=100, step_noise=0.001)`` adds zero-mean
Gaussian noise of standard deviation ``std_noise`` to every entry of the observation of
the env below it (its whole observation space, so entries appended by inner layers, such
as the previous action, are noisy too -- as in NeuroGym).

With ``perf_th`` set, the level adapts: after every finished trial the mean performance of
the last ``w`` trials is compared with ``perf_th`` and ``std_noise`` moves by
``step_noise`` -- up when the agent does better than ``perf_th``, down when it does worse,
never below 0 -- so that the agent's performance is held at (not above) ``perf_th``.

Speed: standard normals are drawn from the task's generator in blocks of
``BLOCK_ROWS`` observations, pre-scaled and laid out as wide as the stack's outgoing
observation (zeros in the entries that outer layers append), so a step costs one in-place
add of a whole row -- no slicing. The block is discarded on ``reset`` so that
``reset(seed=s)`` reproduces the noise exactly; how many normals are drawn does not depend
on what lies above this layer.
"""

from __future__ import annotations

from numbers import Integral, Real
from typing import Any

import gymnasium as gym
import numpy as np

from neuroplug import IncompatibleWrapperError, Layer, hookimpl, spaces
from neuroplug.dispatch import Step
from neuroplug.layer import task_label
from neuroplug.spaces import dim_names
from neuroplug.trial_env import TrialEnv

#: Observations drawn per block of pre-drawn noise.
BLOCK_ROWS = 1024


def _check_real(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"Noise: {name} must be a number, got {value!r}")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"Noise: {name} must be finite, got {value!r}")
    return value


class Noise(Layer):
    """Add Gaussian noise to the observations.

    Args:
        env: the env to wrap (a task or a stack of layers over one).
        std_noise: standard deviation of the noise (>= 0). Default 0.1.
        perf_th: if not ``None`` (a number in [0, 1]), adapt ``std_noise`` so that the mean
            performance over the last ``w`` trials stays at or below ``perf_th``.
        w: window, in trials, of the mean performance (int >= 1). Default 100.
        step_noise: amount ``std_noise`` moves by after each trial in adaptive mode (> 0).
            Default 0.001.

    Attributes:
        std_noise: the current noise level (changes over trials in adaptive mode).

    ``reset(seed=s)`` restores the initial ``std_noise`` and forgets the performance window,
    so a seeded reset reproduces the whole run; ``reset()`` without a seed keeps the level
    reached (training continues where it was).
    """

    def __init__(
        self,
        env: gym.Env,
        std_noise: float = 0.1,
        perf_th: float | None = None,
        w: int = 100,
        step_noise: float = 0.001,
    ) -> None:
        super().__init__(
            env, std_noise=std_noise, perf_th=perf_th, w=w, step_noise=step_noise
        )
        std_noise = _check_real("std_noise", std_noise)
        if std_noise < 0:
            raise ValueError(f"Noise: std_noise must be >= 0, got {std_noise!r}")
        if perf_th is not None:
            perf_th = _check_real("perf_th", perf_th)
            if not 0.0 <= perf_th <= 1.0:
                raise ValueError(
                    f"Noise: perf_th must be None or a number in [0, 1], got {perf_th!r}"
                )
        if isinstance(w, bool) or not isinstance(w, Integral) or w < 1:
            raise ValueError(f"Noise: w must be an int >= 1, got {w!r}")
        step_noise = _check_real("step_noise", step_noise)
        if step_noise <= 0:
            raise ValueError(f"Noise: step_noise must be > 0, got {step_noise!r}")
        inner = env.observation_space
        if not isinstance(inner, gym.spaces.Box) or not np.issubdtype(
            inner.dtype, np.floating
        ):
            raise IncompatibleWrapperError(
                f"Noise on {task_label(env)}: needs a floating-point Box observation space, "
                f"got {inner}"
            )
        self.initial_std_noise = std_noise
        self.std_noise = std_noise
        self.perf_th = perf_th
        self.w = int(w)
        self.step_noise = step_noise
        self._index = tuple(slice(0, n) for n in inner.shape)
        self._block_shape = (BLOCK_ROWS, *inner.shape)
        self._dtype = inner.dtype
        self._raw: np.ndarray | None = None  # standard normals (adaptive mode only)
        self._scaled: np.ndarray | None = None  # std_noise * normals, full outgoing width
        self._rows: list[np.ndarray] = []  # the rows of _scaled, as views
        self._full_size = 0
        self._next = BLOCK_ROWS
        self._perf = np.zeros(self.w)  # ring buffer of the last w trials' performances
        self._perf_count = 0
        self.attach()

    # --- hooks ----------------------------------------------------------------------

    @hookimpl
    def neuroplug_observation_space(self, env: gym.Env, space: gym.Space) -> gym.Space:
        """The same space with unbounded entries: noise can take any value."""
        if np.all(np.isneginf(space.low)) and np.all(np.isposinf(space.high)):
            return space
        return spaces.Box(-np.inf, np.inf, shape=space.shape, dtype=space.dtype,
                          name=dim_names(space))

    @hookimpl
    def neuroplug_reset(self, env: TrialEnv, seed: int | None) -> None:
        """Drop the pre-drawn block (the next one is drawn from the reseeded generator)."""
        self._next = BLOCK_ROWS
        if seed is not None:
            self.std_noise = self.initial_std_noise
            self._perf_count = 0

    @hookimpl
    def neuroplug_observation(self, env: TrialEnv, step: Step) -> None:
        """Add the next pre-drawn noise row (zeros beyond this layer's entries)."""
        obs = step.obs
        i = self._next
        # a new block when this one is used up, or when the outgoing observation grew (a
        # layer was added above since it was drawn; layers only ever widen it)
        if i >= BLOCK_ROWS or obs.size != self._full_size:
            self._draw(env.np_random, obs.shape)
            i = 0
        obs += self._rows[i]
        self._next = i + 1

    @hookimpl
    def neuroplug_log_trial(self, env: TrialEnv, record: dict[str, Any]) -> None:
        """Adaptive mode: move ``std_noise`` by ``step_noise`` towards ``perf_th``."""
        if self.perf_th is None:
            return
        perf = float(record["performance"])  # 0/1, or graded in [0, 1] on some tasks
        slot = self._perf_count % self.w
        self._perf[slot] = perf
        self._perf_count += 1
        count = min(self._perf_count, self.w)
        # a sum over the window (not a running sum) so that no rounding error accumulates
        mean = float(self._perf[:count].sum()) / count
        if mean > self.perf_th:
            new = self.std_noise + self.step_noise
        elif mean < self.perf_th:
            new = max(0.0, self.std_noise - self.step_noise)
        else:
            return
        if new != self.std_noise:
            self.std_noise = new
            self._rescale()

    # --- pickling: row views do not survive it, rebuild them -------------------------

    def __getstate__(self) -> dict[str, Any]:
        state = super().__getstate__()
        state["_rows"] = []
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        super().__setstate__(state)
        self._rows = list(self._scaled) if self._scaled is not None else []

    # --- the noise blocks -----------------------------------------------------------

    def _draw(self, rng: np.random.Generator, full_shape: tuple[int, ...]) -> None:
        """Draw the next block; rows are ``full_shape`` wide, zero beyond ``_index``."""
        raw = rng.standard_normal(self._block_shape)
        self._full_size = int(np.prod(full_shape))
        self._scaled = np.zeros((BLOCK_ROWS, *full_shape), dtype=self._dtype)
        own = self._scaled[(slice(None), *self._index)]  # a view of our entries
        if self.perf_th is None:
            self._raw = None
            own[...] = raw * self.std_noise
        else:
            self._raw = raw
            np.multiply(raw, self.std_noise, out=own, casting="same_kind")
        self._rows = list(self._scaled)  # views of the rows: cheaper to pick than to index
        self._next = 0

    def _rescale(self) -> None:
        """Apply the new level to the samples of the block not used yet."""
        i = self._next
        if self._raw is not None and i < BLOCK_ROWS:
            # the view is taken here, not kept: a kept view would not survive pickling
            own = self._scaled[(slice(i, None), *self._index)]
            np.multiply(self._raw[i:], self.std_noise, out=own, casting="same_kind")


@hookimpl
def neuroplug_add_wrappers(registry):
    # aliases: NeuroGym's wrapper id
    registry.add_wrapper("noise", Noise, aliases=["Noise-v0"])
