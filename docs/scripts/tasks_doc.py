"""Write docs/tasks.md and docs/figures/tasks_<family>.png from the task registry, so the
page lists exactly the registered tasks, with the metadata their plugins declared.

    python docs/scripts/tasks_doc.py               # rewrite docs/tasks.md and the figures
    python docs/scripts/tasks_doc.py --no-figures  # rewrite docs/tasks.md only
    python docs/scripts/tasks_doc.py --check       # exit 1 if docs/tasks.md is out of date
                                                   # or a family's figure is missing

A task's *family* is the module that defines its class (``neuroplug_plugins.yang19.go`` ->
``yang19_go``): tasks written together share a trial structure. Each family gets one
figure: the first trial of up to four of its tasks (default parameters, seed 0), the
observations as a heat map over time and the ground truth below.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterable
from pathlib import Path

import numpy as np

import neuroplug
from neuroplug.registry import Entry, get_registry

DOCS = Path(__file__).resolve().parents[1]
PAGE = DOCS / "tasks.md"
FIGURES = DOCS / "figures"
MAX_PANELS = 4
SEED = 0
COLLECTION_TITLES = {
    None: "The standard battery (and tasks in no collection)",
    "yang19": "The yang19 collection (Yang et al. 2019)",
}
COLLECTION_INTROS = {
    None: (
        "The tasks NeuroGym users know, each under our name with its NeuroGym id as an "
        "alias (`neuroplug.make(\"PerceptualDecisionMaking-v0\")` builds `dm`)."
    ),
    "yang19": (
        "The 20 tasks of *Task representations in neural networks trained to perform many "
        "cognitive tasks* (Yang et al. 2019, Nature Neuroscience). They share one "
        "observation space (fixation + two modality rings of `dim_ring` units) and one "
        "action space (fixate + `dim_ring` directions), so they stack: "
        "`neuroplug.make_stack(neuroplug.list_tasks(collection=\"yang19\"), "
        "[(\"schedule_envs\", {\"schedule\": \"random\", \"env_input\": True})])`. "
        "Parameters and timing follow NeuroGym's `yang19` module (`dt=100` by default; the "
        "paper used 20), with these changes towards the paper: input noise `sigma` in every "
        "task, the stimulus modality of a Go or match trial drawn at random, no ties in the "
        "multi-modality decisions, and a no-go trial won by holding fixation (listed in "
        "[the differences from NeuroGym](neurogym-differences.md))."
    ),
}


def family_of(entry: Entry) -> str:
    """The family of a task: the module its class (or factory) is defined in."""
    module = getattr(entry.factory, "__module__", None) or "other"
    module = module.removeprefix("neuroplug_plugins.").removeprefix("tasks.")
    return re.sub(r"[^A-Za-z0-9]+", "_", module).strip("_").lower() or "other"


def figure_path(family: str) -> Path:
    return FIGURES / f"tasks_{family}.png"


def _cell(text: str | None) -> str:
    """One Markdown table cell: whitespace collapsed, pipes escaped."""
    return " ".join(str(text or "").split()).replace("|", "\\|")


def _paper(entry: Entry) -> str:
    name = _cell(entry.paper_name)
    if not name and not entry.paper_link:
        return "—"
    if entry.paper_link:
        return f"[{name or entry.paper_link}]({entry.paper_link})"
    return name


def shown_tasks(members: list[Entry]) -> list[Entry]:
    """Up to ``MAX_PANELS`` tasks spread evenly over the family's (sorted) list."""
    if len(members) <= MAX_PANELS:
        return list(members)
    picks = np.linspace(0, len(members) - 1, MAX_PANELS).round().astype(int)
    return [members[i] for i in dict.fromkeys(picks.tolist())]


def families(entries: Iterable[Entry]) -> dict[str, list[Entry]]:
    """Family -> its tasks, both sorted by name."""
    grouped: dict[str, list[Entry]] = {}
    for entry in sorted(entries, key=lambda e: e.name):
        grouped.setdefault(family_of(entry), []).append(entry)
    return dict(sorted(grouped.items()))


def render(entries: list[Entry]) -> str:
    """The Markdown page for the given registry entries."""
    lines = [
        "# Tasks",
        "",
        "Generated from the task registry by `docs/scripts/tasks_doc.py` (names, aliases, "
        "tags and papers as the plugins registered them); rerun the script after adding or "
        "changing a task. `neuroplug.list_tasks(tag=..., collection=...)` filters the same "
        "list in Python.",
        "",
        f"{len(entries)} tasks are registered.",
        "",
    ]
    collections = sorted({e.collection for e in entries}, key=lambda c: (c is not None, c or ""))
    for collection in collections:
        members = sorted((e for e in entries if e.collection == collection),
                         key=lambda e: e.name)
        title = COLLECTION_TITLES.get(collection, f"The {collection} collection")
        lines += [f"## {title}", ""]
        if collection in COLLECTION_INTROS:
            lines += [COLLECTION_INTROS[collection], ""]
        lines += [
            "| task | alias | family | tags | paper | description |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
        for e in members:
            aliases = ", ".join(f"`{a}`" for a in e.aliases) or "—"
            tags = ", ".join(_cell(t) for t in e.tags) or "—"
            lines.append(
                f"| `{e.name}` | {aliases} | [{family_of(e)}](#family-{family_of(e)}) | "
                f"{tags} | {_paper(e)} | {_cell(e.description)} |"
            )
        lines.append("")
    lines += [
        "## One trial per family",
        "",
        f"The first trial (seed {SEED}, default parameters, noise included) of up to "
        f"{MAX_PANELS} tasks of each family: observations over time (heat map, one row "
        "per input) and the ground truth (the correct action at each step; for discrete "
        "actions 0 usually means fixate).",
        "",
    ]
    for family, members in families(entries).items():
        shown = [f"`{e.name}`" for e in shown_tasks(members)]
        rest = len(members) - len(shown)
        more = f" (and {rest} more)" if rest > 0 else ""
        lines += [
            f"<a id=\"family-{family}\"></a>",
            f"### {family}",
            "",
            f"Tasks: {', '.join(f'`{e.name}`' for e in members)}. Shown: {', '.join(shown)}"
            f"{more}.",
            "",
            f"![{family}](figures/{figure_path(family).name})",
            "",
        ]
    return "\n".join(lines)


def first_trial(name: str) -> tuple[np.ndarray, np.ndarray, float, dict[str, int]]:
    """Observations, ground truth, dt and period starts (steps) of a task's first trial."""
    env = neuroplug.make(name)
    env.reset(seed=SEED)
    task = env.unwrapped
    ob = np.asarray(task.ob, dtype=float)
    gt = np.asarray(task.gt if task.gt is not None else np.zeros(len(ob)), dtype=float)
    starts = {p: task.start_ind[p] for p in task.periods}
    return ob, gt, float(task.dt), starts


def draw_family(family: str, members: list[Entry], path: Path) -> None:
    """One small PNG: a column per task, observations above the ground truth."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    shown = shown_tasks(members)
    fig, axes = plt.subplots(
        2, len(shown), figsize=(3.0 * len(shown), 3.2), squeeze=False,
        gridspec_kw={"height_ratios": [2.2, 1]},
    )
    for column, entry in enumerate(shown):
        ob, gt, dt, starts = first_trial(entry.name)
        ob2 = ob.reshape(len(ob), -1)
        duration = len(ob2) * dt
        top, bottom = axes[0, column], axes[1, column]
        top.imshow(ob2.T, aspect="auto", origin="lower", interpolation="nearest",
                   cmap="viridis", extent=(0, duration, -0.5, ob2.shape[1] - 0.5))
        top.set_title(entry.name, fontsize=9)
        top.set_xticks([])
        top.set_ylabel("input" if column == 0 else "", fontsize=8)
        top.tick_params(labelsize=7)
        t = np.arange(len(gt)) * dt
        gt2 = gt.reshape(len(gt), -1)
        for k in range(gt2.shape[1]):
            bottom.step(t, gt2[:, k], where="post", linewidth=1.2)
        for start in sorted(set(starts.values()))[1:]:
            for ax in (top, bottom):
                ax.axvline(start * dt, color="white" if ax is top else "0.6",
                           linewidth=0.6, linestyle="--")
        bottom.set_xlim(0, duration)
        bottom.set_xlabel("time (ms)", fontsize=8)
        bottom.set_ylabel("ground truth" if column == 0 else "", fontsize=8)
        bottom.tick_params(labelsize=7)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=72, metadata={"Software": None})
    plt.close(fig)


def check(entries: list[Entry]) -> list[str]:
    """What is out of date: the page's text, and missing family figures."""
    problems = []
    if not PAGE.exists() or PAGE.read_text() != render(entries):
        problems.append(f"{PAGE} does not match the registry")
    expected = {figure_path(family) for family in families(entries)}
    for path in sorted(expected):
        if not path.exists():
            problems.append(f"missing figure {path}")
    for path in sorted(set(FIGURES.glob("tasks_*.png")) - expected):
        problems.append(f"figure {path} belongs to no registered family")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="fail if docs/tasks.md or a family figure is out of date")
    parser.add_argument("--no-figures", action="store_true", help="write the page only")
    args = parser.parse_args(argv)
    entries = get_registry().entries("task")
    if args.check:
        problems = check(entries)
        for problem in problems:
            print(f"{problem}: run python docs/scripts/tasks_doc.py", file=sys.stderr)
        return 1 if problems else 0
    PAGE.write_text(render(entries))
    if not args.no_figures:
        grouped = families(entries)
        for family, members in grouped.items():
            draw_family(family, members, figure_path(family))
        for path in set(FIGURES.glob("tasks_*.png")) - {figure_path(f) for f in grouped}:
            path.unlink()  # the family is gone
    return 0


if __name__ == "__main__":
    sys.exit(main())
