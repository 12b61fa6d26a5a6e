"""The 20 tasks of Yang et al. (2019): registry, shapes, trial structure read from the
observations, oracle and chance performance, trial lengths and parameter validation.

The generic contract (check_env, observations in space, reproducibility, metadata) is
checked for every registered task, these included, in ``test_task_battery.py``.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import neuroplug
from neuroplug_plugins.yang19.dm import DecisionMakingFamily
from neuroplug_plugins.yang19.go import GoFamily
from neuroplug_plugins.yang19.match import DelayMatchFamily
from tests import task_checks

FAMILIES = {
    "go": ["go", "anti", "rtgo", "rtanti", "dlygo", "dlyanti"],
    "dm": ["dm1", "dm2", "ctxdm1", "ctxdm2", "multidm",
           "dlydm1", "dlydm2", "ctxdlydm1", "ctxdlydm2", "multidlydm"],
    "match": ["dms", "dnms", "dmc", "dnmc"],
}
SHORT = [short for family in FAMILIES.values() for short in family]
NAMES = [f"yang19.{short}" for short in SHORT]
FAMILY_OF = {f"yang19.{s}": family for family, shorts in FAMILIES.items() for s in shorts}


def test_collection_lists_the_20_tasks():
    assert sorted(neuroplug.list_tasks(collection="yang19")) == sorted(NAMES)
    assert len(NAMES) == 20


@pytest.mark.parametrize("short", SHORT)
def test_neurogym_id_is_an_alias(short):
    entry = neuroplug.get_task(f"yang19.{short}-v0")
    assert entry.name == f"yang19.{short}"
    assert entry.collection == "yang19"
    assert "yang19" in entry.tags
    assert entry.paper_link == "https://www.nature.com/articles/s41593-018-0310-2"


def test_tags_select_families():
    assert sorted(neuroplug.list_tasks(tag="go family", collection="yang19")) == sorted(
        f"yang19.{s}" for s in FAMILIES["go"]
    )
    assert sorted(neuroplug.list_tasks(tag="matching family")) == sorted(
        f"yang19.{s}" for s in FAMILIES["match"]
    )


@pytest.mark.parametrize("dim_ring", [16, 8])
def test_all_tasks_share_spaces(dim_ring):
    envs = [neuroplug.make(name, dim_ring=dim_ring) for name in NAMES]
    assert {env.observation_space.shape for env in envs} == {(1 + 2 * dim_ring,)}
    assert {env.action_space.n for env in envs} == {1 + dim_ring}
    assert all(env.dt == 100 for env in envs)  # NeuroGym's default


# --- what the observations say ----------------------------------------------------------


def _ring(ob: np.ndarray, d: int, mod: int) -> np.ndarray:
    return ob[:, 1 + (mod - 1) * d: 1 + mod * d]


def _answer_from_observations(env, trial) -> int:
    """The correct action in the decision period, worked out from a noiseless trial's
    observations the way the paper defines each task (0 = keep fixating)."""
    d, ob = env.dim_ring, env.ob
    if isinstance(env, GoFamily):
        rows = ob[env.start_ind["decision"]:env.end_ind["decision"]] if env.reaction \
            else ob[env.start_ind["stimulus"]:env.end_ind["stimulus"]]
        activity = _ring(rows, d, 1) + _ring(rows, d, 2)
        peak = int(activity.sum(axis=0).argmax())
        return 1 + ((peak + d // 2) % d if env.anti else peak)
    if isinstance(env, DecisionMakingFamily):
        i1, i2 = trial["i_theta1"], trial["i_theta2"]
        evidence = 0.0
        for mod, weight in zip((1, 2), env.w_mod, strict=True):
            if env.delaycomparison:
                s1 = _ring(env.view_ob("stim1"), d, mod)[:, i1].mean()
                s2 = _ring(env.view_ob("stim2"), d, mod)[:, i2].mean()
            else:
                ring = _ring(env.view_ob("stimulus"), d, mod).mean(axis=0)
                s1, s2 = ring[i1], ring[i2]  # overlapping bumps keep the sign of s1 - s2
            evidence += weight * (s1 - s2)
        return 1 + (i1 if evidence > 0 else i2)
    sample = (_ring(env.view_ob("sample"), d, 1) + _ring(env.view_ob("sample"), d, 2)).sum(0)
    test = (_ring(env.view_ob("test"), d, 1) + _ring(env.view_ob("test"), d, 2)).sum(0)
    i_sample, i_test = int(sample.argmax()), int(test.argmax())
    if env.matchto == "sample":
        match = i_sample == i_test
    else:
        match = (i_sample >= d // 2) == (i_test >= d // 2)
    return 1 + i_test if match == env.matchgo else 0


@pytest.mark.parametrize("name", NAMES)
def test_ground_truth_follows_from_the_observations(name):
    env = neuroplug.make(name, sigma=0)
    env.reset(seed=1)
    go_trials = 0
    for _ in range(200):
        trial = env.new_trial()
        answer = _answer_from_observations(env, trial)
        decision = env.view_groundtruth("decision")
        assert np.all(decision == answer), (trial, answer, decision)
        # fixate (0) is the answer before the decision; the fixation input is on until then,
        # except in the decision family, where NeuroGym 2.3.1 shows it in fixation only
        start = env.start_ind["decision"]
        assert np.all(env.gt[:start] == 0)
        cue_end = (env.end_ind["fixation"] if FAMILY_OF[name] == "dm" else start)
        assert np.all(env.ob[:cue_end, 0] == 1) and np.all(env.ob[cue_end:, 0] == 0)
        go_trials += answer != 0
    if FAMILY_OF[name] == "match":
        assert 70 <= go_trials <= 130  # half the trials are no-go (binomial, 200 draws)
    else:
        assert go_trials == 200


@pytest.mark.parametrize("name", NAMES)
def test_a_requested_ground_truth_is_obeyed(name):
    # trial-generation layers (side_bias, trial_history_v2) choose params["ground_truth"]
    env = neuroplug.make(name, sigma=0)
    env.reset(seed=0)
    requests = ["match", "non-match"] if FAMILY_OF[name] == "match" else [0, 5, 11]
    for requested in requests * 10:
        trial = env.new_trial(ground_truth=requested)
        assert trial["ground_truth"] == requested
        answer = _answer_from_observations(env, trial)
        assert np.all(env.view_groundtruth("decision") == answer)
        if FAMILY_OF[name] != "match":
            assert answer == requested + 1


@pytest.mark.parametrize(
    ("name", "requested", "match"),
    [
        ("yang19.go", 16, r"direction index in \[0, 16\), got 16"),
        ("yang19.dm1", -1, r"direction index in \[0, 16\), got -1"),
        ("yang19.dms", 1, "must be one of"),
    ],
)
def test_an_impossible_requested_ground_truth_is_an_error(name, requested, match):
    env = neuroplug.make(name)
    env.reset(seed=0)
    with pytest.raises(ValueError, match=match):
        env.new_trial(ground_truth=requested)
    with pytest.raises(ValueError, match="trial modality must be 1 or 2, got 0"):
        neuroplug.make("yang19.anti").new_trial(modality=0)


@pytest.mark.parametrize("short", ["go", "dms"])
def test_stimulus_appears_in_one_modality_drawn_per_trial(short):
    env = neuroplug.make(f"yang19.{short}", sigma=0)
    env.reset(seed=0)
    seen = []
    for _ in range(200):
        trial = env.new_trial()
        d = env.dim_ring
        other = 3 - trial["modality"]
        assert np.all(_ring(env.ob, d, other) == 0)
        assert _ring(env.ob, d, trial["modality"]).max() == pytest.approx(0.8)
        seen.append(trial["modality"])
    assert 70 <= seen.count(1) <= 130
    fixed = neuroplug.make(f"yang19.{short}", modality=2)
    fixed.reset(seed=0)
    assert all(fixed.new_trial()["modality"] == 2 for _ in range(20))


def test_context_tasks_show_a_distractor_that_sometimes_disagrees():
    env = neuroplug.make("yang19.ctxdm1", sigma=0)
    env.reset(seed=0)
    disagree = 0
    for _ in range(200):
        trial = env.new_trial()
        assert _ring(env.view_ob("stimulus"), env.dim_ring, 2).max() > 0
        disagree += (trial["coh1_mod2"] > trial["coh2_mod2"]) != (
            trial["ground_truth"] == trial["i_theta1"])
    assert 60 <= disagree <= 140  # modality 2 is independent of the answer


def test_multimodal_tasks_never_tie():
    for name in ["yang19.multidm", "yang19.multidlydm"]:
        env = neuroplug.make(name)
        env.reset(seed=0)
        for _ in range(300):
            trial = env.new_trial()
            evidence = sum(trial[f"coh1_mod{m}"] - trial[f"coh2_mod{m}"] for m in (1, 2))
            assert abs(evidence) > 1e-6
            assert trial["ground_truth"] == (trial["i_theta1"] if evidence > 0
                                             else trial["i_theta2"])


@settings(max_examples=40, deadline=None)
@given(
    short=st.sampled_from(SHORT),
    half_ring=st.integers(1, 16),
    dt=st.sampled_from([10, 20, 50, 100]),
    seed=st.integers(0, 2**16),
)
def test_any_ring_and_step_builds_consistent_trials(short, half_ring, dt, seed):
    """Whatever the ring size and time step: shapes follow dim_ring, the ground truth is a
    valid action, it is fixation outside the decision period, and periods tile the trial."""
    env = neuroplug.make(f"yang19.{short}", dim_ring=2 * half_ring, dt=dt)
    env.reset(seed=seed)
    for _ in range(5):
        env.new_trial()
        assert env.ob.shape == (len(env.gt), 1 + 4 * half_ring)
        assert np.all((env.gt >= 0) & (env.gt <= 2 * half_ring))
        start, end = env.start_ind["decision"], env.end_ind["decision"]
        assert np.all(env.gt[:start] == 0) and end == len(env.gt)
        bounds = sorted((env.start_ind[p], env.end_ind[p]) for p in env.periods)
        assert bounds[0][0] == 0
        assert all(a[1] == b[0] for a, b in itertools.pairwise(bounds))


# --- agents ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_oracle_reaches_ceiling_without_noise(name):
    env = neuroplug.make(name, sigma=0)
    perf = task_checks.run_agent(env, task_checks.oracle, trials=200)
    assert np.mean(perf) >= 0.95


def _chance(env) -> float:
    """Performance of uniformly random actions, from the task's rules.

    Actions before the decision period never end a trial (they only cost the abort
    reward), so only the ``k`` decision steps matter; each is fixation with probability
    ``1/A`` and each of the other ``A - 1`` actions with probability ``1/A`` too.
    Go trial: the first non-fixation action ends the trial, correct if it is the one
    target: ``sum_{j<k} (1/A)^j * (1/A) = (1 - (1/A)^k) / (A - 1)``.
    No-go trial (half the match trials): correct only if all ``k`` steps fixate: ``(1/A)^k``.
    """
    n_actions = env.action_space.n
    k = round(env.timing["decision"] / env.dt)
    p_fix = 1 / n_actions
    go = (1 - p_fix**k) / (n_actions - 1)
    if isinstance(env, DelayMatchFamily):
        return 0.5 * go + 0.5 * p_fix**k
    return go


@pytest.mark.parametrize("name", NAMES)
def test_random_agent_near_chance(name):
    env = neuroplug.make(name)
    chance = _chance(env)
    trials = 1000
    env.reset(seed=2)
    actions = iter(np.random.default_rng(2).integers(env.action_space.n, size=10**6).tolist())
    perf = []
    while len(perf) < trials:
        _, _, _, _, info = env.step(next(actions))
        if info["new_trial"]:
            perf.append(info["performance"])
    # 4.5 binomial standard errors (about 0.03 here): wrong rules are caught, e.g. trials
    # ended by pre-decision actions (chance near 0) or a free no-go trial (about 0.53).
    tolerance = 4.5 * math.sqrt(chance * (1 - chance) / trials)
    assert abs(np.mean(perf) - chance) < tolerance, (np.mean(perf), chance)


# --- timing ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_trial_length_matches_timing(name):
    env = neuroplug.make(name)
    expected = sum(
        task_checks.expected_mean_duration(spec, env.dt) for spec in env.timing.values()
    )
    assert task_checks.mean_trial_length(env, trials=400) == pytest.approx(expected, rel=0.02)


def test_default_durations_follow_neurogym():
    assert neuroplug.make("yang19.go").timing == {
        "fixation": 500, "stimulus": 500, "delay": 0, "decision": 500}
    assert neuroplug.make("yang19.dlyanti").timing["delay"] == 500
    assert dict(neuroplug.make("yang19.rtgo").timing) == {"fixation": 500, "decision": 500}
    assert neuroplug.make("yang19.dlydm2").timing["delay"] == 1000
    assert dict(neuroplug.make("yang19.dnmc").timing) == {
        "fixation": 300, "sample": 500, "delay": 1000, "test": 500, "decision": 900}
    assert list(neuroplug.make("yang19.dm1").cohs) == [0.08, 0.16, 0.32, 0.64]
    assert list(neuroplug.make("yang19.dlydm1").cohs) == [0.3, 0.6, 1.0]


def test_rewards_for_fixation_breaks_and_no_go():
    env = neuroplug.make("yang19.dnms", sigma=0)
    env.reset(seed=0)
    while env.trial["ground_truth"] != "match":  # a no-go trial for dnms
        env.new_trial()
    _, reward, _, _, info = env.step(3)  # breaking fixation costs the abort reward only
    assert reward == pytest.approx(-0.1) and not info["new_trial"]
    rewards = []
    while True:
        _, reward, _, _, info = env.step(0)
        rewards.append(reward)
        if info["new_trial"]:
            break
    assert rewards[-1] == 1.0 and info["performance"] == 1


# --- parameters ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kwargs", "error", "match"),
    [
        ("yang19.go", {"dim_ring": 1}, ValueError, "dim_ring must be an int >= 2"),
        ("yang19.go", {"dim_ring": 4.0}, ValueError, "dim_ring must be an int >= 2"),
        ("yang19.dms", {"dim_ring": 7}, ValueError, "dim_ring must be even"),
        ("yang19.go", {"sigma": -1}, ValueError, "sigma must be >= 0"),
        ("yang19.dm1", {"sigma": "high"}, TypeError, "sigma must be a number"),
        ("yang19.go", {"modality": 3}, ValueError, "modality must be 1, 2 or None"),
        ("yang19.go", {"timing": {"stimulus": -100}}, ValueError, r"timing\['stimulus'\]"),
        ("yang19.rtgo", {"timing": {"stimulus": 100}}, ValueError, "unknown periods"),
        ("yang19.dlydm1", {"timing": {"stimulus": 100}}, ValueError, r"accepted: \['fixation'"),
        ("yang19.dm1", {"timing": [100]}, TypeError, "timing must be a mapping"),
        ("yang19.dm1", {"cohs": []}, ValueError, "cohs must not be empty"),
        ("yang19.dm1", {"cohs": [0.5, 1.5]}, ValueError, "cohs must be <= 1"),
        ("yang19.dlydm1", {"cohs": [0.5, 0.5]}, ValueError, "at least 2 different values"),
        ("yang19.dms", {"rewards": {"bonus": 1}}, ValueError, "unknown keys"),
        ("yang19.dms", {"dt": -20}, ValueError, "dt must be a positive number"),
        ("yang19.go", {"anti": True}, TypeError, "accepted parameters"),
    ],
)
def test_bad_parameters_fail_at_construction(name, kwargs, error, match):
    with pytest.raises(error, match=match):
        neuroplug.make(name, **kwargs)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"w_mod": (1,)}, r"w_mod must be a pair"),
        ({"w_mod": (0, 0)}, r"at least one > 0"),
        ({"w_mod": (1, 0), "stim_mod": (False, True)}, r"modality 1, which stim_mod"),
        ({"stim_mod": (False, False)}, "show at least one modality"),
        ({"stim_mod": (1, 1)}, "pair of bools"),
        ({"delaycomparison": "yes"}, "delaycomparison must be a bool"),
    ],
)
def test_family_parameters_are_checked(kwargs, match):
    with pytest.raises((TypeError, ValueError), match=match):
        DecisionMakingFamily(**kwargs)


def test_match_family_parameters_are_checked():
    with pytest.raises(ValueError, match="matchto must be one of"):
        DelayMatchFamily(matchto="color")
    with pytest.raises(TypeError, match="matchgo must be a bool"):
        DelayMatchFamily(matchgo=1)


# --- the multitask stack ---------------------------------------------------------------


@pytest.mark.filterwarnings("ignore::UserWarning:gymnasium.utils.env_checker")
def test_multitask_stack_with_schedule_envs():
    if "schedule_envs" not in neuroplug.list_wrappers():
        pytest.skip("the schedule_envs wrapper (wrappers issue) is not registered")
    # the whole multitask setup, as the tasks issue states it
    tasks = neuroplug.list_tasks(collection="yang19")
    env = neuroplug.make_stack(tasks, [("schedule_envs", {"schedule": "random",
                                                          "env_input": True})])
    task_checks.assert_obs_in_space(env, steps=2000)
    # noiseless, so the oracle must be perfect on every task of the stack
    env = neuroplug.make_stack(
        tasks, [("schedule_envs", {"schedule": "random", "env_input": True})], sigma=0
    )
    assert env.observation_space.shape == (33 + 20,)
    assert env.action_space.n == 17
    task_checks.assert_check_env(env)
    obs, _ = env.reset(seed=0)
    performance: dict[str, list[float]] = {}
    for _ in range(60_000):
        task = env.tasks[env.i_env]
        # the one-hot env input names the task whose observation this is
        assert obs[33 + env.i_env] == 1 and obs[33:].sum() == 1
        np.testing.assert_array_equal(obs[:33], task.ob[task.t_ind])
        obs, _, _, _, info = env.step(task.gt_now)  # the oracle
        if info["new_trial"]:
            name = task.spec.id.removeprefix("neuroplug/").removesuffix("-v0")
            performance.setdefault(name, []).append(info["performance"])
            if len(performance) == 20 and min(map(len, performance.values())) >= 5:
                break
    assert sorted(performance) == sorted(tasks)  # the random schedule visits all 20
    assert all(np.mean(p) >= 0.95 for p in performance.values()), performance
