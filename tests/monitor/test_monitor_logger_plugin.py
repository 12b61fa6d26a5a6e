"""A lab-wide logger plugin sees exactly the trials the Monitor records, one record each."""

from __future__ import annotations

import logging

import numpy as np

import neuroplug
from neuroplug_plugins.monitor import load_run


class LabLogger:
    """A process-wide plugin: one ``neuroplug_log_trial`` record per finished trial."""

    def __init__(self) -> None:
        self.records = []

    @neuroplug.hookimpl
    def neuroplug_log_trial(self, env, record):
        self.records.append(record)


def test_lab_logger_gets_one_record_per_trial_equal_to_the_monitors(
        monitored, run_trials, register_plugin, tmp_path):
    lab = LabLogger()
    register_plugin(lab, name="lab-logger")
    env = monitored(interval=7, save_dir=tmp_path)
    fed = run_trials(env, 30, seed=2)
    env.close()
    assert len(lab.records) == 30 == env.num_tr
    table = load_run(tmp_path)
    assert [r["action"] for r in lab.records] == table["action"].tolist() == fed["action"]
    assert [r["reward"] for r in lab.records] == table["reward"].tolist()
    np.testing.assert_allclose([r["cum_reward"] for r in lab.records], table["cum_reward"])
    assert [r["performance"] for r in lab.records] == table["performance"].tolist()
    assert [r["steps"] for r in lab.records] == table["steps"].tolist()
    assert [r["params"]["coh"] for r in lab.records] == table["params.coh"].tolist()
    assert [r["params"]["ground_truth"] for r in lab.records] == \
        table["params.ground_truth"].tolist()
    assert [r["trial"] for r in lab.records] == list(range(30))  # indices within the episode


def test_monitor_in_a_stack_and_the_logger_see_the_same_trials(register_plugin, tmp_path):
    lab = LabLogger()
    register_plugin(lab)
    env = neuroplug.make_stack("dm", [("monitor", {"interval": 1000, "verbose": False,
                                                   "save_dir": str(tmp_path)})])
    env.reset(seed=0)
    for step in range(400):
        env.step(step % 3)
    assert len(lab.records) == env.num_tr == env.data.rows > 10
    assert [r["reward"] for r in lab.records] == env.data["reward"]
    assert [r["performance"] for r in lab.records] == env.data["performance"]


def test_progress_is_logged_through_logging(monitored, run_trials, caplog):
    env = monitored(verbose=True, interval=4, log_interval=2, name="logged")
    with caplog.at_level(logging.INFO, logger="neuroplug.monitor.logged"):
        run_trials(env, 4)
    messages = [r.getMessage() for r in caplog.records]
    assert sum("trials," in m and "last 2 trials: mean reward" in m for m in messages) == 2
    assert any("saved trials 0-3" in m for m in messages)
    quiet = monitored(verbose=True, level="WARNING", name="quiet", log_interval=1)
    with caplog.at_level(logging.DEBUG):
        caplog.clear()
        run_trials(quiet, 2)
    assert not [r for r in caplog.records if r.name == "neuroplug.monitor.quiet"]


def test_step_wise_logging(monitored, caplog):
    env = monitored(verbose=True, log_trigger="step", log_interval=10, name="stepwise")
    env.reset(seed=0)
    with caplog.at_level(logging.INFO, logger="neuroplug.monitor.stepwise"):
        for _ in range(35):
            env.step(0)
    assert sum("steps" in r.getMessage() for r in caplog.records) == 3
