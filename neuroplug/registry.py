"""The registry of tasks, wrappers and schedules that plugins add.

Built from the plugin manager on first use and rebuilt whenever the set of plugins changes.
Each plugin's registration hooks run on their own: a plugin that raises (or registers a
name another plugin already has) is rolled back and skipped with a warning, and the
others still load.
"""

from __future__ import annotations

import inspect
import threading
import warnings
from collections.abc import Callable, Iterable
from typing import Any, Literal

import attrs
import gymnasium as gym

from neuroplug import plugins
from neuroplug.errors import DuplicateNameError, UnknownNameError

Kind = Literal["task", "wrapper", "schedule"]
KINDS: tuple[Kind, ...] = ("task", "wrapper", "schedule")
REGISTRATION_HOOKS = {
    "neuroplug_add_tasks": "task",
    "neuroplug_add_wrappers": "wrapper",
    "neuroplug_add_schedules": "schedule",
}
GYMNASIUM_NAMESPACE = "neuroplug"


def _summary(obj: Any) -> str:
    doc = inspect.getdoc(obj) or ""
    return doc.strip().splitlines()[0] if doc.strip() else ""


@attrs.frozen
class Entry:
    """One registered name and what the plugin said about it."""

    kind: str
    name: str
    factory: Callable[..., Any]
    plugin: str | None
    aliases: tuple[str, ...] = ()
    description: str = ""
    tags: tuple[str, ...] = ()
    paper_name: str | None = None
    paper_link: str | None = None
    collection: str | None = None
    multi_env: bool = False

    @property
    def gymnasium_id(self) -> str:
        """The id this task is registered under with gymnasium."""
        return f"{GYMNASIUM_NAMESPACE}/{self.name}-v0"


def _check_name(kind: str, name: Any) -> str:
    if not isinstance(name, str) or not name.strip():
        raise TypeError(f"{kind} name must be a non-empty string, got {name!r}")
    return name


def _check_strings(what: str, values: Iterable[str] | str) -> tuple[str, ...]:
    if isinstance(values, str):
        values = (values,)
    values = tuple(values)
    for value in values:
        if not isinstance(value, str):
            raise TypeError(f"{what} must be strings, got {value!r}")
    return values


class Registry:
    """Names -> factories, filled by the registration hooks of the loaded plugins."""

    def __init__(self) -> None:
        self._entries: dict[str, dict[str, Entry]] = {kind: {} for kind in KINDS}
        self._aliases: dict[str, dict[str, str]] = {kind: {} for kind in KINDS}
        self.current_plugin: str | None = None

    # --- adding (called by plugins) ---------------------------------------------------

    def add_task(
        self,
        name: str,
        factory: Callable[..., Any],
        *,
        aliases: Iterable[str] = (),
        tags: Iterable[str] = (),
        description: str | None = None,
        paper_name: str | None = None,
        paper_link: str | None = None,
        collection: str | None = None,
    ) -> Entry:
        """Register a task; ``factory(**kwargs)`` builds it. Metadata defaults to the
        factory's docstring and its ``metadata`` dict (``paper_name``, ``paper_link``,
        ``tags``)."""
        meta = getattr(factory, "metadata", None) or {}
        entry = Entry(
            kind="task",
            name=_check_name("task", name),
            factory=self._check_factory("task", name, factory),
            plugin=self.current_plugin,
            aliases=_check_strings("aliases", aliases),
            description=description if description is not None else _summary(factory),
            tags=_check_strings("tags", tuple(tags) or tuple(meta.get("tags", ()))),
            paper_name=paper_name if paper_name is not None else meta.get("paper_name"),
            paper_link=paper_link if paper_link is not None else meta.get("paper_link"),
            collection=collection,
        )
        return self._add(entry)

    def add_wrapper(
        self,
        name: str,
        factory: Callable[..., Any],
        *,
        multi_env: bool = False,
        aliases: Iterable[str] = (),
        description: str | None = None,
    ) -> Entry:
        """Register a wrapper; ``factory(env, **kwargs)`` wraps ``env`` (a list of envs when
        ``multi_env``)."""
        entry = Entry(
            kind="wrapper",
            name=_check_name("wrapper", name),
            factory=self._check_factory("wrapper", name, factory),
            plugin=self.current_plugin,
            aliases=_check_strings("aliases", aliases),
            description=description if description is not None else _summary(factory),
            multi_env=bool(multi_env),
        )
        return self._add(entry)

    def add_schedule(
        self,
        name: str,
        factory: Callable[..., Any],
        *,
        aliases: Iterable[str] = (),
        description: str | None = None,
    ) -> Entry:
        """Register a schedule; ``factory(n, **kwargs)`` returns a schedule over ``n`` items."""
        entry = Entry(
            kind="schedule",
            name=_check_name("schedule", name),
            factory=self._check_factory("schedule", name, factory),
            plugin=self.current_plugin,
            aliases=_check_strings("aliases", aliases),
            description=description if description is not None else _summary(factory),
        )
        return self._add(entry)

    @staticmethod
    def _check_factory(kind: str, name: str, factory: Any) -> Callable[..., Any]:
        if not callable(factory):
            raise TypeError(f"{kind} {name!r}: factory must be callable, got {factory!r}")
        return factory

    def _owner(self, kind: str, name: str) -> Entry | None:
        entries = self._entries[kind]
        return entries.get(name) or entries.get(self._aliases[kind].get(name, ""))

    def _add(self, entry: Entry) -> Entry:
        for name in (entry.name, *entry.aliases):
            existing = self._owner(entry.kind, name)
            if existing is not None:
                raise DuplicateNameError(
                    f"{entry.kind} {name!r} is registered twice: by plugin "
                    f"{existing.plugin!r} and by plugin {entry.plugin!r}"
                )
        self._entries[entry.kind][entry.name] = entry
        for alias in entry.aliases:
            self._aliases[entry.kind][alias] = entry.name
        return entry

    def _remove_plugin(self, plugin: str | None) -> None:
        for kind in KINDS:
            for name, entry in list(self._entries[kind].items()):
                if entry.plugin == plugin:
                    del self._entries[kind][name]
                    for alias in entry.aliases:
                        self._aliases[kind].pop(alias, None)

    # --- looking up -------------------------------------------------------------------

    def get(self, kind: Kind, name: str) -> Entry:
        """The entry for ``name`` (or one of its aliases); :class:`UnknownNameError` if none."""
        if not isinstance(name, str):
            raise TypeError(f"{kind} name must be a string, got {name!r} ({type(name).__name__})")
        entry = self._owner(kind, name)
        if entry is None:
            raise UnknownNameError(kind, name, self._entries[kind])
        return entry

    def names(self, kind: Kind) -> list[str]:
        """Registered names of one kind, sorted."""
        return sorted(self._entries[kind])

    def entries(self, kind: Kind) -> list[Entry]:
        """Registered entries of one kind, sorted by name."""
        return [self._entries[kind][name] for name in self.names(kind)]

    def entries_in_order(self, kind: Kind) -> list[Entry]:
        """Registered entries of one kind, in the order they were registered."""
        return list(self._entries[kind].values())


# --- the process's registry ---------------------------------------------------------------

_lock = threading.RLock()
_registry: Registry | None = None
_registry_version = -1
_building = threading.local()


def build_registry(pm: Any) -> Registry:
    """Run every plugin's registration hooks into a new registry, one plugin at a time."""
    registry = Registry()
    callers = {hook: getattr(pm.hook, hook) for hook in REGISTRATION_HOOKS}
    impls_by_plugin: dict[str, list[Any]] = {}
    for hook in REGISTRATION_HOOKS:
        for impl in callers[hook].get_hookimpls():
            impls_by_plugin.setdefault(impl.plugin_name, []).append(impl)
    for name, plugin in pm.list_name_plugin():
        if plugin is None or name not in impls_by_plugin:
            continue
        registry.current_plugin = name
        try:
            for impl in impls_by_plugin[name]:
                if plugins.tracing():
                    plugins.trace(f"{impl.function.__name__} -> {name}")
                impl.function(registry=registry)
        except Exception as exc:
            registry._remove_plugin(name)
            plugins.mark_failed(name, exc)
            info = next((i for i in plugins.plugin_infos() if i.name == name), None)
            source = f" from distribution {info.distribution}" if info and info.distribution else ""
            warnings.warn(
                f"neuroplug: skipped plugin {name!r}{source}: its registration failed: "
                f"{type(exc).__name__}: {exc}",
                plugins.PluginLoadWarning,
                stacklevel=4,
            )
        finally:
            registry.current_plugin = None
    return registry


def get_registry() -> Registry:
    """The registry of the loaded plugins (built on first use, rebuilt when they change)."""
    global _registry, _registry_version
    if getattr(_building, "active", False):
        raise RuntimeError(
            "a plugin's registration hook must not look names up in the registry while it "
            "is being built; import what you need directly"
        )
    pm = plugins.get_plugin_manager()
    if _registry is None or _registry_version != plugins.version:
        with _lock:
            if _registry is None or _registry_version != plugins.version:
                version = plugins.version
                _building.active = True
                try:
                    registry = build_registry(pm)
                finally:
                    _building.active = False
                _register_with_gymnasium(registry)
                _registry, _registry_version = registry, version
    return _registry


def _register_with_gymnasium(registry: Registry) -> None:
    """Make ``gymnasium.make("neuroplug/<name>-v0")`` build each task."""
    for entry in registry.entries("task"):
        if entry.gymnasium_id not in gym.registry:
            gym.register(
                id=entry.gymnasium_id,
                entry_point=_GymnasiumEntryPoint(entry.name),
                disable_env_checker=True,
                order_enforce=False,
            )


@attrs.frozen
class _GymnasiumEntryPoint:
    """Builds a task by name for gymnasium (picklable, unlike a closure)."""

    name: str

    def __call__(self, **kwargs: Any) -> gym.Env:
        from neuroplug.stack import make

        return make(self.name, **kwargs)
