"""Random stacks of wrappers over the registered tasks keep the gymnasium contract.

Property-based (hypothesis): a random task, a random list of the single-env wrappers that
work on it by name, and random valid parameters for each; the stack must pass
``check_env``, keep every observation in its space and be reproducible under a seed.
Also: every wrapper is found through the ``neuroplug`` entry points and works by name.
"""

from __future__ import annotations

import copy
import functools
import importlib
import importlib.metadata
import inspect
import pickle
import tempfile
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import neuroplug
from neuroplug import IncompatibleWrapperError

DOCUMENTED_WRAPPERS = {
    "side_bias", "trial_history_v2", "schedule_attr", "multi_envs", "schedule_envs",
    "noise", "pass_action", "pass_reward", "reaction_time", "monitor",
}
ROLLOUT_STEPS = 300
SAVE_DIR = object()  # placeholder for "a fresh directory" in a monitor's kwargs


def single_env_wrappers() -> list[str]:
    return [n for n in neuroplug.list_wrappers() if not neuroplug.get_wrapper(n).multi_env]


def materialize(specs: list[tuple[str, dict[str, Any]]], tmp: str) -> list[Any]:
    """The specs with every SAVE_DIR placeholder replaced by a new directory in ``tmp``."""
    return [
        (name, {k: tempfile.mkdtemp(dir=tmp) if v is SAVE_DIR else v for k, v in kw.items()})
        for name, kw in specs
    ]


def base_kwargs(name: str) -> dict[str, Any]:
    """What a wrapper needs in a test beyond its name: a monitor stays quiet in a temp dir."""
    if name != "monitor":
        return {}
    accepted = inspect.signature(neuroplug.get_wrapper(name).factory).parameters
    wanted = {"verbose": False, "save_dir": SAVE_DIR}
    return {k: v for k, v in wanted.items() if k in accepted}


@functools.cache
def compatibility() -> dict[str, tuple[tuple[str, ...], dict[str, Any]]]:
    """task -> (wrappers that work on it by name alone, facts the strategies need)."""
    table = {}
    with tempfile.TemporaryDirectory() as tmp, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for task in neuroplug.list_tasks():
            ok, info = [], {}
            for name in single_env_wrappers():
                try:
                    env = neuroplug.make_stack(task, materialize([(name, base_kwargs(name))], tmp))
                except IncompatibleWrapperError:
                    continue
                ok.append(name)
                if name == "side_bias":
                    info["n_choices"] = len(env.choices)
                env.close()
            cohs = getattr(neuroplug.make(task), "cohs", None)
            if cohs is not None:
                info["cohs"] = [float(c) for c in np.ravel(cohs)]
            if ok:
                table[task] = (tuple(ok), info)
    return table


# --- parameter strategies ---------------------------------------------------------------


def stochastic_rows(n_rows: int, n_cols: int) -> st.SearchStrategy[list[list[float]]]:
    row = st.lists(st.integers(0, 10), min_size=n_cols, max_size=n_cols).filter(any)
    return st.lists(row, min_size=n_rows, max_size=n_rows).map(
        lambda rows: [[v / sum(r) for v in r] for r in rows]
    )


def block_durations() -> st.SearchStrategy[Any]:
    return st.one_of(
        st.integers(1, 50),
        st.floats(0.01, 0.99),
        st.tuples(st.integers(1, 20), st.integers(0, 20)).map(lambda t: (t[0], t[0] + t[1])),
    )


def kwargs_strategy(name: str, info: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    """Random valid constructor arguments for wrapper ``name`` on a task with ``info``."""
    if name == "noise":
        return st.fixed_dictionaries(
            {"std_noise": st.floats(0, 1)},
            optional={"perf_th": st.floats(0, 1), "w": st.integers(1, 200),
                      "step_noise": st.floats(1e-4, 0.05)},
        )
    if name == "reaction_time":
        return st.fixed_dictionaries(
            {"urgency": st.floats(-0.1, 0.1), "end_on_stimulus": st.booleans()}
        )
    if name == "side_bias":
        n = info["n_choices"]
        return st.fixed_dictionaries({
            "probs": st.integers(1, 3).flatmap(lambda k: stochastic_rows(k, n)),
            "block_dur": block_durations(),
        })
    if name == "trial_history_v2":
        n = info["n_choices"]
        return st.fixed_dictionaries({"probs": st.one_of(st.none(), stochastic_rows(n, n))})
    if name == "schedule_attr" and info.get("cohs"):
        attrs = [{"coh": c} for c in info["cohs"]]
        return st.fixed_dictionaries({
            "schedule": st.sampled_from(["sequential", "random"]),
            "attr_list": st.lists(st.sampled_from(attrs), min_size=1, max_size=4),
        })
    if name == "monitor":
        kwargs = base_kwargs(name)
        if "interval" in inspect.signature(neuroplug.get_wrapper(name).factory).parameters:
            return st.integers(5, 100).map(lambda i: {**kwargs, "interval": i})
        return st.just(kwargs)
    return st.just({})  # pass_action, pass_reward, and any wrapper we know no parameters of


@st.composite
def stacks(draw: Any) -> tuple[str, list[tuple[str, dict[str, Any]]]]:
    table = compatibility()
    task = draw(st.sampled_from(sorted(table)))
    names, info = table[task]
    chosen = draw(st.lists(st.sampled_from(names), min_size=1, max_size=5))
    return task, [(name, draw(kwargs_strategy(name, info))) for name in chosen]


# --- the properties -----------------------------------------------------------------------


def rollout(env: Any, seed: int) -> list[tuple[np.ndarray, float, bool]]:
    """Observations, rewards and trial ends of ROLLOUT_STEPS seeded random steps; every
    observation must lie in the observation space."""
    space = env.observation_space
    obs, _ = env.reset(seed=seed)
    env.action_space.seed(seed)
    assert space.contains(obs), f"reset observation {obs!r} not in {space}"
    out = [(np.array(obs), 0.0, True)]
    for i in range(ROLLOUT_STEPS):
        obs, reward, _, _, info = env.step(env.action_space.sample())
        assert space.contains(obs), f"step {i}: observation {obs!r} not in {space}"
        assert np.isfinite(reward), f"step {i}: reward {reward!r}"
        out.append((np.array(obs), float(reward), bool(info["new_trial"])))
    return out


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(stack=stacks(), seed=st.integers(0, 2**16))
def test_random_stacks_keep_the_gymnasium_contract(stack, seed):
    task, specs = stack
    with tempfile.TemporaryDirectory() as tmp, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # check_env's advice on unbounded spaces etc.
        env = neuroplug.make_stack(task, materialize(specs, tmp))
        check_env(env, skip_render_check=True)
        env.close()
        runs = []
        for _ in range(2):
            env = neuroplug.make_stack(task, materialize(specs, tmp))
            runs.append(rollout(env, seed))
            env.close()
    for i, (a, b) in enumerate(zip(*runs, strict=True)):
        np.testing.assert_array_equal(a[0], b[0], err_msg=f"{task} {specs}: obs differ at {i}")
        assert a[1:] == b[1:], f"{task} {specs}: reward/new_trial differ at step {i}"


def assert_clones_continue_alike(env: Any, seed: int, steps: int = 100) -> None:
    """A pickled and a deep-copied stack, taken mid-run, continue exactly like the original
    (the deep copy only when the task keeps the default copy semantics)."""
    env.reset(seed=seed)
    env.action_space.seed(seed)
    for _ in range(steps):
        env.step(env.action_space.sample())
    clones = [pickle.loads(pickle.dumps(env))]
    if "__deepcopy__" not in vars(type(env.unwrapped)):
        # a task may define its copies to draw fresh streams (annubes does, as documented)
        clones.append(copy.deepcopy(env))
    actions = [env.action_space.sample() for _ in range(steps)]
    for i, action in enumerate(actions):
        expected = env.step(action)
        for clone in clones:
            got = clone.step(action)
            np.testing.assert_array_equal(got[0], expected[0], err_msg=f"clone step {i}")
            assert got[1:4] == expected[1:4], f"clone step {i}: {got[1:4]} != {expected[1:4]}"
    for clone in clones:
        clone.close()


@settings(max_examples=10, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(stack=stacks(), seed=st.integers(0, 2**16))
def test_random_stacks_pickle_and_deepcopy(stack, seed):
    task, specs = stack
    with tempfile.TemporaryDirectory() as tmp, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        env = neuroplug.make_stack(task, materialize(specs, tmp))
        assert_clones_continue_alike(env, seed)
        env.close()


def test_adaptive_noise_stack_pickles_mid_run():
    """Every observation wrapper with changing state (adaptive noise rising) survives
    pickling mid-block and mid-trial."""
    env = neuroplug.make_stack("dm", [
        "side_bias", "trial_history_v2", ("reaction_time", {"urgency": -0.01}),
        "pass_reward", "pass_action",
        ("noise", {"std_noise": 0.05, "perf_th": 0.0, "step_noise": 0.01}),
    ])
    assert_clones_continue_alike(env, seed=3, steps=500)
    assert env.std_noise > 0.05  # the level moved while the clones ran


def test_compatibility_table_is_not_trivial():
    """The property test draws from real variety: dm takes every single-env wrapper."""
    table = compatibility()
    assert set(table["dm"][0]) == set(single_env_wrappers())
    assert len(table) >= len(neuroplug.list_tasks()) // 2


# --- entry points and names ---------------------------------------------------------------


class _Collector:
    def __init__(self) -> None:
        self.names: set[str] = set()

    def add_wrapper(self, name: str, factory: Any, **kwargs: Any) -> None:
        self.names.add(name)

    def __getattr__(self, attr: str) -> Any:  # add_task, add_schedule: not collected here
        return lambda *args, **kwargs: None


def test_every_wrapper_is_found_through_entry_points():
    found = set()
    for ep in importlib.metadata.entry_points(group="neuroplug"):
        if ep.dist is not None and ep.dist.metadata["Name"] != "neuroplug":
            continue
        module = ep.load()
        hook = getattr(module, "neuroplug_add_wrappers", None)
        if hook is not None:
            collector = _Collector()
            hook(registry=collector)
            assert collector.names, f"entry point {ep.name} registers no wrapper"
            found |= collector.names
            for name in collector.names:
                assert neuroplug.get_wrapper(name).plugin == ep.name
    assert set(neuroplug.list_wrappers()) <= found
    assert found >= DOCUMENTED_WRAPPERS, f"missing: {sorted(DOCUMENTED_WRAPPERS - found)}"


@pytest.mark.parametrize("name", neuroplug.list_wrappers())
def test_wrapper_works_by_name_alone(name, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # a wrapper that writes files by default writes them here
    multi = neuroplug.get_wrapper(name).multi_env
    env = neuroplug.make_stack(["dm", "dm"] if multi else "dm", [name])
    obs, _ = env.reset(seed=0)
    assert env.observation_space.contains(obs)
    new_trials = 0
    for _ in range(200):
        obs, _, _, _, info = env.step(env.action_space.sample())
        assert env.observation_space.contains(obs)
        new_trials += info["new_trial"]
    assert new_trials > 0
    # the stack describes itself: its spec names the task and this wrapper's class (a
    # multi-env layer is the root of its own spec)
    assert env.spec is not None
    if multi:
        assert env.spec.name == type(env).__name__
    else:
        assert env.spec.name == "dm"
        assert env.spec.additional_wrappers[-1].name == type(env).__name__
    env.close()


def test_entry_point_modules_import_under_their_own_name():
    for ep in importlib.metadata.entry_points(group="neuroplug"):
        if ep.dist is not None and ep.dist.metadata["Name"] == "neuroplug":
            assert ep.value.startswith("neuroplug_plugins.")
            assert importlib.import_module(ep.value) is ep.load()
    assert Path(importlib.import_module("neuroplug_plugins.noise").__file__).parent.name \
        == "plugins"
