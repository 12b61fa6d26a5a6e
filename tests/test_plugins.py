"""Plugin discovery: entry points of real distributions, failures, switches, lazy loading."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import neuroplug
from neuroplug import plugins

THIRD_PARTY = '''
"""A lab's plugin: one task and one wrapper."""
import numpy as np
import neuroplug
from neuroplug import hookimpl, spaces


class Tone(neuroplug.TrialEnv):
    """Report whether a tone was played."""

    def __init__(self, dt=100):
        super().__init__(dt=dt)
        self.timing = {"tone": 300, "decision": 100}
        self.choices = [0, 1]
        self.observation_space = spaces.Box(0, 1, shape=(1,), name={"tone": 0})
        self.action_space = spaces.Discrete(3, name={"choice": [1, 2]})

    def _new_trial(self, **kwargs):
        trial = {"ground_truth": int(self.rng.integers(2)), **kwargs}
        self.add_period(["tone", "decision"])
        self.add_ob(trial["ground_truth"], "tone", where="tone")
        self.set_groundtruth(trial["ground_truth"], "decision", where="choice")
        return trial

    def _step(self, action):
        gt = self.gt_now
        done = self.in_period("decision") and action != 0
        if done and action == gt:
            self.performance = 1
        return None, float(done and action == gt), False, False, {"new_trial": done}


class Flip(neuroplug.TrialWrapper):
    """Always ask for the given ground truth."""

    def __init__(self, env, side=1):
        super().__init__(env, side=side)
        self.side = side
        self.attach()

    @hookimpl
    def neuroplug_trial_params(self, env, params):
        params["ground_truth"] = self.side


@hookimpl
def neuroplug_add_tasks(registry):
    registry.add_task("tone", Tone, tags=["lab"])


@hookimpl
def neuroplug_add_wrappers(registry):
    registry.add_wrapper("flip", Flip)
'''


def make_distribution(root: Path, name: str, module: str, source: str, group_line: str) -> None:
    """A package plus a dist-info folder with its entry points, as pip would install it."""
    (root / f"{module}.py").write_text(source)
    info = root / f"{name}-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(f"[neuroplug]\n{group_line}\n")


def run_python(code: str, root: Path, **env_vars: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEUROPLUG_")}
    env["PYTHONPATH"] = os.pathsep.join([str(root), env.get("PYTHONPATH", "")])
    env.update(env_vars)
    return subprocess.run(
        [sys.executable, "-W", "always", "-c", textwrap.dedent(code)],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )


@pytest.fixture
def site(tmp_path: Path) -> Path:
    make_distribution(tmp_path, "lab-tasks", "lab_tasks", THIRD_PARTY, "labtasks = lab_tasks")
    make_distribution(
        tmp_path, "broken-plugin", "broken_plugin", "raise RuntimeError('boom at import')\n",
        "broken = broken_plugin",
    )
    return tmp_path


PROBE = """
import json, warnings, neuroplug
from neuroplug import plugins
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    tasks = neuroplug.list_tasks()
result = {
    "tasks": tasks,
    "wrappers": neuroplug.list_wrappers(),
    "warnings": [str(w.message) for w in caught],
    "plugins": {i.name: [i.status, i.distribution] for i in plugins.plugin_infos()},
}
if "tone" in tasks and "flip" in result["wrappers"]:
    env = neuroplug.make_stack("tone", [("flip", {"side": 0})])
    env.reset(seed=0)
    result["trial"] = env.unwrapped.trial
print(json.dumps(result))
"""


def test_third_party_distribution_is_discovered_and_usable(site: Path):
    proc = run_python(PROBE, site)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert "tone" in result["tasks"] and "dm" in result["tasks"]
    assert "flip" in result["wrappers"]
    assert result["trial"] == {"ground_truth": 0}
    assert result["plugins"]["labtasks"] == ["loaded", "lab-tasks"]


def test_plugin_that_raises_on_import_is_skipped_with_a_warning(site: Path):
    result = json.loads(run_python(PROBE, site).stdout)
    assert result["plugins"]["broken"][0] == "failed"
    [message] = [w for w in result["warnings"] if "broken" in w]
    assert "'broken'" in message and "broken-plugin" in message and "boom at import" in message
    assert "tone" in result["tasks"]  # the others still load


def test_disable_plugins_blocks_by_entry_point_name(site: Path):
    result = json.loads(run_python(PROBE, site, NEUROPLUG_DISABLE_PLUGINS="labtasks,broken").stdout)
    assert "tone" not in result["tasks"] and "dm" in result["tasks"]
    assert result["plugins"]["labtasks"][0] == "blocked"
    assert not [w for w in result["warnings"] if "broken" in w]


def test_disable_autoload_loads_no_entry_point(site: Path):
    result = json.loads(run_python(PROBE, site, NEUROPLUG_DISABLE_PLUGIN_AUTOLOAD="1").stdout)
    assert result["tasks"] == [] and result["wrappers"] == []
    assert result["plugins"] == {}


def test_importing_neuroplug_loads_no_plugin(tmp_path: Path):
    proc = run_python(
        """
        import sys, neuroplug
        from neuroplug import plugins
        print(sorted(m for m in sys.modules if m.startswith("neuroplug_plugins")),
              plugins._pm is None)
        neuroplug.list_tasks()
        print("neuroplug_plugins.tasks" in sys.modules)
        """,
        tmp_path,
    )
    assert proc.stdout.split("\n")[:2] == ["[] True", "True"], proc.stdout + proc.stderr


def test_misspelt_hook_is_an_error_at_registration():
    class Typo:
        @neuroplug.hookimpl
        def neuroplug_add_taks(self, registry):  # the misspelling is the point
            pass

    with pytest.raises(Exception, match="unknown hook 'neuroplug_add_taks'"):
        neuroplug.register_plugin(Typo(), name="typo")
    plugins.get_plugin_manager().unregister(name="typo")


def test_hand_registered_plugin_adds_names_until_unregistered(register_plugin):
    dm = neuroplug.get_task("dm").factory

    class Extra:
        @neuroplug.hookimpl
        def neuroplug_add_tasks(self, registry):
            registry.add_task("dm_again", dm)

    name = register_plugin(Extra(), name="extra")
    assert "dm_again" in neuroplug.list_tasks()
    assert neuroplug.get_task("dm_again").plugin == name
    neuroplug.unregister_plugin(name=name)
    assert "dm_again" not in neuroplug.list_tasks()
    register_plugin(Extra(), name="extra")  # the fixture unregisters it again


def test_registration_failure_rolls_back_that_plugin_only(register_plugin):
    dm = neuroplug.get_task("dm").factory

    class HalfBroken:
        @neuroplug.hookimpl
        def neuroplug_add_tasks(self, registry):
            registry.add_task("half", dm)
            raise RuntimeError("registration exploded")

    with pytest.warns(plugins.PluginLoadWarning, match="'half-broken'.*registration exploded"):
        register_plugin(HalfBroken(), name="half-broken")
        tasks = neuroplug.list_tasks()
    assert "half" not in tasks and "dm" in tasks
    info = {i.name: i for i in plugins.plugin_infos()}["half-broken"]
    assert info.status == "failed" and "registration exploded" in info.error


def test_looking_up_names_during_registration_is_a_clear_error(register_plugin):
    class Reentrant:
        @neuroplug.hookimpl
        def neuroplug_add_tasks(self, registry):
            neuroplug.get_task("dm")

    with pytest.warns(plugins.PluginLoadWarning, match="must not look names up"):
        register_plugin(Reentrant(), name="reentrant")
        assert "dm" in neuroplug.list_tasks()


def test_trace_switch_writes_every_hook_call_to_stderr(tmp_path: Path):
    proc = run_python(
        """
        import neuroplug
        env = neuroplug.make_stack("dm", [("noise", {"std_noise": 0.1})])
        env.reset(seed=0)
        env.step(0)
        """,
        tmp_path,
        NEUROPLUG_TRACE_HOOKS="1",
    )
    assert proc.returncode == 0, proc.stderr
    lines = proc.stderr.splitlines()
    assert "neuroplug trace: neuroplug_add_tasks -> tasks" in lines
    observation = "neuroplug trace: neuroplug_observation -> layer-"
    assert any(line.startswith(observation) for line in lines)
    untraced = run_python("import neuroplug; neuroplug.make('dm').reset(seed=0)", tmp_path)
    assert "neuroplug trace" not in untraced.stderr
