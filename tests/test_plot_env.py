"""plot_env / run_env (NeuroGym's plot_env arguments) and ``neuroplug plot``."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

import neuroplug
from neuroplug.cli import main
from neuroplug.plotting import run_env


class Oracle:
    def __init__(self, env):
        self.task = env.unwrapped
        self.calls = 0

    def predict(self, obs):
        self.calls += 1
        return self.task.gt_now, None


def test_run_env_with_a_model_runs_whole_trials_and_records_each_step():
    env = neuroplug.make("dm", sigma=0)
    model = Oracle(env)
    steps = run_env(env, num_trials=3, model=model, seed=0)
    assert steps["new_trial"].sum() == 3 and steps["new_trial"][-1]
    assert model.calls == len(steps["action"]) == 3 * 22
    np.testing.assert_array_equal(steps["action"], steps["gt"])
    assert np.nanmean(steps["performance"]) == 1.0
    assert np.isnan(steps["performance"][~steps["new_trial"]]).all()
    assert steps["obs"].shape == (66, 3) and steps["obs"][0, 0] == 1.0


def test_run_env_with_a_fixed_action_and_by_name():
    steps = run_env("PerceptualDecisionMaking-v0", num_steps=50, def_act=0, seed=1)
    assert len(steps["action"]) == 50 and set(steps["action"]) == {0.0}
    assert set(steps["reward"]) == {0.0}  # fixating never earns or costs anything


def test_plot_env_draws_four_panels_and_saves_a_picture(tmp_path):
    path = tmp_path / "dm.png"
    fig = neuroplug.plot_env("dm", num_steps=60, fname=path, name="a title", seed=0)
    try:
        assert [ax.get_ylabel() for ax in fig.axes] == [
            "obs. dim", "action", "reward", "performance", "value"]  # + the colour bar
        assert fig.axes[0].get_title() == "a title"
        image = plt.imread(path)
        assert image.shape[0] > 300 and image[..., :3].std() > 0.05  # not blank
    finally:
        plt.close(fig)


def test_plot_env_traces_and_options():
    fig = neuroplug.plot_env("dm", num_steps=30, ob_traces=["fix", "left", "right"],
                             plot_performance=False, legend=False, seed=0,
                             fig_kwargs={"figsize": (4, 3)})
    try:
        assert len(fig.axes) == 3
        assert [line.get_label() for line in fig.axes[0].lines] == ["fix", "left", "right"]
        assert tuple(fig.get_size_inches()) == (4, 3)
    finally:
        plt.close(fig)
    with pytest.raises(ValueError, match="ob_traces names 2 traces but the observation has 3"):
        neuroplug.plot_env("dm", num_steps=5, ob_traces=["a", "b"])
    with pytest.raises(ValueError, match="num_steps must be an int >= 1, got 0"):
        neuroplug.plot_env("dm", num_steps=0)


def test_cli_plot_writes_the_file(tmp_path, capsys):
    out = tmp_path / "stack.png"
    assert main(["plot", "dm", "-w", "pass_reward", "--trials", "2", "--agent", "oracle",
                 "-o", str(out)]) == 0
    assert out.read_bytes().startswith(b"\x89PNG")
    assert capsys.readouterr().out.strip() == f"wrote {out}"
    plt.close("all")
