"""Activation probes: per-trial recordings of torch layers, step caps, errors, extensibility."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

import neuroplug


class FakeLayer:
    """A layer type no plugin knows: a forward-hook API like torch's, without torch."""

    def __init__(self, width: int = 3) -> None:
        self.width, self.hooks = width, []

    def register_forward_hook(self, hook):
        self.hooks.append(hook)
        layer = self

        class Handle:
            def remove(self):
                layer.hooks.remove(hook)

        return Handle()

    def __call__(self, x):
        out = np.full(self.width, float(x))
        for hook in self.hooks:
            hook(self, (x,), out)
        return out


class FakeReaders:
    @neuroplug.hookimpl
    def neuroplug_add_activation_readers(self, readers):
        readers.add(FakeLayer, lambda layer, inputs, output: {"output": output,
                                                             "double": 2 * output})


def drive(env, layer, n_trials, seed=0, **step_kwargs):
    """One forward pass of ``layer`` per step; returns the steps of each finished trial."""
    env.reset(seed=seed)
    lengths, steps = [], 0
    while len(lengths) < n_trials:
        layer(steps)
        steps += 1
        if env.step(steps % 3, **step_kwargs)[4]["new_trial"]:
            lengths.append(steps)
            steps = 0
    return lengths


def test_a_plugin_adds_a_new_layer_type(monitored, register_plugin):
    env = monitored()
    layer = FakeLayer()
    with pytest.raises(TypeError, match=r"no activation reader for .*FakeLayer.*"
                                        r"neuroplug_add_activation_readers"):
        env.record_activations(layer)
    register_plugin(FakeReaders())
    probe = env.record_activations(layer, name="fake")
    lengths = drive(env, layer, 4)
    assert len(probe.trials) == 4
    for trial, n in zip(probe.trials, lengths, strict=True):
        np.testing.assert_array_equal(trial["output"][:, 0], np.arange(n))
        np.testing.assert_array_equal(trial["double"], 2 * trial["output"])
    assert probe.populations == ["output", "double"]


def test_steps_cap_pause_resume_and_record_flag(monitored, register_plugin):
    register_plugin(FakeReaders())
    env = monitored()
    layer = FakeLayer()
    probe = env.record_activations(layer, steps=5)
    lengths = drive(env, layer, 3)
    assert [t["output"].shape for t in probe.trials] == [(min(5, n), 3) for n in lengths]
    probe.pause()
    drive(env, layer, 2)
    assert len(probe.trials) == 3
    probe.resume()
    drive(env, layer, 2, record=False)  # forward passes dropped step by step
    assert len(probe.trials) == 3
    drive(env, layer, 1)
    assert len(probe.trials) == 4
    probe.remove()
    assert layer.hooks == []
    env2 = monitored()
    with pytest.raises(ValueError, match="steps must be a positive int"):
        env2.record_activations(FakeLayer(), steps=0)


def test_reset_mid_trial_drops_the_unfinished_trial(monitored, register_plugin):
    register_plugin(FakeReaders())
    env = monitored()
    layer = FakeLayer()
    probe = env.record_activations(layer)
    env.reset(seed=0)
    for _ in range(3):
        layer(7)
        env.step(0)
    lengths = drive(env, layer, 1)  # drive() resets first
    assert probe.trials[0]["output"].shape[0] == lengths[0]
    np.testing.assert_array_equal(probe.trials[0]["output"][:, 0], np.arange(lengths[0]))


def test_plugin_import_does_not_import_torch_or_matplotlib():
    code = ("import sys, neuroplug_plugins.monitor, neuroplug;"
            "neuroplug.make_stack('dm', ['monitor']);"
            "print('torch' in sys.modules, 'matplotlib' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=120)
    assert out.stdout.split() == ["False", "False"]


# --- with PyTorch ----------------------------------------------------------------------------


def _run_rnn(env, rnn, n_trials, seed=0, input_size=3):
    torch = pytest.importorskip("torch")
    env.reset(seed=seed)
    obs, _ = env.reset(seed=seed)
    hidden = None
    lengths, steps = [], 0
    with torch.no_grad():
        while len(lengths) < n_trials:
            x = torch.as_tensor(obs, dtype=torch.float32).view(1, 1, input_size)
            _, hidden = rnn(x, hidden)
            steps += 1
            obs, _, _, _, info = env.step(steps % 3)
            if info["new_trial"]:
                lengths.append(steps)
                steps, hidden = 0, None
    return lengths


def test_rnn_activations_recorded_per_trial(monitored):
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    env = monitored()
    rnn = torch.nn.RNN(input_size=3, hidden_size=8)
    probe = env.record_activations(rnn)
    assert probe.name == "RNN"
    lengths = _run_rnn(env, rnn, 5)
    assert len(probe.trials) == 5
    assert lengths == env.data["steps"]
    for trial, n in zip(probe.trials, lengths, strict=True):
        assert trial["output"].shape == (n, 1, 1, 8)
        assert trial["hidden"].shape == (n, 1, 1, 8)
        np.testing.assert_allclose(trial["output"], trial["hidden"])  # one layer: h == out
    assert set(probe.populations) == {"output", "hidden"}
    capped = env.record_activations(rnn, steps=4)
    assert capped.name == "RNN_1"
    lengths = _run_rnn(env, rnn, 3)
    assert [t["output"].shape[0] for t in capped.trials] == [min(4, n) for n in lengths]
    np.testing.assert_allclose(capped.trials[0]["output"], probe.trials[5]["output"][:4])


def test_lstm_linear_and_activation_functions(monitored):
    torch = pytest.importorskip("torch")
    env = monitored()
    lstm = torch.nn.LSTM(input_size=3, hidden_size=4)
    linear = torch.nn.Linear(4, 3)
    relu = torch.nn.ReLU()
    probes = [env.record_activations(lstm), env.record_activations(linear, name="readout"),
              env.record_activations(relu)]
    obs, _ = env.reset(seed=0)
    state = None
    finished = 0
    with torch.no_grad():
        while finished < 2:
            out, state = lstm(torch.as_tensor(obs).view(1, 1, 3), state)
            logits = relu(linear(out))
            obs, _, _, _, info = env.step(int(logits.argmax()))
            if info["new_trial"]:
                finished, state = finished + 1, None
    assert probes[0].populations == ["output", "hidden", "cell"]
    assert probes[0].trials[0]["cell"].shape[1:] == (1, 1, 4)
    assert probes[1].trials[0]["output"].shape[1:] == (1, 1, 3)
    assert (probes[2].trials[1]["output"] >= 0).all()
    assert len(probes[1].trials) == 2


def test_custom_torch_module_through_a_plugin(monitored, register_plugin):
    torch = pytest.importorskip("torch")

    class Gain(torch.nn.Module):
        def forward(self, x):
            return 3 * x

    class GainReaders:
        @neuroplug.hookimpl
        def neuroplug_add_activation_readers(self, readers):
            readers.add(Gain, lambda layer, inputs, output: {"input": inputs[0],
                                                             "output": output})

    register_plugin(GainReaders())
    env = monitored()
    gain = Gain()
    probe = env.record_activations(gain)
    obs, _ = env.reset(seed=0)
    while True:
        gain(torch.as_tensor(obs))
        obs, _, _, _, info = env.step(0)
        if info["new_trial"]:
            break
    trial = probe.trials[0]
    np.testing.assert_allclose(trial["output"], 3 * trial["input"])


def test_plot_activations_and_its_three_errors(monitored):
    torch = pytest.importorskip("torch")
    import matplotlib.pyplot as plt

    env = monitored()
    rnn = torch.nn.RNN(input_size=3, hidden_size=6)
    env.record_activations(rnn, name="rnn")
    _run_rnn(env, rnn, 3)
    fig, ax = env.plot_activations("rnn", "hidden")
    assert len(ax.lines) == 6 * 3  # every neuron in every trial
    plt.close(fig)
    fig, ax = env.plot_activations("rnn", "output", neurons=[0, 5], mean=True, batch_dim=1,
                                   figsize=(4, 3))
    assert len(ax.lines) == 2
    assert tuple(fig.get_size_inches()) == (4, 3)
    plt.close(fig)
    fig, ax = env.plot_activations("rnn", "output", neurons=2)
    assert len(ax.lines) == 3
    plt.close(fig)
    with pytest.raises(ValueError, match=r"no layer named 'lstm'.*recorded: rnn"):
        env.plot_activations("lstm", "hidden")
    with pytest.raises(KeyError, match=r"population 'cell' was not recorded.*output, hidden"):
        env.plot_activations("rnn", "cell")
    with pytest.raises(ValueError, match=r"neuron ids \[6\] are outside.*0\.\.5"):
        env.plot_activations("rnn", "hidden", neurons=[0, 6])
    with pytest.raises(ValueError, match=r"neuron ids \[-1\]"):
        env.plot_activations("rnn", "hidden", neurons=-1)


def test_activations_recorded_during_evaluation(monitored):
    torch = pytest.importorskip("torch")

    class RNNPolicy:
        def __init__(self):
            self.rnn = torch.nn.GRU(input_size=3, hidden_size=5)

        def predict(self, obs, state=None, episode_start=None, deterministic=True):
            with torch.no_grad():
                out, state = self.rnn(torch.as_tensor(obs).view(1, 1, 3), state)
            return int(out.sum() > 0), state

    env = monitored()
    policy = RNNPolicy()
    probe = env.record_activations(policy.rnn)
    env.evaluate_policy(num_trials=4, model=policy, verbose=False)
    assert len(probe.trials) == 4
    assert [t["hidden"].shape[0] for t in probe.trials] == list(env.data_eval["steps"])
    assert env.data.rows == 0


def test_a_failing_or_duplicate_reader_plugin_is_skipped_with_a_warning(
        monitored, register_plugin):
    class Duplicate:
        @neuroplug.hookimpl
        def neuroplug_add_activation_readers(self, readers):
            readers.add(FakeLayer, lambda layer, inputs, output: {"other": output})

    register_plugin(FakeReaders(), name="first-readers")
    register_plugin(Duplicate(), name="second-readers")
    env = monitored()
    with pytest.warns(UserWarning, match=r"'(first|second)-readers' failed to add activation "
                                         r"readers: DuplicateNameError"):
        probe = env.record_activations(FakeLayer())
    assert probe.reader is not None
    with pytest.raises(TypeError, match="layer_type must be a class"):
        from neuroplug_plugins.monitor import ActivationReaders

        ActivationReaders().add("FakeLayer", lambda *a: {})


def test_forward_passes_without_env_steps_do_not_pile_up(monitored, register_plugin):
    from neuroplug_plugins.monitor.activations import MAX_PENDING

    register_plugin(FakeReaders())
    env = monitored()
    layer = FakeLayer()
    probe = env.record_activations(layer)
    for i in range(10 * MAX_PENDING):  # e.g. training the network on a dataset
        layer(i)
    assert len(probe._pending) == MAX_PENDING
    env.reset(seed=0)
    assert probe._pending == []
