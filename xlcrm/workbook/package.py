"""Open an untrusted .xlsx/.xlsm package safely.

A workbook handed to xlcrm may be anything: a renamed .xls, a truncated download, an
encrypted file, or a crafted zip or XML bomb. ``check_package`` answers with one of the
``xlcrm.errors`` classes within seconds and never exhausts memory; ``Package`` reads the
parts xlcrm needs, with the same limits, and ``parse_xml`` parses each of them without
entities, DTDs or external references.

Limits (the zip directory is checked first, then every member is decompressed as a
stream and counted, so a header that lies about a size cannot make us read more):

===========================  ===============  =================================================
constant                     value            what it bounds
===========================  ===============  =================================================
``MAX_MEMBERS``              10,000           parts (zip members) in one package
``MAX_PART_BYTES``           2 GiB            uncompressed size of one part (a 1,048,576-row
                                              x 8-column order sheet measures 0.4 GiB)
``MAX_TOTAL_BYTES``          4 GiB            uncompressed size of all parts together
``MAX_RATIO``                500              uncompressed/compressed size of one part,
                                              applied to parts over ``RATIO_FLOOR_BYTES``
                                              (order sheets measure ~8; deflate's own maximum
                                              is ~1,030)
``RATIO_FLOOR_BYTES``        4 MiB            parts smaller than this are exempt from the ratio
``MAX_XML_BYTES``            256 MiB          one XML part that xlcrm parses (workbook.xml,
                                              relations, content types, styles, app.xml, tables)
===========================  ===============  =================================================

Parsed XML additionally may not contain a ``<!DOCTYPE``: no entity expansion (billion
laughs), no external entities, no DTD retrieval (defusedxml).
"""

from __future__ import annotations

import logging
import posixpath
import zipfile
import zlib
from pathlib import Path
from typing import IO, Self
from urllib.parse import unquote

import defusedxml.ElementTree as DET
from defusedxml import DefusedXmlException
from lxml import etree

from xlcrm.errors import NotAWorkbook, PasswordProtected, UnsafeWorkbook

log = logging.getLogger(__name__)

MAX_MEMBERS = 10_000
MAX_PART_BYTES = 2 * 1024**3
MAX_TOTAL_BYTES = 4 * 1024**3
MAX_RATIO = 500
RATIO_FLOOR_BYTES = 4 * 1024**2
MAX_XML_BYTES = 256 * 1024**2

_CHUNK = 1024 * 1024
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")

NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
REL_OFFICE_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
REL_OFFICE_DOC_STRICT = "http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument"

_FIX_RESAVE = "open it in Excel and save it again as an Excel workbook (.xlsx)"


def check_package(path: str | Path, *, deep: bool = True) -> None:
    """Raise an ``UnusableWorkbook`` subclass unless ``path`` is a sane OOXML workbook package.

    ``deep`` decompresses every member as a stream (counting bytes and checking CRCs),
    which finds corrupt members and zip bombs whose directory lies; without it only the
    directory and the parts xlcrm parses are checked.
    """
    path = Path(path)
    with Package(path) as pkg:
        if deep:
            for info in pkg.infos:
                pkg.drain(info)
        wb = pkg.workbook_part()  # exists, parses safely
        # The other parts a refresh parses: content types, relations, styles, app.xml.
        if "[Content_Types].xml" not in pkg.names:
            raise NotAWorkbook(path, "the package has no [Content_Types].xml", _FIX_RESAVE)
        pkg.xml("[Content_Types].xml")
        for name in pkg.names:
            if name.endswith(".rels"):
                pkg.xml(name)
        for rel in pkg.rels(wb) + pkg.rels(""):
            if rel.get("part") in pkg.names and rel.get("Type", "").rsplit("/", 1)[-1] in (
                    "styles", "extended-properties"):
                pkg.xml(rel["part"])


class Package:
    """Read access to a checked zip package. Use as a context manager."""

    def __init__(self, path: str | Path, data: IO[bytes] | None = None) -> None:
        self.path = Path(path)
        self._fh: IO[bytes] | None = None
        self.zip = self._open(data)
        self.infos: list[zipfile.ZipInfo] = self.zip.infolist()
        self.names = {i.filename: i for i in self.infos}
        self._folded = {n.casefold(): n for n in self.names}
        try:
            self._check_directory()
            self._check_kind()
        except BaseException:
            self.close()
            raise

    # -- opening ----------------------------------------------------------------------
    def _open(self, data: IO[bytes] | None) -> zipfile.ZipFile:
        try:
            fh = data if data is not None else open(self.path, "rb")  # noqa: SIM115 (closed by close())
        except FileNotFoundError:
            raise NotAWorkbook(self.path, "file not found", "check the path") from None
        except IsADirectoryError:
            raise NotAWorkbook(self.path, "is a folder, not a workbook", "give the .xlsx file") from None
        except PermissionError:
            raise NotAWorkbook(self.path, "you may not read this file (permission denied)",
                               "ask for read permission, or copy the workbook somewhere you can read it") from None
        self._fh = fh
        head = fh.read(8)
        fh.seek(0)
        if head.startswith(_OLE_MAGIC):
            fh.close()
            self._ole_error()
        if len(head) < 4 or not head.startswith(_ZIP_MAGIC):
            fh.close()
            if head and self.path.suffix.lower() in (".csv", ".txt", ".tsv"):
                raise NotAWorkbook(self.path, f"a {self.path.suffix.lower()} text file (CSV), not an Excel "
                                   "workbook; xlcrm reads .xlsx/.xlsm only", "open it in Excel and save it "
                                   "as Excel Workbook (.xlsx)")
            problem = "empty file" if not head else "not an Excel workbook (no .xlsx/.xlsm package)"
            raise NotAWorkbook(self.path, problem, _FIX_RESAVE)
        try:
            return zipfile.ZipFile(fh)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError) as exc:
            fh.close()
            raise NotAWorkbook(self.path, f"corrupt or truncated workbook package ({exc})",
                               "restore it from a backup or re-save it in Excel") from None

    def _ole_error(self) -> None:
        import olefile

        try:
            with olefile.OleFileIO(str(self.path)) as ole:
                encrypted = ole.exists("EncryptedPackage")
                is_xls = ole.exists("Workbook") or ole.exists("Book")
        except Exception:  # noqa: BLE001 (olefile raises many kinds; any means "not usable")
            encrypted, is_xls = False, False
        if encrypted:
            raise PasswordProtected(self.path, "the workbook is password-protected (encrypted)",
                                    "remove the password in Excel (File > Info > Protect Workbook) "
                                    "or save an unprotected copy")
        if is_xls:
            raise NotAWorkbook(self.path, "an Excel 97-2003 .xls file, not .xlsx",
                               "open it in Excel and save as Excel Workbook (.xlsx)")
        raise NotAWorkbook(self.path, "an OLE (old Office) file, not an Excel workbook", _FIX_RESAVE)

    def _check_directory(self) -> None:
        if len(self.infos) > MAX_MEMBERS:
            raise UnsafeWorkbook(self.path, f"{len(self.infos)} parts in the package (limit {MAX_MEMBERS})",
                                 "this is not a normal workbook; re-save it in Excel")
        if len(self.names) != len(self.infos):
            dup = next(n for n in self.names if sum(i.filename == n for i in self.infos) > 1)
            raise NotAWorkbook(self.path, f"part {dup} is in the package twice (damaged or crafted)",
                               "restore the workbook from a backup or re-save it in Excel")
        total = 0
        for info in self.infos:
            if info.flag_bits & 0x1:
                raise PasswordProtected(self.path, f"part {info.filename} is zip-encrypted",
                                        "save an unencrypted copy in Excel")
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise NotAWorkbook(self.path, f"part {info.filename} uses an unsupported compression",
                                   _FIX_RESAVE)
            self._check_size(info, info.file_size)
            total += info.file_size
            if total > MAX_TOTAL_BYTES:
                raise UnsafeWorkbook(self.path, f"parts unpack to over {MAX_TOTAL_BYTES >> 30} GiB "
                                     "(zip bomb?)", "this is not a normal workbook; re-save it in Excel")

    def _check_kind(self) -> None:
        """Other spreadsheet packages, named as what they are (not "malformed XML")."""
        folded = {n.casefold() for n in self.names}
        if "mimetype" in self.names and self.names["mimetype"].file_size < 200:
            kind = self.zip.read("mimetype").decode("ascii", "replace")
            if kind.startswith("application/vnd.oasis.opendocument"):
                ext = ".ods" if "spreadsheet" in kind else ".odt/.odp"
                raise NotAWorkbook(self.path, f"an OpenDocument file ({ext}), not an Excel workbook; xlcrm reads "
                                   ".xlsx/.xlsm only", "open it in LibreOffice Calc or Excel and save it as "
                                   "Excel Workbook (.xlsx)")
        if "xl/workbook.bin" in folded or any(r.get("Type") == REL_OFFICE_DOC and
                                              r.get("Target", "").lower().endswith(".bin") for r in self.rels("")):
            raise NotAWorkbook(self.path, "a binary .xlsb workbook, which xlcrm does not read",
                               "open it in Excel and save it as Excel Workbook (.xlsx)")

    def _check_size(self, info: zipfile.ZipInfo, size: int) -> None:
        if size > MAX_PART_BYTES:
            raise UnsafeWorkbook(self.path, f"part {info.filename} unpacks to over "
                                 f"{MAX_PART_BYTES >> 30} GiB (limit)", "split the workbook")
        if size > RATIO_FLOOR_BYTES and size > MAX_RATIO * max(info.compress_size, 1):
            raise UnsafeWorkbook(self.path, f"part {info.filename} is compressed more than "
                                 f"{MAX_RATIO}:1 (zip bomb?)", "this is not a normal workbook; re-save it in Excel")

    # -- reading ----------------------------------------------------------------------
    def _stream(self, info: zipfile.ZipInfo):  # yields chunks, bounded by the limits
        seen = 0
        try:
            with self.zip.open(info) as fp:
                while True:
                    chunk = fp.read(_CHUNK)
                    if not chunk:
                        break
                    seen += len(chunk)
                    if seen > info.file_size:  # the directory lied
                        raise UnsafeWorkbook(self.path, f"part {info.filename} is larger than its "
                                             "zip header says", "the file is damaged or crafted")
                    self._check_size(info, seen)
                    yield chunk
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, RuntimeError) as exc:
            raise NotAWorkbook(self.path, f"part {info.filename} is corrupt ({exc})",
                               "restore the workbook from a backup or re-save it in Excel") from None
        if seen != info.file_size:
            raise NotAWorkbook(self.path, f"part {info.filename} is truncated",
                               "restore the workbook from a backup or re-save it in Excel")

    def drain(self, info: zipfile.ZipInfo) -> None:
        for _ in self._stream(info):
            pass

    def read(self, name: str, *, limit: int = MAX_XML_BYTES) -> bytes:
        info = self.names.get(name)
        if info is None:
            raise KeyError(name)
        if info.file_size > limit:
            raise UnsafeWorkbook(self.path, f"part {name} is {info.file_size >> 20} MiB "
                                 f"(limit {limit >> 20} MiB)", "this part is too large to process")
        out = bytearray()
        for chunk in self._stream(info):
            out += chunk
            if len(out) > limit:
                raise UnsafeWorkbook(self.path, f"part {name} exceeds {limit >> 20} MiB",
                                     "this part is too large to process")
        return bytes(out)

    def xml(self, name: str) -> etree._Element:
        return parse_xml(self.read(name), where=f"{self.path}:{name}")

    def rels(self, part: str) -> list[dict[str, str]]:
        """The relationships of ``part`` ('' for the package), targets resolved to part names."""
        name = rels_name(part)
        if name not in self.names:
            return []
        root = self.xml(name)
        out = []
        for rel in root.iter(f"{{{NS_PKG_REL}}}Relationship"):
            d = dict(rel.attrib)
            if d.get("TargetMode") != "External" and "Target" in d:
                d["part"] = self.part_of(part, d["Target"])
            out.append(d)
        return out

    def part_of(self, source: str, target: str) -> str:
        """The member a relationship target of ``source`` names."""
        name = resolve(source, unquote(target))
        # OPC part names compare case-insensitively (ECMA-376 Part 2, 6.2.2.3).
        return name if name in self.names else self._folded.get(name.casefold(), name)

    def workbook_part(self) -> str:
        for rel in self.rels(""):
            if rel.get("Type") == REL_OFFICE_DOC_STRICT:
                raise NotAWorkbook(self.path, "saved as Strict Open XML, which xlcrm does not write",
                                   "save it in Excel as 'Excel Workbook (.xlsx)'")
            if rel.get("Type") == REL_OFFICE_DOC and rel.get("part") in self.names:
                self.xml(rel["part"])  # must parse safely
                return rel["part"]
        raise NotAWorkbook(self.path, "the package holds no workbook part", _FIX_RESAVE)

    def raw_member(self, info: zipfile.ZipInfo, out: IO[bytes]) -> None:
        """Copy the member's compressed bytes as they are (no re-deflate)."""
        fh = self.zip.fp
        assert fh is not None
        fh.seek(info.header_offset)
        header = fh.read(30)
        if len(header) != 30 or header[:4] != b"PK\x03\x04":
            raise NotAWorkbook(self.path, f"part {info.filename} has a bad local header",
                               "restore the workbook from a backup or re-save it in Excel")
        n = int.from_bytes(header[26:28], "little") + int.from_bytes(header[28:30], "little")
        fh.seek(n, 1)
        left = info.compress_size
        while left:
            chunk = fh.read(min(_CHUNK, left))
            if not chunk:
                raise NotAWorkbook(self.path, f"part {info.filename} is truncated",
                                   "restore the workbook from a backup or re-save it in Excel")
            out.write(chunk)
            left -= len(chunk)

    def close(self) -> None:
        self.zip.close()
        if self._fh is not None:
            self._fh.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_LXML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                               huge_tree=True, remove_blank_text=False)


def parse_xml(data: bytes, *, where: str = "XML part") -> etree._Element:
    """Parse untrusted XML: size-capped, no DTD, no entities, no external references.

    defusedxml (expat) vets the bytes first; lxml then builds the tree we edit, because
    it keeps namespace prefixes as written (``mc:Ignorable`` names prefixes, and Excel
    repairs a workbook whose declared prefixes were renamed).
    """
    if len(data) > MAX_XML_BYTES:
        raise UnsafeWorkbook(where, f"XML part of {len(data) >> 20} MiB (limit {MAX_XML_BYTES >> 20} MiB)",
                             "this part is too large to process")
    try:
        DET.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise UnsafeWorkbook(where, f"XML with a DTD or entities ({type(exc).__name__})",
                             "this is not a normal workbook; re-save it in Excel") from None
    except DET.ParseError as exc:
        raise NotAWorkbook(where, f"malformed XML ({exc})", "re-save the workbook in Excel") from None
    try:
        return etree.fromstring(data, _LXML_PARSER)
    except etree.XMLSyntaxError as exc:
        raise NotAWorkbook(where, f"malformed XML ({exc})", "re-save the workbook in Excel") from None


def rels_name(part: str) -> str:
    """``xl/workbook.xml`` -> ``xl/_rels/workbook.xml.rels``; '' -> ``_rels/.rels``."""
    folder, base = posixpath.split(part)
    return posixpath.join(folder, "_rels", base + ".rels")


def resolve(source: str, target: str) -> str:
    """A relationship target as a part name (no leading slash)."""
    if target.startswith("/"):
        return posixpath.normpath(target[1:])
    return posixpath.normpath(posixpath.join(posixpath.dirname(source), target))


def relative(source: str, part: str) -> str:
    """The target to write in ``source``'s rels for ``part``."""
    return posixpath.relpath(part, posixpath.dirname(source) or ".")
