"""Build the xlcrm add-in from ``xlcrm/excel/macros/``, reproducibly, without Excel.

The sources (``macros/``) and the built add-in (``addin/xlcrm.xlam``) are package data of
``xlcrm.excel``, so a plain ``pip install "xlcrm[excel]"`` can build and install the add-in
without a clone of the repository; ``xlcrm excel build`` writes ``xlcrm.xlam`` into the
current folder unless told otherwise (the package folder may not be writable).

The package is written part by part (no openpyxl: a save through it drops the link of the
ribbon part, TOOLS.md): a one-sheet workbook, ``xl/vbaProject.bin`` made from
``macros/*.bas`` with ``ms-ovba``, and ``customUI/customUI14.xml`` linked from
``_rels/.rels``. Zip entries have fixed timestamps and order, so two builds are
byte-identical.

A vbaProject.bin written without Excel carries source only (no compiled p-code) and may be
refused by Excel (TOOLS.md); ``xlcrm excel install --compile`` lets the user's own Excel
compile ``macros/`` instead and then grafts the same ribbon part with ``add_custom_ui``.
"""

from __future__ import annotations

import io
import os
import shutil
import tempfile
import zipfile
from pathlib import Path
from typing import Iterable

from xlcrm.workbook.styles import StyleBook

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]  # the folder holding the xlcrm package (a checkout, or site-packages)
MACROS = HERE / "macros"
PACKAGED_ADDIN = HERE / "addin" / "xlcrm.xlam"  # committed; a test keeps it the build of MACROS
DEFAULT_OUT = Path("xlcrm.xlam")  # `xlcrm excel build` without --out: the current folder

CUSTOM_UI_PART = "customUI/customUI14.xml"
CUSTOM_UI_REL = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"
VBA_REL = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"
_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_MAIN_TYPES = {
    ".xlam": "application/vnd.ms-excel.addin.macroEnabled.main+xml",
    ".xlsm": "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
}


def bas_files(macros: Path = MACROS) -> list[Path]:
    return sorted(macros.glob("*.bas"))


def vba_import_copy(source: Path, folder: Path) -> Path:
    """A copy of a module with CRLF line endings, for the VBA editor's importer (which expects
    them; a checkout or an unpacked wheel may have LF)."""
    data = Path(source).read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    target = Path(folder) / Path(source).name
    target.write_bytes(data)
    return target


# Write xl/vbaProject.bin.
def vba_project(sources: Iterable[Path]) -> bytes:
    """vbaProject.bin (an OLE compound file) holding the given .bas modules, source only.

    ms-ovba writes intermediate files into the working directory and leaves file handles
    open, so it runs in a child process inside a temporary directory.
    """
    import subprocess
    import sys

    with tempfile.TemporaryDirectory(prefix="xlcrm-vba-") as tmp:
        cmd = [sys.executable, "-m", "xlcrm.excel._vbaproject", tmp, *(str(Path(s).resolve()) for s in sources)]
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
        proc = subprocess.run(cmd, cwd=tmp, capture_output=True, text=True, env=env)
        if proc.returncode != 0:
            raise RuntimeError(f"building vbaProject.bin failed: {proc.stderr.strip().splitlines()[-1:]}")
        return (Path(tmp) / "vbaProject.bin").read_bytes()


def _content_types(main_type: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{main_type}"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        '<Override PartName="/docProps/core.xml" '
        'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
        '<Override PartName="/docProps/app.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
        "</Types>"
    )


def _root_rels(with_ui: bool) -> str:
    ui = (f'<Relationship Id="rIdUI" Type="{CUSTOM_UI_REL}" Target="{CUSTOM_UI_PART}"/>'
          if with_ui else "")
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<Relationships xmlns="{_REL_NS}">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="xl/workbook.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/'
        'metadata/core-properties" Target="docProps/core.xml"/>'
        '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/extended-properties" Target="docProps/app.xml"/>'
        f"{ui}</Relationships>"
    )


_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<workbookPr codeName="ThisWorkbook"/>'
    '<bookViews><workbookView/></bookViews>'
    '<sheets><sheet name="xlcrm" sheetId="1" r:id="rId1"/></sheets>'
    "</workbook>"
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<Relationships xmlns="{_REL_NS}">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/styles" Target="styles.xml"/>'
    f'<Relationship Id="rId3" Type="{VBA_REL}" Target="vbaProject.bin"/>'
    "</Relationships>"
)


def labels(macros: Path = MACROS) -> list[tuple[str, str, str]]:
    """(key, English, Chinese) of every ribbon label, screentip and message the VBA shows."""
    rows = []
    for line in (macros / "labels.tsv").read_text(encoding="utf-8").splitlines()[1:]:
        if line.strip():
            key, en, zh = line.split("\t")
            rows.append((key, en, zh))
    return rows


def sheet_rows(version: str, macros: Path = MACROS) -> list[list[str]]:
    """The add-in's one sheet: what it is, then the label table the VBA looks its texts up in
    (cells hold Unicode; the VBA source cannot, see macros/xlcrm.bas)."""
    return ([["xlcrm add-in (客户管理)"], [f"version {version}"], [], ["key", "en", "zh"]]
            + [list(r) for r in labels(macros)])


def _sheet(rows: list[list[str]]) -> str:
    from xml.sax.saxutils import escape

    cells = []
    for r, row in enumerate(rows, start=1):
        if not row:
            continue
        cs = "".join(f'<c r="{chr(65 + c)}{r}" t="inlineStr"><is><t>{escape(v)}</t></is></c>'
                     for c, v in enumerate(row))
        cells.append(f'<row r="{r}">{cs}</row>')
    last = f"{chr(64 + max(len(r) for r in rows))}{len(rows)}"
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<sheetPr codeName="Sheet1"/><dimension ref="A1:{last}"/>'
        f'<sheetData>{"".join(cells)}</sheetData></worksheet>'
    )


_CORE = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/">'
    "<dc:title>xlcrm</dc:title><dc:creator>xlcrm</dc:creator></cp:coreProperties>"
)
_APP = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    "<Application>Microsoft Excel</Application></Properties>"
)


def _write_zip(path: Path, parts: list[tuple[str, bytes]]) -> None:
    """Parts in the given order, fixed timestamps and attributes: the same bytes every time."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts:
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            info.create_system = 0
            zf.writestr(info, data, compresslevel=6)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(buf.getvalue())
    tmp.replace(path)


def build(out: Path = DEFAULT_OUT, *, macros: Path = MACROS) -> Path:
    """Write the add-in (.xlam, or .xlsm by the suffix of ``out``) from ``macros/``; return its path."""
    from xlcrm import __version__

    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in _MAIN_TYPES:
        raise ValueError(f"{out}: the add-in must end in .xlam or .xlsm")
    ui = (macros / "customUI14.xml").read_bytes()
    parts = [
        ("[Content_Types].xml", _content_types(_MAIN_TYPES[suffix]).encode()),
        ("_rels/.rels", _root_rels(with_ui=True).encode()),
        ("docProps/core.xml", _CORE.encode()),
        ("docProps/app.xml", _APP.encode()),
        ("xl/workbook.xml", _WORKBOOK.encode()),
        ("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS.encode()),
        ("xl/worksheets/sheet1.xml", _sheet(sheet_rows(__version__, macros)).encode("utf-8")),
        ("xl/styles.xml", StyleBook.minimal().to_xml()),  # the same base styles as write_new
        ("xl/vbaProject.bin", vba_project(bas_files(macros))),
        (CUSTOM_UI_PART, ui),
    ]
    _write_zip(out, parts)
    return out


def add_custom_ui(path: Path, custom_ui: Path = MACROS / "customUI14.xml") -> None:
    """Graft the ribbon part into an existing package (one Excel saved): add the part and its
    relationship in ``_rels/.rels``; every other part is copied unchanged."""
    import re

    path = Path(path)
    with zipfile.ZipFile(path) as zin:
        names = zin.namelist()
        rels = zin.read("_rels/.rels").decode("utf-8")
        if CUSTOM_UI_REL not in rels:
            rel = f'<Relationship Id="rIdXlcrmUI" Type="{CUSTOM_UI_REL}" Target="{CUSTOM_UI_PART}"/>'
            rels = re.sub(r"</Relationships>\s*$", rel + "</Relationships>", rels)
        tmp = path.with_name(path.name + ".tmp")
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zout:
            for name in names:
                if name in ("_rels/.rels", CUSTOM_UI_PART):
                    continue
                info = zin.getinfo(name)
                zout.writestr(info, zin.read(name))
            zout.writestr("_rels/.rels", rels)
            zout.writestr(CUSTOM_UI_PART, custom_ui.read_bytes())
    tmp.replace(path)


def copy_addin(src: Path, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / src.name
    shutil.copyfile(src, target)
    return target
