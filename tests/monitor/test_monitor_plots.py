"""Figures: the training history and the plot_create step figures are real, non-blank images."""

from __future__ import annotations

import matplotlib
import matplotlib.image
import numpy as np

matplotlib.use("Agg")


def assert_real_image(path, min_size=(200, 300)):
    assert path.exists() and path.stat().st_size > 5000
    image = matplotlib.image.imread(path)
    assert image.shape[0] >= min_size[0] and image.shape[1] >= min_size[1]
    rgb = image[..., :3]
    assert rgb.std() > 0.05  # not a blank canvas
    assert len(np.unique(rgb.reshape(-1, 3), axis=0)) > 50  # lines, text, colours


def test_plot_training_history(monitored, run_trials, tmp_path):
    import matplotlib.pyplot as plt

    env = monitored(interval=20, save_dir=tmp_path, name="hist")
    run_trials(env, 60)
    fig = env.plot_training_history(figsize=(8, 5))
    path = tmp_path / f"hist-{env.run_id}_training_history.png"
    assert_real_image(path)
    assert len(fig.axes) == 2
    reward_axis = fig.axes[0]
    assert len(reward_axis.lines[0].get_xdata()) == 60  # one point per saved trial
    plt.close(fig)
    fig = env.plot_training_history(save_fig=False, plot_performance=False)
    assert len(fig.axes) == 1
    plt.close(fig)


def test_plot_training_history_without_saved_data(monitored, caplog):
    env = monitored(verbose=True)
    assert env.plot_training_history() is None
    assert "no saved data" in caplog.text


def test_plot_create_draws_the_last_steps_at_each_save(monitored, run_trials, tmp_path):
    env = monitored(interval=5, plot_create=True, plot_steps=60, save_dir=tmp_path, name="p")
    run_trials(env, 10)
    figures = sorted(tmp_path.glob("*_steps.png"))
    assert [f.name for f in figures] == [f"p-{env.run_id}-00000{i}_steps.png" for i in (0, 1)]
    for figure in figures:
        assert_real_image(figure)
    recent = env._plot.recent()
    assert len(recent["action"]) == 60  # the buffer keeps the last plot_steps steps
    env.step(0)
    env.close()  # no trial finished since the last save: a final figure, no data file
    assert (tmp_path / f"p-{env.run_id}-final_steps.png").exists()
    assert len(list(tmp_path.glob("*.npz"))) == 2


def test_plot_create_records_what_the_agent_saw(monitored):
    env = monitored(plot_create=True, plot_steps=10, task_kwargs={"sigma": 0.0})
    obs0, _ = env.reset(seed=0)
    obs1, *_ = env.step(0)
    env.step(0)
    recent = env._plot.recent()
    np.testing.assert_allclose(recent["obs"][0], obs0)
    np.testing.assert_allclose(recent["obs"][1], obs1)
    assert recent["action"].tolist() == [0, 0]
    env.reset_data()
    assert env._plot.recent() == {}


def test_plot_create_other_format(monitored, run_trials, tmp_path):
    env = monitored(interval=3, plot_create=True, plot_steps=30, ext="svg", save_dir=tmp_path)
    run_trials(env, 3)
    (figure,) = tmp_path.glob("*_steps.svg")
    assert figure.read_text().lstrip().startswith("<?xml")
