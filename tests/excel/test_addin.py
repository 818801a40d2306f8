"""The add-in as built on Linux: ribbon XML, VBA callbacks, RunPython targets, package layout.

Expected values come from tools we did not write: defusedxml parses the ribbon, oletools
(olevba) and LibreOffice read the VBA back out of the built file, Python's importlib resolves
the RunPython targets.
"""

from __future__ import annotations

import importlib
import inspect
import re
import shutil
import subprocess
import tempfile
import warnings
import zipfile
from pathlib import Path

import pytest
from defusedxml import ElementTree as ET
from hypothesis import given, settings
from hypothesis import strategies as st

with warnings.catch_warnings():  # oletools calls a pyparsing API deprecated in pyparsing 3.3
    warnings.simplefilter("ignore", DeprecationWarning)
    from oletools.olevba import VBA_Parser, decompress_stream

from tests.libreoffice import soffice
from xlcrm import i18n
from xlcrm.excel import _ovba, build

MACROS = build.MACROS
UI_NS = "{http://schemas.microsoft.com/office/2009/07/customui}"
CALLBACK_ATTRS = ("onLoad", "onAction", "getLabel", "getScreentip")
# The signatures Office calls each kind of callback with (Office Fluent UI callback reference).
SIGNATURES = {
    "onLoad": r"\(\s*\w+\s+As\s+IRibbonUI\s*\)",
    "onAction": r"\(\s*\w+\s+As\s+IRibbonControl\s*\)",
    "getLabel": r"\(\s*\w+\s+As\s+IRibbonControl\s*,\s*ByRef\s+\w+\s*\)",
    "getScreentip": r"\(\s*\w+\s+As\s+IRibbonControl\s*,\s*ByRef\s+\w+\s*\)",
}


def _vba() -> str:
    return "\n".join(p.read_text(encoding="ascii") for p in build.bas_files())


def _ui() -> ET.Element:
    return ET.parse(MACROS / "customUI14.xml").getroot()


def _callbacks() -> dict[str, set[str]]:
    out: dict[str, set[str]] = {a: set() for a in CALLBACK_ATTRS}
    for el in _ui().iter():
        for attr in CALLBACK_ATTRS:
            if attr in el.attrib:
                out[attr].add(el.attrib[attr])
    return out


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    return build.build(tmp_path_factory.mktemp("addin") / "xlcrm.xlam")


def test_ribbon_xml_parses_as_customui14_with_the_buttons_the_issue_lists():
    root = _ui()
    assert root.tag == f"{UI_NS}customUI"
    ids = [el.attrib["id"] for el in root.iter() if "id" in el.attrib]
    assert len(ids) == len(set(ids)), "control ids must be unique"
    buttons = {el.attrib["id"]: el for el in root.iter(f"{UI_NS}button")}
    assert set(buttons) == {"xlcrmRefreshAll", "xlcrmClassify", "xlcrmChurn", "xlcrmVisitPlan",
                            "xlcrmComplaintLog", "xlcrmSettings", "xlcrmHelp"}
    assert all(b.attrib.get("imageMso") for b in buttons.values())


def test_every_ribbon_callback_exists_in_the_vba_with_the_signature_office_calls():
    vba = _vba()
    for attr, names in _callbacks().items():
        for name in names:
            m = re.search(rf"^\s*Public\s+(Sub|Function)\s+{name}\s*(\(.*?\))", vba, re.M | re.I)
            assert m, f"ribbon {attr}={name} has no Public Sub/Function in macros/*.bas"
            assert re.fullmatch(SIGNATURES[attr], m.group(2), re.I), f"{name}{m.group(2)}"


def test_every_python_target_the_vba_runs_imports_and_takes_no_arguments():
    commands = re.findall(r'"(import [^"]+)"', _vba())
    assert len(commands) == 7
    for command in commands:
        m = re.fullmatch(r"import ([\w.]+) as (\w+); \2\.(\w+)\(\)", command)
        assert m, f"RunPython command not of the form 'import m as r; r.f()': {command}"
        module = importlib.import_module(m.group(1))
        target = getattr(module, m.group(3))
        assert callable(target)
        inspect.signature(target).bind()  # RunPython calls it without arguments


def test_ribbon_labels_decode_to_the_contract_sheet_names():
    # zh labels are stored as code points (the VBA is ASCII); decoded they must read like
    # the sheet names of DESIGN.md section 4.
    vba = _vba()
    labels = {m.group(1): ("".join(chr(int(h, 16)) for h in m.group(2).split()), m.group(3))
              for m in re.finditer(r'Case "(\w+)": xlcrmLabel = Pick\("([0-9A-F ]+)", "([^"]+)"\)', vba)}
    assert labels["xlcrmTab"] == ("客户管理", "CRM")
    assert labels["xlcrmClassify"][0] == i18n.sheet_name("customers", "zh")
    assert labels["xlcrmChurn"][0] == i18n.sheet_name("churn", "zh")
    assert labels["xlcrmVisitPlan"][0] == i18n.sheet_name("visits", "zh")
    assert labels["xlcrmComplaintLog"][0] == i18n.sheet_name("complaints", "zh")
    ribbon_ids = {el.attrib["id"] for el in _ui().iter() if "getLabel" in el.attrib}
    assert ribbon_ids <= set(labels), f"no label for {ribbon_ids - set(labels)}"


def test_vba_source_is_ascii_so_the_ansi_code_page_cannot_garble_it():
    for path in build.bas_files():
        path.read_bytes().decode("ascii")


def test_olevba_reads_back_exactly_the_vba_in_macros(built):
    parser = VBA_Parser(str(built))
    try:
        modules = {name: code for _, _, name, code in parser.extract_all_macros()}
    finally:
        parser.close()
    for path in build.bas_files():
        want = path.read_text(encoding="ascii").replace("\r\n", "\n").rstrip("\n")
        got = modules[path.name].replace("\r\n", "\n").rstrip("\n")
        assert got == want, f"{path.name} differs after the round trip"
    assert {"ThisWorkbook.cls", "Sheet1.cls"} <= set(modules)


def test_two_builds_are_byte_identical(built, tmp_path):
    again = build.build(tmp_path / "xlcrm.xlam")
    assert again.read_bytes() == built.read_bytes()


def test_committed_addin_is_the_build_of_macros(built):
    committed = build.PACKAGED_ADDIN
    fix = "run `xlcrm excel build --out xlcrm/excel/addin/xlcrm.xlam` and commit it"
    assert committed.exists(), fix
    assert committed.read_bytes() == built.read_bytes(), f"the packaged add-in is stale: {fix}"


def test_custom_ui_part_is_linked_from_the_package_root_rels(built):
    with zipfile.ZipFile(built) as zf:
        rels = ET.fromstring(zf.read("_rels/.rels"))
        targets = {r.attrib["Type"]: r.attrib["Target"] for r in rels}
        assert targets[build.CUSTOM_UI_REL] == "customUI/customUI14.xml"
        assert zf.read("customUI/customUI14.xml") == (MACROS / "customUI14.xml").read_bytes()
        types = zf.read("[Content_Types].xml").decode()
        assert "application/vnd.ms-excel.addin.macroEnabled.main+xml" in types
        wb_rels = ET.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
        assert any(r.attrib["Type"] == build.VBA_REL and r.attrib["Target"] == "vbaProject.bin"
                   for r in wb_rels)
        for name in zf.namelist():
            if name.endswith((".xml", ".rels")):
                ET.fromstring(zf.read(name))  # every XML part is well-formed


def test_add_custom_ui_grafts_the_ribbon_into_a_package_without_one(built, tmp_path):
    # The --compile route: Excel saves its own add-in, we add the ribbon part afterwards.
    bare = tmp_path / "bare.xlam"
    with zipfile.ZipFile(built) as zin, zipfile.ZipFile(bare, "w") as zout:
        for name in zin.namelist():
            if name == build.CUSTOM_UI_PART:
                continue
            data = zin.read(name)
            if name == "_rels/.rels":
                data = re.sub(rb'<Relationship Id="rIdUI"[^>]*/>', b"", data)
            zout.writestr(name, data)
    build.add_custom_ui(bare)
    with zipfile.ZipFile(bare) as zf, zipfile.ZipFile(built) as orig:
        rels = ET.fromstring(zf.read("_rels/.rels"))
        assert [r.attrib["Target"] for r in rels if r.attrib["Type"] == build.CUSTOM_UI_REL] == [
            build.CUSTOM_UI_PART]
        assert zf.read("xl/vbaProject.bin") == orig.read("xl/vbaProject.bin")  # untouched
    build.add_custom_ui(bare)  # idempotent: still one relationship
    with zipfile.ZipFile(bare) as zf:
        assert zf.read("_rels/.rels").count(build.CUSTOM_UI_REL.encode()) == 1


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=9000) | st.text(alphabet="Sub End ()\r\n'xlcrm", max_size=9000).map(str.encode))
def test_ovba_compression_round_trips_through_oletools_decompressor(data):
    assert bytes(decompress_stream(bytearray(_ovba.compress(data)))) == data


@pytest.mark.libreoffice
def test_libreoffice_opens_the_addin_and_finds_the_vba_module(built):
    exe = soffice()
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp, "xlcrm.xlam")
        shutil.copyfile(built, src)
        cmd = [exe, f"-env:UserInstallation=file://{tmp}/profile", "--headless", "--norestore",
               "--infilter=Calc MS Excel 2007 VBA XML", "--convert-to", "ods", "--outdir", tmp, str(src)]
        subprocess.run(cmd, capture_output=True, timeout=180)
        with zipfile.ZipFile(Path(tmp, "xlcrm.ods")) as zf:
            basic = zf.read("Basic/VBAProject/xlcrm.xml").decode("utf-8")
    for name in _callbacks()["onAction"]:
        assert f"Public Sub {name}(control As IRibbonControl)" in basic
