"""Run code in NeuroGym's own virtual environment, for side-by-side benchmarks.

NeuroGym 2.3.1 pins its own dependency versions and imports torch without declaring it, so
it gets a virtual environment of its own (by default
``~/.cache/neuroplug-bench/neurogym-2.3.1``, made on first use with ``python -m venv`` and
``pip install neurogym==2.3.1 torch==2.13.0``). A benchmark sends a piece of code to that
interpreter and gets back the JSON the code prints.

Both sides time steps with the same loop, :data:`TIMING_CODE`, so that the comparison
measures the environments and not the harness.

Used by ``bench_stack_vs_neurogym.py`` and reusable by other benchmarks::

    from _neurogym import add_neurogym_arguments, neurogym_python, run_in_neurogym

    python = neurogym_python(args.neurogym_python)
    result = run_in_neurogym("print_result({'answer': 42})", python)
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path
from typing import Any

NEUROGYM_VERSION = "2.3.1"
TORCH_VERSION = "2.13.0"  # NeuroGym imports torch without declaring it; never unpinned
CACHE_DIR = Path(
    os.environ.get("NEUROPLUG_BENCH_CACHE", Path.home() / ".cache" / "neuroplug-bench")
)
DEFAULT_VENV = CACHE_DIR / f"neurogym-{NEUROGYM_VERSION}"
RESULT_MARKER = "NEUROPLUG_BENCH_RESULT "

#: The timing loop, executed identically in this process and in NeuroGym's.
TIMING_CODE = textwrap.dedent(
    '''
    import gc as _gc
    import time as _time

    def steps_per_second(make_env, reset, actions, repeats):
        """Best-of-``repeats`` steps/s over ``actions``; a fresh env each repeat.

        Timed in CPU time of this process (``time.process_time``): on a shared machine
        wall-clock time also counts the time other processes hold the CPU.
        """
        best = float("inf")
        for _ in range(repeats):
            env = make_env()
            reset(env)
            step = env.step
            _gc.collect()
            start = _time.process_time()
            for action in actions:
                step(action)
            best = min(best, _time.process_time() - start)
            env.close()
        return len(actions) / best

    def fixed_actions(n, seed=0, n_actions=3):
        """The same action sequence on both sides (numpy's PCG64 stream is stable)."""
        import numpy as _np

        return _np.random.default_rng(seed).integers(0, n_actions, n).tolist()
    '''
)

_CHILD_PRELUDE = textwrap.dedent(
    f'''
    import json as _json
    import sys as _sys

    ARGS = _json.loads(_sys.stdin.read() or "{{}}")

    def print_result(obj):
        print({RESULT_MARKER!r} + _json.dumps(obj), flush=True)
    '''
)


class NeurogymUnavailable(RuntimeError):
    """NeuroGym's environment could not be found or made."""


def add_neurogym_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``--neurogym-python`` and ``--neurogym-venv`` to a benchmark's parser."""
    parser.add_argument(
        "--neurogym-python", metavar="PATH", default=None,
        help=f"python of an existing environment with neurogym=={NEUROGYM_VERSION} "
             f"(skips making one)",
    )
    parser.add_argument(
        "--neurogym-venv", metavar="DIR", type=Path, default=DEFAULT_VENV,
        help=f"where NeuroGym's environment lives or is made (default: {DEFAULT_VENV})",
    )


def installed_version(python: Path) -> str | None:
    """The neurogym version importable by ``python``, or ``None``."""
    try:
        out = subprocess.run(
            [str(python), "-c", "import importlib.metadata as m; print(m.version('neurogym'))"],
            capture_output=True, text=True, timeout=120, check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if out.returncode != 0:
        return None
    return out.stdout.strip() or None


def make_venv(venv: Path, log: Any = print) -> Path:
    """Make NeuroGym's virtual environment at ``venv``; return its python."""
    python = venv / "bin" / "python"
    log(f"making NeuroGym {NEUROGYM_VERSION}'s environment in {venv} (once) ...")
    venv.parent.mkdir(parents=True, exist_ok=True)
    steps = [
        [sys.executable, "-m", "venv", str(venv)],
        [str(python), "-m", "pip", "install", "--quiet",
         f"neurogym=={NEUROGYM_VERSION}", f"torch=={TORCH_VERSION}",
         # NeuroGym's optional RL part: the program suite trains an SB3 agent in both
         "stable-baselines3>=2.3"],
    ]
    for command in steps:
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise NeurogymUnavailable(
                f"{' '.join(command)} failed ({done.returncode}):\n{done.stderr[-3000:]}"
            )
    return python


def neurogym_python(python: str | Path | None = None, venv: Path = DEFAULT_VENV,
                    log: Any = print) -> Path:
    """The python of an environment with NeuroGym 2.3.1: ``python`` if given, else the one
    in ``venv``, made there if missing."""
    if python is not None:
        python = Path(python)
        version = installed_version(python)
        if version != NEUROGYM_VERSION:
            raise NeurogymUnavailable(
                f"{python} has neurogym {version or '(not installed)'}, "
                f"need {NEUROGYM_VERSION}"
            )
        return python
    candidate = venv / "bin" / "python"
    if not (candidate.exists() and installed_version(candidate) == NEUROGYM_VERSION):
        candidate = make_venv(venv, log)
        version = installed_version(candidate)
        if version != NEUROGYM_VERSION:
            raise NeurogymUnavailable(
                f"made {venv} but it has neurogym {version or '(not installed)'}"
            )
    return candidate


def run_in_neurogym(code: str, python: Path, args: dict[str, Any] | None = None,
                    timeout: float = 3600, with_timing: bool = True) -> Any:
    """Run ``code`` with NeuroGym's ``python``; return what it passed to ``print_result``.

    ``code`` sees ``ARGS`` (the JSON-able ``args``), ``print_result(obj)`` and, with
    ``with_timing``, the helpers of :data:`TIMING_CODE`. It runs in a fresh temporary
    directory (NeuroGym's Monitor writes files) with warnings silenced.
    """
    source = _CHILD_PRELUDE + (TIMING_CODE if with_timing else "") + textwrap.dedent(code)
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    env.pop("PYTHONPATH", None)
    with tempfile.TemporaryDirectory(prefix="neurogym-bench-") as workdir:
        script = Path(workdir) / "neurogym_side.py"
        script.write_text(source)
        done = subprocess.run(
            [str(python), str(script)], input=json.dumps(args or {}), capture_output=True,
            text=True, cwd=workdir, env=env, timeout=timeout, check=False,
        )
    for line in reversed(done.stdout.splitlines()):
        if line.startswith(RESULT_MARKER):
            return json.loads(line[len(RESULT_MARKER):])
    raise RuntimeError(
        f"NeuroGym side failed (exit {done.returncode}):\n{done.stdout[-2000:]}\n"
        f"{done.stderr[-4000:]}"
    )


def timing_namespace() -> dict[str, Any]:
    """:data:`TIMING_CODE`'s functions, for this process's side of a comparison."""
    namespace: dict[str, Any] = {}
    exec(TIMING_CODE, namespace)
    return namespace
