"""``neurogym.utils.ngym_random``: ``TruncExp``, a truncated-exponential duration."""

from __future__ import annotations

import numpy as np

from neuroplug import timing

__all__ = ["TruncExp", "trunc_exp"]


def trunc_exp(rng: np.random.Generator, vmean: float, vmin: float = 0,
              vmax: float = np.inf) -> float:
    """``vmin`` plus an exponential of mean ``vmean``, redrawn until below ``vmax``."""
    return timing.sample(timing.normalize("TruncExp", TruncExp(vmean, vmin, vmax)), rng)


class TruncExp:
    """A period duration: ``vmin`` plus an exponential of mean ``vmean``, below ``vmax``.

    In a task's ``timing`` it is read as ``("truncated_exponential", (vmean, vmin,
    vmax))``, so its draws come from the task's generator and ``reset(seed=)`` reproduces
    them (NeuroGym's draws from an object-own ``RandomState`` that only ``env.seed()``
    reseeds). Called on its own it draws from its own generator.
    """

    def __init__(self, vmean: float, vmin: float = 0, vmax: float = np.inf) -> None:
        self.vmean, self.vmin, self.vmax = vmean, vmin, vmax
        self.rng = np.random.default_rng()

    def timing_spec(self) -> tuple[str, tuple[float, float, float]]:
        """The timing form the task samples (see :mod:`neuroplug.timing`)."""
        return ("truncated_exponential", (self.vmean, self.vmin, self.vmax))

    def seed(self, seed: int | None = None) -> None:
        """Reseed the generator used when called on its own."""
        self.rng = np.random.default_rng(seed)

    def __call__(self) -> float:
        return trunc_exp(self.rng, self.vmean, self.vmin, self.vmax)

    def __repr__(self) -> str:
        return f"TruncExp({self.vmean!r}, {self.vmin!r}, {self.vmax!r})"
