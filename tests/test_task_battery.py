"""The contract every registered task meets, whichever plugin registered it.

Parametrised over ``neuroplug.list_tasks()`` at collection time, so a task added to any
plugin (the standard battery, yang19, a third party's) is checked without editing this
file: gymnasium's ``check_env``, observations inside the space under random actions,
trials that end, seeded reproducibility, a working gymnasium id, and the registry metadata
the docs table is built from. Task-specific statistics (oracle, chance, trial lengths)
live in each task family's own test module.
"""

from __future__ import annotations

import copy
import pickle

import gymnasium as gym
import numpy as np
import pytest

import neuroplug
from tests import task_checks

TASKS = neuroplug.list_tasks()
STEPS = 2000

# Tasks declare unbounded Box observations (noisy inputs); gymnasium's checker warns on that.
pytestmark = pytest.mark.filterwarnings(
    "ignore:.*Box observation space (minimum|maximum) value is.*infinity"
)

# Tasks with no paper behind them: NeuroGym's Null is a do-nothing placeholder and its
# AnnubesEnv declares no reference paper.
NO_PAPER = {"null", "annubes"}
# Tasks that reseed their deep copies on purpose (NeuroGym's AnnubesEnv, unless frozen_seed):
# built with these arguments, their copies carry on identically.
COPY_KWARGS = {"annubes": {"frozen_seed": True}}
# Tasks with nothing random in them: every seed gives the same rollout.
DETERMINISTIC = {"null"}


def test_the_battery_is_not_empty():
    assert "dm" in TASKS
    assert len(neuroplug.list_tasks(collection="yang19")) == 20


@pytest.mark.parametrize("name", TASKS)
def test_check_env(name):
    task_checks.assert_check_env(neuroplug.make(name))


@pytest.mark.parametrize("name", TASKS)
def test_observations_in_space(name):
    task_checks.assert_obs_in_space(neuroplug.make(name), steps=STEPS)


@pytest.mark.parametrize("name", TASKS)
def test_trials_end_and_report(name):
    env = neuroplug.make(name)
    env.action_space.seed(0)
    env.reset(seed=0)
    finished = 0
    limit = 10 * round(env.unwrapped.tmax / env.dt) + 10  # time running out ends a trial
    for _ in range(STEPS):
        _, _, terminated, truncated, info = env.step(env.action_space.sample())
        assert not (terminated or truncated), "trial tasks run on; trials end via new_trial"
        limit -= 1
        if info["new_trial"]:
            finished += 1
            assert isinstance(info["trial"], dict)
            assert info["performance"] in (0, 1) or np.isfinite(info["performance"])
            limit = 10 * round(env.unwrapped.tmax / env.dt) + 10
        assert limit > 0, "a trial lasted ten times its planned length"
    assert finished > 0 or env.unwrapped.tmax / env.dt > STEPS / 2


@pytest.mark.parametrize("name", TASKS)
def test_reproducible(name):
    if name not in DETERMINISTIC:
        task_checks.assert_reproducible(lambda: neuroplug.make(name), steps=STEPS)
        return
    env_a, env_b = neuroplug.make(name), neuroplug.make(name)
    env_a.action_space.seed(0)
    actions = [env_a.action_space.sample() for _ in range(STEPS)]
    for a, b in zip(task_checks.rollout(env_a, actions, 0), task_checks.rollout(env_b, actions, 1),
                    strict=True):
        np.testing.assert_array_equal(a[0], b[0])
        assert a[1:3] == b[1:3]


@pytest.mark.parametrize("name", TASKS)
def test_pickles_and_deep_copies_mid_trial(name):
    # vector envs and data-loader workers copy tasks; a copy must carry on identically
    env = neuroplug.make(name, **COPY_KWARGS.get(name, {}))
    env.action_space.seed(0)
    env.reset(seed=0)
    for _ in range(7):
        env.step(env.action_space.sample())
    copies = [pickle.loads(pickle.dumps(env)), copy.deepcopy(env)]
    actions = [env.action_space.sample() for _ in range(300)]
    expected = [env.step(a) for a in actions]
    for other in copies:
        for a, (obs, reward, _, _, info) in zip(actions, expected, strict=True):
            obs2, reward2, _, _, info2 = other.step(a)
            np.testing.assert_array_equal(obs, obs2)
            assert reward == reward2 and info["new_trial"] == info2["new_trial"]


@pytest.mark.parametrize("name", TASKS)
def test_gymnasium_id_builds_the_task(name):
    entry = neuroplug.get_task(name)
    env = gym.make(entry.gymnasium_id)
    assert type(env.unwrapped) is type(neuroplug.make(name))
    for alias in entry.aliases:
        assert neuroplug.get_task(alias).name == name


@pytest.mark.parametrize("name", TASKS)
def test_registry_metadata(name):
    entry = neuroplug.get_task(name)
    assert entry.description.strip(), "no description (first line of the class docstring)"
    assert entry.tags, "no tags"
    assert all(tag.strip() for tag in entry.tags)
    assert entry.aliases, "no NeuroGym id alias"
    if name in NO_PAPER:
        assert entry.paper_name is None and entry.paper_link is None
        return
    assert entry.paper_name and entry.paper_name.strip(), "no paper name"
    assert entry.paper_link and entry.paper_link.startswith(("https://", "http://")), (
        f"paper link {entry.paper_link!r} is not a URL"
    )
