"""Signals at random moments: SIGTERM and Ctrl-C lose nothing, SIGKILL only the unsaved tail,
and no trial is ever saved twice.

Each case runs a monitored stack in a child process (its own session; only that pid is
signalled) that publishes how many trials it has finished through a shared memory map, so
the parent knows, after the child is gone, what the files must hold.
"""

from __future__ import annotations

import concurrent.futures
import mmap
import os
import signal
import struct
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

from neuroplug_plugins.monitor import load_run

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="POSIX signals")

INTERVAL = 7
CHILD = textwrap.dedent("""
    import mmap, signal, struct, sys
    save_dir, counter, mode = sys.argv[1:4]
    if mode == "user-exit":  # a handler the program had before the Monitor
        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(3))
    elif mode == "ignore":
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
    import neuroplug
    env = neuroplug.make_stack("dm", ["side_bias", ("monitor", {
        "interval": INTERVAL, "save_dir": save_dir, "verbose": False})])
    with open(counter, "r+b") as handle:
        shared = mmap.mmap(handle.fileno(), 8)
    env.reset(seed=0)
    trials = 0
    limit = 4000 if mode == "ignore" else 10**9
    try:
        while trials < limit:
            if env.step(env.action_space.sample())[4]["new_trial"]:
                trials += 1
                struct.pack_into("q", shared, 0, trials)
    except KeyboardInterrupt:
        pass  # Ctrl-C ends the run; the Monitor saves the rest at exit
    if mode == "ignore":
        env.close()
""").replace("INTERVAL", str(INTERVAL))


def _run_and_signal(folder: Path, signum: int, mode: str, delay: float) -> tuple[int, int]:
    """Start a child, signal it ``delay`` s after its 20th trial; ``(returncode, trials)``."""
    folder.mkdir()
    counter = folder.parent / f"{folder.name}.count"
    counter.write_bytes(bytes(8))
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(folder), str(counter), mode],
                             start_new_session=True, stderr=subprocess.PIPE)
    try:
        with open(counter, "r+b") as handle:
            shared = mmap.mmap(handle.fileno(), 8)
        deadline = time.monotonic() + 60
        while struct.unpack_from("q", shared, 0)[0] < 20:
            assert child.poll() is None, child.stderr.read().decode()
            assert time.monotonic() < deadline, "the child made no progress"
            time.sleep(0.005)
        time.sleep(delay)
        child.send_signal(signum)
        _, err = child.communicate(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(timeout=30)
    assert b"Traceback" not in err, err.decode()
    return child.returncode, struct.unpack_from("q", shared, 0)[0]


def _many(tmp_path: Path, signum: int, mode: str, runs: int) -> list[tuple[Path, int, int]]:
    rng = np.random.default_rng(signum * 100 + len(mode))
    delays = rng.uniform(0.0, 0.4, size=runs)
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        futures = [pool.submit(_run_and_signal, tmp_path / f"run{i}", signum, mode, delay)
                   for i, delay in enumerate(delays)]
        return [(tmp_path / f"run{i}", *f.result()) for i, f in enumerate(futures)]


def _trials_saved(folder: Path) -> np.ndarray:
    table = load_run(folder)  # every file loads with allow_pickle=False and is checked
    assert len(table.runs) == 1
    (info,) = table.runs.values()
    assert info["missing_files"] == []
    return table["trial"]


@pytest.mark.parametrize("mode", ["plain", "user-exit"])
def test_sigterm_at_random_moments_loses_nothing(tmp_path, mode):
    for folder, returncode, finished in _many(tmp_path, signal.SIGTERM, mode, 20):
        # the default action still happens (killed by SIGTERM), or the program's own handler
        assert returncode == (-signal.SIGTERM if mode == "plain" else 3)
        trials = _trials_saved(folder)
        assert len(trials) in (finished, finished + 1)  # a trial may end as the signal lands
        np.testing.assert_array_equal(trials, np.arange(len(trials)))  # each exactly once
        assert not list(folder.glob(".*.tmp"))


def test_sigterm_ignored_by_the_program_stays_ignored(tmp_path):
    for folder, returncode, finished in _many(tmp_path, signal.SIGTERM, "ignore", 2):
        assert returncode == 0 and finished == 4000  # ran to its end
        np.testing.assert_array_equal(_trials_saved(folder), np.arange(4000))


def test_ctrl_c_at_random_moments_saves_every_trial_once(tmp_path):
    for folder, returncode, finished in _many(tmp_path, signal.SIGINT, "plain", 20):
        assert returncode == 0
        trials = _trials_saved(folder)
        assert len(trials) in (finished, finished + 1)
        np.testing.assert_array_equal(trials, np.arange(len(trials)))
        assert not list(folder.glob(".*.tmp"))


def test_sigkill_at_random_moments_loses_only_the_unsaved_tail(tmp_path):
    for folder, returncode, finished in _many(tmp_path, signal.SIGKILL, "plain", 20):
        assert returncode == -signal.SIGKILL
        trials = _trials_saved(folder) if list(folder.glob("*.npz")) else np.arange(0)
        np.testing.assert_array_equal(trials, np.arange(len(trials)))
        assert len(trials) % INTERVAL == 0  # whole saves only
        assert finished + 1 - INTERVAL < len(trials) + 1 and len(trials) <= finished + 1
        leftovers = [p for p in folder.iterdir() if p.suffix != ".npz"]
        assert len(leftovers) <= 1 and all(p.name.endswith(".tmp") for p in leftovers)
        assert all(p.stat().st_size > 0 for p in folder.glob("*.npz"))


def test_ctrl_c_right_after_a_file_is_written_saves_no_trial_twice(tmp_path, monkeypatch):
    """The signal lands between "file written" and "table emptied": it is held until both."""
    import neuroplug
    from neuroplug_plugins.monitor import files

    real_link = files._link_new
    interrupted = []

    def link_then_ctrl_c(tmp, final):
        done = real_link(tmp, final)
        if not interrupted:
            interrupted.append(final)
            signal.raise_signal(signal.SIGINT)  # Python runs the handler at the next bytecode
        return done

    monkeypatch.setattr(files, "_link_new", link_then_ctrl_c)
    env = neuroplug.make_stack("dm", [("monitor", {
        "interval": 5, "save_dir": tmp_path, "verbose": False})])
    env.reset(seed=0)
    with pytest.raises(KeyboardInterrupt):
        for _ in range(10_000):
            env.step(env.action_space.sample())
    assert interrupted and env.data.rows == 0  # raised after the save finished
    for _ in range(300):
        env.step(env.action_space.sample())
    recorded = env.num_tr
    env.close()
    np.testing.assert_array_equal(load_run(tmp_path)["trial"], np.arange(recorded))


def test_the_sigterm_handler_is_there_only_while_monitors_are_open(tmp_path):
    import neuroplug

    before = signal.getsignal(signal.SIGTERM)
    first = neuroplug.make_stack("dm", [("monitor", {"save_dir": tmp_path, "verbose": False})])
    second = neuroplug.make_stack("dm", [("monitor", {"save_dir": tmp_path, "verbose": False})])
    assert signal.getsignal(signal.SIGTERM) is not before
    first.close()
    assert signal.getsignal(signal.SIGTERM) is not before
    second.close()
    assert signal.getsignal(signal.SIGTERM) is before


def test_a_failed_save_keeps_the_rows_for_the_next_one(tmp_path, monkeypatch):
    import neuroplug
    from neuroplug_plugins.monitor import files

    env = neuroplug.make_stack("dm", [("monitor", {
        "interval": 4, "save_dir": tmp_path, "verbose": False})])
    real = files._temporary
    monkeypatch.setattr(files, "_temporary", lambda *a: (_ for _ in ()).throw(
        OSError(28, "No space left on device")))
    env.reset(seed=0)
    with pytest.raises(OSError, match="No space left"):
        while True:
            env.step(env.action_space.sample())
    assert env.data.rows == 4  # the rows are back in memory
    monkeypatch.setattr(files, "_temporary", real)
    for _ in range(200):
        env.step(env.action_space.sample())
    recorded = env.num_tr
    env.close()
    np.testing.assert_array_equal(load_run(tmp_path)["trial"], np.arange(recorded))
    assert not [p for p in os.listdir(tmp_path) if p.endswith(".tmp")]


def test_sigterm_during_a_save_is_handled_after_it_and_chains_to_the_program(tmp_path,
                                                                            monkeypatch):
    import neuroplug
    from neuroplug_plugins.monitor import files

    calls = []

    def programs_handler(signum, frame):
        calls.append(signum)

    original = signal.signal(signal.SIGTERM, programs_handler)
    try:
        env = neuroplug.make_stack("dm", [("monitor", {
            "interval": 5, "save_dir": tmp_path, "verbose": False})])
        real = files._temporary

        def sigterm_mid_save(*args):
            if not calls:
                signal.raise_signal(signal.SIGTERM)
                assert calls == []  # held: the program's handler has not run yet
            return real(*args)

        monkeypatch.setattr(files, "_temporary", sigterm_mid_save)
        env.reset(seed=0)
        for _ in range(400):
            env.step(env.action_space.sample())
        assert calls == [signal.SIGTERM]  # delivered once, after the save
        recorded = env.num_tr
        env.close()
        assert signal.getsignal(signal.SIGTERM) is programs_handler  # put back
        np.testing.assert_array_equal(load_run(tmp_path)["trial"], np.arange(recorded))
    finally:
        signal.signal(signal.SIGTERM, original)
