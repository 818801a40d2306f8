"""How xlcrm recognises its own sheets (DESIGN.md invariant 2).

Each xlcrm sheet is named by a hidden workbook-level defined name ``_xlcrm_<role>``
whose value refers to the sheet (``'客户分级'!$A$1``). A renamed sheet keeps its name
reference in Excel, so the marker survives a rename. Its tables are named ``xlcrm_<role>``
(plus ``_<suffix>`` for a further table on the sheet).

A marker alone proves nothing: defined names travel with sheets copied between workbooks,
and a marker that pointed at a user's sheet once got that sheet deleted. So a sheet is
xlcrm's only when everything agrees (``recognise``):

1. the name is workbook-scoped and its role is one xlcrm writes (``ROLES``);
2. it names a worksheet (not a chart sheet) by its exact name, as Excel itself writes it;
3. no other marker names the same sheet;
4. the sheet holds a table named ``xlcrm_<role>``, and every table on it is ``xlcrm_<role>``
   or ``xlcrm_<role>_...``;
5. it holds nothing xlcrm does not write: its only relationships are those tables (a
   drawing on the dashboard, for its charts; printer settings Excel adds on printing) and
   its used range (``<dimension>``) lies within the tables and the title row above them.

A marker that fails is ignored and reported (``Rejected``): its sheet is the user's, it is
read as input and never removed or overwritten; xlcrm writes its own sheet beside it under a
name that does not collide, and points the marker there. Reader and writer both call
``recognise``, so they always agree on which sheets are xlcrm's.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import unquote

from xlcrm.i18n import SHEETS

PREFIX = "_xlcrm_"
TABLE_PREFIX = "xlcrm_"
# Every role xlcrm writes a sheet for. A new role needs a table named xlcrm_<role> on its sheet.
ROLES = frozenset(SHEETS)

_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_REL_TABLE = _R + "/table"
_REL_DRAWING = _R + "/drawing"
_REL_PRINTER = _R + "/printerSettings"
# Relationship types each role's sheet may have besides its tables.
_ALLOWED_RELS = {_REL_PRINTER}
_ALLOWED_RELS_BY_ROLE = {"dashboard": {_REL_DRAWING}}
_WHAT = {"comments": ("comments", "批注"), "vmlDrawing": ("comments or controls", "批注或控件"),
         "pivotTable": ("a pivot table", "数据透视表"), "drawing": ("pictures or charts", "图片或图表"),
         "hyperlink": ("hyperlinks", "超链接"), "oleObject": ("embedded objects", "嵌入对象"),
         "control": ("controls", "控件"), "slicer": ("slicers", "切片器"),
         "queryTable": ("a query table", "查询表")}


def defined_name(role: str) -> str:
    return f"{PREFIX}{role}"


def ref_to_sheet(sheet: str) -> str:
    """The value of the marker name for ``sheet``: ``'My Sheet'!$A$1`` (quotes doubled)."""
    return "'" + sheet.replace("'", "''") + "'!$A$1"


_REF = re.compile(r"^(?:'((?:[^']|'')+)'|([^'!]+))!")


def sheet_of_ref(ref: str) -> str | None:
    """The sheet a marker value refers to, or None for an unusable value (#REF!)."""
    m = _REF.match(ref.strip().lstrip("="))
    if not m:
        return None
    return m.group(1).replace("''", "'") if m.group(1) is not None else m.group(2)


def role_of_name(name: str) -> str | None:
    return name[len(PREFIX):] if name.startswith(PREFIX) else None


@dataclass(frozen=True)
class Rejected:
    """A ``_xlcrm_*`` name that does not prove its sheet is xlcrm's: ignored, and reported."""

    name: str  # the defined name, e.g. _xlcrm_customers
    sheet: str  # the sheet it names ('' if none)
    reason: str  # why, in English ...
    reason_zh: str  # ... and in Chinese

    def problem(self, lang: str) -> str:
        if lang == "zh":
            return (f"隐藏名称 {self.name} 指向工作表“{self.sheet}”，但{self.reason_zh}；xlcrm 忽略该名称，"
                    "此表按您的数据处理，不会删除或覆盖")
        return (f"the hidden name {self.name} points at sheet '{self.sheet}', but {self.reason}; xlcrm "
                "ignored the name and treats the sheet as yours (never removed or overwritten)")

    def fix(self, lang: str) -> str:
        if lang == "zh":
            return "如该表是您的数据，无需处理（xlcrm 的结果写在另一张表）；在“公式 > 名称管理器”中删除该名称可消除此提示"
        return ("nothing to do if the sheet is yours (xlcrm writes its results to a sheet of its own); "
                "delete the name in Formulas > Name Manager to silence this")


@dataclass
class Recognition:
    owned: dict[str, str] = field(default_factory=dict)  # role -> sheet name
    rejected: list[Rejected] = field(default_factory=list)

    def sheet_roles(self) -> dict[str, str]:
        """sheet name -> role (the reader's view)."""
        return {sheet: role for role, sheet in self.owned.items()}


@dataclass(frozen=True)
class SheetInfo:
    name: str
    part: str | None  # the worksheet part; None when the sheet is not a worksheet (chart sheet)


def recognise(names: Iterable[tuple[str, str | None, str]], sheets: Iterable[SheetInfo],
              read: Callable[[str], bytes | None], head: Callable[[str], bytes]) -> Recognition:
    """Which sheets are xlcrm's (see the module docstring).

    ``names``: the workbook's defined names as (name, localSheetId or None, value);
    ``sheets``: every sheet of the workbook; ``read(part)``: a small part's bytes (relations,
    tables), None if absent; ``head(part)``: the first bytes of a worksheet part (64 KiB is
    plenty: <dimension> comes before the cells).
    """
    sheets = list(sheets)
    exact = {s.name: s for s in sheets}
    folded = {s.name.casefold(): s for s in sheets}
    out = Recognition()
    claimed: dict[str, str] = {}  # sheet -> marker name
    for name, local, value in names:
        role = role_of_name(name)
        if role is None or local is not None:
            continue
        target = sheet_of_ref(value or "")
        if target is None:  # #REF!: its sheet was deleted; the next write replaces the name
            continue
        sheet = exact.get(target)
        if sheet is None:
            other = folded.get(target.casefold())
            if other is not None:
                out.rejected.append(Rejected(name, target, f"the workbook has only a sheet '{other.name}' "
                                             "(different case)", f"工作簿中只有大小写不同的“{other.name}”"))
            continue
        why = _why_not(role, sheet, claimed, read, head)
        if why is not None:
            out.rejected.append(Rejected(name, sheet.name, *why))
            continue
        if role in out.owned:
            out.rejected.append(Rejected(name, sheet.name, "the same name appears twice", "该名称重复"))
            continue
        claimed[sheet.name] = name
        out.owned[role] = sheet.name
    return out


def _why_not(role: str, sheet: SheetInfo, claimed: dict[str, str],
             read: Callable[[str], bytes | None], head: Callable[[str], bytes]) -> tuple[str, str] | None:
    if role not in ROLES:
        return (f"'{role}' is not a sheet xlcrm writes", f"“{role}”不是 xlcrm 生成的表")
    if sheet.part is None:
        return "it is a chart sheet, which xlcrm never writes", "它是图表工作表，xlcrm 从不生成"
    if sheet.name in claimed:
        return f"{claimed[sheet.name]} already names that sheet", f"{claimed[sheet.name]} 已指向该表"
    expected = TABLE_PREFIX + role
    tables: list[tuple[int, int, int, int]] = []
    found = False
    for rtype, part in _rels(sheet.part, read):
        kind = rtype.rsplit("/", 1)[-1]
        if rtype == _REL_TABLE:
            data = read(part) if part else None
            tname, ref = _table(data) if data else ("", None)
            if tname.casefold() == expected.casefold():
                found = True
            elif not tname.casefold().startswith(expected.casefold() + "_"):
                return (f"it holds the table '{tname}', which xlcrm did not write",
                        f"表中有不是 xlcrm 生成的表格“{tname}”")
            if ref is not None:
                tables.append(ref)
        elif rtype not in _ALLOWED_RELS | _ALLOWED_RELS_BY_ROLE.get(role, set()):
            en, zh = _WHAT.get(kind, (kind, kind))
            return f"it holds {en}, which xlcrm does not write", f"表中有 xlcrm 不会生成的{zh}"
    if not found:
        return (f"it has no table named {expected} (xlcrm writes one on each of its sheets)",
                f"表中没有 xlcrm 的表格 {expected}")
    used = _dimension(head(sheet.part))
    if used is not None and tables:
        top = max(1, min(t[0] for t in tables) - 1)  # a caption sits in the row above a table
        box = (top, min(t[1] for t in tables), max(t[2] for t in tables), max(t[3] for t in tables))
        if not (used[0] >= box[0] and used[1] >= box[1] and used[2] <= box[2] and used[3] <= box[3]):
            return ("it has cells outside xlcrm's tables (used range "
                    f"{_a1(used[0], used[1])}:{_a1(used[2], used[3])})",
                    f"表中 xlcrm 表格以外还有单元格（已用区域 {_a1(used[0], used[1])}:{_a1(used[2], used[3])}）")
    return None


def _parse(data: bytes):  # noqa: ANN202 - an ElementTree element
    import defusedxml.ElementTree as DET

    try:
        return DET.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except Exception:  # noqa: BLE001 - unreadable: treated as absent (the marker then fails)
        return None


def _rels(part: str, read: Callable[[str], bytes | None]) -> list[tuple[str, str | None]]:
    folder, base = posixpath.split(part)
    data = read(posixpath.join(folder, "_rels", base + ".rels"))
    root = _parse(data) if data else None
    out: list[tuple[str, str | None]] = []
    for rel in (root if root is not None else []):
        target = rel.get("Target") or ""
        if rel.get("TargetMode") == "External":
            out.append((rel.get("Type") or "", None))
            continue
        target = unquote(target)
        name = posixpath.normpath(target[1:] if target.startswith("/") else posixpath.join(folder, target))
        out.append((rel.get("Type") or "", name))
    return out


def _table(data: bytes) -> tuple[str, tuple[int, int, int, int] | None]:
    root = _parse(data)
    if root is None:
        return "", None
    return root.get("displayName") or root.get("name") or "", _range(root.get("ref") or "")


_CELL = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"([^\"]*)\"")


def _range(ref: str) -> tuple[int, int, int, int] | None:
    """``A1:K20`` -> (row0, col0, row1, col1)."""
    ends = ref.split(":")
    cells = [_CELL.match(e.strip()) for e in ends]
    if not ends or len(ends) > 2 or not all(cells):
        return None
    (c0, r0), (c1, r1) = [(_col(m.group(1)), int(m.group(2))) for m in cells][0], \
        [(_col(m.group(1)), int(m.group(2))) for m in cells][-1]
    return min(r0, r1), min(c0, c1), max(r0, r1), max(c0, c1)


def _dimension(data: bytes) -> tuple[int, int, int, int] | None:
    m = _DIMENSION.search(data)
    return _range(m.group(1).decode("ascii", "replace")) if m else None


def _col(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def _a1(row: int, col: int) -> str:
    letters = ""
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return f"{letters}{row}"
