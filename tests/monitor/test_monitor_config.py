"""Monitor configuration: from a Config object, a dict or a TOML file; errors; precedence."""

from __future__ import annotations

from pathlib import Path

import pytest

import neuroplug
from neuroplug_plugins.monitor import (
    Config,
    ConfigError,
    LogConfig,
    Monitor,
    MonitorConfig,
    PlotConfig,
)


def test_from_config_object(monitored, tmp_path):
    config = Config(
        monitor=MonitorConfig(trigger="step", interval=7, verbose=False, save_dir=tmp_path / "a",
                              plot=PlotConfig(create=True, steps=30, ext=".SVG")),
        log=LogConfig(level="debug", trigger="step", interval=3),
    )
    env = monitored(config=config)
    assert (env.trigger, env.interval, env.save_dir) == ("step", 7, tmp_path / "a")
    assert (env.plot_create, env.plot_steps, env.ext) == (True, 30, "svg")
    assert (env.log_trigger, env.log_interval) == ("step", 3)
    assert env.logger.level == 10
    assert env.config == config and env.config is not config


def test_from_dict(monitored, tmp_path):
    env = monitored(config={"monitor": {"name": "run1", "interval": 5,
                                        "save_dir": str(tmp_path / "d")},
                            "log": {"interval": 2}})
    assert (env.name, env.interval, env.log_interval) == ("run1", 5, 2)
    assert env.save_dir == tmp_path / "d"
    assert env.trigger == "trial"  # untouched keys keep their defaults


def test_from_toml_with_env_vars(monitored, tmp_path, monkeypatch):
    monkeypatch.setenv("MY_RUNS", str(tmp_path / "lab"))
    path = tmp_path / "monitor.toml"
    path.write_text(
        '[monitor]\nname = "toml-run"\ntrigger = "step"\ninterval = 11\n'
        'save_dir = "$MY_RUNS/${USER_TAG}x"\n\n[monitor.plot]\ncreate = true\nsteps = 20\n\n'
        '[log]\nlevel = "WARNING"\n'
    )
    monkeypatch.setenv("USER_TAG", "me")
    env = monitored(config=path)
    assert (env.name, env.trigger, env.interval, env.plot_steps) == ("toml-run", "step", 11, 20)
    assert env.save_dir == tmp_path / "lab" / "mex"
    env2 = monitored(config=str(path))  # a string path works too
    assert env2.config == env.config


def test_explicit_arguments_override_the_config(monitored, tmp_path):
    config = Config.from_dict({"monitor": {"trigger": "step", "interval": 10, "verbose": True,
                                           "plot": {"steps": 99}}})
    # Even arguments equal to the documented defaults win over the config.
    env = monitored(config=config, trigger="trial", interval=3, plot_steps=1000,
                    save_dir=tmp_path / "x")
    assert (env.trigger, env.interval, env.plot_steps) == ("trial", 3, 1000)
    assert env.verbose is False  # given explicitly by the helper
    assert env.save_dir == tmp_path / "x"
    assert (config.monitor.trigger, config.monitor.interval) == ("step", 10)  # not mutated
    assert env.spec.additional_wrappers[-1].kwargs["interval"] == 3


def test_make_stack_with_config():
    env = neuroplug.make_stack("dm", [("monitor", {"config": {"monitor": {"interval": 4}},
                                                   "verbose": False})])
    assert env.interval == 4


@pytest.mark.parametrize(
    ("data", "match"),
    [
        ({"monitor": {"intervall": 5}}, r"'monitor\.intervall'.*unknown key.*monitor\.interval"),
        ({"monitor": {"plot": {"create": True, "stpes": 5}}}, r"'monitor\.plot\.stpes'"),
        ({"interval": 5}, r"'interval': unknown key"),
        ({"logging": {}}, r"'logging': unknown key.*Known keys here: log, monitor"),
    ],
)
def test_unknown_keys_are_errors_naming_the_key(data, match):
    with pytest.raises(ConfigError, match=match):
        Config.from_dict(data)


@pytest.mark.parametrize(
    ("data", "match"),
    [
        ({"monitor": {"interval": "10"}}, r"'monitor\.interval'.*positive integer.*'10'"),
        ({"monitor": {"interval": 0}}, r"'monitor\.interval'.*positive integer.*0"),
        ({"monitor": {"interval": True}}, r"'monitor\.interval'"),
        ({"monitor": {"trigger": "episode"}}, r"'monitor\.trigger'.*'trial' or 'step'"),
        ({"monitor": {"verbose": "yes"}}, r"'monitor\.verbose'.*true or false"),
        ({"monitor": {"name": ""}}, r"'monitor\.name'"),
        ({"monitor": {"save_dir": 3}}, r"'monitor\.save_dir'.*path"),
        ({"monitor": {"save_dir": "$NEUROPLUG_SURELY_UNSET/x"}},
         r"'monitor\.save_dir'.*NEUROPLUG_SURELY_UNSET.*not set"),
        ({"monitor": {"plot": {"steps": -1}}}, r"'monitor\.plot\.steps'"),
        ({"monitor": {"plot": {"ext": "docx"}}}, r"'monitor\.plot\.ext'.*png"),
        ({"monitor": {"plot": 5}}, r"'monitor\.plot'.*PlotConfig"),
        ({"log": {"level": "LOUD"}}, r"'log\.level'.*DEBUG"),
        ({"log": {"trigger": 1}}, r"'log\.trigger'"),
    ],
)
def test_bad_values_are_errors_naming_the_key(data, match):
    with pytest.raises(ConfigError, match=match):
        Config.from_dict(data)


def test_config_errors_are_value_and_type_errors():
    with pytest.raises(ValueError):
        Config.from_dict({"monitor": {"interval": -3}})
    with pytest.raises(TypeError):
        Config.from_dict({"monitor": {"interval": "3"}})


def test_assignment_is_validated():
    config = Config()
    config.monitor.interval = 5
    with pytest.raises(ConfigError, match="'interval'"):
        config.monitor.interval = 0


def test_bad_explicit_argument_names_the_parameter(monitored):
    with pytest.raises(ConfigError, match=r"Monitor argument 'interval'.*positive integer"):
        monitored(interval=0)
    with pytest.raises(ConfigError, match=r"Monitor argument 'log_trigger'"):
        monitored(log_trigger="episode")
    with pytest.raises(TypeError, match="step_fn"):
        monitored(step_fn=5)


def test_bad_config_sources(monitored, tmp_path):
    with pytest.raises(ConfigError, match="expected a Config, a dict or a path"):
        monitored(config=42)
    with pytest.raises(FileNotFoundError, match=r"missing\.toml"):
        monitored(config=tmp_path / "missing.toml")
    broken = tmp_path / "broken.toml"
    broken.write_text("[monitor\ninterval = 3\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        monitored(config=broken)


def test_to_dict_round_trip(tmp_path):
    config = Config.from_dict({"monitor": {"save_dir": str(tmp_path), "interval": 9}})
    again = Config.from_dict(config.to_dict())
    assert again == config
    assert isinstance(again.monitor.save_dir, Path)


def test_default_save_dir_and_name(monitored, runs_dir):
    env = monitored()
    assert env.name == "PerceptualDecisionMaking"
    assert env.save_dir == runs_dir / "PerceptualDecisionMaking"
    assert env.save_dir.is_dir()  # made (and checked) when the Monitor is built
    assert list(env.save_dir.iterdir()) == []  # nothing is written until the first save


def test_make_stack_passes_name_and_records_it_in_the_spec(tmp_path):
    env = neuroplug.make_stack("dm", [("monitor", {"name": "lab-run", "verbose": False,
                                                   "save_dir": str(tmp_path)})])
    assert env.name == "lab-run"
    assert env.spec.additional_wrappers[-1].kwargs == {
        "name": "lab-run", "verbose": False, "save_dir": str(tmp_path)}


def test_signature_reads_like_the_reference():
    import inspect

    from neuroplug_plugins.monitor import Monitor

    params = inspect.signature(Monitor).parameters
    shown = {name: repr(p.default) for name, p in params.items()
             if name != "env" and p.kind is not p.VAR_KEYWORD}
    assert params["legacy"].kind is inspect.Parameter.VAR_KEYWORD  # NeuroGym's old names
    assert shown == {
        "config": "None", "name": "None", "trigger": "'trial'", "interval": "1000",
        "verbose": "True", "plot_create": "False", "plot_steps": "1000", "ext": "'png'",
        "step_fn": "None", "save_dir": "None", "level": "'INFO'", "log_trigger": "'trial'",
        "log_interval": "1000",
    }


def test_step_fn_replaces_the_inner_step():
    from neuroplug_plugins.monitor import Monitor

    calls = []
    task = neuroplug.make("dm")

    def step_fn(action):
        calls.append(action)
        return task.step(action)

    env = Monitor(task, step_fn=step_fn, verbose=False)
    env.reset(seed=0)
    env.step(1)
    env.step(0)
    assert calls == [1, 0] and env.t == 2


NEUROGYM_TOML = """
local_dir = "{local}"

[agent.training]
unit = "trial"
value = 500

[env]
name = "PerceptualDecisionMaking"
dt = 100

[monitor]
name = ""
trigger = "trial"
interval = 20
verbose = false

[monitor.plot]
step = 30
title = "Perceptual"
ext = "png"

[plot.legend]
location = "upper left"
"""


def test_a_neurogym_config_toml_is_read_with_neurogyms_defaults(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text(NEUROGYM_TOML.format(local=tmp_path / "runs"))
    config = Config.from_toml(path)
    assert config.monitor.name is None  # "": the default name
    assert config.monitor.interval == 20 and config.monitor.verbose is False
    assert config.monitor.plot.create is True  # NeuroGym's default
    assert config.monitor.plot.steps == 30
    assert config.monitor.save_dir == tmp_path / "runs" / "PerceptualDecisionMaking"
    monitor = Monitor(neuroplug.make("dm"), config=str(path))
    assert monitor.save_dir == tmp_path / "runs" / "PerceptualDecisionMaking"
    monitor.close()


def test_the_compat_config_object_drives_a_monitor(tmp_path):
    import neuroplug.compat.neurogym as ngym

    path = tmp_path / "config.toml"
    path.write_text(NEUROGYM_TOML.format(local=tmp_path / "runs"))
    config = ngym.config.Config(path, monitor={"interval": 5})
    assert config.agent.training.value == 500 and config.env.dt == 100
    assert config.monitor.plot.title == "Perceptual" and config.monitor.interval == 5
    assert ngym.config.Config().monitor.plot.title == ""  # no file: NeuroGym's defaults
    env = ngym.wrappers.Monitor(ngym.make("PerceptualDecisionMaking-v0"), config=config)
    assert env.config.monitor.interval == 5 and env.config.monitor.plot.steps == 30
    env.close()


def test_a_misspelt_monitor_key_in_a_neurogym_config_is_still_an_error(tmp_path):
    with pytest.raises(ConfigError, match=r"'monitor.intervall': unknown key"):
        Config.from_dict({"env": {"name": "x"}, "monitor": {"intervall": 3}})
    with pytest.raises(ConfigError, match=r"'monitor.plot.steps'"):
        Config.from_dict({"env": {}, "monitor": {"plot": {"step": 0}}})
