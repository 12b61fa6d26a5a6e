"""Constructor pieces that many built-in tasks share, written once.

Most tasks show a fixation input followed by a block of stimulus units (often a ring of
direction-tuned units) and answer with a fixation action followed by choice actions; and
nearly all scale their input noise the same way. These helpers build those pieces so the
convention lives in one place.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from neuroplug import spaces
from neuroplug_plugins.tasks._checks import check_non_negative


def scaled_sigma(sigma: Any, dt: float) -> float:
    """The per-step input noise std: ``sigma`` (checked >= 0) scaled by ``1/sqrt(dt)``.

    The scaling keeps the noise of a stimulus integrated over time independent of the
    step size, as in NeuroGym.
    """
    return check_non_negative("sigma", sigma) / np.sqrt(dt)


def ring_angles(n: int) -> np.ndarray:
    """The preferred directions of ``n`` units evenly spaced on the circle: ``k * 2 pi / n``."""
    return np.linspace(0, 2 * np.pi, n + 1)[:-1]


def fixation_stimulus_space(n: int) -> spaces.Box:
    """Observation space of a fixation input (index 0) and ``n`` stimulus units (1..n)."""
    return spaces.Box(
        -np.inf, np.inf, shape=(1 + n,), dtype=np.float32,
        name={"fixation": 0, "stimulus": range(1, n + 1)},
    )


def fixation_choice_space(n: int) -> spaces.Discrete:
    """Action space of fixation (0) and ``n`` choices (1..n)."""
    return spaces.Discrete(1 + n, name={"fixation": 0, "choice": range(1, n + 1)})
