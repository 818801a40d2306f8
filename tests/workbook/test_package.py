"""Untrusted packages: each bad input gets the right one-line error within seconds, and an
in-place refresh of it leaves the file byte-identical."""

from __future__ import annotations

import hashlib
import io
import time
import warnings
import zipfile
from pathlib import Path

import pytest

from tests.workbook.fixtures import feature_workbook, result_sheets
from xlcrm.errors import NotAWorkbook, PasswordProtected, UnsafeWorkbook, UnusableWorkbook
from xlcrm.workbook import package
from xlcrm.workbook.package import Package, check_package, parse_xml
from xlcrm.workbook.write import write_in_place

BILLION_LAUGHS = (b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
                  + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
                             for i in range(1, 10))
                  + b']>\n<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                  b"<sheets><sheet name=\"&lol9;\" sheetId=\"1\"/></sheets></workbook>")


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _assert_refused(path: Path, error: type[UnusableWorkbook]) -> UnusableWorkbook:
    """check_package and write_in_place both raise ``error`` quickly, one line, file unchanged."""
    before = _digest(path)
    listing = sorted(p.name for p in path.parent.iterdir())
    start = time.monotonic()
    with pytest.raises(error) as info:
        check_package(path)
    with pytest.raises(error):
        write_in_place(path, result_sheets(), lang="zh")
    assert time.monotonic() - start < 10
    message = str(info.value)
    assert "\n" not in message and str(path) in message and " — " in message
    assert _digest(path) == before
    assert sorted(p.name for p in path.parent.iterdir()) == listing  # no temp file, no backup
    return info.value


def _rezip(src: Path, dst: Path, edit) -> Path:
    with zipfile.ZipFile(src) as zf:
        parts = {i.filename: zf.read(i) for i in zf.infolist()}
    edit(parts)
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return dst


@pytest.fixture
def good(tmp_path: Path) -> Path:
    return feature_workbook(tmp_path / "good.xlsx", pivot=False)


def test_feature_workbook_passes_the_checks(good: Path) -> None:
    check_package(good)
    with Package(good) as pkg:
        assert pkg.workbook_part() == "xl/workbook.xml"


def test_text_file_is_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "orders.xlsx"
    path.write_text("订单日期,客户\n2024-01-05,华东机械\n", encoding="utf-8")
    _assert_refused(path, NotAWorkbook)


def test_empty_file_is_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "empty.xlsx"
    path.write_bytes(b"")
    assert "empty file" in str(_assert_refused(path, NotAWorkbook))


def test_truncated_download_is_not_a_workbook(good: Path, tmp_path: Path) -> None:
    path = tmp_path / "truncated.xlsx"
    path.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    _assert_refused(path, NotAWorkbook)


def test_corrupt_member_is_found_by_its_crc(good: Path, tmp_path: Path) -> None:
    data = bytearray(good.read_bytes())
    with zipfile.ZipFile(good) as zf:
        info = zf.getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for k in range(start + 20, start + 60):  # scramble compressed bytes in the middle of the sheet
        data[k] ^= 0x5A
    path = tmp_path / "corrupt.xlsx"
    path.write_bytes(bytes(data))
    assert "sheet1.xml" in str(_assert_refused(path, NotAWorkbook))


def test_zip_without_workbook_part_is_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "other.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("word/document.xml", "<document/>")
    _assert_refused(path, NotAWorkbook)


def test_password_protected_workbook_is_recognised(good: Path, tmp_path: Path) -> None:
    from msoffcrypto.format.ooxml import OOXMLFile

    path = tmp_path / "secret.xlsx"
    with open(good, "rb") as src, open(path, "wb") as out:
        OOXMLFile(src).encrypt("密码123", out)
    assert "password" in str(_assert_refused(path, PasswordProtected))


def test_billion_laughs_in_workbook_xml_is_refused(good: Path, tmp_path: Path) -> None:
    path = _rezip(good, tmp_path / "laughs.xlsx",
                  lambda parts: parts.__setitem__("xl/workbook.xml", BILLION_LAUGHS))
    assert "DTD or entities" in str(_assert_refused(path, UnsafeWorkbook))


@pytest.mark.parametrize("part", ["xl/styles.xml", "[Content_Types].xml", "xl/_rels/workbook.xml.rels",
                                  "docProps/app.xml"])
def test_billion_laughs_in_any_part_a_refresh_parses_is_refused(good: Path, tmp_path: Path,
                                                                part: str) -> None:
    path = _rezip(good, tmp_path / "laughs.xlsx", lambda parts: parts.__setitem__(part, BILLION_LAUGHS))
    _assert_refused(path, UnsafeWorkbook)


def test_external_entity_is_refused_without_reading_the_file() -> None:
    xxe = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
           b"<x>&e;</x>")
    with pytest.raises(UnsafeWorkbook):
        parse_xml(xxe, where="t.xlsx:xl/workbook.xml")


def test_zip_bomb_by_compression_ratio_is_refused(good: Path, tmp_path: Path) -> None:
    bomb = b"\0" * (64 * 1024 * 1024)  # deflates ~1000:1
    path = _rezip(good, tmp_path / "bomb.xlsx",
                  lambda parts: parts.__setitem__("xl/media/zeros.bin", bomb))
    assert "zip bomb" in str(_assert_refused(path, UnsafeWorkbook))


def test_too_many_members_are_refused(good: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(package, "MAX_MEMBERS", 50)
    path = _rezip(good, tmp_path / "many.xlsx",
                  lambda parts: parts.update({f"xl/junk/{i}.xml": b"<a/>" for i in range(60)}))
    _assert_refused(path, UnsafeWorkbook)


def test_part_over_the_size_limit_is_refused(good: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(package, "MAX_PART_BYTES", 1024)
    monkeypatch.setattr(package, "RATIO_FLOOR_BYTES", 1024)
    path = _rezip(good, tmp_path / "big.xlsx",
                  lambda parts: parts.__setitem__("xl/media/big.bin", bytes(range(256)) * 64))
    _assert_refused(path, UnsafeWorkbook)


def _lie_about_size(src: Path, dst: Path, member: str, factor: float) -> Path:
    """Rewrite the central directory's uncompressed size of ``member``."""
    data = bytearray(src.read_bytes())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as zf:
        info = zf.getinfo(member)
    name = member.encode()
    pos = data.find(b"PK\x01\x02")
    while pos != -1:
        n = int.from_bytes(data[pos + 28:pos + 30], "little")
        if data[pos + 46:pos + 46 + n] == name:
            data[pos + 24:pos + 28] = int(info.file_size * factor).to_bytes(4, "little")
            break
        pos = data.find(b"PK\x01\x02", pos + 4)
    dst.write_bytes(bytes(data))
    return dst


@pytest.mark.parametrize("factor", [0.01, 100.0])
def test_a_zip_header_that_lies_about_a_size_gives_an_error(good: Path, tmp_path: Path,
                                                            factor: float) -> None:
    # The reader never produces more than the header promises and checks the CRC, so a
    # header claiming a small size cannot make it decompress a bomb, and a large claim
    # is found out as a truncated part.
    path = _lie_about_size(good, tmp_path / "liar.xlsx", "xl/worksheets/sheet1.xml", factor)
    with pytest.raises(UnusableWorkbook) as info:
        check_package(path)
    assert "sheet1.xml" in str(info.value)


@pytest.mark.libreoffice
def test_xls_file_is_named_as_such(good: Path, tmp_path: Path) -> None:
    import shutil
    import subprocess
    import tempfile

    from tests.libreoffice import soffice

    exe = soffice()
    with tempfile.TemporaryDirectory() as prof:
        subprocess.run([exe, f"-env:UserInstallation=file://{prof}", "--headless", "--convert-to",
                        "xls", "--outdir", str(tmp_path / "out"), str(good)],
                       capture_output=True, timeout=120, check=True)
    path = tmp_path / "old.xlsx"  # a .xls renamed: users do that
    shutil.move(tmp_path / "out" / "good.xls", path)
    assert ".xls" in str(_assert_refused(path, NotAWorkbook))


def test_limits_are_documented_in_the_module_docstring() -> None:
    for name in ("MAX_MEMBERS", "MAX_PART_BYTES", "MAX_TOTAL_BYTES", "MAX_RATIO",
                 "RATIO_FLOOR_BYTES", "MAX_XML_BYTES"):
        assert f"``{name}``" in (package.__doc__ or "")


def test_a_part_twice_in_the_zip_is_refused(good: Path, tmp_path: Path) -> None:
    # Two members of one name: readers disagree on which counts; we do not guess.
    path = tmp_path / "twice.xlsx"
    path.write_bytes(good.read_bytes())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # zipfile: "Duplicate name"
        with zipfile.ZipFile(path, "a") as zf:
            zf.writestr("xl/workbook.xml", BILLION_LAUGHS)
    assert "twice" in str(_assert_refused(path, NotAWorkbook))
