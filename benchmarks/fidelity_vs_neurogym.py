"""Side by side with NeuroGym 2.3.1: the same tasks and wrappers, compared statistic by statistic.

For every task with a NeuroGym id (default arguments) it measures on both sides:
observation and action shapes, the mean trial length and the mean length of every period
(steps, over ``--trials`` trials from ``new_trial()``), the distribution of the ground truth
at each trial's last step (chi-square), and the performance of an oracle (the ground truth
of each step) and of a random agent. For every wrapper it runs a scenario on
``PerceptualDecisionMaking-v0`` and compares the same rollout statistics plus the wrapper's
own (repetition rate of the trial's ground truth, observation mean and spread).

A statistic that differs beyond its tolerance is a *difference*. It is **declared** when a
difference is declared for that task or wrapper (``neuroplug.fidelity``, listed in
``docs/neurogym-differences.md``); the script prints the table and exits 1 if any
difference is undeclared. ``--write-docs`` writes the table to ``docs/fidelity.md``.

NeuroGym runs in its own virtual environment (``_neurogym.py``), made on first use unless
``--neurogym-python`` names one. Run from the repository root::

    python benchmarks/fidelity_vs_neurogym.py                  # all tasks and wrappers
    python benchmarks/fidelity_vs_neurogym.py --quick dm go_nogo  # a few, fewer trials
"""

from __future__ import annotations

import argparse
import math
import sys
import textwrap
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _neurogym import add_neurogym_arguments, neurogym_python, run_in_neurogym

import neuroplug
from neuroplug.fidelity import declared_differences
from neuroplug.stack import get_task

DOCS = Path(__file__).resolve().parents[1] / "docs" / "fidelity.md"

#: Run identically on both sides: statistics of one env, from its public trial API.
STATS_CODE = textwrap.dedent(
    '''
    import numpy as _np

    def _label(value):
        return repr(_np.round(_np.asarray(value, dtype=float), 3).tolist())

    def _reset(env, seed):
        try:
            env.reset(seed=seed)
        except TypeError:  # NeuroGym's Noise.reset takes no seed
            env.reset()
        task = env.unwrapped
        if hasattr(task, "seed"):  # NeuroGym's trials draw from a RandomState seeded here
            task.seed(seed)

    def trial_stats(env, trials, seed):
        """Shapes, trial and period lengths, last-step ground truth of ``trials`` trials."""
        task = env.unwrapped
        _reset(env, seed)
        lengths, periods, last = [], {}, {}
        for _ in range(trials):
            task.new_trial()
            ob = getattr(task, "ob", None)
            lengths.append(int(ob.shape[0]) if ob is not None else 0)
            for p in task.start_ind:
                periods.setdefault(p, []).append(int(task.end_ind[p] - task.start_ind[p]))
            gt = getattr(task, "gt", None)
            if gt is not None and len(gt):
                key = _label(gt[-1])
                last[key] = last.get(key, 0) + 1
        return {
            "obs_shape": list(env.observation_space.shape),
            "action": (int(env.action_space.n) if hasattr(env.action_space, "n")
                       else list(env.action_space.shape)),
            "length": float(_np.mean(lengths)),
            "length_se": float(_np.std(lengths) / _np.sqrt(len(lengths))),
            "periods": {p: float(_np.mean(v)) for p, v in periods.items()},
            "periods_se": {p: float(_np.std(v) / _np.sqrt(len(v))) for p, v in periods.items()},
            "last_gt": last,
        }

    def rollout_stats(env, policy, trials, seed, max_steps=200_000):
        """Performance, reward and steps per trial, and trial-level statistics of a policy
        (``"oracle"``: the ground truth of each step; ``"random"``: uniform actions)."""
        task = env.unwrapped
        _reset(env, seed)
        env.action_space.seed(seed)
        perf, rewards, steps = [], [], []
        repeats, gts, obs_sum, obs_sq, n_obs = [], [], 0.0, 0.0, 0
        total, count, previous = 0.0, 0, None
        for _ in range(max_steps):
            if policy == "oracle":
                gt = getattr(task, "gt", None)
                if gt is None:
                    return None
                action = gt[min(task.t_ind, len(gt) - 1)]
                action = int(action) if _np.ndim(action) == 0 else action
            else:
                action = env.action_space.sample()
            ob, reward, terminated, truncated, info = env.step(action)
            ob = _np.asarray(ob, dtype=float)
            obs_sum += float(ob.mean())
            obs_sq += float((ob ** 2).mean())
            n_obs += 1
            total += float(reward)
            count += 1
            if info.get("new_trial"):
                perf.append(float(info.get("performance", 0)))
                rewards.append(total)
                steps.append(count)
                total, count = 0.0, 0
                trial = info.get("trial") or {}
                gt_trial = trial.get("ground_truth") if isinstance(trial, dict) else None
                if gt_trial is not None:
                    gt_trial = _label(gt_trial)
                    if previous is not None:
                        repeats.append(gt_trial == previous)
                    previous = gt_trial
                if len(perf) >= trials:
                    break
        mean = obs_sum / max(n_obs, 1)

        def mean_se(values):
            if not values:
                return None, None
            return float(_np.mean(values)), float(_np.std(values) / _np.sqrt(len(values)))

        out = {}
        for key, values in (("performance", perf), ("reward", rewards), ("steps", steps),
                            ("repeat", repeats)):
            out[key], out[key + "_se"] = mean_se(values)
        return {
            **out,
            "obs_mean": mean,
            "obs_std": float(_np.sqrt(max(obs_sq / max(n_obs, 1) - mean ** 2, 0.0))),
            "trials": len(perf),
        }

    def all_stats(make, trials, seed, periods=True):
        out = {}
        try:
            out["trials"] = trial_stats(make(), trials, seed)
            if not periods:  # a wrapper may edit the trial at step time, not in new_trial:
                # compare its rollouts only
                out["trials"].update(periods={}, periods_se={}, length=0.0, length_se=0.0,
                                     last_gt={})
        except Exception as exc:  # a side that cannot build trials is reported, not fatal
            out["error"] = f"{type(exc).__name__}: {exc}"[:200]
            return out
        for policy in ("oracle", "random"):
            try:
                out[policy] = rollout_stats(make(), policy, trials, seed + 1)
            except Exception as exc:
                out[policy] = {"error": f"{type(exc).__name__}: {exc}"[:200]}
        return out
    '''
)

#: Wrapper scenarios on PerceptualDecisionMaking-v0: NeuroGym's construction (an
#: expression over ``env``) and ours (a make_stack wrapper list).
WRAPPERS: dict[str, tuple[str, list[Any]]] = {
    "side_bias": ("SideBias(env, probs=[[0.8, 0.2], [0.2, 0.8]], block_dur=20)",
                  [("side_bias", {"probs": [[0.8, 0.2], [0.2, 0.8]], "block_dur": 20})]),
    "trial_history_v2": (
        "TrialHistoryV2(env, probs=np.array([[0.9, 0.1], [0.1, 0.9]]))",
        [("trial_history_v2", {"probs": [[0.9, 0.1], [0.1, 0.9]]})]),
    "noise": ("Noise(env, std_noise=0.3)", [("noise", {"std_noise": 0.3})]),
    "pass_action": ("PassAction(env)", ["pass_action"]),
    "pass_reward": ("PassReward(env)", ["pass_reward"]),
    "reaction_time": ("ReactionTime(env, urgency=-0.01)",
                      [("reaction_time", {"urgency": -0.01})]),
    "schedule_attr": (
        "ScheduleAttr(env, SequentialSchedule(3), [{'coh': 0.0}, {'coh': 25.6}, "
        "{'coh': 51.2}])",
        [("schedule_attr", {"schedule": "sequential",
                            "attr_list": [{"coh": 0.0}, {"coh": 25.6}, {"coh": 51.2}]})]),
}

NEUROGYM_CODE = """
import warnings
warnings.filterwarnings("ignore")
import numpy as np
import neurogym as ngym
from neurogym.utils.scheduler import SequentialSchedule
from neurogym.wrappers import (Noise, PassAction, PassReward, ReactionTime, ScheduleAttr,
                               SideBias, TrialHistoryV2)

results = {"tasks": {}, "wrappers": {}}
for name, env_id in ARGS["tasks"].items():
    results["tasks"][name] = all_stats(lambda: ngym.make(env_id), ARGS["trials"], ARGS["seed"])
for name, expression in ARGS["wrappers"].items():
    def make(expression=expression):
        env = ngym.make("PerceptualDecisionMaking-v0")
        return eval(expression)
    results["wrappers"][name] = all_stats(make, ARGS["trials"], ARGS["seed"], periods=False)
print_result(results)
"""


def neurogym_ids(names: list[str] | None) -> dict[str, str]:
    """Our task name -> its NeuroGym id, for every task that has one (or those named)."""
    ids = {}
    for name in neuroplug.list_tasks():
        aliases = [a for a in get_task(name).aliases if a.endswith("-v0")]
        if aliases and (not names or name in names):
            ids[name] = aliases[0]
    return ids


def chi_square_p(a: dict[str, int], b: dict[str, int]) -> float:
    """p-value of a two-sample chi-square test on category counts (Wilson-Hilferty)."""
    keys = sorted(set(a) | set(b))
    na, nb = sum(a.values()), sum(b.values())
    if len(keys) < 2 or not na or not nb:
        return 1.0 if set(a) == set(b) else 0.0
    stat = 0.0
    for key in keys:
        total = a.get(key, 0) + b.get(key, 0)
        for count, n in ((a.get(key, 0), na), (b.get(key, 0), nb)):
            expected = total * n / (na + nb)
            stat += (count - expected) ** 2 / expected
    k = len(keys) - 1
    z = ((stat / k) ** (1 / 3) - (1 - 2 / (9 * k))) / math.sqrt(2 / (9 * k))
    return 0.5 * math.erfc(z / math.sqrt(2))


def _close(a: float | None, b: float | None, tol: float) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= tol


def _tolerance(se_a: float, se_b: float) -> float:
    """Four standard errors of the difference of two means, and at least 0.01."""
    return max(0.01, 4 * math.hypot(se_a, se_b))


def compare(ours: dict[str, Any], theirs: dict[str, Any]) -> list[str]:
    """What differs between the two sides' statistics, one short phrase each."""
    if "error" in ours or "error" in theirs:
        return [f"error: ours {ours.get('error', 'ok')}; NeuroGym {theirs.get('error', 'ok')}"]
    found = []
    a, b = ours["trials"], theirs["trials"]
    if a["obs_shape"] != b["obs_shape"] or a["action"] != b["action"]:
        found.append(f"spaces {a['obs_shape']}/{a['action']} vs {b['obs_shape']}/{b['action']}")
    if not _close(a["length"], b["length"], _tolerance(a["length_se"], b["length_se"])):
        found.append(f"trial length {a['length']:.2f} vs {b['length']:.2f}")
    for period in sorted(set(a["periods"]) | set(b["periods"])):
        pa, pb = a["periods"].get(period), b["periods"].get(period)
        tol = _tolerance(a["periods_se"].get(period, 0), b["periods_se"].get(period, 0))
        if not _close(pa, pb, tol):
            found.append(f"period {period} {pa} vs {pb}")
    if a["last_gt"] or b["last_gt"]:
        p = chi_square_p(a["last_gt"], b["last_gt"])
        if p < 1e-3:
            found.append(f"ground truth distribution (chi-square p={p:.1e})")
    for policy in ("oracle", "random"):
        ra, rb = ours.get(policy), theirs.get(policy)
        if ra is None or rb is None or "error" in ra or "error" in rb:
            if (ra is None) != (rb is None) or (ra and "error" in ra) != (rb and "error" in rb):
                found.append(f"{policy}: ours {ra and ra.get('error', 'ok')}, "
                             f"NeuroGym {rb and rb.get('error', 'ok')}")
            continue
        for key in ("performance", "reward", "steps", "repeat", "obs_std"):
            if key == "repeat" and (ra[key] is None or rb[key] is None):
                continue  # a side whose trials carry no ground_truth key
            if key == "obs_std":
                tol = max(0.02, 0.1 * abs(rb[key]))
            else:
                tol = _tolerance(ra.get(key + "_se") or 0.0, rb.get(key + "_se") or 0.0)
            if not _close(ra[key], rb[key], tol):
                va = "-" if ra[key] is None else f"{ra[key]:.3f}"
                vb = "-" if rb[key] is None else f"{rb[key]:.3f}"
                found.append(f"{policy} {key} {va} vs {vb}")
    return found


def declared_components() -> dict[str, list[str]]:
    """Task or wrapper name -> the keys of the differences declared for it."""
    out: dict[str, list[str]] = {}
    for difference in declared_differences():
        _, _, names = difference.component.partition(" ")
        for name in names.split(","):
            out.setdefault(name.strip(), []).append(difference.key)
    return out


def ours_stats(namespace: dict[str, Any], tasks: dict[str, str], trials: int, seed: int
               ) -> dict[str, Any]:
    all_stats = namespace["all_stats"]
    results: dict[str, Any] = {"tasks": {}, "wrappers": {}}
    for name in tasks:
        results["tasks"][name] = all_stats(lambda name=name: neuroplug.make(name), trials, seed)
    for name, (_, stack) in WRAPPERS.items():
        results["wrappers"][name] = all_stats(
            lambda stack=stack: neuroplug.make_stack("dm", stack), trials, seed, periods=False)
    return results


def render(rows: list[tuple[str, str, list[str], list[str]]], trials: int) -> str:
    lines = [
        "# Fidelity: neuroplug against NeuroGym 2.3.1, side by side",
        "",
        "Written by `python benchmarks/fidelity_vs_neurogym.py --write-docs`, which runs every",
        "task with a NeuroGym id (default arguments) and one scenario per wrapper on",
        "`PerceptualDecisionMaking-v0` in both libraries and compares shapes, mean trial and",
        "period lengths, the last step's ground-truth distribution (chi-square), oracle and",
        f"random performance, reward and steps per trial ({trials} trials per statistic).",
        "A difference is *declared* when [the differences page](neurogym-differences.md)",
        "lists one for that task or wrapper; the script fails on any undeclared one.",
        "",
        "| kind | name | status | what differs | declared as |",
        "| --- | --- | --- | --- | --- |",
    ]
    for kind, name, found, keys in rows:
        status = "same" if not found else ("declared" if keys else "**undeclared**")
        what = "; ".join(found) if found else ""
        lines.append(f"| {kind} | `{name}` | {status} | {what} | "
                     f"{', '.join(f'`{k}`' for k in keys) if found else ''} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tasks", nargs="*", help="our task names (default: every aliased one)")
    parser.add_argument("--trials", type=int, default=400)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--quick", action="store_true", help="100 trials per statistic")
    parser.add_argument("--write-docs", action="store_true", help=f"write {DOCS}")
    add_neurogym_arguments(parser)
    args = parser.parse_args(argv)
    trials = 100 if args.quick else args.trials
    tasks = neurogym_ids(args.tasks)
    python = neurogym_python(args.neurogym_python, args.neurogym_venv)
    payload = {"tasks": tasks, "wrappers": {k: v[0] for k, v in WRAPPERS.items()},
               "trials": trials, "seed": args.seed}
    theirs = run_in_neurogym(STATS_CODE + NEUROGYM_CODE, python, payload, with_timing=False)
    namespace: dict[str, Any] = {}
    exec(STATS_CODE, namespace)
    ours = ours_stats(namespace, tasks, trials, args.seed)
    declared = declared_components()
    rows = []
    for kind in ("tasks", "wrappers"):
        for name in ours[kind]:
            found = compare(ours[kind][name], theirs[kind][name])
            rows.append((kind[:-1], name, found, declared.get(name, [])))
    table = render(rows, trials)
    print(table)
    undeclared = [name for _, name, found, keys in rows if found and not keys]
    print(f"{len(rows)} compared: {sum(not r[2] for r in rows)} the same, "
          f"{sum(bool(r[2] and r[3]) for r in rows)} with declared differences, "
          f"{len(undeclared)} undeclared" + (f": {', '.join(undeclared)}" if undeclared else ""))
    if args.write_docs:
        DOCS.write_text(table)
    return 1 if undeclared else 0


if __name__ == "__main__":
    sys.exit(main())
