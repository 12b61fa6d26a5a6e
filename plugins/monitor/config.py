"""The Monitor's configuration: attrs classes validated on construction and on assignment.

A configuration comes from a :class:`Config` object, a ``dict`` or a TOML file (read with
:mod:`tomllib`), all with the same nested layout::

    [monitor]
    name = "dm-run"            # file prefix; default: the task's class name
    trigger = "trial"          # save every `interval` trials ("trial") or steps ("step")
    interval = 1000
    verbose = true             # log progress and saves through `logging`
    save_dir = "$HOME/runs/dm" # $VARS and ~ are expanded

    [monitor.plot]
    create = false             # draw the last `steps` steps at every save
    steps = 1000
    ext = "png"

    [log]
    level = "INFO"             # level of the monitor's logger
    trigger = "trial"          # log progress every `interval` trials or steps
    interval = 1000

An unknown key or a value of the wrong type is a :class:`ConfigError` that names the key
(``monitor.plot.steps``), the value and what is accepted.

NeuroGym 2.3.1's layout is read too (a ``config.toml`` written for ``neurogym.Monitor``,
or ``neuroplug.compat.neurogym.config.Config``): a file with its sections (``[agent]``,
``[env]``, ``[plot]``, ``local_dir``) or keys (``monitor.plot.step``, ``title``) takes
NeuroGym's defaults (``plot.create = true``, ``plot.step = 10``) and its meanings: an empty
``name`` is the default one, ``save_dir`` defaults to ``<local_dir>/<env.name>``. The
sections the Monitor does not use are the program's, and are not checked; the
``[monitor]`` keys are, as always.
"""

from __future__ import annotations

import difflib
import logging
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

__all__ = ["Config", "ConfigError", "LogConfig", "MonitorConfig", "PlotConfig"]

TRIGGERS = ("trial", "step")
#: Image formats matplotlib writes without extra packages (jpg/tif/webp need Pillow).
IMAGE_EXTS = frozenset(
    {"png", "pdf", "svg", "svgz", "eps", "ps", "jpg", "jpeg", "tif", "tiff", "webp", "pgf"}
)
_UNSET_VAR = re.compile(r"\$(\{[^}]*\}|[A-Za-z_][A-Za-z0-9_]*)")


class ConfigError(ValueError, TypeError):
    """A configuration key is unknown or its value is invalid.

    A subclass of both ``ValueError`` and ``TypeError`` so that callers catching either
    (a bad value, a value of the wrong type) catch it. ``key`` is the dotted key.
    """

    def __init__(self, key: str, problem: str, what: str = "config key") -> None:
        self.key, self.problem, self.what = key, problem, what
        super().__init__(f"{what} {key!r}: {problem}")

    def under(self, prefix: str) -> ConfigError:
        """The same error with ``prefix.`` prepended to its key."""
        return ConfigError(f"{prefix}.{self.key}", self.problem, self.what)


# --- validators (each names the attribute; the loaders add the section prefix) -----------


def _positive_int(_: Any, attribute: attrs.Attribute, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigError(attribute.name, f"expected a positive integer, got {value!r}")
    if value <= 0:
        raise ConfigError(attribute.name, f"expected a positive integer, got {value!r}")


def _bool(_: Any, attribute: attrs.Attribute, value: Any) -> None:
    if not isinstance(value, bool):
        raise ConfigError(attribute.name, f"expected true or false, got {value!r}")


def _trigger(_: Any, attribute: attrs.Attribute, value: Any) -> None:
    if value not in TRIGGERS:
        raise ConfigError(attribute.name, f"expected 'trial' or 'step', got {value!r}")


def _optional_name(_: Any, attribute: attrs.Attribute, value: Any) -> None:
    if value is None:
        return
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(attribute.name, f"expected a non-empty string, got {value!r}")


def _ext(value: Any) -> Any:
    """Normalise an image extension (``".PNG"`` -> ``"png"``); leave bad values to the check."""
    if isinstance(value, str):
        return value.strip().lstrip(".").lower()
    return value


def _check_ext(_: Any, attribute: attrs.Attribute, value: Any) -> None:
    if not isinstance(value, str) or value not in IMAGE_EXTS:
        raise ConfigError(
            attribute.name,
            f"expected an image format, one of {', '.join(sorted(IMAGE_EXTS))}; got {value!r}",
        )


def _level(value: Any) -> Any:
    if isinstance(value, str):
        return value.strip().upper()
    return value


def _check_level(_: Any, attribute: attrs.Attribute, value: Any) -> None:
    names = logging.getLevelNamesMapping()
    if isinstance(value, bool) or not isinstance(value, (str, int)) or (
        isinstance(value, str) and value not in names
    ):
        raise ConfigError(
            attribute.name,
            f"expected a logging level name ({', '.join(sorted(names))}) or an int, "
            f"got {value!r}",
        )


def expand_path(value: Any, key: str = "save_dir") -> Path | None:
    """``value`` as a :class:`~pathlib.Path` with ``$VARS`` and ``~`` expanded.

    An environment variable that is not set is an error naming it, rather than a directory
    literally called ``$RUNS``.
    """
    if value is None:
        return None
    if not isinstance(value, (str, os.PathLike)):
        raise ConfigError(key, f"expected a path (string), got {value!r}")
    text = os.fspath(value)
    if isinstance(text, bytes):
        raise ConfigError(key, f"expected a path (string), got {value!r}")
    if not text.strip():
        raise ConfigError(
            key, "expected a path, got '' (an empty path would mean the current directory; "
            "pass '.' to mean that)")
    expanded = os.path.expanduser(os.path.expandvars(text))
    missing = _UNSET_VAR.search(expanded)
    if missing:
        raise ConfigError(
            key, f"environment variable ${missing.group(1).strip('{}')} in {text!r} is not set"
        )
    return Path(expanded)


def _save_dir(value: Any) -> Path | None:
    return expand_path(value, "save_dir")


# --- the classes -------------------------------------------------------------------------


@attrs.define(kw_only=True)
class PlotConfig:
    """``[monitor.plot]``: figures of the most recent steps, drawn at every save."""

    create: bool = attrs.field(default=False, validator=_bool)
    steps: int = attrs.field(default=1000, validator=_positive_int)
    ext: str = attrs.field(default="png", converter=_ext, validator=_check_ext)


def _section(cls: type) -> Any:
    def check(_: Any, attribute: attrs.Attribute, value: Any) -> None:
        if not isinstance(value, cls):
            raise ConfigError(
                attribute.name, f"expected a {cls.__name__} or a table, got {value!r}"
            )

    return check


def _to_section(cls: type, key: str) -> Any:
    def convert(value: Any) -> Any:
        if isinstance(value, Mapping):
            return _build(cls, value, key)
        return value

    return convert


@attrs.define(kw_only=True)
class MonitorConfig:
    """``[monitor]``: naming, saving trigger and interval, output directory, plots."""

    name: str | None = attrs.field(default=None, validator=_optional_name)
    trigger: str = attrs.field(default="trial", validator=_trigger)
    interval: int = attrs.field(default=1000, validator=_positive_int)
    verbose: bool = attrs.field(default=True, validator=_bool)
    save_dir: Path | None = attrs.field(default=None, converter=_save_dir)
    plot: PlotConfig = attrs.field(
        factory=PlotConfig,
        converter=_to_section(PlotConfig, "plot"),
        validator=_section(PlotConfig),
    )


@attrs.define(kw_only=True)
class LogConfig:
    """``[log]``: progress messages through the standard :mod:`logging` module."""

    level: str | int = attrs.field(default="INFO", converter=_level, validator=_check_level)
    trigger: str = attrs.field(default="trial", validator=_trigger)
    interval: int = attrs.field(default=1000, validator=_positive_int)


@attrs.define(kw_only=True)
class Config:
    """The whole configuration of a :class:`~neuroplug_plugins.monitor.Monitor`.

    Build it directly (``Config(monitor=MonitorConfig(interval=10))``), from a nested dict
    (:meth:`from_dict`) or from a TOML file (:meth:`from_toml`); :meth:`load` accepts any
    of the three. Fields are validated on construction and on assignment.
    """

    monitor: MonitorConfig = attrs.field(
        factory=MonitorConfig,
        converter=_to_section(MonitorConfig, "monitor"),
        validator=_section(MonitorConfig),
    )
    log: LogConfig = attrs.field(
        factory=LogConfig,
        converter=_to_section(LogConfig, "log"),
        validator=_section(LogConfig),
    )

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Config:
        """A config from a nested mapping (``{"monitor": {"interval": 10}}``), in this
        layout or NeuroGym's (see the module docstring)."""
        if not isinstance(data, Mapping):
            raise ConfigError("<root>", f"expected a mapping, got {data!r}")
        if _neurogym_layout(data):
            data = _from_neurogym(data)
        return _build(cls, data, "")

    @classmethod
    def from_toml(cls, path: str | os.PathLike) -> Config:
        """A config from a TOML file; ``$VARS`` in the file's path are expanded too."""
        import tomllib

        file = expand_path(path, "config")
        try:
            with open(file, "rb") as handle:
                data = tomllib.load(handle)
        except FileNotFoundError:
            raise FileNotFoundError(f"config file {os.fspath(file)!r} does not exist") from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError("<file>", f"{os.fspath(file)} is not valid TOML: {exc}") from None
        return cls.from_dict(data)

    @classmethod
    def load(cls, source: Config | Mapping[str, Any] | str | os.PathLike | None) -> Config:
        """A config from a :class:`Config` (copied), a mapping, a TOML path, or ``None``."""
        if source is None:
            return cls()
        if isinstance(source, Config):
            return attrs.evolve(
                source,
                monitor=attrs.evolve(
                    source.monitor, plot=attrs.evolve(source.monitor.plot)
                ),
                log=attrs.evolve(source.log),
            )
        if isinstance(source, Mapping):
            return cls.from_dict(source)
        if isinstance(source, (str, os.PathLike)):
            return cls.from_toml(source)
        raise ConfigError(
            "config",
            f"expected a Config, a dict or a path to a TOML file, got {type(source).__name__} "
            f"{source!r}",
        )

    def to_dict(self) -> dict[str, Any]:
        """The config as a nested dict of plain values (paths as strings)."""
        return attrs.asdict(
            self, value_serializer=lambda _, __, v: os.fspath(v) if isinstance(v, Path) else v
        )


#: Top-level keys of NeuroGym's configuration that this one does not have.
NEUROGYM_SECTIONS = frozenset(
    {"agent", "env", "plot", "local_dir", "config_file", "root_dir", "pkg_dir", "config_dir"}
)


def _neurogym_layout(data: Mapping[str, Any]) -> bool:
    if NEUROGYM_SECTIONS & set(data):
        return True
    monitor = data.get("monitor")
    plot = monitor.get("plot") if isinstance(monitor, Mapping) else None
    return isinstance(plot, Mapping) and bool({"step", "title"} & set(plot))


def _from_neurogym(data: Mapping[str, Any]) -> dict[str, Any]:
    """NeuroGym's layout in this one: its defaults and meanings for the ``[monitor]`` keys;
    the other sections belong to the program (agent, env, plot fonts)."""
    monitor = dict(data.get("monitor") or {})
    if not isinstance(data.get("monitor", {}), Mapping):
        raise ConfigError("monitor", f"expected a table, got {data['monitor']!r}")
    if monitor.get("name") == "":
        monitor["name"] = None  # NeuroGym: an empty name is the default one
    plot = monitor.get("plot", {})
    if not isinstance(plot, Mapping):
        raise ConfigError("monitor.plot", f"expected a table, got {plot!r}")
    plot = {"create": True, "step": 10, **plot}  # NeuroGym's defaults
    plot["steps"] = plot.pop("step")
    plot.pop("title", None)  # the figures' title is the task's here
    monitor["plot"] = plot
    if monitor.get("save_dir") is None and data.get("local_dir") is not None:
        env = data.get("env") if isinstance(data.get("env"), Mapping) else {}
        local = expand_path(data["local_dir"], "local_dir")
        monitor["save_dir"] = local / env["name"] if env.get("name") else local
    return {"monitor": monitor}


_ALL_KEYS: list[str] = []


def _keys(cls: type, prefix: str) -> list[str]:
    keys = []
    for field in attrs.fields(cls):
        key = f"{prefix}{field.name}"
        section = {"plot": PlotConfig, "monitor": MonitorConfig, "log": LogConfig}.get(field.name)
        if section is not None and cls in (Config, MonitorConfig):
            keys.extend(_keys(section, f"{key}."))
        else:
            keys.append(key)
    return keys


def _build(cls: type, data: Mapping[str, Any], prefix: str) -> Any:
    """``cls(**data)`` with unknown keys and invalid values reported under their dotted key."""
    known = {field.name for field in attrs.fields(cls)}
    dotted = f"{prefix}." if prefix else ""
    for key in data:
        if key not in known:
            if not _ALL_KEYS:
                _ALL_KEYS.extend(_keys(Config, ""))
            candidates = [*(f"{dotted}{k}" for k in sorted(known)), *_ALL_KEYS]
            close = difflib.get_close_matches(f"{dotted}{key}", candidates, n=1, cutoff=0.6)
            close += [c for c in _ALL_KEYS if c.rsplit(".", 1)[-1] == key][:1]
            hint = f" Did you mean {close[0]!r}?" if close else ""
            raise ConfigError(
                f"{dotted}{key}",
                f"unknown key.{hint} Known keys here: {', '.join(sorted(known))}",
            )
    try:
        return cls(**data)
    except ConfigError as exc:
        if prefix and not exc.key.startswith(f"{prefix}."):
            raise exc.under(prefix) from None
        raise
