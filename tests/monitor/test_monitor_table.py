"""The trial table when an append is interrupted: by Ctrl-C, or by a SIGTERM save."""

from __future__ import annotations

import sys

import pytest

from neuroplug_plugins.monitor import shutdown
from neuroplug_plugins.monitor.table import BASE_COLUMNS, TrialTable


def _record(k: int, extra: bool = False) -> dict:
    params = {"coh": 0.1 * k, **({"new_key": k} if extra else {})}
    return {"action": k % 3, "reward": float(k), "cum_reward": float(k), "performance": 1,
            "steps": 5, "gt": 1, "params": params}


def _at_line(n: int, action):
    """A tracer that calls ``action`` at the ``n``-th line executed in table.py."""
    count = 0

    def tracer(frame, event, arg):
        nonlocal count
        if event == "line" and frame.f_code.co_filename.endswith("table.py"):
            count += 1
            if count == n:
                action()
        return tracer

    return tracer


def _table() -> TrialTable:
    table = TrialTable()
    for k in range(3):
        table.append(k, _record(k))
    return table


def _consistent(table: TrialTable) -> None:
    assert set(BASE_COLUMNS) <= set(table)
    for column, values in table.items():
        assert len(values) == table.rows, column


class _Interrupt(BaseException):
    pass


@pytest.mark.parametrize("extra", [False, True])
def test_an_append_interrupted_at_any_line_leaves_no_partial_row(extra):
    interrupted = 0
    for n in range(1, 80):
        table = _table()

        def interrupt():
            raise _Interrupt

        sys.settrace(_at_line(n, interrupt))
        try:
            table.append(3, _record(3, extra))
        except _Interrupt:
            interrupted += 1
            assert table.rows == 3 and table["trial"] == [0, 1, 2]
            assert "params.new_key" not in table
        else:
            assert table.rows == 4 and table["trial"] == [0, 1, 2, 3]
        finally:
            sys.settrace(None)
        _consistent(table)
    assert interrupted > 10  # the lines of append were actually reached


def test_a_sigterm_inside_the_critical_section_is_handled_on_the_way_out(monkeypatch):
    handled = []
    monkeypatch.setattr(shutdown, "_flush_open", lambda: handled.append("flush"))
    monkeypatch.setattr(shutdown, "_previous", lambda signum, frame: handled.append(signum))
    with shutdown.critical:
        shutdown._on_sigterm(15, None)
        assert handled == []  # not inside
    assert handled == ["flush", 15]
    shutdown._on_sigterm(15, None)  # outside: at once
    assert handled == ["flush", 15, "flush", 15]
