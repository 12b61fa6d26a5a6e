"""Tests of the lab plugin, run the way its authors would: register it by hand."""

import neuroplug_lab
import pytest

import neuroplug


@pytest.fixture(autouse=True)
def lab_plugin():
    if "tone_report" in neuroplug.list_tasks():  # installed: found by entry point
        yield
        return
    name = neuroplug.register_plugin(neuroplug_lab, name="lab")
    yield
    neuroplug.unregister_plugin(name=name)


def test_task_and_wrapper_by_name():
    env = neuroplug.make_stack("tone_report", [("fixed_side", {"side": 1})])
    env.reset(seed=0)
    assert env.unwrapped.trial["ground_truth"] == 1


def test_oracle_is_always_right_and_logged():
    neuroplug_lab.TRIAL_LOG.clear()
    env = neuroplug.make("tone_report")
    env.reset(seed=0)
    for _ in range(500):
        env.step(env.unwrapped.gt_now)
    assert len(neuroplug_lab.TRIAL_LOG) > 20
    assert all(perf == 1 for _, perf in neuroplug_lab.TRIAL_LOG)


def test_bad_side_is_rejected():
    with pytest.raises(ValueError, match="side must be one of"):
        neuroplug.make_stack("tone_report", [("fixed_side", {"side": 5})])
