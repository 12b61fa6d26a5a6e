"""The ``neuroplug`` command: list what the plugins provide, describe one name, run or plot a
stack."""

from __future__ import annotations

import argparse
import inspect
import json
import sys
from collections.abc import Sequence
from typing import Any

import numpy as np

from neuroplug import plugins
from neuroplug.errors import NeuroplugError
from neuroplug.registry import KINDS, Entry, get_registry
from neuroplug.stack import make_stack


def _print_table(rows: list[tuple[str, ...]], header: tuple[str, ...]) -> None:
    widths = [max(len(str(x)) for x in column) for column in zip(header, *rows, strict=True)]
    for row in (header, *rows):
        print("  ".join(str(x).ljust(w) for x, w in zip(row, widths, strict=True)).rstrip())


def cmd_list(args: argparse.Namespace) -> int:
    """Tasks, wrappers and schedules, with the plugin that provides each."""
    registry = get_registry()
    kinds = [args.kind] if args.kind else list(KINDS)
    for i, kind in enumerate(kinds):
        if i:
            print()
        entries = registry.entries(kind)
        print(f"{kind}s ({len(entries)})")
        _print_table(
            [(e.name, e.plugin or "-", ", ".join(e.aliases) or "-", e.description)
             for e in entries],
            ("name", "plugin", "aliases", "description"),
        )
    return 0


def _find(name: str) -> Entry:
    registry = get_registry()
    errors = []
    for kind in KINDS:
        try:
            return registry.get(kind, name)
        except KeyError as exc:
            errors.append(exc)
    raise errors[0]


def cmd_info(args: argparse.Namespace) -> int:
    """Docstring, parameters with defaults and providing plugin of one name."""
    entry = _find(args.name)
    info = next((i for i in plugins.plugin_infos() if i.name == entry.plugin), None)
    print(f"{entry.kind} {entry.name}")
    print(f"  plugin: {entry.plugin}"
          + (f" ({info.distribution} {info.version})" if info and info.distribution else ""))
    if entry.aliases:
        print(f"  aliases: {', '.join(entry.aliases)}")
    if entry.tags:
        print(f"  tags: {', '.join(entry.tags)}")
    if entry.paper_name:
        print(f"  paper: {entry.paper_name} <{entry.paper_link}>")
    if entry.collection:
        print(f"  collection: {entry.collection}")
    print("  parameters:")
    try:
        parameters = inspect.signature(entry.factory).parameters.values()
    except (TypeError, ValueError):
        parameters = []
    for p in parameters:
        default = "required" if p.default is p.empty else f"default {p.default!r}"
        print(f"    {p.name}: {default}")
    doc = inspect.getdoc(entry.factory)
    if doc:
        print()
        print(doc)
    return 0


def cmd_plugins(args: argparse.Namespace) -> int:
    """Each plugin: name, distribution, version, status and error."""
    infos = plugins.plugin_infos()
    get_registry()  # registration failures are recorded too
    infos = plugins.plugin_infos()
    _print_table(
        [(i.name, i.distribution or "-", i.version or "-", i.status, i.error or "")
         for i in infos],
        ("plugin", "distribution", "version", "status", "error"),
    )
    return 0


def _parse_wrapper(text: str) -> Any:
    """``noise`` or ``noise:{"std_noise": 0.2}`` -> a make_stack wrapper spec."""
    name, sep, kwargs = text.partition(":")
    if not sep:
        return name
    try:
        parsed = json.loads(kwargs)
    except json.JSONDecodeError as exc:
        raise argparse.ArgumentTypeError(f"-w {text}: kwargs are not JSON: {exc}") from None
    if not isinstance(parsed, dict):
        raise argparse.ArgumentTypeError(f"-w {text}: kwargs must be a JSON object")
    return (name, parsed)


def cmd_run(args: argparse.Namespace) -> int:
    """Run a stack with a random or oracle agent and print a summary."""
    task_kwargs = json.loads(args.task_kwargs) if args.task_kwargs else {}
    env = make_stack(args.task, args.wrapper, **task_kwargs)
    task = env.unwrapped
    env.reset(seed=args.seed)
    env.action_space.seed(args.seed)
    rewards, performances, steps = 0.0, [], 0
    while True:
        if args.trials is not None and len(performances) >= args.trials:
            break
        if args.trials is None and steps >= args.steps:
            break
        action = task.gt_now if args.agent == "oracle" else env.action_space.sample()
        _, reward, terminated, truncated, info = env.step(action)
        steps += 1
        rewards += float(reward)
        if info.get("new_trial"):
            performances.append(float(info.get("performance", 0.0)))
        if terminated or truncated:
            env.reset()
    env.close()
    print(f"stack:        {args.task} + [{', '.join(str(w) for w in args.wrapper)}]")
    print(f"agent:        {args.agent}")
    print(f"steps:        {steps}")
    print(f"trials:       {len(performances)}")
    print(f"mean reward:  {rewards / max(steps, 1):.4f} per step")
    perf = float(np.mean(performances)) if performances else float("nan")
    print(f"performance:  {perf:.4f}")
    return 0


def cmd_plot(args: argparse.Namespace) -> int:
    """Draw a few trials of a stack (observations, actions, ground truth, rewards) to a file."""
    from neuroplug.plotting import plot_env

    task_kwargs = json.loads(args.task_kwargs) if args.task_kwargs else {}
    env = make_stack(args.task, args.wrapper, **task_kwargs)
    out = args.output or f"{args.task.replace('/', '_')}.png"
    model = _OracleModel(env) if args.agent == "oracle" else None
    plot_env(env, num_steps=args.steps, num_trials=args.trials, model=model, fname=out,
             seed=args.seed)
    env.close()
    print(f"wrote {out}")
    return 0


class _OracleModel:
    """``predict(obs)`` answers the ground truth of the step the agent is looking at."""

    def __init__(self, env: Any) -> None:
        self.task = env.unwrapped

    def predict(self, obs: Any) -> tuple[Any, None]:
        return self.task.gt_now, None


def _add_stack_arguments(p: argparse.ArgumentParser, steps: int, verb: str,
                         seed: int | None) -> None:
    """The stack, its length and its agent: what ``run`` and ``plot`` share."""
    p.add_argument("task", help="task name or NeuroGym id")
    p.add_argument("-w", "--wrapper", action="append", default=[], type=_parse_wrapper,
                   metavar="NAME[:JSON]", help="wrapper, innermost first; repeatable")
    p.add_argument("--task-kwargs", metavar="JSON", help="task arguments as a JSON object")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--steps", type=int, default=steps,
                       help=f"steps to {verb} (default {steps})")
    group.add_argument("--trials", type=int, help=f"whole trials to {verb} instead of steps")
    p.add_argument("--seed", type=int, default=seed)
    p.add_argument("--agent", choices=("random", "oracle"), default="random")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="neuroplug", description="Trial-based tasks and wrappers, found through plugins."
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("list", help=cmd_list.__doc__)
    p.add_argument("kind", nargs="?", choices=KINDS, help="only this kind")
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("info", help=cmd_info.__doc__)
    p.add_argument("name")
    p.set_defaults(func=cmd_info)

    p = sub.add_parser("plugins", help=cmd_plugins.__doc__)
    p.set_defaults(func=cmd_plugins)

    p = sub.add_parser("run", help=cmd_run.__doc__)
    _add_stack_arguments(p, steps=1000, verb="run", seed=None)
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("plot", help=cmd_plot.__doc__)
    _add_stack_arguments(p, steps=200, verb="draw", seed=0)
    p.add_argument("-o", "--output", metavar="FILE",
                   help="image file (default: <task>.png; the extension picks the format)")
    p.set_defaults(func=cmd_plot)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except (NeuroplugError, KeyError, TypeError, ValueError) as exc:
        message = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
        print(f"neuroplug: error: {message}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
