"""Supervised batches: neuroplug.Dataset against NeuroGym's Dataset, in the same run.

Both sides build batches of ``dm`` / ``PerceptualDecisionMaking-v0`` (``dt=100``), batch 64 x
seq_len 100, in continuous mode, and time the same loop (best of ``--repeats`` runs of
``--batches`` batches after a warm-up). Ours is timed on each path the dataset can take --
``vectorized`` (what ``path="auto"`` picks for dm: trials built in blocks by the task's
``build_trials``), ``fast`` (one ``new_trial()`` per trial, buffers copied with numpy) and
``step`` (one ``env.step`` per time step, the path of stacks with observation wrappers) --
and on the stack ``noise > pass_reward`` (step path), which NeuroGym's Dataset cannot
honour at all (it reads the task's buffers and skips step-level wrappers).

Memory: the resident set size (``VmRSS``) before and after ``--memory-batches`` batches
(10,000 by default) on the auto path, sampled along the way.

NeuroGym runs in its own virtual environment (``_neurogym.py``; ``--neurogym-python`` to
use an existing one)::

    python benchmarks/bench_dataset.py --neurogym-python ~/neurogym-venv/bin/python
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _neurogym import (
    NeurogymUnavailable,
    add_neurogym_arguments,
    neurogym_python,
    run_in_neurogym,
)

import neuroplug

BATCH_SIZE, SEQ_LEN = 64, 100
STEPS_PER_BATCH = BATCH_SIZE * SEQ_LEN

#: The timing loop, run identically on both sides.
TIMING = '''
import gc as _gc
import time as _time

def batches_per_second(make, batches, repeats, warmup=5):
    best = float("inf")
    for _ in range(repeats):
        dataset = make()
        for _ in range(warmup):
            dataset()
        _gc.collect()
        start = _time.perf_counter()
        for _ in range(batches):
            dataset()
        best = min(best, _time.perf_counter() - start)
    return batches / best
'''

NEUROGYM_SIDE = '''
import neurogym as ngym

def make():
    return ngym.Dataset("PerceptualDecisionMaking-v0", env_kwargs={"dt": 100},
                        batch_size=ARGS["batch_size"], seq_len=ARGS["seq_len"])

inputs, targets = make()()
rate = batches_per_second(make, ARGS["batches"], ARGS["repeats"])
print_result({"batches_per_s": rate, "version": ngym.__version__,
              "inputs": [list(inputs.shape), str(inputs.dtype)],
              "targets": [list(targets.shape), str(targets.dtype)]})
'''


def rss_mb() -> float:
    """This process's resident set size in MB (Linux ``/proc``)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def ours(path: str, wrappers: list[Any], batches: int, repeats: int) -> dict[str, Any]:
    namespace: dict[str, Any] = {}
    exec(TIMING, namespace)

    def make() -> neuroplug.Dataset:
        return neuroplug.Dataset("dm", {"dt": 100}, batch_size=BATCH_SIZE, seq_len=SEQ_LEN,
                                 seed=0, wrappers=wrappers, path=path)

    chosen = make()
    rate = namespace["batches_per_second"](make, batches, repeats)
    return {"path": chosen.path, "reason": chosen.path_reason, "batches_per_s": rate,
            "steps_per_s": rate * STEPS_PER_BATCH}


def memory(n_batches: int) -> dict[str, Any]:
    dataset = neuroplug.Dataset("dm", {"dt": 100}, batch_size=BATCH_SIZE, seq_len=SEQ_LEN,
                                seed=0)
    for _ in range(20):
        dataset.batch()
    gc.collect()
    before = rss_mb()
    samples = []
    start = time.perf_counter()
    for i in range(1, n_batches + 1):
        dataset.batch()
        if i % max(1, n_batches // 10) == 0:
            samples.append(round(rss_mb(), 1))
    elapsed = time.perf_counter() - start
    gc.collect()
    return {"path": dataset.path, "batches": n_batches, "rss_before_mb": round(before, 1),
            "rss_after_mb": round(rss_mb(), 1), "rss_samples_mb": samples,
            "steps_per_s": n_batches * STEPS_PER_BATCH / elapsed}


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batches", type=int, default=100, help="timed batches per run")
    parser.add_argument("--repeats", type=int, default=3, help="runs; the best counts")
    parser.add_argument("--memory-batches", type=int, default=10_000)
    parser.add_argument("--skip-neurogym", action="store_true")
    parser.add_argument("--json", type=Path, help="also write the results here")
    add_neurogym_arguments(parser)
    args = parser.parse_args(argv)

    results: dict[str, Any] = {"batch_size": BATCH_SIZE, "seq_len": SEQ_LEN}
    python = None
    if not args.skip_neurogym:
        try:
            python = neurogym_python(args.neurogym_python, args.neurogym_venv)
        except NeurogymUnavailable as exc:
            print(f"NeuroGym unavailable, comparing nothing: {exc}", file=sys.stderr)

    def neurogym_run() -> None:
        """Time NeuroGym once; keep its best run (it is timed before and after ours, so
        that a change of load on the machine does not favour either side)."""
        if python is None:
            return
        theirs = run_in_neurogym(
            TIMING + NEUROGYM_SIDE, python, with_timing=False,
            args={"batch_size": BATCH_SIZE, "seq_len": SEQ_LEN, "batches": args.batches,
                  "repeats": args.repeats},
        )
        theirs["steps_per_s"] = theirs["batches_per_s"] * STEPS_PER_BATCH
        best = results.get("neurogym")
        if best is None or theirs["steps_per_s"] > best["steps_per_s"]:
            results["neurogym"] = theirs

    neurogym_run()
    runs = [("auto", []), ("fast", []), ("step", []),
            ("auto", [("noise", {"std_noise": 0.1}), "pass_reward"])]
    results["neuroplug"] = []
    for path, wrappers in runs:
        batches = args.batches if path != "step" and not wrappers else max(10, args.batches // 5)
        entry = ours(path, wrappers, batches, args.repeats)
        entry["requested"] = path
        entry["wrappers"] = [w if isinstance(w, str) else w[0] for w in wrappers]
        results["neuroplug"].append(entry)
    neurogym_run()

    reference = results.get("neurogym", {}).get("steps_per_s")
    if reference:
        print(f"NeuroGym {results['neurogym']['version']} Dataset: "
              f"{reference:12,.0f} steps/s")
    for entry in results["neuroplug"]:
        stack = "dm" + "".join(f" > {w}" for w in entry["wrappers"])
        ratio = f"  x{entry['steps_per_s'] / reference:5.1f}" if reference else ""
        print(f"neuroplug {stack:22s} path={entry['path']:10s} "
              f"{entry['steps_per_s']:12,.0f} steps/s{ratio}")
    if args.memory_batches:
        mem = memory(args.memory_batches)
        results["memory"] = mem
        print(f"memory over {mem['batches']:,} batches ({mem['path']} path, "
              f"{mem['steps_per_s']:,.0f} steps/s): RSS {mem['rss_before_mb']} MB -> "
              f"{mem['rss_after_mb']} MB; samples {mem['rss_samples_mb']}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return results


if __name__ == "__main__":
    main()
