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


def test_each_button_presses_its_own_command_and_xlcrmpress_knows_every_button():
    # the live kit (tests/live_excel) presses buttons through xlcrmPress: it must be what they do
    vba = _vba()
    press = dict(re.findall(r'Case "(\w+)": xlcrmRun "([^"]+)"', vba))
    for button in _ui().iter(f"{UI_NS}button"):
        sub = button.attrib["onAction"]
        body = vba[vba.index(f"Public Sub {sub}("):vba.index("End Sub", vba.index(f"Public Sub {sub}("))]
        assert f'xlcrmPress "{button.attrib["id"]}"' in body
        assert button.attrib["id"] in press


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


def test_ribbon_labels_are_the_contract_sheet_names_and_every_text_the_vba_asks_for_exists():
    labels = {key: (en, zh) for key, en, zh in build.labels()}
    assert labels["xlcrmTab"] == ("CRM", "客户管理")
    assert labels["xlcrmClassify"][1] == i18n.sheet_name("customers", "zh")
    assert labels["xlcrmChurn"][1] == i18n.sheet_name("churn", "zh")
    assert labels["xlcrmVisitPlan"][1] == i18n.sheet_name("visits", "zh")
    assert labels["xlcrmComplaintLog"][1] == i18n.sheet_name("complaints", "zh")
    ui = list(_ui().iter())
    wanted = ({el.attrib["id"] for el in ui if "getLabel" in el.attrib}
              | {el.attrib["id"] + ".tip" for el in ui if "getScreentip" in el.attrib}
              | set(re.findall(r'xlcrmText\("([\w.]+)"\)', _vba())))
    assert wanted <= set(labels), f"no label for {wanted - set(labels)}"
    assert all(en.strip() and zh.strip() for en, zh in labels.values())


def test_the_built_sheet_holds_the_labels_where_the_vba_looks_them_up(built):
    # xlcrmText: Match(key, column A) -> column B (en) or C (zh) of the add-in's first sheet
    ns = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    with zipfile.ZipFile(built) as zf:
        sheet = ET.fromstring(zf.read("xl/worksheets/sheet1.xml"))
    cells = {c.attrib["r"]: "".join(t.text or "" for t in c.iter(f"{ns}t")) for c in sheet.iter(f"{ns}c")}
    column_a = {v: int(ref[1:]) for ref, v in cells.items() if ref.startswith("A")}
    for key, en, zh in build.labels():
        row = column_a[key]
        assert (cells[f"B{row}"], cells[f"C{row}"]) == (en, zh)


def test_vba_captures_err_before_any_other_call_and_checks_for_an_active_workbook():
    vba = _vba()
    run = vba[vba.index("Private Sub xlcrmRun("):vba.index("End Sub", vba.index("Private Sub xlcrmRun("))]
    handler = run[run.index("failed:"):].splitlines()[1:]
    code = [ln.strip() for ln in handler if ln.strip() and not ln.strip().startswith("'")]
    assert code[0].startswith("errNumber = Err.Number") and code[1].startswith("errText = Err.Description")
    assert "Err." not in "".join(code[2:]), "Err read after another call: xlcrmLang's On Error clears it"
    assert run.index("If ActiveWorkbook Is Nothing Then") < run.index("Application.Run")
    assert 'xlcrmText("msg.noWorkbook")' in run


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


def _streams(data: bytes) -> dict[str, bytes]:
    import olefile

    ole = olefile.OleFileIO(data)
    try:
        return {"/".join(e): ole.openstream(e).read() for e in ole.listdir()}
    finally:
        ole.close()


def _project_keys(text: str) -> list[str]:
    """The PROJECT stream's shape: keys and section headers, module lines folded to one."""
    keys: list[str] = []
    section = ""
    for line in text.split("\r\n"):
        if line.startswith("["):
            section = line
        key = line.split("=", 1)[0] if "=" in line and not line.startswith("[") else line
        key = {"Document": "<module>", "Module": "<module>"}.get(key, key)
        if section == "[Workspace]" and "=" in line:
            key = "<module window>"
        if key and not (keys and keys[-1] == key and key.startswith("<")):
            keys.append(key)
    return keys


def _wm_names(data: bytes) -> list[tuple[str, str]]:
    out, i = [], 0
    while data[i:i + 2] != b"\x00\x00":
        j = data.index(b"\x00", i)
        k = j + 1
        while data[k:k + 2] != b"\x00\x00":
            k += 2
        out.append((data[i:j].decode("ascii"), data[j + 1:k].decode("utf-16-le")))
        i = k + 2
    assert i + 2 == len(data)
    return out


def test_vba_project_streams_are_shaped_like_an_excel_saved_project(built):
    """tests/workbook/data/vbaProject.bin was saved by Excel (XlsxWriter's example): the same
    streams, the same PROJECT keys in the same order ([Workspace] and VersionCompatible32
    included), and a PROJECTwm naming every module in UTF-16."""
    excel = _streams((Path(__file__).parents[1] / "workbook" / "data" / "vbaProject.bin").read_bytes())
    with zipfile.ZipFile(built) as zf:
        ours = _streams(zf.read("xl/vbaProject.bin"))
    plain = {"PROJECT", "PROJECTwm", "VBA/_VBA_PROJECT", "VBA/dir"}
    assert plain <= set(excel) and plain <= set(ours)
    assert {n for n in ours if n not in plain} == {"VBA/ThisWorkbook", "VBA/Sheet1", "VBA/xlcrm"}
    project = ours["PROJECT"].decode("ascii")
    assert _project_keys(project) == _project_keys(excel["PROJECT"].decode("ascii"))
    workspace = project.split("[Workspace]\r\n")[1].split("\r\n")
    assert [w.split("=")[0] for w in workspace if w] == ["ThisWorkbook", "Sheet1", "xlcrm"]
    assert 'VersionCompatible32="393222000"' in project
    assert [a for a, _ in _wm_names(excel["PROJECTwm"])] == [b for _, b in _wm_names(excel["PROJECTwm"])]
    assert _wm_names(ours["PROJECTwm"]) == [("ThisWorkbook", "ThisWorkbook"), ("Sheet1", "Sheet1"),
                                            ("xlcrm", "xlcrm")]


def _olevba_findings(path: Path) -> list[tuple[str, str, str]]:
    parser = VBA_Parser(str(path))
    try:
        return [tuple(r) for r in parser.analyze_macros()]
    finally:
        parser.close()


def test_olevba_finds_no_obfuscation_in_the_addin(built):
    """Mail filters quarantine what olevba calls obfuscation: ChrW/Chr strings, hex or base64
    strings. What remains are the document modules' class GUIDs Excel itself writes (an
    Excel-saved project has the same) and Application.Run (the call into xlwings)."""
    findings = _olevba_findings(built)
    obfuscation = [f for f in findings if f[0] == "Suspicious" and "obfuscate" in f[2] and f[1] != "Hex Strings"]
    assert obfuscation == []
    assert not [f for f in findings if f[0] in ("Base64 String", "Dridex String", "VBA string")]
    ours = {f[1] for f in findings if f[0] == "Hex String"}
    excel = {f[1] for f in _olevba_findings(Path(__file__).parents[1] / "workbook" / "data" / "vbaProject.bin")
             if f[0] == "Hex String"}
    assert ours <= excel, f"hex strings Excel does not write: {ours - excel}"
    assert {f[1] for f in findings if f[0] == "Suspicious" and f[1] != "Hex Strings"} == {"Run"}


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
