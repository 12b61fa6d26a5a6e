"""Period timing: every form, rounding to dt, 'until', and the errors of add_period."""

from __future__ import annotations

import numpy as np
import pytest

from neuroplug import TimingError, TrialEnv, spaces


class Periods(TrialEnv):
    """A minimal task whose trial is just the periods of its timing, in order."""

    def __init__(self, timing, dt=10):
        super().__init__(dt=dt)
        self.timing = timing
        self.observation_space = spaces.Box(-1, 1, shape=(2,), name={"a": 0, "b": 1})
        self.action_space = spaces.Discrete(2, name={"choice": [0, 1]})

    def _new_trial(self, **kwargs):
        self.add_period(list(self.timing))
        return {}

    def _step(self, action):
        return None, 0.0, False, False, {}


def durations(timing, trials=400, dt=10):
    env = Periods(timing, dt=dt)
    env.reset(seed=0)
    out = {p: [] for p in timing}
    for _ in range(trials):
        env.new_trial()
        for p in timing:
            out[p].append(env.end_t[p] - env.start_t[p])
    return {p: np.array(v) for p, v in out.items()}


def test_every_form_is_in_range_and_a_multiple_of_dt():
    d = durations(
        {
            "number": 123,
            "list": [100, 200, 305],
            "callable": lambda: 47,
            "constant": ("constant", 55),
            "choice": ("choice", [10, 20, 30]),
            "uniform": ("uniform", (100, 200)),
            "trunc_exp": ("truncated_exponential", (50, 20, 300)),
        },
        dt=10,
    )
    for period, values in d.items():
        assert np.allclose(values % 10, 0), f"{period}: not multiples of dt: {values[:5]}"
    assert set(d["number"]) == {120}
    assert set(d["list"]) == {100, 200, 300}
    assert set(d["callable"]) == {40}  # floored, as in NeuroGym
    assert set(d["constant"]) == {50}
    assert set(d["choice"]) == {10, 20, 30}
    assert d["uniform"].min() >= 100 and d["uniform"].max() <= 200
    assert len(set(d["uniform"])) > 5
    assert d["trunc_exp"].min() >= 20 and d["trunc_exp"].max() <= 300
    # mean of min + Exp(50), truncated at 300: close to 70
    assert 60 < d["trunc_exp"].mean() < 80


def test_until_lasts_until_an_absolute_time():
    d = durations({"first": ("uniform", (100, 300)), "rest": ("until", 500)})
    assert np.allclose(d["first"] + d["rest"], 500)


def test_add_period_before_and_after():
    class Custom(Periods):
        def _new_trial(self, **kwargs):
            self.add_period("decision", 100, after=500)
            self.add_period("delay", 200, before="decision")
            self.add_period("stimulus", 50, after="decision")
            return {}

    env = Custom({})
    env.reset(seed=0)
    assert (env.start_t["delay"], env.end_t["delay"]) == (300, 500)
    assert (env.start_t["stimulus"], env.end_t["stimulus"]) == (600, 650)
    assert env.tmax == 650


@pytest.mark.parametrize(
    ("spec", "error", "match"),
    [
        (("gamma", (1, 2)), ValueError, "unknown distribution 'gamma'; accepted: constant"),
        (-5, ValueError, r"timing\['p'\]: duration must be >= 0"),
        ("100", TypeError, "unsupported timing '100'"),
        (("uniform", (300, 100)), ValueError, "low <= high"),
        (("choice", []), ValueError, "must not be empty"),
        ([10, "x"], TypeError, "must be a number"),
    ],
)
def test_bad_timing_fails_at_construction(spec, error, match):
    with pytest.raises(error, match=match):
        Periods({"p": spec})


def test_timing_update_is_validated():
    env = Periods({"p": 100})
    with pytest.raises(ValueError, match="unknown distribution"):
        env.timing.update({"p": ("poisson", 3)})


def test_add_period_after_observations_is_an_error():
    class Late(Periods):
        def _new_trial(self, **kwargs):
            self.add_period("a", 100)
            self.add_ob(1, "a", where="a")
            self.add_period("b", 100)
            return {}

    with pytest.raises(TimingError, match=r"add_period\('b'\) called after observations"):
        Late({}).reset(seed=0)


def test_named_dimensions_and_views():
    class Named(Periods):
        def _new_trial(self, **kwargs):
            self.add_period(["a", "b"], [20, 30])
            self.add_ob(0.5, "a", where="b")
            self.set_ob([0.25, 0.75], "b")
            self.set_groundtruth(1, "b", where="choice")
            return {}

    env = Named({})
    obs, _ = env.reset(seed=0)
    assert np.array_equal(env.view_ob("a"), [[0, 0.5], [0, 0.5]])
    assert np.array_equal(env.view_ob("b"), [[0.25, 0.75]] * 3)
    assert np.array_equal(env.view_groundtruth("b"), [1, 1, 1])
    assert np.array_equal(obs, [0, 0.5])
    with pytest.raises(KeyError, match="no dimension named 'c'"):
        env.add_ob(1, where="c")
