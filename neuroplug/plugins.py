"""The one plugin manager: built on first use, filled from the ``neuroplug`` entry points.

Environment variables, read when the plugins are first loaded:

``NEUROPLUG_DISABLE_PLUGINS=a,b``
    block the plugins with these entry-point names;
``NEUROPLUG_DISABLE_PLUGIN_AUTOLOAD=1``
    load no entry point at all (register what you need with :func:`register`);
``NEUROPLUG_TRACE_HOOKS=1``
    print every hook call made through the manager to stderr.
"""

from __future__ import annotations

import importlib.metadata
import os
import sys
import threading
import warnings
from types import ModuleType
from typing import Any

import attrs
import pluggy

from neuroplug import hookspecs

ENTRY_POINT_GROUP = "neuroplug"
DISABLE_ENV = "NEUROPLUG_DISABLE_PLUGINS"
AUTOLOAD_ENV = "NEUROPLUG_DISABLE_PLUGIN_AUTOLOAD"
TRACE_ENV = "NEUROPLUG_TRACE_HOOKS"


class PluginLoadWarning(UserWarning):
    """A plugin could not be imported or registered and was skipped."""


@attrs.frozen
class PluginInfo:
    """What ``neuroplug plugins`` shows for one plugin."""

    name: str
    status: str  # "loaded", "blocked", "failed" or "registered" (by hand)
    distribution: str | None = None
    version: str | None = None
    value: str | None = None
    error: str | None = None


_lock = threading.RLock()
_pm: pluggy.PluginManager | None = None
_infos: dict[str, PluginInfo] = {}
#: Bumped whenever the set of plugins changes; registries and stacks re-resolve on change.
version = 0


def _bump() -> None:
    global version
    version += 1


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() not in ("", "0", "false", "no", "off")


def tracing() -> bool:
    """Whether ``NEUROPLUG_TRACE_HOOKS`` asks for every hook call on stderr."""
    return _truthy(os.environ.get(TRACE_ENV))


def trace(message: str) -> None:
    """Write one trace line to stderr (only called when :func:`tracing` is on)."""
    sys.stderr.write(f"neuroplug trace: {message}\n")


def blocked_names() -> set[str]:
    """Entry-point names listed in ``NEUROPLUG_DISABLE_PLUGINS``."""
    return {n.strip() for n in os.environ.get(DISABLE_ENV, "").split(",") if n.strip()}


def get_plugin_manager() -> pluggy.PluginManager:
    """The process's plugin manager, loading the entry points on the first call."""
    global _pm
    if _pm is None:
        with _lock:
            if _pm is None:
                pm = pluggy.PluginManager(hookspecs.PROJECT)
                pm.add_hookspecs(hookspecs)
                if tracing():
                    pm.trace.root.setwriter(lambda msg: sys.stderr.write(msg))
                    pm.enable_tracing()
                _load_entry_points(pm)
                _pm = pm
                _bump()
    return _pm


def _load_entry_points(pm: pluggy.PluginManager) -> None:
    blocked = blocked_names()
    for name in blocked:
        pm.set_blocked(name)
    if _truthy(os.environ.get(AUTOLOAD_ENV)):
        return
    seen: set[str] = set()
    for dist in importlib.metadata.distributions():
        for ep in dist.entry_points:
            if ep.group != ENTRY_POINT_GROUP or ep.name in seen:
                continue
            seen.add(ep.name)
            dist_name = dist.metadata["Name"]
            common = {"distribution": dist_name, "version": dist.version, "value": ep.value}
            if ep.name in blocked:
                _infos[ep.name] = PluginInfo(ep.name, "blocked", **common)
                continue
            try:
                plugin = ep.load()
                pm.register(plugin, name=ep.name)
            except Exception as exc:  # a broken plugin must not take the others down
                error = f"{type(exc).__name__}: {exc}"
                _infos[ep.name] = PluginInfo(ep.name, "failed", error=error, **common)
                warnings.warn(
                    f"neuroplug: skipped plugin {ep.name!r} ({ep.value}) from distribution "
                    f"{dist_name} {dist.version}: {error}",
                    PluginLoadWarning,
                    stacklevel=4,
                )
                continue
            _infos[ep.name] = PluginInfo(ep.name, "loaded", **common)
    pm.check_pending()


def register(plugin: Any, name: str | None = None) -> str:
    """Register a plugin object (a module, class or instance) by hand; returns its name.

    For tests and notebooks. The registry and every stack pick it up on their next use.
    """
    pm = get_plugin_manager()
    with _lock:
        registered = pm.register(plugin, name=name)
        if registered is None:
            raise ValueError(f"plugin {name or plugin!r} is blocked")
        pm.check_pending()
        _infos[registered] = PluginInfo(registered, "registered", value=_describe(plugin))
        _bump()
    return registered


def unregister(plugin: Any = None, name: str | None = None) -> None:
    """Remove a plugin registered by :func:`register` (or loaded from an entry point)."""
    pm = get_plugin_manager()
    with _lock:
        if name is None:
            name = pm.get_name(plugin)
        if name is None:
            raise ValueError(f"plugin {plugin!r} is not registered")
        pm.unregister(plugin=plugin, name=name)
        _infos.pop(name, None)
        _bump()


def _describe(plugin: Any) -> str:
    if isinstance(plugin, ModuleType):
        return plugin.__name__
    return f"{type(plugin).__module__}.{type(plugin).__qualname__}"


def mark_failed(name: str, error: BaseException) -> None:
    """Record that plugin ``name`` loaded but its registration failed (shown by the CLI)."""
    with _lock:
        old = _infos.get(name) or PluginInfo(name, "failed")
        _infos[name] = attrs.evolve(
            old, status="failed", error=f"{type(error).__name__}: {error}"
        )


def plugin_infos() -> list[PluginInfo]:
    """Every plugin known to the manager: loaded, registered by hand, blocked or failed."""
    get_plugin_manager()
    return sorted(_infos.values(), key=lambda info: info.name)
