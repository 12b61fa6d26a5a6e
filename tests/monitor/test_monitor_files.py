"""Files are created safely: nothing planted in a shared folder is written through, and a
``save_dir`` that cannot hold files is an error when the Monitor is built."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import subprocess

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import neuroplug
from neuroplug_plugins.monitor import ConfigError, Monitor, SaveDirError, load_run
from neuroplug_plugins.monitor.files import data_file_name


def _monitor(save_dir, **kwargs):
    kwargs.setdefault("verbose", False)
    return Monitor(neuroplug.make("dm"), save_dir=save_dir, **kwargs)


def _run(env, steps=2000):
    env.reset(seed=0)
    for i in range(steps):
        env.step(i % 3)


def test_symlinks_planted_at_every_name_change_no_foreign_file(tmp_path):
    victim = tmp_path / "someone_elses.npz"
    victim.write_bytes(b"precious")
    folder = tmp_path / "shared"
    env = _monitor(folder, interval=3, name="lab", plot_create=True, plot_steps=20)
    planted = [folder / data_file_name("lab", env.run_id, n) for n in range(8)]
    planted += [p.with_name(f"{p.stem}_steps.png") for p in planted]
    planted += [folder / f"lab-{env.run_id}_training_history.png",
                folder / f"lab-{env.run_id}-final_steps.png"]
    for link in planted:
        link.symlink_to(victim)
    _run(env, 600)
    env.plot_training_history()
    recorded = env.num_tr
    env.close()
    assert victim.read_bytes() == b"precious"
    assert [f.name for f in env.files][:1] == [data_file_name("lab", env.run_id, 8)]
    assert all(not f.is_symlink() for f in env.files)
    with pytest.warns(UserWarning, match="skipped .* a symlink"):
        table = load_run(folder, run=env.run_id)
    np.testing.assert_array_equal(table["trial"], np.arange(recorded))
    assert table.runs[env.run_id]["missing_files"] == []  # 0-7 were taken, not lost


def test_data_files_get_the_usual_permissions(tmp_path):
    env = _monitor(tmp_path, interval=2)
    _run(env, 200)
    env.close()
    umask = os.umask(0)
    os.umask(umask)
    assert {stat.S_IMODE(f.stat().st_mode) for f in env.files} == {0o666 & ~umask}


def test_without_hard_links_files_are_still_created_exclusively(tmp_path, monkeypatch):
    def no_links(*args, **kwargs):
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    env = _monitor(tmp_path, interval=4)
    (tmp_path / data_file_name(env._file_name, env.run_id, 1)).symlink_to(tmp_path / "x")
    _run(env, 500)
    recorded = env.num_tr
    env.close()
    assert not (tmp_path / "x").exists()
    with pytest.warns(UserWarning, match="a symlink"):
        np.testing.assert_array_equal(load_run(tmp_path)["trial"], np.arange(recorded))


def test_save_dir_is_made_with_its_parents(tmp_path):
    env = _monitor(tmp_path / "a" / "b" / "c")
    assert env.save_dir.is_dir()


@pytest.mark.parametrize("where", ["file", "under-file"])
def test_a_file_as_save_dir_is_an_error_at_construction(tmp_path, where):
    blocker = tmp_path / "blocker"
    blocker.write_text("a file")
    path = blocker if where == "file" else blocker / "runs"
    with pytest.raises(SaveDirError, match=rf"'save_dir': '{path}'.*(not a directory|file)"):
        _monitor(path)


def test_an_empty_save_dir_is_an_error(tmp_path):
    for empty in ("", "  "):
        with pytest.raises(ConfigError, match=r"'save_dir'.*current directory"):
            _monitor(empty)


@contextlib.contextmanager
def _read_only(folder):
    """``folder`` made read-only -- for root too (immutable attribute) where possible."""
    folder.chmod(0o555)
    immutable = False
    try:
        probe = folder / ".probe"
        try:
            probe.touch()
            probe.unlink()
            writable = True
        except PermissionError:
            writable = False
        if writable:  # root ignores the mode bits
            immutable = subprocess.run(["chattr", "+i", str(folder)],
                                       capture_output=True).returncode == 0
            if not immutable:
                pytest.skip("cannot make a folder read-only for this user here")
        yield
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(folder)], check=True)
        folder.chmod(0o755)


def test_a_read_only_save_dir_is_an_error_at_construction(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    with _read_only(folder), pytest.raises(SaveDirError, match=rf"cannot write in '{folder}'"):
        _monitor(folder)


@settings(max_examples=40, deadline=None)
@given(name=st.text(min_size=1, max_size=300))
def test_any_name_saves_and_reads_back_under_that_name(tmp_path_factory, name):
    folder = tmp_path_factory.mktemp("names")
    if not name.strip():
        with pytest.raises(ConfigError, match="'name'"):
            _monitor(folder, name=name)
        return
    env = _monitor(folder, name=name, interval=2)
    _run(env, 100)
    env.close()
    assert env.save_dir == folder and all(f.parent == folder for f in env.files)
    assert all(len(f.name.encode()) <= 255 for f in env.files)
    table = load_run(folder, name=name)
    assert set(table["run"]) == {env.run_id}
    np.testing.assert_array_equal(table["trial"], np.arange(env.num_tr))
