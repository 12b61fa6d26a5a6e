"""What the Monitor records and saves: exactly the trials fed in, in numbered npz files."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from neuroplug_plugins.monitor import MonitorFileError, load_run
from neuroplug_plugins.monitor.files import new_run_id
from neuroplug_plugins.monitor.storage import Writer
from neuroplug_plugins.monitor.table import TrialTable


def _files(path):
    return sorted(path.glob("*.npz"))


def _writer(table, path, name):
    import logging

    return Writer(table, path, name, new_run_id(), {}, logging.getLogger("t"), verbose=False)


def _load(path):
    with np.load(path, allow_pickle=False) as npz:
        return {key: npz[key] for key in npz.files}


def test_saved_files_hold_exactly_the_trials_fed_in(monitored, run_trials, tmp_path):
    env = monitored(interval=4, save_dir=tmp_path / "run", name="dm-data")
    fed = run_trials(env, 23, seed=1)
    files = _files(tmp_path / "run")
    assert [f.name for f in files] == [f"dm-data-{env.run_id}-{i:06d}.npz" for i in range(5)]
    assert env.data.rows == 3  # 23 = 5 * 4 + 3 not saved yet
    env.close()
    files = _files(tmp_path / "run")
    assert len(files) == 6
    assert [len(_load(f)["trial"]) for f in files] == [4, 4, 4, 4, 4, 3]
    table = load_run(tmp_path / "run")
    np.testing.assert_array_equal(table["trial"], np.arange(23))
    np.testing.assert_array_equal(table["action"], fed["action"])
    np.testing.assert_array_equal(table["reward"], fed["reward"])
    np.testing.assert_allclose(table["cum_reward"], fed["cum_reward"])
    np.testing.assert_array_equal(table["performance"], fed["performance"])
    np.testing.assert_array_equal(table["params.ground_truth"],
                                  [p["ground_truth"] for p in fed["params"]])
    np.testing.assert_array_equal(table["params.coh"], [p["coh"] for p in fed["params"]])
    assert env.num_tr == 23 and env.data.rows == 0
    for column in table.values():
        assert column.dtype != object


def test_files_load_without_pickle_and_carry_metadata(monitored, run_trials, tmp_path):
    env = monitored(interval=5, save_dir=tmp_path, name="meta")
    run_trials(env, 5)
    (path,) = _files(tmp_path)
    arrays = _load(path)  # allow_pickle=False: raises on any object array
    meta = json.loads(str(arrays["__meta__"]))
    assert meta["format"] == "neuroplug-monitor/2"
    assert (meta["name"], meta["number"], meta["rows"]) == ("meta", 0, 5)
    assert (meta["run"], meta["t"], meta["num_tr"], meta["first_trial"]) == (
        env.run_id, env.t, 5, 0)
    assert meta["task"] == "PerceptualDecisionMaking"
    assert all(a.dtype.kind != "O" for a in arrays.values())


def test_trigger_step_saves_every_interval_steps(monitored, run_trials, tmp_path):
    env = monitored(trigger="step", interval=10, save_dir=tmp_path, name="steps")
    env.reset(seed=0)
    finished_by = {}
    trials = 0
    for t in range(1, 96):
        _, _, _, _, info = env.step(t % 3)
        trials += info["new_trial"]
        finished_by[t] = trials
    files = _files(tmp_path)
    assert len(files) == 9
    metas = [json.loads(str(_load(f)["__meta__"])) for f in files]
    assert [m["t"] for m in metas] == [10 * (i + 1) for i in range(9)]
    counts = [len(_load(f)["trial"]) for f in files]
    assert sum(counts) == finished_by[90]
    assert counts == [finished_by[10 * (i + 1)] - (finished_by[10 * i] if i else 0)
                      for i in range(9)]
    env.close()
    total = len(load_run(tmp_path)["trial"])
    assert total == finished_by[95] == env.num_tr


def test_collect_data_false_records_nothing(monitored, tmp_path):
    env = monitored(interval=2, save_dir=tmp_path)
    env.reset(seed=0)
    for _ in range(200):
        env.step(1, collect_data=False)
    assert env.num_tr == 0 and env.t == 0 and env.data.rows == 0
    env.close()
    assert _files(tmp_path) == []


def test_cum_reward_attribute_tracks_the_current_trial(monitored):
    env = monitored(task_kwargs={"rewards": {"abort": -0.1}, "timing": {"fixation": 300}})
    env.reset(seed=0)
    _, r1, *_ = env.step(1)  # breaking fixation: -0.1, trial continues
    _, r2, *_ = env.step(1)
    assert env.cum_reward == pytest.approx(r1 + r2) == pytest.approx(-0.2)
    while not env.step(0)[4]["new_trial"]:
        pass
    assert env.cum_reward == 0.0


def test_remainder_is_saved_at_interpreter_exit(tmp_path):
    script = textwrap.dedent(f"""
        import neuroplug
        from neuroplug_plugins.monitor import Monitor
        env = Monitor(neuroplug.make("dm"), interval=1000, save_dir={str(tmp_path)!r},
                      verbose=False)
        env.reset(seed=0)
        n = 0
        while n < 17:
            n += env.step(1)[4]["new_trial"]
        print(env.t)
        # no close(): the monitor must save at exit
    """)
    out = subprocess.run([sys.executable, "-c", script], check=True, timeout=120,
                         capture_output=True, text=True).stdout
    table = load_run(tmp_path)
    np.testing.assert_array_equal(table["trial"], np.arange(17))
    (path,) = _files(tmp_path)
    meta = json.loads(str(_load(path)["__meta__"]))
    assert (meta["t"], meta["num_tr"]) == (int(out), 17)


def test_remainder_is_saved_when_the_monitor_is_collected(monitored, tmp_path):
    import gc

    env = monitored(interval=100, save_dir=tmp_path)
    env.reset(seed=0)
    n = 0
    while n < 3:
        n += env.step(2)[4]["new_trial"]
    t = env.t
    del env
    gc.collect()
    assert len(load_run(tmp_path)["trial"]) == 3
    (path,) = _files(tmp_path)
    meta = json.loads(str(_load(path)["__meta__"]))
    assert (meta["t"], meta["num_tr"]) == (t, 3)


def test_table_columns_are_typed_for_every_kind_of_parameter(tmp_path):
    table = TrialTable()
    records = [
        {"action": 1, "reward": 1.0, "cum_reward": 1.0, "performance": 1, "steps": 3,
         "gt": 1, "params": {"coh": 6.4, "side": "left", "vec": np.array([1.0, 2.0])}},
        {"action": 2, "reward": 0.0, "cum_reward": -0.1, "performance": 0, "steps": 4,
         "gt": 1, "params": {"coh": 12.8, "nested": {"a": 3}, "ragged": [1, 2]}},
        {"action": np.int64(0), "reward": 0.0, "cum_reward": 0.0, "performance": 0,
         "steps": 2, "gt": None, "params": {"side": None, "ragged": [1, 2, 3]}},
    ]
    for i, record in enumerate(records):
        table.append(i, record)
    assert table.rows == 3 and all(len(v) == 3 for v in table.values())
    _writer(table, tmp_path, "typed").write()
    loaded = load_run(tmp_path)
    assert loaded["params.coh"][:2].tolist() == [6.4, 12.8] and np.isnan(loaded["params.coh"][2])
    assert loaded["params.side"].tolist() == ["left", "", ""]
    assert loaded["params.nested.a"][1] == 3 and np.isnan(loaded["params.nested.a"][0])
    assert loaded["params.ragged"].dtype.kind == "U"  # ragged values: stored as text
    assert loaded["params.vec"].dtype.kind == "U"  # present in one row only
    assert np.isnan(loaded["gt"][2]) and loaded["gt"][0] == 1
    assert loaded["action"].dtype.kind == "i"


def test_load_run_fills_columns_that_appear_later(tmp_path):
    table = TrialTable()
    writer = _writer(table, tmp_path, "grow")
    table.append(0, {"action": 1, "reward": 1.0, "params": {"coh": 1.0}})
    writer.write()
    table.append(1, {"action": 2, "reward": 0.0, "params": {"coh": 2.0, "block": 3}})
    writer.write()
    loaded = load_run(tmp_path)
    np.testing.assert_array_equal(loaded["params.coh"], [1.0, 2.0])
    assert np.isnan(loaded["params.block"][0]) and loaded["params.block"][1] == 3


def test_load_run_errors_and_selection(tmp_path):
    with pytest.raises(FileNotFoundError, match="no Monitor data files"):
        load_run(tmp_path)
    writers = {}
    for name in ("a", "b"):
        table = TrialTable()
        table.append(0, {"action": 1 if name == "a" else 2})
        writers[name] = _writer(table, tmp_path, name)
        writers[name].write()
    both = load_run(tmp_path)  # every run, with a run column
    assert both["action"].tolist() == [1, 2]
    assert both["run"].tolist() == [writers["a"].run, writers["b"].run]
    assert list(both.runs) == [writers["a"].run, writers["b"].run]
    assert load_run(tmp_path, name="b")["action"].tolist() == [2]
    assert load_run(tmp_path, run=writers["b"].run)["action"].tolist() == [2]
    assert load_run(tmp_path, run=writers["a"].run[:-2])["action"].tolist() == [1]
    with pytest.raises(FileNotFoundError, match=r"no run 'nope'.*runs there"):
        load_run(tmp_path, run="nope")
    (path,) = writers["a"].paths
    assert load_run(path)["action"].tolist() == [1]


def test_load_run_names_the_file_it_cannot_trust(tmp_path):
    table = TrialTable()
    for i in range(3):
        table.append(i, {"action": i})
    (path,) = [_writer(table, tmp_path, "x").write()]
    arrays = dict(np.load(path, allow_pickle=False))
    arrays["action"] = arrays["action"][:2]  # a damaged file: fewer rows than it states
    with open(path, "wb") as handle:
        np.savez(handle, **arrays)
    with pytest.raises(MonitorFileError, match=rf"{path.name}: column 'action' has 2 rows, "
                       r"but the file states 3"):
        load_run(tmp_path)
    path.write_bytes(b"not a zip file")
    with pytest.raises(MonitorFileError, match=rf"{path.name}: cannot be read"):
        load_run(tmp_path)
    renamed = path.with_name(path.name.replace("000000", "000007"))
    table.append(0, {"action": 1})
    good = _writer(table, tmp_path, "y").write()
    path.unlink()
    good.rename(renamed)
    with pytest.raises(MonitorFileError, match="does not match the run"):
        load_run(tmp_path)


def test_a_second_monitor_on_the_same_name_is_a_run_of_its_own(monitored, run_trials,
                                                                tmp_path):
    first = monitored(interval=2, save_dir=tmp_path, name="again")
    run_trials(first, 2)
    second = monitored(interval=2, save_dir=tmp_path, name="again")
    run_trials(second, 2)
    assert first.run_id != second.run_id
    assert [f.name for f in _files(tmp_path)] == sorted(
        [f"again-{first.run_id}-000000.npz", f"again-{second.run_id}-000000.npz"])
    assert len(first.load_run()["trial"]) == len(second.load_run()["trial"]) == 2
    assert set(first.load_run()["run"]) == {first.run_id}


def test_copies_of_a_monitor_are_new_runs_that_start_empty(monitored, run_trials):
    import copy
    import pickle

    env = monitored(interval=1000)
    run_trials(env, 3)
    for clone in (pickle.loads(pickle.dumps(env)), copy.deepcopy(env), copy.copy(env)):
        assert clone.run_id != env.run_id and clone.data is not env.data
        assert clone.num_tr == 0 and clone.t == 0 and clone.data.rows == 0
        assert clone._writer.meta["copied_from"] == env.run_id
    assert env.num_tr == 3 and env.data.rows == 3


def test_array_actions_are_copied_and_stored_as_2d_columns(tmp_path):
    table = TrialTable()
    action = np.array([0.5, -0.5])
    for i in range(3):
        action[:] = i  # the agent reuses its action buffer
        table.append(i, {"action": action, "reward": 0.0, "gt": np.array([1.0, 2.0])})
    _writer(table, tmp_path, "box").write()
    loaded = load_run(tmp_path)
    np.testing.assert_array_equal(loaded["action"], [[0, 0], [1, 1], [2, 2]])
    assert loaded["gt"].shape == (3, 2)


def test_metadata_counts_steps_and_trials_at_each_save(monitored, tmp_path):
    env = monitored(interval=2, save_dir=tmp_path, name="count")
    env.reset(seed=0)
    ends = []
    for t in range(1, 200):
        if env.step(t % 3)[4]["new_trial"]:
            ends.append(t)
    metas = [json.loads(str(_load(f)["__meta__"])) for f in _files(tmp_path)]
    assert [m["num_tr"] for m in metas] == [2 * (i + 1) for i in range(len(metas))]
    assert [m["t"] for m in metas] == ends[1::2][: len(metas)]


def test_list_runs_reads_only_metadata_and_describes_each_run(monitored, run_trials,
                                                              tmp_path):
    from neuroplug_plugins.monitor import list_runs

    first = monitored(interval=4, save_dir=tmp_path / "a", name="first")
    second = monitored(interval=4, save_dir=tmp_path / "b", name="second")
    run_trials(first, 10)
    run_trials(second, 8)
    first.close()
    second.close()
    runs = list_runs(tmp_path)  # recursive
    assert list(runs) == [first.run_id, second.run_id]
    info = runs[first.run_id]
    assert (info["name"], info["task"], info["trials"]) == (
        "first", "PerceptualDecisionMaking", 10)
    assert info["files"] == first.files and info["missing_files"] == []
    first.files[1].unlink()
    with pytest.warns(UserWarning, match=r"file number\(s\) \[1\] are missing"):
        table = load_run(tmp_path, run=first.run_id)
    assert table["trial"].tolist() == [0, 1, 2, 3, 8, 9]
    assert list_runs(tmp_path, name="second") == {second.run_id: runs[second.run_id]}


def test_to_pandas(monitored, run_trials, tmp_path):
    env = monitored(interval=5, save_dir=tmp_path)
    run_trials(env, 10)
    table = env.load_run()
    try:
        import pandas  # noqa: F401
    except ImportError:
        with pytest.raises(ImportError, match="pip install pandas"):
            table.to_pandas()
        return
    frame = table.to_pandas()
    assert len(frame) == 10 and set(frame["run"]) == {env.run_id}
    np.testing.assert_array_equal(frame["trial"], np.arange(10))
