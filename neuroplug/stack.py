"""``make`` and ``make_stack``: build tasks and stacks of wrappers by name."""

from __future__ import annotations

import inspect
from collections.abc import Mapping, Sequence
from typing import Any

import gymnasium as gym
from gymnasium.envs.registration import EnvSpec

from neuroplug.errors import IncompatibleWrapperError
from neuroplug.registry import Entry, get_registry
from neuroplug.trial_env import TrialEnv

WrapperSpec = str | tuple[str, Mapping[str, Any]] | Mapping[str, Any]
TaskSpec = str | tuple[str, Mapping[str, Any]]


def get_task(name: str) -> Entry:
    """The registry entry of a task (our name or a NeuroGym id)."""
    return get_registry().get("task", name)


def get_wrapper(name: str) -> Entry:
    """The registry entry of a wrapper."""
    return get_registry().get("wrapper", name)


def get_schedule(name: str) -> Entry:
    """The registry entry of a schedule."""
    return get_registry().get("schedule", name)


def list_tasks(tag: str | None = None, collection: str | None = None) -> list[str]:
    """Names of the registered tasks, optionally only those with ``tag`` / in ``collection``.

    Sorted by name; a collection's tasks come in the order its plugin registered them
    (for yang19, NeuroGym's: the index of a task in a multi-task stack's one-hot input).
    """
    registry = get_registry()
    entries = (registry.entries("task") if collection is None
               else registry.entries_in_order("task"))
    return [
        e.name
        for e in entries
        if (tag is None or tag in e.tags) and (collection is None or e.collection == collection)
    ]


def list_wrappers() -> list[str]:
    """Names of the registered wrappers."""
    return get_registry().names("wrapper")


def list_schedules() -> list[str]:
    """Names of the registered schedules."""
    return get_registry().names("schedule")


def _check_arguments(kind: str, name: str, factory: Any, /, *args: Any, **kwargs: Any) -> None:
    """Raise a ``TypeError`` naming the parameters ``factory`` accepts if the call won't bind."""
    try:
        signature = inspect.signature(factory)
    except (TypeError, ValueError):
        return
    try:
        signature.bind(*args, **kwargs)
    except TypeError as exc:
        accepted = [
            p.name for p in signature.parameters.values()
            if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
        ][len(args):]
        raise TypeError(
            f"{kind} {name!r}: {exc}; accepted parameters: {', '.join(accepted) or '(none)'}"
        ) from None


def make(task: str, **task_kwargs: Any) -> TrialEnv:
    """Build a task by name (or NeuroGym id) with its keyword arguments."""
    entry = get_task(task)
    _check_arguments("task", entry.name, entry.factory, **task_kwargs)
    env = entry.factory(**task_kwargs)
    if not isinstance(env, TrialEnv):
        raise TypeError(
            f"task {entry.name!r} (plugin {entry.plugin!r}) built {type(env).__name__}, "
            f"not a neuroplug.TrialEnv"
        )
    env.spec = EnvSpec(
        id=entry.gymnasium_id,
        entry_point=f"{type(env).__module__}:{type(env).__qualname__}",
        kwargs=dict(task_kwargs),
        disable_env_checker=True,
        order_enforce=False,
    )
    return env


def _parse_task(spec: Any, index: int | None = None) -> tuple[str, dict[str, Any]]:
    where = "task" if index is None else f"task #{index}"
    if isinstance(spec, str):
        return spec, {}
    if (
        isinstance(spec, tuple)
        and len(spec) == 2
        and isinstance(spec[0], str)
        and isinstance(spec[1], Mapping)
    ):
        return spec[0], dict(spec[1])
    raise TypeError(
        f"{where} must be a task name or a (name, kwargs) pair, got {spec!r}"
    )


def parse_wrapper(spec: Any, index: int = 0) -> tuple[str, dict[str, Any]]:
    """``"noise"``, ``("noise", {"std_noise": 0.2})`` or ``{"name": "noise", ...}`` ->
    ``(name, kwargs)``."""
    if isinstance(spec, str):
        return spec, {}
    if isinstance(spec, Mapping):
        if "name" not in spec or not isinstance(spec["name"], str):
            raise TypeError(f"wrapper #{index}: a mapping needs a 'name' string, got {spec!r}")
        kwargs = dict(spec)
        return kwargs.pop("name"), kwargs
    if (
        isinstance(spec, (tuple, list))
        and len(spec) == 2
        and isinstance(spec[0], str)
        and isinstance(spec[1], Mapping)
    ):
        return spec[0], dict(spec[1])
    raise TypeError(
        f"wrapper #{index} must be a name, a (name, kwargs) pair or a mapping with a 'name' "
        f"key, got {spec!r}"
    )


def make_stack(
    task: TaskSpec | Sequence[TaskSpec],
    wrappers: Sequence[WrapperSpec] = (),
    **task_kwargs: Any,
) -> gym.Env:
    """Build a task and wrap it; the first wrapper listed is the innermost.

    ``task`` is a name, a ``(name, kwargs)`` pair, or a list of those for the multi-task
    wrappers (the first wrapper must then take a list of envs, e.g. ``schedule_envs``).
    ``task_kwargs`` go to every task, under the pair's own kwargs.
    """
    if isinstance(wrappers, (str, Mapping)) or not isinstance(wrappers, Sequence):
        raise TypeError(
            f"wrappers must be a list of wrapper specs, got {wrappers!r}; "
            f"e.g. ['side_bias', ('noise', {{'std_noise': 0.2}})]"
        )
    specs = [parse_wrapper(spec, i) for i, spec in enumerate(wrappers)]
    multi = isinstance(task, list) or (
        isinstance(task, tuple) and not (len(task) == 2 and isinstance(task[1], Mapping))
    )
    if multi:
        if not task:
            raise ValueError("make_stack: the list of tasks is empty")
        env: Any = [
            make(name, **{**task_kwargs, **kwargs})
            for name, kwargs in (_parse_task(t, i) for i, t in enumerate(task))
        ]
    else:
        name, kwargs = _parse_task(task)
        env = make(name, **{**task_kwargs, **kwargs})
    for index, (name, kwargs) in enumerate(specs):
        entry = get_wrapper(name)
        if isinstance(env, list) and not entry.multi_env:
            multi_names = [e.name for e in get_registry().entries("wrapper") if e.multi_env]
            raise IncompatibleWrapperError(
                f"make_stack got a list of {len(env)} tasks, so the first wrapper must take a "
                f"list of envs ({', '.join(multi_names) or 'none registered'}); got {name!r}"
            )
        if not isinstance(env, list) and entry.multi_env:
            raise IncompatibleWrapperError(
                f"wrapper {name!r} (#{index}) takes a list of tasks; pass make_stack a list "
                f"of tasks and list {name!r} first"
            )
        _check_arguments("wrapper", entry.name, entry.factory, env, **kwargs)
        env = entry.factory(env, **kwargs)
    if isinstance(env, list):
        raise IncompatibleWrapperError(
            "make_stack got a list of tasks but no wrapper to combine them; list "
            "'schedule_envs' or 'multi_envs' first"
        )
    return env
