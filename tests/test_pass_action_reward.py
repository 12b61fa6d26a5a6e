"""PassAction / PassReward: the appended entries hold the previous action / reward."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env

import neuroplug
from neuroplug import IncompatibleWrapperError, TrialEnv, spaces
from neuroplug_plugins.pass_action import PassAction
from neuroplug_plugins.pass_reward import PassReward


class BoxActionTask(TrialEnv):
    """A tiny task with a 2-D continuous action, rewarded by closeness to a target."""

    def __init__(self, obs_shape=(2,)):
        super().__init__(dt=100)
        self.timing = {"stimulus": 300, "decision": 200}
        self.observation_space = spaces.Box(-np.inf, np.inf, shape=obs_shape, dtype=np.float32)
        self.action_space = spaces.Box(np.array([-1.0, 0.5]), np.array([2.0, 3.0]),
                                       dtype=np.float32)

    def _new_trial(self, **kwargs):
        self.add_period(["stimulus", "decision"])
        self.add_ob(self.rng.random(), "stimulus")
        self.set_groundtruth(np.array([0.5, 1.0]), "decision")
        return {}

    def _step(self, action):
        reward = -float(np.abs(np.asarray(action) - self.gt[self.t_ind]).sum())
        return None, reward, False, False, {}


def test_spaces_grow_by_one_entry_with_sensible_bounds():
    env = neuroplug.make_stack("dm", ["pass_reward", "pass_action"])
    space = env.observation_space
    assert space.shape == (5,)
    assert space.name == {"fixation": 0, "stimulus": [1, 2], "reward": 3, "action": 4}
    assert (space.low[3], space.high[3]) == (-np.inf, np.inf)
    assert (space.low[4], space.high[4]) == (0, 2)  # the action indices of dm
    assert space.dtype == np.float32


def test_last_entries_hold_previous_action_and_reward_at_every_step():
    env = neuroplug.make_stack("dm", ["pass_reward", "pass_action"])
    obs, _ = env.reset(seed=0)
    assert obs[3] == 0 and obs[4] == 0
    rng = np.random.default_rng(0)
    rewards_seen = set()
    for _ in range(5000):
        action = int(rng.choice(3, p=[0.8, 0.1, 0.1]))
        obs, reward, _, _, _ = env.step(action)
        assert obs[4] == action
        assert obs[3] == np.float32(reward)
        rewards_seen.add(reward)
    assert {-0.1, 0.0, 1.0} <= rewards_seen  # aborts, fails and corrects all occurred


def test_order_of_appended_entries_follows_the_stack():
    env = neuroplug.make_stack("dm", ["pass_action", "pass_reward"])
    assert env.observation_space.name["action"] == 3
    assert env.observation_space.name["reward"] == 4
    env.reset(seed=0)
    obs, reward, *_ = env.step(1)
    assert (obs[3], obs[4]) == (1, np.float32(reward))


def test_reset_shows_zero_again():
    env = neuroplug.make_stack("dm", ["pass_action", "pass_reward"])
    env.reset(seed=0)
    env.step(2)
    obs, _ = env.reset(seed=1)
    assert obs[3] == 0 and obs[4] == 0


def test_pass_reward_sees_reward_adjusted_by_inner_layers():
    env = neuroplug.make_stack(
        "dm", [("reaction_time", {"urgency": -0.25}), "pass_reward"], sigma=0
    )
    env.reset(seed=0)
    for _ in range(200):
        obs, reward, *_ = env.step(0)
        assert obs[3] == np.float32(reward)
        assert reward == pytest.approx(-0.25)


def test_box_action_is_appended_entry_by_entry():
    env = PassAction(BoxActionTask())
    space = env.observation_space
    assert space.shape == (4,)
    np.testing.assert_array_equal(space.low[2:], [-1.0, 0.0])  # widened to include 0
    np.testing.assert_array_equal(space.high[2:], [2.0, 3.0])
    assert space.name["action"] == [2, 3]
    obs, _ = env.reset(seed=0)
    np.testing.assert_array_equal(obs[2:], [0, 0])
    env.action_space.seed(0)
    for _ in range(300):
        action = env.action_space.sample()
        obs, *_ = env.step(action)
        np.testing.assert_array_equal(obs[2:], action)
        assert space.contains(obs)


def test_check_env_passes():
    check_env(neuroplug.make_stack("dm", ["pass_action", "pass_reward"]),
              skip_render_check=True)
    check_env(PassReward(PassAction(BoxActionTask())), skip_render_check=True)


@pytest.mark.parametrize("cls", [PassAction, PassReward])
def test_incompatible_observation_space(cls):
    with pytest.raises(IncompatibleWrapperError,
                       match=rf"{cls.__name__} on BoxActionTask: needs a 1-D Box observation"):
        cls(BoxActionTask(obs_shape=(2, 2)))


def test_incompatible_action_space():
    task = BoxActionTask()
    task.action_space = spaces.Box(-1, 1, shape=(2, 2))
    with pytest.raises(IncompatibleWrapperError,
                       match="PassAction on BoxActionTask: needs a Discrete or 1-D Box action"):
        PassAction(task)


def test_same_wrapper_twice_appends_twice():
    env = neuroplug.make_stack("dm", ["pass_action", "pass_action"])
    assert env.observation_space.name["action"] == 3
    assert env.observation_space.name["action_2"] == 4
    env.reset(seed=0)
    obs, *_ = env.step(2)
    assert obs[3] == 2 and obs[4] == 2


def run_doc_example(page: str) -> None:
    """Run the example (the last ``python`` block) of ``docs/wrappers/<page>.md``."""
    text = (Path(__file__).resolve().parents[1] / "docs" / "wrappers" / f"{page}.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    assert blocks, f"docs/wrappers/{page}.md has no python example"
    exec(compile(blocks[-1], f"docs/wrappers/{page}.md", "exec"), {})


@pytest.mark.parametrize("page", ['pass_action', 'pass_reward'])
def test_doc_example_runs(page):
    run_doc_example(page)
