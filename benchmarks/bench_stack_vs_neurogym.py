"""Side by side with NeuroGym 2.3.1: steps per second of the same stack, in the same run.

Measures, each as the best of ``--repeats`` runs of ``--steps`` steps with one fixed action
sequence (the same on both sides):

1. the stack ``side_bias > pass_reward > pass_action > noise > monitor(interval=1000)`` on
   ``dm`` against NeuroGym's ``SideBias, PassReward, PassAction, Noise, Monitor`` on
   ``PerceptualDecisionMaking-v0`` (target: ours >= 4x); the monitor is included only
   when a Monitor is registered with neuroplug, on both sides alike;
2. bare ``dm`` against bare ``PerceptualDecisionMaking-v0`` (target: >= 1.5x), both as
   ``ngym.make`` returns it and unwrapped;
3. plugin dispatch overhead: ``make_stack`` against the same wrapper classes chained by
   hand (target: < 10%), and -- stricter -- the hook layers against one hand-written
   gymnasium wrapper doing the same per-step work inline;
4. the cost of each layer (µs per step as the stack grows).

NeuroGym runs in its own virtual environment (see ``_neurogym.py``), made on first use
unless ``--neurogym-python`` names one. Run from the repository root::

    python benchmarks/bench_stack_vs_neurogym.py --neurogym-python ~/neurogym-venv/bin/python

``--profile`` adds a cProfile of our stack, to show where a step's time goes.
"""

from __future__ import annotations

import argparse
import cProfile
import inspect
import io
import json
import pstats
import sys
import tempfile
from pathlib import Path
from typing import Any

import gymnasium as gym
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _neurogym import (
    add_neurogym_arguments,
    neurogym_python,
    run_in_neurogym,
    timing_namespace,
)

import neuroplug

PROBS = [[0.8, 0.2], [0.2, 0.8]]
BLOCK_DUR = 200
STD_NOISE = 0.1
INTERVAL = 1000
TARGETS = {"stack": 4.0, "bare": 1.5, "dispatch": 0.10}

NEUROGYM_CODE = """
import neurogym as ngym
from neurogym.wrappers import Monitor, Noise, PassAction, PassReward, SideBias

actions = fixed_actions(ARGS["steps"])
repeats = ARGS["repeats"]
results = {"version": ngym.__version__}


def make_bare():
    return ngym.make("PerceptualDecisionMaking-v0")


def make_unwrapped():
    return ngym.make("PerceptualDecisionMaking-v0").unwrapped


def make_stack():
    env = ngym.make("PerceptualDecisionMaking-v0")
    env = SideBias(env, probs=ARGS["probs"], block_dur=ARGS["block_dur"])
    env = PassReward(env)
    env = PassAction(env)
    env = Noise(env, std_noise=ARGS["std_noise"])
    if ARGS["monitor"]:
        env = Monitor(env, interval=ARGS["interval"], verbose=False, save_dir="monitor")
    return env


def seeded_reset(env):
    # NeuroGym 2.3.1's Noise.reset takes no seed (and Monitor.reset passes one), so the
    # stack cannot be reset with a seed from the top: seed the task, then reset the
    # outermost layer that accepts a plain reset().
    env.unwrapped.reset(seed=0)
    layer = env
    while isinstance(layer, Monitor):
        layer = layer.env
    layer.reset()


results["bare"] = steps_per_second(make_bare, seeded_reset, actions, repeats)
results["unwrapped"] = steps_per_second(make_unwrapped, seeded_reset, actions, repeats)
results["stack"] = steps_per_second(make_stack, seeded_reset, actions, repeats)
print_result(results)
"""


class HandFused(gym.Wrapper):
    """pass_reward, pass_action and noise written inline in one plain gymnasium wrapper.

    The same per-step work as the three hook layers (noise pre-drawn in blocks, one add),
    without the plugin machinery: the reference for the dispatch overhead.
    """

    def __init__(self, env: gym.Env, std_noise: float) -> None:
        super().__init__(env)
        inner = env.observation_space
        self.n = inner.shape[0]
        self.observation_space = gym.spaces.Box(-np.inf, np.inf, (self.n + 2,), inner.dtype)
        self.std_noise = std_noise
        self._rows = 1024
        self._next = self._rows
        self._noise = np.empty(0)

    def _add_noise(self, out: np.ndarray) -> np.ndarray:
        i = self._next
        if i >= self._rows:
            raw = self.env.unwrapped.np_random.standard_normal((self._rows, self.n + 2))
            self._noise = (raw * self.std_noise).astype(out.dtype)
            i = 0
        out += self._noise[i]
        self._next = i + 1
        return out

    def reset(self, **kwargs: Any) -> tuple[np.ndarray, dict[str, Any]]:
        obs, info = self.env.reset(**kwargs)
        self._next = self._rows
        out = np.zeros(self.n + 2, dtype=self.observation_space.dtype)
        out[: self.n] = obs
        return self._add_noise(out), info

    def step(self, action: Any) -> tuple[np.ndarray, float, bool, bool, dict[str, Any]]:
        obs, reward, terminated, truncated, info = self.env.step(action)
        out = np.empty(self.n + 2, dtype=self.observation_space.dtype)
        out[: self.n] = obs
        out[self.n] = reward
        out[self.n + 1] = action
        return self._add_noise(out), reward, terminated, truncated, info


def wrapper_specs(monitor_dir: Any) -> list[Any]:
    """Our stack, innermost first; with the monitor if ``monitor_dir`` (a callable giving
    a fresh directory for each stack built) is given."""
    specs: list[Any] = [
        ("side_bias", {"probs": PROBS, "block_dur": BLOCK_DUR}),
        "pass_reward",
        "pass_action",
        ("noise", {"std_noise": STD_NOISE}),
    ]
    if monitor_dir is not None:
        factory = neuroplug.get_wrapper("monitor").factory
        wanted = {"interval": INTERVAL, "verbose": False, "save_dir": monitor_dir}
        accepted = inspect.signature(factory).parameters
        specs.append(("monitor", {k: v for k, v in wanted.items() if k in accepted}))
    return specs


def fresh(specs: list[Any]) -> list[Any]:
    """``specs`` with every callable argument called (a fresh monitor directory per stack)."""
    out = []
    for spec in specs:
        if isinstance(spec, str):
            out.append(spec)
        else:
            name, kwargs = spec
            out.append((name, {k: v() if callable(v) else v for k, v in kwargs.items()}))
    return out


def by_hand(specs: list[Any]) -> gym.Env:
    """The same wrapper classes, constructed directly one around the other."""
    env: gym.Env = neuroplug.make("dm")
    for spec in specs:
        name, kwargs = (spec, {}) if isinstance(spec, str) else spec
        env = neuroplug.get_wrapper(name).factory(env, **kwargs)
    return env


def profile_stack(specs: list[Any], actions: list[int]) -> str:
    env = neuroplug.make_stack("dm", specs)
    env.reset(seed=0)
    profiler = cProfile.Profile()
    profiler.enable()
    for action in actions:
        env.step(action)
    profiler.disable()
    env.close()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(15)
    return out.getvalue()


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--json", type=Path, help="also write the numbers here")
    parser.add_argument("--profile", action="store_true", help="cProfile our stack too")
    parser.add_argument("--skip-neurogym", action="store_true",
                        help="measure our side only (no ratios to NeuroGym)")
    add_neurogym_arguments(parser)
    args = parser.parse_args(argv)

    timing = timing_namespace()
    steps_per_second, fixed_actions = timing["steps_per_second"], timing["fixed_actions"]
    actions = fixed_actions(args.steps)
    repeats = args.repeats
    have_monitor = "monitor" in neuroplug.list_wrappers()
    missing = [w for w in ("side_bias", "pass_reward", "pass_action", "noise")
               if w not in neuroplug.list_wrappers()]
    if missing:
        raise SystemExit(f"wrappers not registered: {missing}; install the plugins first")

    def seeded(env: gym.Env) -> None:
        env.reset(seed=0)

    print(f"{args.steps:,} steps, fixed action sequence, best of {repeats} rounds "
          f"(each round measures every configuration once, ours then NeuroGym's)")
    if not have_monitor:
        print("NOTE: no 'monitor' wrapper is registered: both stacks run WITHOUT the Monitor")
    python = None
    if not args.skip_neurogym:
        python = neurogym_python(args.neurogym_python, args.neurogym_venv)
    ours: dict[str, float] = {}
    neurogym: dict[str, Any] | None = None
    layers: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="neuroplug-bench-") as tmp:
        monitor_dir = (lambda: tempfile.mkdtemp(dir=tmp)) if have_monitor else None
        specs = wrapper_specs(monitor_dir)
        names = [s if isinstance(s, str) else s[0] for s in specs]
        obs_specs = specs[:4]  # without the monitor: HandFused replaces layers 2-4
        configs: dict[str, Any] = {
            "bare": lambda: neuroplug.make("dm"),
            "stack": lambda: neuroplug.make_stack("dm", fresh(specs)),
            "by_hand": lambda: by_hand(fresh(specs)),
            "hooks_no_monitor": lambda: neuroplug.make_stack("dm", obs_specs),
            "fused_no_monitor": lambda: HandFused(neuroplug.make_stack("dm", specs[:1]),
                                                  STD_NOISE),
        }
        for k in range(len(specs) + 1):
            label = " > ".join(["dm", *names[:k]])
            configs[label] = lambda k=k: neuroplug.make_stack("dm", fresh(specs[:k]))
            layers[label] = 0.0
        print(f"stack: dm > {' > '.join(names)}")
        for round_ in range(repeats):
            for key, make in configs.items():
                rate = steps_per_second(make, seeded, actions, 1)
                if key in layers:
                    layers[key] = max(layers[key], rate)
                else:
                    ours[key] = max(ours.get(key, 0.0), rate)
            if python is not None:
                theirs = run_in_neurogym(
                    NEUROGYM_CODE, python,
                    args={"steps": args.steps, "repeats": 1, "probs": PROBS,
                          "block_dur": BLOCK_DUR, "std_noise": STD_NOISE,
                          "interval": INTERVAL, "monitor": have_monitor},
                )
                if neurogym is None:
                    neurogym = theirs
                else:
                    for key in ("bare", "unwrapped", "stack"):
                        neurogym[key] = max(neurogym[key], theirs[key])
            print(f"  round {round_ + 1}/{repeats} done", flush=True)
        if args.profile:
            print(profile_stack(fresh(specs), actions))

    def row(label: str, rate: float, note: str = "") -> None:
        print(f"  {label:<44} {rate:>12,.0f} steps/s  {1e6 / rate:6.2f} µs/step  {note}")

    print("\nneuroplug")
    row("bare dm", ours["bare"])
    row("stack (make_stack)", ours["stack"])
    row("stack (same classes chained by hand)", ours["by_hand"])
    row("stack without monitor: hook layers", ours["hooks_no_monitor"])
    row("stack without monitor: hand-fused wrapper", ours["fused_no_monitor"])
    print("\nper layer (cumulative)")
    previous = None
    for label, rate in layers.items():
        extra = "" if previous is None else f"+{1e6 / rate - 1e6 / previous:5.2f} µs"
        row(label, rate, extra)
        previous = rate

    result: dict[str, Any] = {"steps": args.steps, "repeats": repeats,
                              "monitor": have_monitor, "neuroplug": ours,
                              "layers": layers, "stack_wrappers": names}
    dispatch = ours["by_hand"] / ours["stack"] - 1
    fused = ours["fused_no_monitor"] / ours["hooks_no_monitor"] - 1
    print("\nplugin dispatch overhead")
    print(f"  make_stack vs same classes by hand: {dispatch:+.1%}  "
          f"(target < {TARGETS['dispatch']:.0%}: "
          f"{'met' if dispatch < TARGETS['dispatch'] else 'NOT met'})")
    print(f"  hook layers vs hand-fused wrapper:  {fused:+.1%}  (the whole cost of hooks)")
    result["dispatch_overhead"] = dispatch
    result["hooks_vs_fused_overhead"] = fused

    if neurogym is not None:
        print(f"\nNeuroGym {neurogym['version']}")
        row("bare PerceptualDecisionMaking-v0 (ngym.make)", neurogym["bare"])
        row("bare PerceptualDecisionMaking-v0 (unwrapped)", neurogym["unwrapped"])
        row("stack", neurogym["stack"])
        stack_ratio = ours["stack"] / neurogym["stack"]
        bare_ratio = ours["bare"] / neurogym["bare"]
        bare_strict = ours["bare"] / max(neurogym["bare"], neurogym["unwrapped"])
        print("\nratios (neuroplug / NeuroGym)")
        print(f"  stack: {stack_ratio:5.2f}x  (target >= {TARGETS['stack']}x: "
              f"{'met' if stack_ratio >= TARGETS['stack'] else 'NOT met'})")
        print(f"  bare:  {bare_ratio:5.2f}x vs ngym.make, {bare_strict:5.2f}x vs its fastest "
              f"(target >= {TARGETS['bare']}x: "
              f"{'met' if bare_strict >= TARGETS['bare'] else 'NOT met'})")
        result.update(neurogym=neurogym, stack_ratio=stack_ratio, bare_ratio=bare_ratio,
                      bare_ratio_vs_fastest=bare_strict)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
