"""Cell styles for xlcrm's sheets, appended to a workbook's ``xl/styles.xml``.

A workbook's styles part belongs to the user: every cell of every user sheet points into
its ``cellXfs`` by index, so the indices already there must never move. ``StyleBook``
therefore never re-serialises the user's XML. It parses the part (with defusedxml) only to
learn what is there, then splices new ``<font>``, ``<fill>``, ``<border>``, ``<numFmt>``,
``<xf>`` and ``<dxf>`` entries in front of each collection's end tag and updates its
``count``. Everything else (namespace prefixes, ``mc:Ignorable``, ``extLst``, elements we
do not know, comments) stays byte for byte; with nothing appended, ``to_xml()`` returns
the input unchanged.
"""

from __future__ import annotations

import re
import xml.parsers.expat
from dataclasses import dataclass
from xml.sax.saxutils import quoteattr

from defusedxml import ElementTree as SafeET

from xlcrm.errors import XlcrmError

__all__ = ["CellStyle", "DiffStyle", "StyleBook", "StylesError"]


class StylesError(XlcrmError, ValueError):
    """The workbook's styles part cannot be read."""


@dataclass(frozen=True)
class CellStyle:
    """What a cell looks like. Colours are ``RRGGBB`` (or ``AARRGGBB``) hex."""

    num_fmt: str = "General"
    bold: bool = False
    fill: str | None = None
    font_color: str | None = None
    wrap: bool = False
    halign: str | None = None  # left, center, right
    border: bool = False


@dataclass(frozen=True)
class DiffStyle:
    """A differential style (``<dxf>``) for conditional formatting."""

    fill: str | None = None
    font_color: str | None = None
    bold: bool = False


# Number formats every Excel knows by id (ECMA-376 part 1, 18.8.30); they need no <numFmt>.
BUILTIN_FORMATS: dict[str, int] = {
    "General": 0, "0": 1, "0.00": 2, "#,##0": 3, "#,##0.00": 4, "0%": 9, "0.00%": 10,
    "0.00E+00": 11, "# ?/?": 12, "# ??/??": 13, "@": 49,
}
FIRST_CUSTOM_FMT = 164

# Children of <styleSheet> in schema order (CT_Stylesheet is a sequence).
ORDER = ["numFmts", "fonts", "fills", "borders", "cellStyleXfs", "cellXfs", "cellStyles",
         "dxfs", "tableStyles", "colors", "extLst"]

SML_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
STRICT_NS = "http://purl.oclc.org/ooxml/spreadsheetml/main"

_START_TAG = re.compile(rb"""<[^\s/>]+(?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*\s*(/?)>""")
_COUNT = re.compile(rb"""(\scount\s*=\s*)(?:"[^"]*"|'[^']*')""")
_MAX_STYLES_BYTES = 64 * 1024 * 1024


def _argb(color: str) -> str:
    c = color.lstrip("#").upper()
    if not re.fullmatch(r"[0-9A-F]{6}|[0-9A-F]{8}", c):
        raise ValueError(f"colour {color!r} is not RRGGBB or AARRGGBB hex — use e.g. 'FFC7CE'")
    return c if len(c) == 8 else "FF" + c


@dataclass
class _Span:
    """Where a direct child of <styleSheet> sits in the original bytes."""

    qname: str  # as written, with its prefix
    start: int  # offset of '<' of its start tag
    tag_end: int  # offset just after its start tag's '>'
    empty: bool  # written as <x/>
    close: int  # offset of '<' of its end tag (== tag_end for an empty element)


class StyleBook:
    """The styles of one workbook: the user's, untouched, plus what xlcrm appends."""

    def __init__(self, data: bytes, root: object, spans: dict[str, _Span], prefix: str,
                 end_root: int, after_root_tag: int) -> None:
        self._data = data
        self._prefix = prefix  # "" or "x:" (the prefix of the SpreadsheetML namespace)
        self._spans = spans
        self._end_root = end_root
        self._after_root_tag = after_root_tag
        ns = "{" + root.tag[1:].split("}")[0] + "}"  # type: ignore[attr-defined]
        self._ns = ns

        def children(name: str, child: str) -> list:
            el = root.find(ns + name)  # type: ignore[attr-defined]
            return [] if el is None else el.findall(ns + child)

        fonts = children("fonts", "font")
        self._n = {
            "fonts": len(fonts),
            "fills": len(children("fills", "fill")),
            "borders": len(children("borders", "border")),
            "cellStyleXfs": len(children("cellStyleXfs", "xf")),
            "cellXfs": len(children("cellXfs", "xf")),
            "dxfs": len(children("dxfs", "dxf")),
            "numFmts": len(children("numFmts", "numFmt")),
        }
        self._numfmt_ids: dict[str, int] = {}
        self._max_fmt_id = FIRST_CUSTOM_FMT - 1
        for nf in children("numFmts", "numFmt"):
            try:
                fid = int(nf.get("numFmtId", ""))
            except ValueError:
                continue
            self._max_fmt_id = max(self._max_fmt_id, fid)
            self._numfmt_ids.setdefault(nf.get("formatCode", ""), fid)
        self._base_font = self._font_basics(fonts[0] if fonts else None)
        self._added: dict[str, list[str]] = {k: [] for k in ORDER}
        self._cache: dict[object, int] = {}
        # What is already there, by meaning: a second refresh reuses the entries the first one
        # appended (and any identical user entry) instead of growing styles.xml every night.
        self._existing: dict[str, dict[tuple, int]] = {}
        for coll, child in REUSABLE.items():
            seen: dict[tuple, int] = {}
            for i, el in enumerate(children(coll, child)):
                seen.setdefault(_canon(el), i)
            self._existing[coll] = seen

    # ---- reading -------------------------------------------------------------------------

    @classmethod
    def parse(cls, styles_xml: bytes) -> StyleBook:
        """Read an existing ``xl/styles.xml`` (Excel, openpyxl, XlsxWriter, LibreOffice...)."""
        if len(styles_xml) > _MAX_STYLES_BYTES:
            raise StylesError(f"xl/styles.xml is {len(styles_xml):,} bytes, over the "
                              f"{_MAX_STYLES_BYTES:,} limit — the workbook is not usable as is")
        data = _as_utf8(styles_xml)
        try:
            root = SafeET.fromstring(data, forbid_dtd=True)
        except Exception as exc:  # defusedxml raises several classes; all mean the same here
            raise StylesError(f"xl/styles.xml cannot be read ({exc}) — open and save the "
                              "workbook in Excel to repair it") from exc
        if root.tag not in (f"{{{SML_NS}}}styleSheet", f"{{{STRICT_NS}}}styleSheet"):
            raise StylesError(f"xl/styles.xml has root {root.tag!r}, not a SpreadsheetML "
                              "styleSheet — open and save the workbook in Excel to repair it")
        spans, prefix, end_root, after_root_tag = _locate(data)
        return cls(data, root, spans, prefix, end_root, after_root_tag)

    @classmethod
    def minimal(cls) -> StyleBook:
        """The styles of a brand-new workbook (what Excel itself needs to be present)."""
        xml = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<styleSheet xmlns="{SML_NS}">'
            '<fonts count="1"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
            '<fills count="2"><fill><patternFill patternType="none"/></fill>'
            '<fill><patternFill patternType="gray125"/></fill></fills>'
            '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
            '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
            '<dxfs count="0"/>'
            '<tableStyles count="0" defaultTableStyle="TableStyleMedium2" defaultPivotStyle="PivotStyleLight16"/>'
            '</styleSheet>'
        )
        return cls.parse(xml.encode("utf-8"))

    def _font_basics(self, font: object | None) -> list[tuple[str, dict[str, str]]]:
        """sz, name, family, charset, scheme of the default font: new fonts look like it."""
        if font is None:
            return [("sz", {"val": "11"}), ("name", {"val": "Calibri"}), ("family", {"val": "2"})]
        out = []
        for tag in ("sz", "color", "name", "family", "charset", "scheme"):
            el = font.find(self._ns + tag)  # type: ignore[attr-defined]
            if el is not None:
                out.append((tag, {k: v for k, v in el.attrib.items() if "}" not in k}))
        return out

    # ---- appending -----------------------------------------------------------------------

    def _el(self, name: str) -> str:
        return self._prefix + name

    def _append(self, coll: str, xml: str) -> int:
        key = (coll, xml)
        if key in self._cache:
            return self._cache[key]
        if coll in self._existing:
            p = self._prefix[:-1]
            decl = f' xmlns:{p}="{self._ns[1:-1]}"' if p else f' xmlns="{self._ns[1:-1]}"'
            found = self._existing[coll].get(_canon(SafeET.fromstring(f"<{self._prefix}w{decl}>"
                                                                       f"{xml}</{self._prefix}w>")[0]))
            if found is not None:
                self._cache[key] = found
                return found
        self._added[coll].append(xml)
        idx = self._n[coll] + len(self._added[coll]) - 1
        self._cache[key] = idx
        return idx

    def _font_xml(self, bold: bool, color: str | None, *, full: bool) -> str:
        """A <font>: the default font's size/name/family (when ``full``) with bold and colour."""
        p = self._prefix
        items = list(self._base_font) if full else []
        if color is not None:
            items = [it for it in items if it[0] != "color"]
            at = 1 if items and items[0][0] == "sz" else 0  # CT_Font order: b, sz, color, name...
            items.insert(at, ("color", {"rgb": _argb(color)}))
        parts = [f"<{p}b/>"] if bold else []
        parts += [f"<{p}{tag}" + "".join(f" {k}={quoteattr(v)}" for k, v in attrs.items()) + "/>"
                  for tag, attrs in items]
        return f"<{p}font>" + "".join(parts) + f"</{p}font>"

    def _num_fmt_id(self, code: str) -> int:
        if code in BUILTIN_FORMATS:
            return BUILTIN_FORMATS[code]
        if code in self._numfmt_ids:
            return self._numfmt_ids[code]
        self._max_fmt_id += 1
        fid = self._max_fmt_id
        self._numfmt_ids[code] = fid
        self._added["numFmts"].append(
            f'<{self._el("numFmt")} numFmtId="{fid}" formatCode={quoteattr(code)}/>')
        return fid

    def xf(self, style: CellStyle) -> int:
        """Index into ``cellXfs`` of a cell format looking like ``style`` (appended once)."""
        if style == CellStyle():
            return 0  # the workbook's Normal style: what an unstyled cell shows anyway
        if style in self._cache:
            return self._cache[style]
        p = self._prefix
        fmt_id = self._num_fmt_id(style.num_fmt)
        font_id = 0
        if style.bold or style.font_color:
            font_id = self._append("fonts", self._font_xml(style.bold, style.font_color, full=True))
        fill_id = 0
        if style.fill:
            fill_id = self._append("fills", (
                f'<{p}fill><{p}patternFill patternType="solid"><{p}fgColor rgb="{_argb(style.fill)}"/>'
                f'<{p}bgColor indexed="64"/></{p}patternFill></{p}fill>'))
        border_id = 0
        if style.border:
            side = '<{p}{s} style="thin"><{p}color rgb="FFBFBFBF"/></{p}{s}>'
            border_id = self._append("borders", f"<{p}border>" + "".join(
                side.format(p=p, s=s) for s in ("left", "right", "top", "bottom")
            ) + f"<{p}diagonal/></{p}border>")
        if self._n["cellStyleXfs"] == 0 and not self._added["cellStyleXfs"]:
            self._append("cellStyleXfs", f'<{p}xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>')
        if self._n["cellXfs"] == 0 and not self._added["cellXfs"]:
            self._append("cellXfs", f'<{p}xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>')
        attrs = (f'numFmtId="{fmt_id}" fontId="{font_id}" fillId="{fill_id}" '
                 f'borderId="{border_id}" xfId="0"')
        applies = [("applyNumberFormat", fmt_id != 0), ("applyFont", font_id != 0),
                   ("applyFill", fill_id != 0), ("applyBorder", border_id != 0),
                   ("applyAlignment", bool(style.wrap or style.halign))]
        attrs += "".join(f' {k}="1"' for k, on in applies if on)
        if style.wrap or style.halign:
            align = f"<{p}alignment"
            if style.halign:
                align += f' horizontal="{style.halign}"'
            align += ' vertical="center"' if style.halign else ""
            align += ' wrapText="1"' if style.wrap else ""
            xml = f"<{p}xf {attrs}>{align}/></{p}xf>"
        else:
            xml = f"<{p}xf {attrs}/>"
        idx = self._append("cellXfs", xml)
        self._cache[style] = idx
        return idx

    def dxf(self, style: DiffStyle) -> int:
        """Index into ``dxfs`` of a conditional-formatting style (appended once)."""
        if style in self._cache:
            return self._cache[style]
        p = self._prefix
        body = ""
        if style.bold or style.font_color:
            body += self._font_xml(style.bold, style.font_color, full=False)
        if style.fill:
            # In a dxf the solid fill colour is bgColor (what Excel itself writes).
            body += (f"<{p}fill><{p}patternFill><{p}bgColor rgb=\"{_argb(style.fill)}\"/>"
                     f"</{p}patternFill></{p}fill>")
        idx = self._append("dxfs", f"<{p}dxf>{body}</{p}dxf>")
        self._cache[style] = idx
        return idx

    # ---- writing -------------------------------------------------------------------------

    def to_xml(self) -> bytes:
        """The styles part: the user's bytes with xlcrm's entries spliced in."""
        if not any(self._added.values()):
            return self._data
        edits: list[tuple[int, int, bytes]] = []  # (start, end, replacement), non-overlapping
        for coll, items in self._added.items():
            if not items:
                continue
            new = "".join(items).encode("utf-8")
            span = self._spans.get(coll)
            if span is None:
                total = len(items)
                xml = (f'<{self._el(coll)} count="{total}">'.encode() + new
                       + f"</{self._el(coll)}>".encode())
                edits.append((self._insert_at(coll), self._insert_at(coll), xml))
                continue
            total = self._n[coll] + len(items)
            tag = self._data[span.start:span.tag_end]
            tag = _set_count(tag, total)
            if span.empty:
                tag = tag[:-2].rstrip() + b">"
                edits.append((span.start, span.tag_end, tag + new + f"</{span.qname}>".encode()))
            else:
                edits.append((span.start, span.tag_end, tag))
                edits.append((span.close, span.close, new))
        out = bytearray()
        pos = 0
        for start, end, rep in sorted(edits, key=lambda e: (e[0], e[1])):
            out += self._data[pos:start] + rep
            pos = end
        out += self._data[pos:]
        return bytes(out)

    def _insert_at(self, coll: str) -> int:
        """Where a missing collection goes: schema order; numFmts is always the first child."""
        if coll == "numFmts":
            return self._after_root_tag
        for later in ORDER[ORDER.index(coll) + 1:]:
            if later in self._spans:
                return self._spans[later].start
        return self._end_root


# Collections whose existing entries may be reused, and their child element.
REUSABLE = {"fonts": "font", "fills": "fill", "borders": "border", "cellXfs": "xf", "dxfs": "dxf"}


def _canon(el: object) -> tuple:
    """An element's meaning for comparison: tag, attributes in any order, children, text."""
    return (el.tag, tuple(sorted(el.attrib.items())),  # type: ignore[attr-defined]
            (el.text or "").strip(), tuple(_canon(c) for c in el))  # type: ignore[attr-defined]


def _set_count(tag: bytes, n: int) -> bytes:
    if _COUNT.search(tag):
        return _COUNT.sub(lambda m: m.group(1) + f'"{n}"'.encode(), tag, count=1)
    m = re.match(rb"<[^\s/>]+", tag)
    assert m is not None
    return tag[:m.end()] + f' count="{n}"'.encode() + tag[m.end():]


def _as_utf8(data: bytes) -> bytes:
    """Styles parts are UTF-8 in practice; a UTF-16 one is re-encoded (its declaration too)."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        text = data.decode("utf-16")
        text = re.sub(r'^(<\?xml[^>]*encoding=)(["\'])[^"\']*\2', r'\1"UTF-8"', text)
        return text.encode("utf-8")
    return data[3:] if data[:3] == b"\xef\xbb\xbf" else data


def _locate(data: bytes) -> tuple[dict[str, _Span], str, int, int]:
    """Byte offsets of <styleSheet>'s direct children, found with expat (no namespaces).

    Called only after defusedxml accepted the document (no DTD, so no entities).
    """
    parser = xml.parsers.expat.ParserCreate()
    depth = 0
    spans: dict[str, _Span] = {}
    open_child: list[_Span] = []
    root: dict[str, object] = {}

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal depth
        pos = parser.CurrentByteIndex
        m = _START_TAG.match(data, pos)
        assert m is not None, "expat and the tag pattern disagree"
        if depth == 0:
            root["qname"] = name
            root["tag_end"] = m.end()
        elif depth == 1:
            local = name.split(":")[-1]
            span = _Span(name, pos, m.end(), bool(m.group(1)), m.end())
            open_child.append(span)
            if local in ORDER and local not in spans:
                spans[local] = span
        depth += 1

    def end(name: str) -> None:
        nonlocal depth
        depth -= 1
        if depth == 1:
            span = open_child.pop()
            if not span.empty:
                span.close = parser.CurrentByteIndex
        elif depth == 0:
            root["close"] = parser.CurrentByteIndex

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.Parse(data, True)
    qname = str(root["qname"])
    prefix = qname.split(":")[0] + ":" if ":" in qname else ""
    return spans, prefix, int(root["close"]), int(root["tag_end"])  # type: ignore[arg-type]
