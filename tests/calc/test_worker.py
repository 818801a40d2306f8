"""The office-side client (as LibreOffice's Python runs it) against the real worker process, no office."""

from __future__ import annotations

import datetime as dt
import importlib
import math
import pickle
import sys

import pytest

import xlcrm.excel.udfs as udfs
from xlcrm.calc import build, install
from xlcrm.calc.worker import as_calc, plain

OFFICE_SIDE = build.OXT / "pythonpath"


@pytest.fixture()
def client(tmp_path, monkeypatch):
    monkeypatch.setenv("XLCRM_CALC_HOME", str(tmp_path))
    install.write_config(tmp_path)
    monkeypatch.syspath_prepend(str(OFFICE_SIDE))
    mod = importlib.import_module("xlcrmcalc.client")
    worker = mod.Worker()
    yield mod, worker
    worker.stop()
    sys.modules.pop("xlcrmcalc.client", None)


IDS = (("客户编号",),) + tuple((f"C{i}",) for i in range(1, 101))
VALUES = (("毛利",),) + tuple((float(i * 10),) for i in range(1, 101))


def _rows(t):
    return [list(r) for r in t]


def test_a_call_gives_what_the_udf_gives(client):
    mod, worker = client
    kind, value = worker.call("CRM_TIER", [(("C100",),), IDS, VALUES, None, None, None])
    assert kind == "ok"
    assert value == udfs.CRM_TIER([["C100"]], _rows(IDS), _rows(VALUES), None, None, None)
    kind, table = worker.call("CRM_PYRAMID", [IDS, VALUES, None, "en", None])
    assert table == plain(as_calc(udfs.CRM_PYRAMID(_rows(IDS), _rows(VALUES), None, "en", None)))
    assert table[0] == ["Customer ID", "Value", "Rank", "Tier"] and len(table) == 101


def test_errors_cross_as_code_and_message(client):
    _, worker = client
    kind, value = worker.call("CRM_TIER", [(("nobody",),), IDS, VALUES, None, None, None])
    assert kind == "ok" and value[0] == "error" and value[1] == "#N/A"
    assert "nobody" in value[2] and "not in ids" in value[2]
    _, value = worker.call("CRM_SATISFACTION_INDEX", [((3.0,),), ((0.0,),)])
    assert value[:2] == ("error", "#DIV/0!")
    kind, text = worker.call("CRM_NOPE", [])
    assert kind == "err" and "CRM_NOPE" in text


def test_large_ranges_travel_once_then_by_digest(client):
    mod, worker = client
    worker.call("CRM_TIER", [(("C1",),), IDS, VALUES, None, None, None])
    held = set(worker.sent)
    assert mod.digest(IDS) in held and mod.digest(VALUES) in held
    # the worker lost them (a restart of its store): it asks, the client resends, same answer
    worker._send(("call", "CRM_TIER", [("val", (("C1",),)), ("ref", "0" * 40), ("val", VALUES),
                                       ("val", None), ("val", None), ("val", None)], []))
    assert worker._read() == ("need", ["0" * 40])
    kind, value = worker.call("CRM_TIER", [(("C2",),), IDS, VALUES, None, None, None])
    assert (kind, value) == ("ok", udfs.CRM_TIER([["C2"]], _rows(IDS), _rows(VALUES), None, None, None))


def test_a_dead_worker_is_restarted_on_the_next_call(client):
    _, worker = client
    worker.call("CRM_SATISFACTION_INDEX", [((3.0,),), ((4.0,),)])
    worker.proc.kill()
    worker.proc.wait()
    assert worker.call("CRM_SATISFACTION_INDEX", [((3.0,),), ((4.0,),)]) == ("ok", 0.75)


def test_missing_setup_is_one_clear_message(client, tmp_path, monkeypatch):
    mod, _ = client
    monkeypatch.setenv("XLCRM_CALC_HOME", str(tmp_path / "nowhere"))
    with pytest.raises(mod.WorkerError, match="xlcrm calc install"):
        mod.Worker().call("CRM_TIER", [])


def test_the_office_side_unpickles_only_builtins_and_dates(client):
    mod, _ = client
    import io

    import numpy as np

    buf = io.BytesIO()
    mod.write_frame(buf, ("ok", [1.0, "a", None, dt.datetime(2024, 1, 5)]))
    buf.seek(0)
    assert mod.read_frame(buf) == ("ok", [1.0, "a", None, dt.datetime(2024, 1, 5)])
    data = pickle.dumps(np.float64(1.5), protocol=4)
    with pytest.raises(pickle.UnpicklingError, match="numpy"):
        mod.read_frame(io.BytesIO(len(data).to_bytes(4, "little") + data))


def test_plain_turns_pandas_and_numpy_into_builtins():
    import numpy as np
    import pandas as pd

    out = plain({"a": [np.int64(3), np.float64(1.5), pd.NA, pd.NaT, pd.Timestamp("2024-01-05"),
                       dt.date(2024, 1, 6), ("error", "#N/A", "x")]})
    assert out == {"a": [3, 1.5, None, None, dt.datetime(2024, 1, 5), dt.datetime(2024, 1, 6),
                         ("error", "#N/A", "x")]}
    assert type(out["a"][0]) is int and type(out["a"][1]) is float
    assert math.isnan(plain(float("nan")))


def test_the_udfs_import_and_run_without_xlwings(tmp_path):
    # a Calc user has no reason to install xlwings (the excel extra); the worker needs none
    script = tmp_path / "noxw.py"
    script.write_text(
        "import sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] == 'xlwings':\n"
        "            raise ImportError('no xlwings here')\n"
        "sys.meta_path.insert(0, Block())\n"
        "import xlcrm.excel.udfs as u\n"
        "assert 'xlwings' not in sys.modules\n"
        "print(u.CRM_SATISFACTION_INDEX(8.0, 10.0))\n", encoding="utf-8")
    import os
    import subprocess

    env = {**os.environ, "PYTHONPATH": str(build.OXT.parents[2])}
    proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "0.8"
