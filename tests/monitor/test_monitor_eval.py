"""evaluate_policy: random policy near chance, an oracle model near perfect, nothing saved."""

from __future__ import annotations

import numpy as np
import pytest

import neuroplug


class OracleModel:
    """Remembers the strongest stimulus direction in its state and reports it at decision.

    SB3-style ``predict``; records the ``(state, episode_start)`` it got on every call so the
    test can check that the state is reset at the first step of every trial.
    """

    def __init__(self) -> None:
        self.calls = []

    def predict(self, obs, state=None, episode_start=None, deterministic=True):
        self.calls.append((state, bool(np.asarray(episode_start).reshape(-1)[0])))
        assert deterministic is True
        memory = np.zeros(2) if state is None else state
        if obs[0] > 0.5:  # fixation cue on: integrate the stimulus, hold fixation
            return np.array([0]), memory + obs[1:]
        return np.array([1 + int(np.argmax(memory))]), memory


def test_random_policy_is_near_chance(monitored, tmp_path):
    env = monitored(save_dir=tmp_path)
    env.action_space.seed(0)
    env.reset(seed=0)
    n = 600
    result = env.evaluate_policy(num_trials=n, verbose=False)
    assert len(result["performances"]) == len(result["rewards"]) == n
    assert len(result["cum_rewards"]) == n
    # Fixate, left, right with equal probability at the one decision step: 1/3 correct.
    sd = np.sqrt(1 / 3 * 2 / 3 / n)
    assert abs(result["mean_performance"] - 1 / 3) < 4 * sd
    assert result["mean_reward"] == pytest.approx(np.mean(np.array(result["rewards"]) > 0))
    assert len(env.data_eval["trial"]) == n


def test_oracle_model_is_near_perfect_and_state_resets_per_trial(monitored):
    # the oracle answers when the fixation cue goes off: the cue lasts until the decision
    env = monitored(task_kwargs={"sigma": 0.0, "cohs": [6.4, 25.6],
                                 "fixation_through_stimulus": True})
    env.reset(seed=3)
    model = OracleModel()
    result = env.evaluate_policy(num_trials=100, model=model, verbose=False)
    assert result["mean_performance"] >= 0.99
    assert result["mean_reward"] >= 0.99
    assert len(result["performances"]) == 100
    starts = [i for i, (_, start) in enumerate(model.calls) if start]
    assert len(starts) == 100 and starts[0] == 0
    assert all(model.calls[i][0] is None for i in starts)
    assert all(state is not None for i, (state, start) in enumerate(model.calls) if not start)


def test_evaluation_never_touches_training_data_or_files(monitored, run_trials, tmp_path):
    env = monitored(interval=5, save_dir=tmp_path)
    run_trials(env, 12)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    assert len(before) == 2
    data_before = {k: list(v) for k, v in env.data.items()}
    num_tr, t = env.num_tr, env.t
    result = env.evaluate_policy(num_trials=30, verbose=False)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before
    assert {k: list(v) for k, v in env.data.items()} == data_before
    assert (env.num_tr, env.t) == (num_tr, t)
    assert len(env.data_eval["trial"]) == 30
    assert list(env.data_eval["performance"]) == result["performances"]
    env.save()  # the 2 unsaved training trials, no evaluation trial
    files = sorted(tmp_path.glob("*.npz"))
    assert len(files) == 3
    with np.load(files[-1], allow_pickle=False) as npz:
        assert npz["trial"].tolist() == [10, 11]
    # A second evaluation replaces data_eval.
    env.evaluate_policy(num_trials=4, verbose=False)
    assert len(env.data_eval["trial"]) == 4
    env.close()
    with pytest.raises(neuroplug.StackError, match=r"evaluate_policy\(\): this layer was closed"):
        env.evaluate_policy(num_trials=4, verbose=False)


def test_progress_bar_when_verbose(monitored, capsys):
    env = monitored()
    env.evaluate_policy(num_trials=200, verbose=True)
    err = capsys.readouterr().err
    assert "evaluating" in err and "200/200" in err
    # not a terminal (a log file, a pipe): the first and the last state, not 200 redraws
    assert err.count("\r") <= 3
    env.evaluate_policy(num_trials=5, verbose=False)
    assert capsys.readouterr().err == ""


STATEFUL = ["side_bias", "trial_history_v2", ("noise", {"std_noise": 0.2, "perf_th": 0.7,
                                                         "w": 20, "step_noise": 0.5}),
            ("monitor", {"interval": 50, "verbose": False})]


def _train(env, steps, seed):
    rng = np.random.default_rng(seed)
    seen = []
    for _ in range(steps):
        obs, reward, _, _, info = env.step(int(rng.integers(3)))
        seen.append((obs.copy(), reward, info["new_trial"]))
    return seen


@pytest.mark.parametrize("policy", ["random", "oracle"])
def test_training_after_an_evaluation_is_as_without_it(policy, tmp_path):
    """Side-bias blocks, trial history, adaptive noise and random state stay put."""
    stacks = [neuroplug.make_stack("dm", [*STATEFUL[:-1], ("monitor", {
        "interval": 50, "verbose": False, "save_dir": tmp_path / name})])
        for name in ("plain", "evaluated")]
    for env in stacks:
        env.reset(seed=5)
        _train(env, 700, seed=1)
    noise = stacks[1].env
    std_before = noise.std_noise
    model = OracleModel() if policy == "oracle" else None
    stacks[1].evaluate_policy(num_trials=150, model=model, verbose=False)
    assert len(stacks[1].data_eval["trial"]) == 150
    assert noise.std_noise == std_before
    plain, evaluated = (_train(env, 3000, seed=2) for env in stacks)
    for (o1, r1, n1), (o2, r2, n2) in zip(plain, evaluated, strict=True):
        np.testing.assert_array_equal(o1, o2)
        assert (r1, n1) == (r2, n2)
    assert stacks[0].num_tr == stacks[1].num_tr
    for env in stacks:
        env.close()
    from neuroplug_plugins.monitor import load_run

    a, b = load_run(tmp_path / "plain"), load_run(tmp_path / "evaluated")
    for column in ("trial", "action", "reward", "params.coh", "params.ground_truth"):
        np.testing.assert_array_equal(a[column], b[column])


def test_evaluation_with_step_fn_warns_that_it_steps_the_stack(monitored):
    inner = neuroplug.make("dm")
    from neuroplug_plugins.monitor import Monitor

    env = Monitor(inner, step_fn=lambda action: inner.step(action), verbose=False)
    env.reset(seed=0)
    with pytest.warns(UserWarning, match="step_fn: the evaluation steps the stack"):
        result = env.evaluate_policy(num_trials=10, verbose=False)
    assert result["num_trials"] == 10 and env.num_tr == 0


def test_bad_arguments(monitored):
    env = monitored()
    with pytest.raises(ValueError, match="num_trials must be a positive int, got 0"):
        env.evaluate_policy(num_trials=0)
    with pytest.raises(TypeError, match="predict"):
        env.evaluate_policy(num_trials=3, model=object(), verbose=False)


def test_data_eval_has_neurogyms_form(tmp_path):
    """NeuroGym's analysis code reads ``data_eval["trial"]`` as the trials' parameter dicts
    and the other entries as numpy arrays (a psychometric curve: coherence, choice)."""
    env = neuroplug.make_stack("dm", [("monitor", {"save_dir": tmp_path, "verbose": False})])
    env.evaluate_policy(num_trials=40, verbose=False)
    data = env.data_eval
    assert isinstance(data["trial"], list) and len(data["trial"]) == 40
    assert {"ground_truth", "coh"} <= set(data["trial"][0])
    for key in ("action", "reward", "performance", "gt", "index"):
        assert isinstance(data[key], np.ndarray) and data[key].shape == (40,), key
    np.testing.assert_array_equal(data["params.coh"], [t["coh"] for t in data["trial"]])
    assert list(data["index"]) == list(range(40))
    env.close()
