"""The `xlcrm` command as a user meets it: exit codes, the lines printed, what lands in the file.

Expected figures come from outside xlcrm's reader: the demo generator's own list of the
orders it wrote (``xlcrm.demo.zh_truth``) and LibreOffice reading back what we wrote.
"""

from __future__ import annotations

import shutil
import zipfile
from collections import defaultdict
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from tests.libreoffice import read_back
from xlcrm.cli import app
from xlcrm.demo import EN_FILE, ZH_FILE, make_demos, zh_truth

runner = CliRunner()
ROOT = Path(__file__).resolve().parent.parent
ZH_SHEETS = ["客户分级", "流失预警", "拜访计划", "投诉跟踪", "客户看板", "客户卡片", "大客户名单", "挽回名单", "数据问题", "分级历史"]


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("demo")


@pytest.fixture(scope="module")
def refreshed_zh(demo_dir) -> tuple[Path, str]:
    """The zh demo workbook refreshed in place once through the CLI, and what it printed."""
    result = runner.invoke(app, ["demo", str(demo_dir)])
    assert result.exit_code == 0, result.output
    path = demo_dir / ZH_FILE
    result = runner.invoke(app, ["refresh", str(path)])
    assert result.exit_code == 0, result.output
    return path, result.output


def _sheet_names(path: Path) -> list[str]:
    return openpyxl.load_workbook(path, read_only=True).sheetnames


def test_demo_prints_the_paths_it_wrote(tmp_path):
    result = runner.invoke(app, ["demo", str(tmp_path / "d")])
    assert result.exit_code == 0
    assert result.output.split() == [str(tmp_path / "d" / ZH_FILE), str(tmp_path / "d" / EN_FILE)]


def test_refresh_reports_how_it_read_the_workbook_and_what_it_wrote(refreshed_zh):
    path, out = refreshed_zh
    assert "xlcrm 如何读取" in out
    # A Chinese workbook's roles are named in Chinese (issue 14).
    for sheet, role in (("2025年订单", "订单"), ("发货记录", "发货记录"), ("客户档案", "客户档案"),
                        ("投诉登记", "投诉登记"), ("拜访记录", "拜访记录"), ("设置", "设置")):
        assert any(sheet in line and role in line for line in out.splitlines()), (sheet, role)
    assert "金额→amount" in out.replace(" ", "") or "金额(元)→amount" in out.replace(" ", "")
    assert "统计日期 2026-11-20" in out  # the as-of date from the settings sheet
    assert "4 个数据问题" in out  # the four unreadable cells the demo carries
    assert "xlcrm-backups" in out


def test_refresh_in_place_appends_xlcrm_sheets_after_the_users(refreshed_zh):
    path, _ = refreshed_zh
    names = _sheet_names(path)
    user = ["说明", "2024年订单", "2025年订单", "2026年订单", "发货记录", "客户档案", "投诉登记", "拜访记录", "设置", "月度图表"]
    assert names == user + ZH_SHEETS


@pytest.mark.libreoffice
def test_revenue_per_customer_equals_the_source_to_the_cent(refreshed_zh):
    """LibreOffice reads our customers sheet; the generator's own orders give the truth."""
    path, _ = refreshed_zh
    truth: dict[str, float] = defaultdict(float)
    orders: dict[str, int] = defaultdict(int)
    for o in zh_truth():
        if o["date_readable"]:
            orders[o["cid"]] += 1
            truth[o["cid"]] += o["amount"] if o["amount_readable"] else 0.0
    rows = read_back(path)["客户分级"]
    head = rows[0]
    cid, rev, n = head.index("客户编号"), head.index("销售额"), head.index("订单数")
    got = {r[cid]: (float(r[rev] or 0), int(float(r[n] or 0))) for r in rows[1:] if r[cid]}
    with_orders = {k: v for k, v in got.items() if v[1] > 0}
    assert set(with_orders) == set(truth)  # one row per real customer, no 合计 row, no name-only duplicates
    for k, total in truth.items():
        assert round(with_orders[k][0], 2) == round(total, 2), k
        assert with_orders[k][1] == orders[k], k


def test_second_refresh_replaces_xlcrm_sheets_without_duplicates(demo_dir, refreshed_zh):
    path, _ = refreshed_zh
    copy = demo_dir / "again.xlsx"
    shutil.copyfile(path, copy)
    result = runner.invoke(app, ["refresh", str(copy), "--asof", "2026-11-21"])
    assert result.exit_code == 0, result.output
    assert _sheet_names(copy) == _sheet_names(path)


def test_output_writes_a_new_workbook_and_leaves_the_source_alone(tmp_path):
    src = make_demos(tmp_path)[1]  # the English one
    before = src.read_bytes()
    out = tmp_path / "result.xlsx"
    result = runner.invoke(app, ["refresh", str(src), "--output", str(out), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert src.read_bytes() == before
    assert _sheet_names(out) == ["CRM Customers", "CRM Churn", "CRM Visits", "CRM Complaints", "CRM Dashboard",
                                 "CRM Customer Card", "CRM Key Accounts", "CRM Win-back", "CRM Data Issues", "CRM History"]


def test_ics_option_writes_one_calendar_per_rep(tmp_path):
    src = make_demos(tmp_path)[0]
    result = runner.invoke(app, ["refresh", str(src), "--output", str(tmp_path / "o.xlsx"), "--ics",
                                 str(tmp_path / "cal"), "-q"])
    assert result.exit_code == 0, result.output
    files = sorted((tmp_path / "cal").glob("*.ics"))
    assert files, result.output
    for f in files:
        text = f.read_bytes()
        assert text.startswith(b"BEGIN:VCALENDAR\r\n") and text.rstrip().endswith(b"END:VCALENDAR")


@pytest.mark.parametrize("args, hint", [
    (["--asof", "20-11-2026"], "YYYY-MM-DD"),
    (["--lang", "fr"], "zh or en"),
])
def test_usage_errors_exit_2(tmp_path, args, hint):
    src = make_demos(tmp_path)[1]
    result = runner.invoke(app, ["refresh", str(src), *args])
    assert result.exit_code == 2
    assert hint in result.output


def test_output_with_several_files_is_a_usage_error(tmp_path):
    zh, en = make_demos(tmp_path)
    result = runner.invoke(app, ["refresh", str(zh), str(en), "--output", str(tmp_path / "x.xlsx")])
    assert result.exit_code == 2


def _one_plain_line(result) -> str:
    lines = [ln for ln in result.output.splitlines() if ln.strip()]
    assert "Traceback" not in result.output
    return " ".join(lines)


def _unusable_inputs(tmp_path: Path) -> dict[str, Path]:
    bad: dict[str, Path] = {}
    p = tmp_path / "notes.xlsx"
    p.write_text("this is not a workbook", encoding="utf-8")
    bad["not a workbook"] = p
    p = tmp_path / "truncated.xlsx"
    p.write_bytes((ROOT / "workbooks" / EN_FILE).read_bytes()[:3000])
    bad["truncated"] = p
    p = tmp_path / "empty.xlsx"
    openpyxl.Workbook().save(p)
    bad["empty"] = p
    p = tmp_path / "no-orders.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["名称", "备注"])
    wb.active.append(["甲", "乙"])
    wb.save(p)
    bad["no order table"] = p
    p = tmp_path / "no-customer.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["订单日期", "金额", "产品"])
    wb.active.append(["2026-01-05", 100, "轴承"])
    wb.save(p)
    bad["no customer column"] = p
    return bad


def test_each_unusable_file_stops_with_one_line_exit_1_and_stays_unchanged(tmp_path):
    for label, path in _unusable_inputs(tmp_path).items():
        before = path.read_bytes()
        result = runner.invoke(app, ["refresh", str(path)])
        assert result.exit_code == 1, (label, result.output)
        line = _one_plain_line(result)
        assert path.name in line, (label, line)
        assert " — " in line, (label, line)  # problem — fix
        assert path.read_bytes() == before, label
        assert not (path.parent / "xlcrm-backups").exists() or label


def test_missing_file_and_lock_file_exit_1(tmp_path):
    result = runner.invoke(app, ["refresh", str(tmp_path / "nope.xlsx")])
    assert result.exit_code == 1 and "nope.xlsx" in _one_plain_line(result)
    src = make_demos(tmp_path)[1]
    lock = src.parent / ("~$" + src.name)
    lock.write_bytes(b"\x00" * 165)
    before = src.read_bytes()
    result = runner.invoke(app, ["refresh", str(src)])
    assert result.exit_code == 1
    assert "Excel" in _one_plain_line(result)
    assert "请先关闭该文件" in _one_plain_line(result)  # glossed for zh-first users
    assert src.read_bytes() == before


def test_a_bad_file_among_good_ones_exits_1_after_refreshing_the_good_ones(tmp_path):
    zh, en = make_demos(tmp_path)
    bad = tmp_path / "bad.xlsx"
    bad.write_text("nope", encoding="utf-8")
    result = runner.invoke(app, ["refresh", str(bad), str(en), "-q"])
    assert result.exit_code == 1
    assert "CRM Customers" in _sheet_names(en)


def test_password_protected_workbook_exits_1(tmp_path):
    msoffcrypto = pytest.importorskip("msoffcrypto")
    from msoffcrypto.format.ooxml import OOXMLFile

    src = make_demos(tmp_path)[1]
    enc = tmp_path / "secret.xlsx"
    with open(src, "rb") as fin, open(enc, "wb") as fout:
        OOXMLFile(fin).encrypt("pw", fout)
    before = enc.read_bytes()
    result = runner.invoke(app, ["refresh", str(enc)])
    assert result.exit_code == 1
    assert "secret.xlsx" in _one_plain_line(result)
    assert enc.read_bytes() == before
    assert not zipfile.is_zipfile(enc)
    _ = msoffcrypto
