"""Registry and make_stack: names, aliases, errors, gymnasium ids."""

from __future__ import annotations

import gymnasium as gym
import pytest

import neuroplug
from neuroplug.registry import Registry


def test_make_by_name_and_by_neurogym_id():
    env = neuroplug.make("PerceptualDecisionMaking-v0", dt=50)
    assert type(env) is type(neuroplug.make("dm"))
    assert env.dt == 50
    assert env.spec.id == "neuroplug/dm-v0" and env.spec.kwargs == {"dt": 50}


def test_gymnasium_make_builds_registered_tasks():
    neuroplug.list_tasks()
    env = gym.make("neuroplug/dm-v0", dt=20)
    assert env.unwrapped.dt == 20
    obs, _ = env.reset(seed=0)
    assert env.observation_space.contains(obs)


def test_unknown_task_lists_names_and_closest_match():
    with pytest.raises(neuroplug.UnknownNameError) as info:
        neuroplug.make("dn")
    message = str(info.value)
    assert "unknown task 'dn'" in message and "Did you mean 'dm'?" in message
    assert "Known tasks:" in message and "dm" in info.value.known


def test_unknown_wrapper_lists_names():
    with pytest.raises(KeyError, match=r"unknown wrapper 'nosie'\. Did you mean 'noise'\?"):
        neuroplug.make_stack("dm", ["nosie"])


def test_duplicate_names_name_both_plugins():
    registry = Registry()
    registry.current_plugin = "first"
    registry.add_task("dm", neuroplug.TrialEnv)
    registry.current_plugin = "second"
    with pytest.raises(neuroplug.DuplicateNameError, match=r"'dm'.*'first'.*'second'"):
        registry.add_task("dm", neuroplug.TrialEnv)
    with pytest.raises(neuroplug.DuplicateNameError, match="'alias'"):
        registry.add_task("other", neuroplug.TrialEnv, aliases=["alias"])
        registry.add_task("third", neuroplug.TrialEnv, aliases=["alias"])


def test_two_plugins_registering_one_name(register_plugin):
    dm = neuroplug.get_task("dm").factory

    class Clash:
        @neuroplug.hookimpl
        def neuroplug_add_tasks(self, registry):
            registry.add_task("dm", dm)

    with pytest.warns(UserWarning, match=r"task 'dm' is registered twice: by plugin 'tasks' and "
                                         r"by plugin 'clash'"):
        register_plugin(Clash(), name="clash")
        assert neuroplug.get_task("dm").plugin == "tasks"


@pytest.mark.parametrize(
    ("task", "wrappers", "error", "match"),
    [
        (3, [], TypeError, "task must be a task name"),
        ("dm", "noise", TypeError, "wrappers must be a list"),
        ("dm", [42], TypeError, "wrapper #0 must be a name"),
        ("dm", [{"std_noise": 1}], TypeError, "needs a 'name' string"),
        ("dm", [("noise", 0.1)], TypeError, "wrapper #0 must be a name"),
        (["dm", "dm"], [], neuroplug.IncompatibleWrapperError, "no wrapper to combine them"),
        ([], [], ValueError, "list of tasks is empty"),
    ],
)
def test_make_stack_argument_errors(task, wrappers, error, match):
    with pytest.raises(error, match=match):
        neuroplug.make_stack(task, wrappers)


def test_bad_task_keyword_names_accepted_parameters():
    with pytest.raises(TypeError, match=r"task 'dm'.*'coherence'.*accepted parameters: dt, "):
        neuroplug.make("dm", coherence=3)


def test_registry_entry_factory_must_be_callable():
    with pytest.raises(TypeError, match="factory must be callable"):
        Registry().add_wrapper("x", 3)


def test_list_tasks_filters_by_tag():
    assert "dm" in neuroplug.list_tasks(tag="perceptual")
    assert "dm" not in neuroplug.list_tasks(tag="no-such-tag")


def _run_fresh(code: str) -> str:
    """Run ``code`` in a fresh interpreter; return its output (it must succeed)."""
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=False, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_gymnasium_module_form_works_from_a_fresh_interpreter():
    code = (
        "import gymnasium as gym\n"
        "env = gym.make('neuroplug.envs:neuroplug/dm-v0', dt=50)\n"
        "print(env.unwrapped.dt, type(env.unwrapped).__name__)\n"
    )
    assert _run_fresh(code).split() == ["50", "PerceptualDecisionMaking"]


def test_neurogym_ids_work_through_the_module_form_from_a_fresh_interpreter():
    code = (
        "import gymnasium as gym\n"
        "env = gym.make('neuroplug.envs:PerceptualDecisionMaking-v0', dt=50)\n"
        "print(env.unwrapped.dt, type(env.unwrapped).__module__)\n"
        "print(type(gym.make('yang19.dms-v0').unwrapped).__name__)\n"
    )
    assert _run_fresh(code).split() == ["50", "neuroplug_plugins.tasks.perceptual", "DMS"]


def test_neurogym_ids_never_replace_an_env_gymnasium_already_has():
    code = (
        "import gymnasium as gym\n"
        "gym.register('PerceptualDecisionMaking-v0', entry_point='gymnasium.envs."
        "classic_control:CartPoleEnv')\n"
        "import neuroplug.envs\n"
        "print(type(gym.make('PerceptualDecisionMaking-v0').unwrapped).__name__,\n"
        "      'PerceptualDecisionMaking-v0' in neuroplug.envs.NEUROGYM_IDS)\n"
    )
    assert _run_fresh(code).split() == ["CartPoleEnv", "False"]
