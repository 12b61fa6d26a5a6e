"""A process killed with SIGKILL in the middle of a run leaves only complete, loadable files."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

from neuroplug_plugins.monitor import load_run

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")

SCRIPT = textwrap.dedent("""
    import sys
    import neuroplug
    from neuroplug_plugins.monitor import Monitor
    env = Monitor(neuroplug.make("dm"), interval=3, save_dir=sys.argv[1], name="crash",
                  verbose=False)
    env.reset(seed=0)
    while True:  # runs until killed; saves every 3 trials
        env.step(1)
""")


def test_sigkill_leaves_only_complete_files(tmp_path):
    process = subprocess.Popen([sys.executable, "-c", SCRIPT, str(tmp_path)])
    try:
        deadline = time.monotonic() + 60
        while len(list(tmp_path.glob("*.npz"))) < 20:
            assert process.poll() is None, "the run stopped by itself"
            assert time.monotonic() < deadline, "the run saved too little"
            time.sleep(0.01)
        process.send_signal(signal.SIGKILL)  # mid-run: most likely between or inside saves
    finally:
        process.kill()
        process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    files = sorted(tmp_path.glob("*.npz"))
    numbers = []
    for path in files:
        with np.load(path, allow_pickle=False) as npz:  # every file is complete
            assert len(npz["trial"]) == 3
            assert len(npz["reward"]) == 3
            numbers.append(json.loads(str(npz["__meta__"]))["number"])
    assert numbers == list(range(len(files)))
    table = load_run(tmp_path)
    np.testing.assert_array_equal(table["trial"], np.arange(3 * len(files)))
    leftovers = [p for p in tmp_path.iterdir() if p.suffix != ".npz"]
    assert all(p.name.startswith(".crash-") and p.name.endswith(".tmp") for p in leftovers)
    assert len(leftovers) <= 1  # at most the one file being written when the kill came
    assert not any(p.name.endswith(".npz") and os.path.getsize(p) == 0 for p in files)
