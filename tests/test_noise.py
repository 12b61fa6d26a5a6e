"""Noise: the added noise has the requested std, adapts to hold performance, validates."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env

import neuroplug
from neuroplug_plugins.noise import Noise
from neuroplug_plugins.pass_action import PassAction


def noise_samples(env, steps, seed=0, actions=None):
    """Observation minus the task's noiseless observation, for ``steps`` fixating steps."""
    task = env.unwrapped
    width = task.observation_space.shape[0]
    obs, _ = env.reset(seed=seed)
    samples = [obs[:width] - task.ob[task.t_ind]]
    for _ in range(steps):
        obs, *_ = env.step(0)
        samples.append(obs[:width] - task.ob[task.t_ind])
    return np.array(samples)


@pytest.mark.parametrize("std", [0.05, 0.3, 2.0])
def test_noise_has_requested_std(std):
    env = Noise(neuroplug.make("dm", sigma=0), std_noise=std)
    samples = noise_samples(env, 20_000)
    assert samples.std() == pytest.approx(std, rel=0.05)
    assert abs(samples.mean()) < 0.02 * std
    # independent across entries and steps
    corr = np.corrcoef(samples[:-1, 1], samples[1:, 1])[0, 1]
    assert abs(corr) < 0.03


def test_zero_std_leaves_observations_unchanged():
    env = Noise(neuroplug.make("dm", sigma=0), std_noise=0.0)
    assert np.all(noise_samples(env, 500) == 0)


def test_noise_covers_entries_appended_by_inner_layers_only():
    outer = neuroplug.make_stack("dm", ["pass_action", ("noise", {"std_noise": 0.5})], sigma=0)
    obs, _ = outer.reset(seed=1)
    values = []
    for _ in range(3000):
        obs, *_ = outer.step(2)
        values.append(obs[3] - 2)
    assert np.std(values) == pytest.approx(0.5, rel=0.1)
    inner = neuroplug.make_stack("dm", [("noise", {"std_noise": 0.5}), "pass_action"], sigma=0)
    inner.reset(seed=1)
    assert all(inner.step(2)[0][3] == 2 for _ in range(300))


def test_space_is_unbounded_and_check_env_passes():
    env = neuroplug.make_stack("dm", ["pass_action", "noise"])
    assert np.all(np.isinf(env.observation_space.low))
    assert np.all(np.isinf(env.observation_space.high))
    assert env.observation_space.name["action"] == 3
    check_env(env, skip_render_check=True)


def test_seeded_reset_reproduces_noise_and_other_seed_differs():
    env = Noise(neuroplug.make("dm", sigma=0), std_noise=1.0)
    a = noise_samples(env, 3000, seed=5)
    b = noise_samples(env, 3000, seed=5)
    c = noise_samples(env, 3000, seed=6)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"std_noise": -0.1}, ValueError, "std_noise must be >= 0, got -0.1"),
        ({"std_noise": "big"}, TypeError, "std_noise must be a number"),
        ({"std_noise": float("nan")}, ValueError, "std_noise must be finite"),
        ({"perf_th": 1.5}, ValueError, r"perf_th must be None or a number in \[0, 1\]"),
        ({"perf_th": -0.1}, ValueError, "perf_th"),
        ({"w": 0}, ValueError, "w must be an int >= 1, got 0"),
        ({"w": 2.5}, ValueError, "w must be an int >= 1, got 2.5"),
        ({"w": True}, ValueError, "w must be an int >= 1"),
        ({"step_noise": 0}, ValueError, "step_noise must be > 0, got 0"),
        ({"step_noise": -1e-3}, ValueError, "step_noise must be > 0"),
    ],
)
def test_invalid_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        Noise(neuroplug.make("dm"), **kwargs)


# --- adaptive mode --------------------------------------------------------------------


def ideal_observer_run(env, trials, seed=0):
    """Performance per trial and noise level per trial of an ideal observer.

    The observer knows the trial's timing (from the task) and integrates the noisy
    stimulus difference over the stimulus period, then reports its sign.
    """
    task = env.unwrapped
    layer = env
    obs, _ = env.reset(seed=seed)
    rng = np.random.default_rng(seed)
    evidence = 0.0
    perf, stds = [], []
    while len(perf) < trials:
        t = task.t_ind
        action = 0
        if task.start_ind["stimulus"] <= t < task.end_ind["stimulus"]:
            evidence += obs[2] - obs[1]
        elif t >= task.start_ind["decision"]:
            action = 2 if evidence > 0 else 1 if evidence < 0 else int(rng.integers(1, 3))
        obs, _, _, _, info = env.step(action)
        if info["new_trial"]:
            evidence = 0.0
            perf.append(info["performance"])
            stds.append(layer.std_noise)
    return np.array(perf), np.array(stds)


def make_adaptive(perf_th, std_noise=0.0, step_noise=0.01):
    task = neuroplug.make("dm", sigma=0, timing={"stimulus": 500})
    return Noise(task, std_noise=std_noise, perf_th=perf_th, w=100, step_noise=step_noise)


def test_adaptive_noise_holds_ideal_observer_at_threshold():
    # Without noise the observer is right on every trial except half the 0-coherence ones
    # (~0.9); the adaptive level must pull it down to perf_th and hold it there.
    env = make_adaptive(perf_th=0.7)
    perf, stds = ideal_observer_run(env, trials=4000)
    converged = perf[1500:]
    assert converged.mean() <= 0.7 + 0.05
    assert converged.mean() >= 0.7 - 0.05  # held near, not pushed far below
    assert stds[-1] > 0.1  # the noise actually grew
    # without the adaptive mode the same observer does much better
    plain, _ = ideal_observer_run(Noise(neuroplug.make("dm", sigma=0, timing={"stimulus": 500}),
                                        std_noise=0.0), trials=1000)
    assert plain.mean() > 0.85


def test_adaptive_noise_decreases_when_below_threshold_and_never_below_zero():
    env = make_adaptive(perf_th=1.0, std_noise=0.5, step_noise=0.05)
    _, stds = ideal_observer_run(env, trials=300)
    # performance can never exceed 1.0: the level only ever steps down, by step_noise
    steps = np.diff(np.concatenate([[0.5], stds]))
    assert np.all(np.isclose(steps, 0) | np.isclose(steps, -0.05))
    assert np.isclose(steps, -0.05).sum() >= 10
    assert np.all(stds >= 0)
    assert stds[-1] == 0.0


def test_seeded_reset_restores_adaptive_level():
    env = make_adaptive(perf_th=0.6, std_noise=0.2)
    ideal_observer_run(env, trials=200)
    assert env.std_noise != 0.2
    env.reset()
    assert env.std_noise != 0.2  # unseeded reset: training continues at the level reached
    env.reset(seed=0)
    assert env.std_noise == 0.2


def run_doc_example(page: str) -> None:
    """Run the example (the last ``python`` block) of ``docs/wrappers/<page>.md``."""
    text = (Path(__file__).resolve().parents[1] / "docs" / "wrappers" / f"{page}.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    assert blocks, f"docs/wrappers/{page}.md has no python example"
    exec(compile(blocks[-1], f"docs/wrappers/{page}.md", "exec"), {})


def test_doc_example_runs():
    run_doc_example("noise")


def test_adaptive_mode_uses_graded_performance():
    # performance 0.5 on every trial: above perf_th=0.4 -> up, below perf_th=0.6 -> down
    for perf_th, direction in [(0.4, +1), (0.6, -1)]:
        env = Noise(neuroplug.make("dm"), std_noise=0.5, perf_th=perf_th, w=10,
                    step_noise=0.01)
        env.reset(seed=0)
        for _ in range(5):
            env.neuroplug_log_trial(env.unwrapped, {"performance": 0.5})
        assert env.std_noise == pytest.approx(0.5 + direction * 0.05)


def test_noise_redrawn_when_a_layer_is_added_above_mid_block():
    task = neuroplug.make("dm", sigma=0)
    env = Noise(task, std_noise=1.0)
    env.reset(seed=0)
    env.step(0)  # a block of 3-wide rows is drawn
    wrapped = PassAction(env)  # the outgoing observation is now 4 wide
    for _ in range(50):
        obs, *_ = wrapped.step(1)
        assert obs.shape == (4,)
        assert obs[3] == 1  # the appended entry is outside Noise's entries: exact
        assert np.any(obs[:3] != task.ob[task.t_ind])
