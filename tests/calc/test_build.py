"""The extension package: reproducible, complete, and in step with the Excel UDFs and ribbon."""

from __future__ import annotations

import inspect
import io
import os
import zipfile
from xml.etree import ElementTree as ET

import pytest

import xlcrm.excel.ribbon as ribbon
import xlcrm.excel.udfs as udfs
from xlcrm.calc import build
from xlcrm.calc.functions import ZH_ARGS, ZH_FUNCTIONS, functions

OOR = "{http://openoffice.org/2001/registry}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _members() -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(build.oxt_bytes())) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def test_two_builds_are_byte_identical(tmp_path):
    a = build.build(tmp_path / "a.oxt").read_bytes()
    b = build.build(tmp_path / "b.oxt").read_bytes()
    assert a == b
    assert zipfile.ZipFile(tmp_path / "a.oxt").testzip() is None


def test_manifest_lists_every_part_and_every_part_is_there():
    files = _members()
    manifest = ET.fromstring(files["META-INF/manifest.xml"])
    listed = [e.get("{http://openoffice.org/2001/manifest}full-path") for e in manifest]
    assert set(listed) <= set(files)
    assert {"XCrmFunctions.rdb", "xlcrm_calc.py", "CalcAddIns.xcu", "Addons.xcu", "ProtocolHandler.xcu"} == set(listed)
    # the component imports these from the extension's pythonpath folder
    assert {"pythonpath/xlcrmcalc/client.py", "pythonpath/xlcrmcalc/docio.py",
            "pythonpath/xlcrmcalc/_functions.py", "pythonpath/xlcrmcalc/__init__.py"} <= set(files)
    for name, data in files.items():
        if name.endswith((".xcu", ".xml")):
            ET.fromstring(data)  # well-formed
        if name.endswith(".py"):
            compile(data, name, "exec")


def _props(node: ET.Element) -> dict[str, dict[str | None, str]]:
    out: dict[str, dict[str | None, str]] = {}
    for prop in node.findall("prop"):
        out[prop.get(f"{OOR}name")] = {v.get(XML_LANG): v.text or "" for v in prop.findall("value")}
    return out


def test_calc_addins_has_every_udf_with_its_arguments_in_order_and_zh_en_help():
    root = ET.fromstring(_members()["CalcAddIns.xcu"])
    impl = root.find("node").find("node")
    assert impl.get(f"{OOR}name") == build.FUNCTIONS_IMPL
    nodes = impl.find("node").findall("node")
    assert [n.get(f"{OOR}name") for n in nodes] == list(udfs.__all__)
    for node in nodes:
        name = node.get(f"{OOR}name")
        func = getattr(udfs, name)
        props = _props(node)
        assert props["DisplayName"] == {None: name, "en-US": name, "zh-CN": name}
        assert props["CompatibilityName"]["en-US"] == name  # how .xlsx files from Excel write it
        assert props["Description"]["en-US"] == " ".join(func.__doc__.split())
        assert props["Description"]["zh-CN"] == ZH_FUNCTIONS[name]
        params = node.find("node").findall("node")
        shown = [_props(p)["DisplayName"][None] for p in params]
        assert shown == list(inspect.signature(func).parameters)
        for p, arg in zip(params, shown):
            desc = _props(p)["Description"]
            assert desc["en-US"] == udfs.ARG_DOCS[arg] and desc["zh-CN"] == ZH_ARGS[arg]


def test_every_function_and_argument_has_chinese_help():
    assert set(ZH_FUNCTIONS) == set(udfs.__all__)
    for f in functions():
        assert f.zh.strip() and all(a.zh.strip() for a in f.args)


def test_idl_declares_each_function_with_required_ranges_and_optional_anys():
    text = build.idl()
    for f in functions():
        line = next(x for x in text.splitlines() if f" {f.name}(" in x)
        assert line.strip().startswith("sequence< sequence< any > >")
        params = line.split("(", 1)[1].rsplit(")", 1)[0].split(", ")
        assert params[0] == "[in] com::sun::star::beans::XPropertySet options"  # Calc's hidden caller
        for a, p in zip(f.args, params[1:]):
            assert p == f"[in] {'any' if a.optional else 'sequence< sequence< any > >'} {a.uno_name}"
    assert build.IDL.read_text(encoding="utf-8") == text, "run python -m xlcrm.calc.build --rdb"


def test_committed_type_library_is_what_unoidl_write_makes_of_the_idl():
    if build.unoidl_write() is None or not build.office_types():
        if os.environ.get("CI") == "true":
            pytest.fail("the LibreOffice SDK (unoidl-write) is not installed; .ci/run must install it")
        pytest.skip("unoidl-write (libreoffice-dev) is not installed")
    assert build.compile_rdb(build.idl()) == build.RDB.read_bytes(), "run python -m xlcrm.calc.build --rdb"


def test_menu_has_the_ribbon_commands_in_zh_and_en():
    root = ET.fromstring(_members()["Addons.xcu"])
    ui = root.find("node")
    menu = ui.find("node").find("node")
    assert _props(menu)["Title"] == {None: "CRM", "en-US": "CRM", "zh-CN": "客户管理"}
    items = menu.find("node").findall("node")
    urls = [_props(i)["URL"][None] for i in items]
    actions = [u.removeprefix(build.PROTOCOL) for u in urls]
    ribbon_buttons = [a for a in ribbon.__all__ if a != "Outcome"]
    assert set(ribbon_buttons) <= set(actions)
    assert set(actions) - set(ribbon_buttons) == {"explain_errors"}
    for item in items:
        p = _props(item)
        assert p["Title"]["zh-CN"] and p["Title"]["en-US"] and p["Context"][None] == "com.sun.star.sheet.SpreadsheetDocument"
    handler = ET.fromstring(_members()["ProtocolHandler.xcu"])
    assert build.PROTOCOL + "*" in ET.tostring(handler, encoding="unicode")


def test_generated_method_list_matches_the_udfs():
    ns: dict[str, object] = {}
    exec(_members()["pythonpath/xlcrmcalc/_functions.py"], ns)  # noqa: S102 - our own generated file
    assert list(ns["FUNCTIONS"]) == list(udfs.__all__)


def test_uno_argument_names_are_legal_idl_identifiers():
    # unoidl-write rejects "_" before a lower-case letter ("order_customers")
    for f in functions():
        for a in f.args:
            assert a.uno_name.isidentifier()
            assert not any(x == "_" and y.islower() for x, y in zip(a.uno_name, a.uno_name[1:]))


def test_install_as_root_without_shared_is_one_clear_line_and_touches_nothing(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from xlcrm.calc import install
    from xlcrm.cli import app

    monkeypatch.setenv("XLCRM_CALC_HOME", str(tmp_path / "home"))
    monkeypatch.setattr(install, "is_root", lambda: True)
    called = []
    monkeypatch.setattr(install, "unopkg", lambda *a, **k: called.append(a))
    result = CliRunner().invoke(app, ["calc", "install"])
    assert result.exit_code == 1
    assert "unopkg refuses a per-user install as root" in result.output and "--shared" in result.output
    assert called == [] and not (tmp_path / "home" / "calc.json").exists()


def test_office_process_env_drops_other_pythons_from_path(tmp_path, monkeypatch):
    import sys

    from xlcrm.calc.install import office_process_env

    if not sys.platform.startswith("linux"):
        pytest.skip("the PATH rule is for LibreOffice's system Python on Linux")
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "python3").write_bytes(b"\x7fELF" + b"\0" * 60)
    (fake / "python3").chmod(0o755)
    shim = tmp_path / "shims"
    shim.mkdir()
    (shim / "python3").write_text("#!/bin/sh\nexec python3 \"$@\"\n")
    (shim / "python3").chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake}:{shim}:/usr/bin:/bin")
    monkeypatch.setenv("PYTHONPATH", "/somewhere")
    env = office_process_env()
    assert env["PATH"].split(":") == [str(shim), "/usr/bin", "/bin"]
    assert "PYTHONPATH" not in env
