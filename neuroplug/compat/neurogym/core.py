"""``neurogym.core``: the base classes NeuroGym tasks and wrappers subclass.

:class:`TrialEnv` is :class:`neuroplug.TrialEnv` with NeuroGym's subclassing contract on
top: the constructor's ``num_trials_before_reset``, ``self.rng`` with ``RandomState``'s
methods (``rand``, ``randn``, ``randint``, ...) drawing from the env's generator (so
``reset(seed=)`` reproduces a task) and ``trial_length_stats()``; ``seed()`` is every
task's. A task
written for NeuroGym -- ``_new_trial`` building periods, observations and ground truth,
``_step`` returning ``self.ob_now`` or an observation of its own -- runs unchanged.

:class:`TrialWrapper` is NeuroGym's: a subclass overrides ``new_trial(**kwargs)`` and
calls ``self.env.new_trial(**kwargs)``; the task starts every trial through it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from neuroplug import layer as _layer
from neuroplug import trial_env as _trial_env
from neuroplug.trial_env import OBNOW

__all__ = ["OBNOW", "BaseEnv", "RandomStateView", "TrialEnv", "TrialWrapper"]


class RandomStateView:
    """A ``numpy.random.Generator`` answering ``RandomState``'s method names too.

    NeuroGym tasks draw with ``self.rng.rand()``, ``randn``, ``randint``; here those come
    from the env's generator (gymnasium's ``np_random``), so draws follow NeuroGym's
    distributions, not its exact streams, and ``reset(seed=)`` reproduces them. Every
    ``Generator`` method (``choice``, ``uniform``, ``integers``, ...) works as well.
    """

    __slots__ = ("generator",)

    def __init__(self, generator: np.random.Generator) -> None:
        self.generator = generator

    def __getattr__(self, name: str) -> Any:
        return getattr(self.generator, name)

    def rand(self, *shape: int) -> Any:
        """Uniform on ``[0, 1)``, of ``shape`` (a float with none)."""
        return self.generator.random(shape or None)

    def randn(self, *shape: int) -> Any:
        """Standard normal, of ``shape`` (a float with none)."""
        return self.generator.standard_normal(shape or None)

    def randint(self, low: int, high: int | None = None, size: Any = None,
                dtype: Any = np.int64) -> Any:
        """Integers in ``[low, high)`` (``[0, low)`` without ``high``), as RandomState."""
        return self.generator.integers(low, high, size=size, dtype=dtype)

    def random_sample(self, size: Any = None) -> Any:
        """Uniform on ``[0, 1)``."""
        return self.generator.random(size)

    ranf = sample = random_sample

    def random_integers(self, low: int, high: int | None = None, size: Any = None) -> Any:
        """Integers in ``[low, high]`` (``[1, low]`` without ``high``), as RandomState."""
        if high is None:
            low, high = 1, low
        return self.generator.integers(low, high, size=size, endpoint=True)

    def get_state(self) -> dict[str, Any]:
        """The generator's state (its bit generator's; not RandomState's tuple)."""
        return self.generator.bit_generator.state

    def set_state(self, state: dict[str, Any]) -> None:
        """Restore a state from :meth:`get_state`."""
        self.generator.bit_generator.state = state


class TrialEnv(_trial_env.TrialEnv):
    """NeuroGym's ``TrialEnv``: see the module docstring.

    Args:
        dt: duration of one step in ms.
        num_trials_before_reset: kept as ``num_tr_exp``, as NeuroGym does (unused there too).
        r_tmax: reward when a trial runs out of time.
    """

    def __init__(self, dt: float = 100, num_trials_before_reset: int = 10000000,
                 r_tmax: float = 0) -> None:
        super().__init__(dt=dt, r_tmax=r_tmax)
        self.num_tr_exp = num_trials_before_reset

    @property
    def rng(self) -> RandomStateView:  # type: ignore[override]
        """The env's generator with ``RandomState``'s methods (see :class:`RandomStateView`)."""
        generator = self.np_random
        view = self.__dict__.get("_rng_view")
        if view is None or view.generator is not generator:
            view = self._rng_view = RandomStateView(generator)
        return view

    def set_top(self, wrapper: Any) -> None:
        """Start each trial through ``wrapper.new_trial()`` (NeuroGym's ``set_top``)."""
        self.trial_top = None if wrapper is self else wrapper

    def trial_length_stats(self, num_trials: int = 10000) -> dict[str, float]:
        """Mean, std, 95th percentile and max of the trial length in steps, from
        ``num_trials`` new trials (the generator's state is restored afterwards)."""
        state = self.rng.get_state()
        lengths = []
        for _ in range(num_trials):
            self.new_trial()
            lengths.append(len(self.ob))
        self.rng.set_state(state)
        values = np.asarray(lengths)
        return {
            "mean": round(float(np.mean(values)), 3),
            "std": round(float(np.std(values)), 3),
            "percentile_95": round(float(np.percentile(values, 95)), 3),
            "max": round(float(np.max(values)), 3),
        }


#: NeuroGym's base of non-trial envs; here every env is trial-based.
BaseEnv = TrialEnv


class TrialWrapper(_layer.TrialWrapper):
    """NeuroGym's ``TrialWrapper``: override ``new_trial(**kwargs)``, change ``kwargs``
    or the trial built, and call ``self.env.new_trial(**kwargs)``; every trial the task
    starts goes through it (the outermost such wrapper), as in NeuroGym. ``step`` may be
    overridden too (calling ``self.env.step``).
    """

    def __init__(self, env: Any) -> None:
        super().__init__(env)
        self.attach()
        self._previous_tops: list[tuple[Any, Any]] = []
        if type(self).new_trial is not TrialWrapper.new_trial:
            for task in self.tasks:
                self._previous_tops.append((task, task.trial_top))
                task.trial_top = self

    def new_trial(self, **kwargs: Any) -> dict[str, Any]:
        """Start a new trial below (override this; call ``self.env.new_trial(**kwargs)``)."""
        return super().new_trial(**kwargs)

    def detach(self) -> None:
        """Take this wrapper out; its tasks start trials as before it was added."""
        super().detach()
        for task, previous in self.__dict__.pop("_previous_tops", ()):
            if task.trial_top is self:
                task.trial_top = previous
