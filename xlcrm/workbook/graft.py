"""Graft xlcrm's sheets into a workbook package; everything of the user's stays as it was.

``Graft(pkg)`` reads the package's bookkeeping parts (workbook.xml and its relations,
[Content_Types].xml, styles.xml, docProps/app.xml), finds xlcrm's previous sheets by their
marker names (``xlcrm.workbook.marker``) and offers what the renderer needs (``styles``,
``date1904``, ``first_table_id``, ``sheet_name``). ``apply(rendered)`` then plans the new
package as a ``GraftPlan``: parts to delete, bookkeeping parts to replace, new parts to
add. ``write_plan`` writes it, copying every untouched member's compressed bytes as they
are, in their original order.

What goes with an old xlcrm sheet: its worksheet part and every part reachable from it
through relationships and from nothing else (tables, drawings, charts, comments, printer
settings; an image another sheet also uses stays), its marker name, its sheet-scoped
defined names (print areas, ``_xlnm._FilterDatabase``), its content-type overrides and its
title in docProps/app.xml. calcChain.xml goes too when it refers to a removed sheet
(Excel rebuilds it). User sheets keep their order and xlcrm's follow them, so the
``localSheetId`` of names and the ``activeTab``/``firstSheet`` of the book views are
recomputed from positions.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from typing import IO, Any

from lxml import etree

from xlcrm import i18n
from xlcrm.errors import NotAWorkbook, UnusableWorkbook
from xlcrm.model import SheetSpec
from xlcrm.workbook import charts, marker
from xlcrm.workbook.package import NS_PKG_REL, Package, relative, rels_name
from xlcrm.workbook.styles import StyleBook, StylesError

NS_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
NS_EP = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
NS_VT = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
REL_WORKSHEET = NS_R + "/worksheet"
REL_TABLE = NS_R + "/table"
REL_STYLES = NS_R + "/styles"
REL_CALC_CHAIN = NS_R + "/calcChain"
REL_EXT_PROPS = NS_R + "/extended-properties"
CT_WORKSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
CT_TABLE = "application/vnd.openxmlformats-officedocument.spreadsheetml.table+xml"
CT_STYLES = "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"
CT_RELS = "application/vnd.openxmlformats-package.relationships+xml"

# Children of <workbook> that may come before <definedNames>, in schema order.
_BEFORE_NAMES = ("fileVersion", "fileSharing", "workbookPr", "workbookProtection", "bookViews",
                 "sheets", "functionGroups", "externalReferences")
_BAD_SHEET_CHARS = re.compile(r"[\\/?*\[\]:]")
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_NEW_TIME = (1980, 1, 1, 0, 0, 0)  # fixed member timestamps: same input -> same bytes


class GraftError(UnusableWorkbook):
    """The package cannot take xlcrm's sheets as they are (e.g. a table name clash)."""


@dataclass
class GraftPlan:
    """What to write: untouched members are copied raw, in their original order."""

    delete: set[str] = field(default_factory=set)
    replace: dict[str, bytes] = field(default_factory=dict)
    add: dict[str, bytes] = field(default_factory=dict)  # new members, written at the end in order
    written: list[str] = field(default_factory=list)  # sheet names written
    removed: list[str] = field(default_factory=list)  # sheet names removed


def _local(el: Any) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def _xml_bytes(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


class Graft:
    """The package's bookkeeping, parsed once; see the module docstring."""

    def __init__(self, pkg: Package) -> None:
        self.pkg = pkg
        self.wb_part = pkg.workbook_part()
        self.wb = pkg.xml(self.wb_part)
        self.ns = etree.QName(self.wb).namespace or ""
        self.wb_rels = pkg.xml(rels_name(self.wb_part)) if rels_name(self.wb_part) in pkg.names \
            else etree.Element(f"{{{NS_PKG_REL}}}Relationships", nsmap={None: NS_PKG_REL})
        self.ct = pkg.xml("[Content_Types].xml") if "[Content_Types].xml" in pkg.names else None
        if self.ct is None:
            raise GraftError(pkg.path, "the package has no [Content_Types].xml",
                             "re-save the workbook in Excel")
        self.rel_by_id = {r.get("Id"): r for r in self.wb_rels}
        self.sheets_el = self._child(self.wb, "sheets")
        if self.sheets_el is None:
            raise GraftError(pkg.path, "workbook.xml has no <sheets>", "re-save the workbook in Excel")
        pr = self._child(self.wb, "workbookPr")
        self.date1904 = pr is not None and pr.get("date1904", "0").lower() in ("1", "true")
        # Parts reachable through relationships, for removing exactly what hangs off a sheet.
        self.edges = self._edges()
        self.owned = self._owned()  # role -> <sheet> element
        owned_ids = {id(el) for el in self.owned.values()}
        self.kept = [el for el in self.sheets_el if _local(el) == "sheet" and id(el) not in owned_ids]
        self.styles_part = self._styles_part()
        data = pkg.read(self.styles_part) if self.styles_part in pkg.names else None
        if data is not None:
            pkg.xml(self.styles_part)  # the safe parse first: bombs get UnsafeWorkbook
        try:
            self.styles = StyleBook.parse(data) if data is not None else StyleBook.minimal()
        except StylesError as exc:
            raise NotAWorkbook(pkg.path, f"its styles part cannot be used ({exc})",
                               "open and save the workbook in Excel") from None
        self._styles_new = data is None
        self.first_table_id = 1 + max(self._table_ids(), default=0)
        # Table names share one namespace with the workbook's defined names (not our markers).
        self._table_names |= {dn.get("name", "").casefold() for dn in self._defined_names()
                              if marker.role_of_name(dn.get("name", "")) is None}
        self._taken_names = {el.get("name", "").casefold() for el in self.kept}

    # -- reading ----------------------------------------------------------------------
    def _child(self, parent: etree._Element, name: str) -> etree._Element | None:
        for el in parent:
            if _local(el) == name:
                return el
        return None

    def _edges(self) -> dict[str, list[str]]:
        edges: dict[str, list[str]] = {}
        for name in self.pkg.names:
            if not name.endswith(".rels"):
                continue
            folder, base = posixpath.split(name)
            if posixpath.basename(folder) != "_rels":
                continue
            source = posixpath.join(posixpath.dirname(folder), base[:-5])
            edges[source] = [r["part"] for r in self.pkg.rels(source) if "part" in r]
        return edges

    def _sheet_part(self, el: etree._Element) -> str | None:
        rel = self.rel_by_id.get(el.get(f"{{{NS_R}}}id"))
        if rel is None or rel.get("TargetMode") == "External":
            return None
        return self.pkg.part_of(self.wb_part, rel.get("Target", ""))

    def _defined_names(self) -> list[etree._Element]:
        names = self._child(self.wb, "definedNames")
        return [el for el in names if _local(el) == "definedName"] if names is not None else []

    def _owned(self) -> dict[str, etree._Element]:
        """role -> <sheet> of xlcrm's own sheets: only where ``marker.recognise`` agrees."""
        sheet_els = [el for el in self.sheets_el if _local(el) == "sheet"]
        infos = []
        for el in sheet_els:
            rel = self.rel_by_id.get(el.get(f"{{{NS_R}}}id"))
            worksheet = rel is not None and rel.get("Type") == REL_WORKSHEET
            infos.append(marker.SheetInfo(el.get("name", ""), self._sheet_part(el) if worksheet else None))
        names = [(dn.get("name", ""), dn.get("localSheetId"), dn.text or "") for dn in self._defined_names()]
        found = marker.recognise(names, infos, self._part_or_none, self._head)
        self.rejected = found.rejected
        by_name = {el.get("name", ""): el for el in sheet_els}
        return {role: by_name[sheet] for role, sheet in found.owned.items()}

    def _part_or_none(self, name: str) -> bytes | None:
        name = self.pkg.part_of("", "/" + name)  # OPC names compare case-insensitively
        return self.pkg.read(name) if name in self.pkg.names else None

    def _head(self, name: str) -> bytes:
        info = self.pkg.names.get(self.pkg.part_of("", "/" + name))
        if info is None:
            return b""
        try:
            with self.pkg.zip.open(info) as fh:
                return fh.read(1 << 16)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, RuntimeError):
            return b""  # a damaged part: the deep check names it

    def _styles_part(self) -> str:
        for rel in self.wb_rels:
            if rel.get("Type") == REL_STYLES and rel.get("TargetMode") != "External":
                return self.pkg.part_of(self.wb_part, rel.get("Target", ""))
        return posixpath.join(posixpath.dirname(self.wb_part), "styles.xml")

    def _table_parts(self) -> dict[str, tuple[bool, str]]:
        """Every table part of a worksheet -> (whether it belongs to one of xlcrm's sheets, its sheet part)."""
        mine = {self._sheet_part(el) for el in self.owned.values()}
        out: dict[str, tuple[bool, str]] = {}
        for name in self.pkg.names:
            if name.endswith(".rels") and "/worksheets/_rels/" in f"/{name}":
                source = posixpath.join(posixpath.dirname(posixpath.dirname(name)),
                                        posixpath.basename(name)[:-5])
                for r in self.pkg.rels(source):
                    if r.get("Type") == REL_TABLE and r.get("part") in self.pkg.names:
                        out[r["part"]] = (out.get(r["part"], (False, source))[0] or source in mine, source)
        return out

    def _table_ids(self) -> list[int]:
        """Ids and names of the user's tables: ours must not clash with them. Our old tables
        go, so their ids are free again (the same input gives the same ids, the same bytes)."""
        ids = []
        self._table_names: set[str] = set()
        self._table_sheet: dict[str, str] = {}  # table name -> the sheet it is on
        sheet_of = {self._sheet_part(el): el.get("name", "") for el in self.sheets_el if _local(el) == "sheet"}
        for part, (mine, source) in self._table_parts().items():
            if mine:
                continue
            root = self.pkg.xml(part)
            if (root.get("id") or "").isdigit():
                ids.append(int(root.get("id")))
            for attr in ("name", "displayName"):
                if root.get(attr):
                    self._table_names.add(root.get(attr).casefold())
                    self._table_sheet[root.get(attr).casefold()] = sheet_of.get(source, "")
        return ids

    # -- naming -----------------------------------------------------------------------
    def sheet_name(self, spec: SheetSpec) -> str:
        """The name the sheet gets: the user's rename of xlcrm's sheet is kept, clashes with a
        user sheet get a numbered suffix; reserves the name."""
        name = spec.name
        old = self.owned.get(spec.role)
        if old is not None and spec.role in i18n.SHEETS and old.get("name") not in i18n.SHEETS[spec.role]:
            name = old.get("name")  # renamed by the user: keep their name
        name = _XML_ILLEGAL.sub("", _BAD_SHEET_CHARS.sub("_", name)).strip("'")[:31] or spec.role[:31]
        base, n = name, 2
        while name.casefold() in self._taken_names:
            suffix = f" ({n})"
            name = base[:31 - len(suffix)] + suffix
            n += 1
        self._taken_names.add(name.casefold())
        return name

    # -- planning ---------------------------------------------------------------------
    def apply(self, rendered: list[tuple[SheetSpec, Any]]) -> GraftPlan:
        """Plan the package with ``rendered`` = [(spec with its final name, RenderedSheet)]."""
        plan = GraftPlan()
        all_sheets = [el for el in self.sheets_el if _local(el) == "sheet"]
        removed = [el for el in all_sheets if any(el is o for o in self.owned.values())]
        plan.removed = [el.get("name") for el in removed]
        if len(all_sheets) - len(removed) + len(rendered) == 0:
            raise ValueError(f"{self.pkg.path}: the workbook would have no sheet left; "
                             "a workbook needs at least one")
        removed_rids = {el.get(f"{{{NS_R}}}id") for el in removed}

        # 1. Parts that hang off the removed sheets only.
        before = self._reachable(set())
        calc_rels = [r for r in self.wb_rels if r.get("Type") == REL_CALC_CHAIN]
        old_ids = {el.get("sheetId") for el in removed}
        drop_calc = bool(removed) and any(self._calc_refers(r, old_ids) for r in calc_rels)
        drop_rids = set(removed_rids) | ({r.get("Id") for r in calc_rels} if drop_calc else set())
        after = self._reachable(drop_rids)
        gone = (before - after) & set(self.pkg.names)
        plan.delete = gone | {rels_name(p) for p in gone if rels_name(p) in self.pkg.names}

        # 2. Workbook relations: drop the removed ones, add the new sheets.
        for rel in list(self.wb_rels):
            if rel.get("Id") in drop_rids:
                self.wb_rels.remove(rel)
        taken_rids = {r.get("Id") for r in self.wb_rels}
        taken_parts = set(self.pkg.names) - plan.delete
        sheet_dir = posixpath.join(posixpath.dirname(self.wb_part), "worksheets")
        table_dir = posixpath.join(posixpath.dirname(self.wb_part), "tables")
        max_sheet_id = max((int(el.get("sheetId", "0")) for el in all_sheets
                            if el.get("sheetId", "").isdigit()), default=0)
        used_ids = {el.get("sheetId") for el in all_sheets if all(el is not r for r in removed)}
        new_overrides: list[tuple[str, str]] = []
        new_sheet_els: list[tuple[SheetSpec, dict[str, str]]] = []
        for spec, rs in rendered:
            self._check_tables(rs)
            part = _free(taken_parts, sheet_dir + "/sheet{}.xml")
            while rels_name(part).casefold() in {t.casefold() for t in taken_parts}:  # an orphan relations part
                part = _free(taken_parts, sheet_dir + "/sheet{}.xml")
            rid = _free(taken_rids, "rId{}")
            # The sheetId of the sheet it replaces (stable output); a calcChain naming it was dropped.
            old_el = self.owned.get(spec.role)
            if old_el is not None and (old_el.get("sheetId") or "").isdigit() and \
                    old_el.get("sheetId") not in used_ids:
                sheet_id = old_el.get("sheetId")
            else:
                max_sheet_id += 1
                sheet_id = str(max_sheet_id)
            used_ids.add(sheet_id)
            etree.SubElement(self.wb_rels, f"{{{NS_PKG_REL}}}Relationship",
                             Id=rid, Type=REL_WORKSHEET, Target=relative(self.wb_part, part))
            plan.add[part] = rs.xml
            new_overrides.append((part, CT_WORKSHEET))
            if rs.tables:
                rels = etree.Element(f"{{{NS_PKG_REL}}}Relationships", nsmap={None: NS_PKG_REL})
                for i, table_xml in enumerate(rs.tables, 1):
                    tpart = _free(taken_parts, table_dir + "/table{}.xml")
                    plan.add[tpart] = table_xml
                    new_overrides.append((tpart, CT_TABLE))
                    etree.SubElement(rels, f"{{{NS_PKG_REL}}}Relationship", Id=f"rId{i}",
                                     Type=REL_TABLE, Target=relative(part, tpart))
                # The sheet's charts (xlcrm.workbook.charts): drawing relationship rId{tables+1}.
                target = charts.graft_parts(part, getattr(rs, "drawing", None), getattr(rs, "charts", []),
                                            taken_parts, plan.add, new_overrides)
                if target is not None:
                    etree.SubElement(rels, f"{{{NS_PKG_REL}}}Relationship", Id=f"rId{len(rs.tables) + 1}",
                                     Type=charts.REL_DRAWING, Target=target)
                plan.add[rels_name(part)] = _xml_bytes(rels)
            attrs = {"name": spec.name, "sheetId": sheet_id, "rid": rid,
                     "print_titles": getattr(rs, "print_titles", None) or "",
                     "print_area": getattr(rs, "print_area", None) or ""}
            if spec.hidden:
                attrs["state"] = "hidden"
            if old_el is not None and old_el.get("state") in ("hidden", "veryHidden"):
                attrs["state"] = old_el.get("state")  # the user hid xlcrm's sheet: it stays hidden
            new_sheet_els.append((spec, attrs))
            plan.written.append(spec.name)

        # 3. workbook.xml: sheets, defined names, book views.
        self._edit_workbook(all_sheets, removed, new_sheet_els)

        # 4. styles.xml (appended to by the renderer).
        if self._styles_new and rendered:
            plan.add[self.styles_part] = self.styles.to_xml()
            new_overrides.append((self.styles_part, CT_STYLES))
            etree.SubElement(self.wb_rels, f"{{{NS_PKG_REL}}}Relationship",
                             Id=_free(taken_rids, "rId{}"), Type=REL_STYLES,
                             Target=relative(self.wb_part, self.styles_part))
        elif not self._styles_new:
            styles = self.styles.to_xml()
            if styles != self.pkg.read(self.styles_part):
                plan.replace[self.styles_part] = styles

        # 5. [Content_Types].xml, docProps/app.xml.
        self._edit_content_types(plan.delete, new_overrides)
        plan.replace[self.wb_part] = _xml_bytes(self.wb)
        plan.replace[rels_name(self.wb_part)] = _xml_bytes(self.wb_rels)
        if rels_name(self.wb_part) not in self.pkg.names:
            plan.add[rels_name(self.wb_part)] = plan.replace.pop(rels_name(self.wb_part))
        plan.replace["[Content_Types].xml"] = _xml_bytes(self.ct)
        app = self._edit_app(plan.removed, [spec.name for spec, _ in new_sheet_els])
        if app is not None:
            plan.replace[app[0]] = app[1]
        return plan

    def _reachable(self, drop_wb_rids: set[str]) -> set[str]:
        dropped = set()
        for rid in drop_wb_rids:
            rel = self.rel_by_id.get(rid)
            if rel is not None and rel.get("TargetMode") != "External":
                dropped.add(self.pkg.part_of(self.wb_part, rel.get("Target", "")))
        seen: set[str] = set()
        stack = [""]
        while stack:
            part = stack.pop()
            for nxt in self.edges.get(part, []):
                if part == self.wb_part and nxt in dropped and not self._also_kept(nxt, drop_wb_rids):
                    continue
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append(nxt)
        return seen

    def _also_kept(self, part: str, drop_rids: set[str]) -> bool:
        """Another, kept workbook relationship targets the same part."""
        return any(r.get("Id") not in drop_rids and r.get("TargetMode") != "External"
                   and self.pkg.part_of(self.wb_part, r.get("Target", "")) == part for r in self.wb_rels)

    def _calc_refers(self, rel: etree._Element, sheet_ids: set[str | None]) -> bool:
        part = self.pkg.part_of(self.wb_part, rel.get("Target", ""))
        if part not in self.pkg.names:
            return True
        ids = set(re.findall(rb'\bi="(\d+)"', self.pkg.read(part)))
        return bool(ids & {s.encode() for s in sheet_ids if s}) or not ids

    def _check_tables(self, rs: Any) -> None:
        for name in rs.table_names:
            if name.casefold() in self._table_names:
                sheet = self._table_sheet.get(name.casefold())
                if sheet:  # e.g. xlcrm's old sheet, which holds the user's additions now: refuse, never overwrite
                    raise GraftError(self.pkg.path, f"the sheet '{sheet}' holds a table named {name!r}, the name "
                                     "xlcrm gives its own table, and it is not xlcrm's sheet (it holds more "
                                     "than xlcrm wrote)", "move what you added to another sheet or delete that "
                                     "sheet if it is a stale xlcrm copy; otherwise rename the table "
                                     "(Table Design > Table Name)")
                raise GraftError(self.pkg.path, f"a table or defined name {name!r} already exists",
                                 "rename that table (Table Design > Table Name) or name "
                                 "(Formulas > Name Manager) in Excel")
            self._table_names.add(name.casefold())

    def _edit_workbook(self, all_sheets: list[etree._Element], removed: list[etree._Element],
                       new: list[tuple[SheetSpec, dict[str, str]]]) -> None:
        ns = f"{{{self.ns}}}" if self.ns else ""
        old_pos = {id(el): i for i, el in enumerate(all_sheets)}
        removed_ids = {id(el) for el in removed}
        removed_role = {id(el): role for role, el in self.owned.items()}
        for el in removed:
            self.sheets_el.remove(el)
        kept = [el for el in all_sheets if id(el) not in removed_ids]
        new_pos = {old_pos[id(el)]: i for i, el in enumerate(kept)}
        role_pos = {spec.role: len(kept) + i for i, (spec, _) in enumerate(new)}
        for spec, attrs in new:
            el = etree.SubElement(self.sheets_el, ns + "sheet", nsmap={"r": NS_R})
            el.set("name", attrs["name"])
            el.set("sheetId", attrs["sheetId"])
            if "state" in attrs:
                el.set("state", attrs["state"])
            el.set(f"{{{NS_R}}}id", attrs["rid"])

        def moved(i: int) -> int | None:
            if i in new_pos:
                return new_pos[i]
            el = all_sheets[i] if 0 <= i < len(all_sheets) else None
            if el is not None and id(el) in removed_role:
                return role_pos.get(removed_role[id(el)])
            return None

        # Defined names: drop markers and names scoped to removed sheets; renumber the rest.
        names_el = self._child(self.wb, "definedNames")
        if names_el is not None:
            for dn in list(names_el):
                if _local(dn) != "definedName":
                    continue
                local = dn.get("localSheetId")
                if local is None:
                    # Our markers go (new ones follow); a rejected one only where a new one of
                    # that name replaces it: another role's stays as the user left it.
                    role = marker.role_of_name(dn.get("name", ""))
                    if role is not None and (role in self.owned or role in role_pos):
                        names_el.remove(dn)
                    continue
                if not local.isdigit():
                    continue
                i = int(local)
                if 0 <= i < len(all_sheets) and id(all_sheets[i]) in removed_ids:
                    names_el.remove(dn)
                elif i in new_pos and new_pos[i] != i:
                    dn.set("localSheetId", str(new_pos[i]))
        if new:
            if names_el is None:
                names_el = etree.Element(ns + "definedNames")
                at = max((i for i, el in enumerate(self.wb) if _local(el) in _BEFORE_NAMES), default=-1)
                self.wb.insert(at + 1, names_el)
            for spec, attrs in new:
                dn = etree.SubElement(names_el, ns + "definedName")
                dn.set("name", marker.defined_name(spec.role))
                dn.set("hidden", "1")
                dn.text = marker.ref_to_sheet(attrs["name"])
            for spec, attrs in new:  # print titles and areas: names scoped to the new sheet
                for name, ref in (("_xlnm.Print_Titles", attrs.get("print_titles")),
                                  ("_xlnm.Print_Area", attrs.get("print_area"))):
                    if ref:
                        dn = etree.SubElement(names_el, ns + "definedName")
                        dn.set("name", name)
                        dn.set("localSheetId", str(role_pos[spec.role]))
                        dn.text = f"{charts.sheet_ref(attrs['name'])}!{ref}"
        elif names_el is not None and len(names_el) == 0:
            self.wb.remove(names_el)

        # Book views: activeTab/firstSheet are positions.
        views = self._child(self.wb, "bookViews")
        total = len(kept) + len(new)
        for view in (views if views is not None else []):
            if _local(view) != "workbookView":
                continue
            for attr in ("activeTab", "firstSheet"):
                val = view.get(attr)
                if val is None or not val.isdigit():
                    continue
                # The active tab follows its sheet, also a replaced xlcrm sheet; the first
                # tab shown in the tab bar must not jump past the user's sheets.
                pos = moved(int(val)) if attr == "activeTab" else new_pos.get(int(val))
                pos = 0 if pos is None or pos >= total else pos
                if pos != int(val):
                    view.set(attr, str(pos))

    def _edit_content_types(self, deleted: set[str], new: list[tuple[str, str]]) -> None:
        assert self.ct is not None
        for el in list(self.ct):
            if _local(el) == "Override" and el.get("PartName", "").lstrip("/") in deleted:
                self.ct.remove(el)
        ns = f"{{{NS_CT}}}"
        if new and not any(_local(el) == "Default" and el.get("Extension", "").lower() == "rels"
                           for el in self.ct):
            self.ct.insert(0, etree.Element(ns + "Default", Extension="rels", ContentType=CT_RELS))
        for part, ctype in new:
            etree.SubElement(self.ct, ns + "Override", PartName="/" + part, ContentType=ctype)

    def _edit_app(self, removed: list[str], added: list[str]) -> tuple[str, bytes] | None:
        """docProps/app.xml: the worksheet titles (the block of TitlesOfParts holding them)."""
        part = next((r["part"] for r in self.pkg.rels("") if r.get("Type") == REL_EXT_PROPS
                     and r.get("part") in self.pkg.names), None)
        if part is None:
            return None
        root = self.pkg.xml(part)
        heading = root.find(f"{{{NS_EP}}}HeadingPairs/{{{NS_VT}}}vector")
        titles = root.find(f"{{{NS_EP}}}TitlesOfParts/{{{NS_VT}}}vector")
        if heading is None or titles is None:
            return None
        variants = [v for v in heading if _local(v) == "variant"]
        pairs = []
        for i in range(0, len(variants) - 1, 2):
            count_el = next((c for c in variants[i + 1].iter() if _local(c) in ("i4", "int")), None)
            if count_el is None or not (count_el.text or "").strip().isdigit():
                return None
            pairs.append(count_el)
        items = [t for t in titles if _local(t) == "lpstr"]
        if sum(int(c.text) for c in pairs) != len(items):
            return None  # not laid out as we expect: leave it alone (it is only metadata)
        # The worksheet block: the first one whose titles are all sheet names of the workbook.
        sheet_names = {el.get("name") for el in self.sheets_el if _local(el) == "sheet"} | set(removed)
        start = 0
        block = None
        for k, count_el in enumerate(pairs):
            n = int(count_el.text)
            names = [t.text for t in items[start:start + n]]
            if n and all(nm in sheet_names for nm in names):
                block = (k, start, n)
                break
            start += n
        if block is None:
            return None
        k, start, n = block
        gone = set(removed)
        keep = [t for t in items[start:start + n] if t.text not in gone]
        for t in items[start:start + n]:
            if t.text in gone:
                titles.remove(t)
        anchor = keep[-1] if keep else (items[start - 1] if start else None)
        at = list(titles).index(anchor) + 1 if anchor is not None else 0
        for name in added:
            el = etree.Element(f"{{{NS_VT}}}lpstr")
            el.text = name
            titles.insert(at, el)
            at += 1
        pairs[k].text = str(len(keep) + len(added))
        titles.set("size", str(len([t for t in titles if _local(t) == "lpstr"])))
        return part, _xml_bytes(root)


def _free(taken: set[str], pattern: str) -> str:
    """The first free name; part names compare case-insensitively (ECMA-376 Part 2, 6.2.2.3):
    beside the user's ``Sheet1.xml`` our sheet must not be ``sheet1.xml``."""
    folded = {t.casefold() for t in taken}
    n = 1
    while pattern.format(n).casefold() in folded:
        n += 1
    name = pattern.format(n)
    taken.add(name)
    return name


def write_plan(pkg: Package, plan: GraftPlan, out: IO[bytes]) -> None:
    """Write the planned package to ``out`` (a seekable binary file)."""
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as zf:
        for info in pkg.infos:
            name = info.filename
            if name in plan.delete:
                continue
            if name in plan.replace:
                zi = zipfile.ZipInfo(name, info.date_time)
                zi.external_attr = info.external_attr
                zi.compress_type = zipfile.ZIP_DEFLATED
                zf.writestr(zi, plan.replace[name])
                continue
            _copy_raw(pkg, info, zf)
        for name, data in plan.add.items():
            zi = zipfile.ZipInfo(name, _NEW_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o600 << 16
            zf.writestr(zi, data)


def _copy_raw(pkg: Package, info: zipfile.ZipInfo, zf: zipfile.ZipFile) -> None:
    """Append ``info``'s compressed bytes to ``zf`` as they are (zipfile has no API for it)."""
    zi = zipfile.ZipInfo(info.filename, info.date_time)
    zi.compress_type = info.compress_type
    zi.external_attr = info.external_attr
    zi.create_system = info.create_system
    zi.flag_bits = info.flag_bits & 0x800  # UTF-8 names; sizes are known, so no data descriptor
    zi.CRC = info.CRC
    zi.compress_size = info.compress_size
    zi.file_size = info.file_size
    fp = zf.fp
    assert fp is not None
    fp.seek(zf.start_dir)
    zi.header_offset = fp.tell()
    fp.write(zi.FileHeader())
    pkg.raw_member(info, fp)
    zf.filelist.append(zi)
    zf.NameToInfo[zi.filename] = zi
    zf.start_dir = fp.tell()
    zf._didModify = True  # type: ignore[attr-defined]
