"""``neurogym.utils.info``: print the tasks, wrappers and tags, or one of them."""

from __future__ import annotations

import argparse

import gymnasium as gym

from neuroplug.compat.neurogym import envs, wrappers

__all__ = ["show_all_tags", "show_all_tasks", "show_all_wrappers", "show_info"]


def show_all_tasks(tag: str | None = None) -> None:
    """Print NeuroGym's ids of the tasks (with ``tag`` only, if given)."""
    print("Available tasks:" if not tag else f"Available tasks with tag '{tag}':")
    for task in envs.all_envs(tag=tag):
        print(task)


def show_all_wrappers() -> None:
    """Print NeuroGym's wrapper ids."""
    print("Available wrappers:")
    for wrapper in wrappers.all_wrappers():
        print(wrapper)


def show_all_tags() -> None:
    """Print every task tag."""
    print("Available tags:")
    for tag in envs.all_tags():
        print(tag)


def show_info(obj_: str | gym.Env) -> None:
    """Print what ``neuroplug info`` prints for a task or wrapper id, or a built task."""
    from neuroplug.cli import cmd_info

    if isinstance(obj_, gym.Env):
        spec = getattr(obj_.unwrapped, "spec", None)
        obj_ = spec.id.removeprefix("neuroplug/").removesuffix("-v0") if spec else \
            type(obj_.unwrapped).__name__
    elif not isinstance(obj_, str):
        raise TypeError(f"Expected a str or gym.Env, got {type(obj_)}")
    try:
        cmd_info(argparse.Namespace(name=obj_))
    except KeyError:
        raise ValueError(f"Unknown environment or wrapper: {obj_}") from None
