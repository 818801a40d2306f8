"""xlwings.conf in the ANSI code page, for a user folder with Chinese characters (C:\\Users\\张伟).

The bytes a Chinese Windows holds are made here as its writers make them: xlwings' VBA
(``Write #`` in Config.bas: quoted fields, comma, CRLF, ANSI code page) and xlwings' Python CLI
(``open(path, "w")``: the same code page). The code page is passed explicitly, as Linux has
no cp936 locale.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xlcrm.excel import cli
from xlcrm.excel.conf import ConfError, read_conf, write_conf

PY = r"C:\Users\张伟\AppData\Local\Programs\Python\Python311\python.exe"


def vba_write(path: Path, pairs: list[tuple[str, str]], codepage: str = "cp936") -> None:
    """What VBA's ``Write #f, name, value`` leaves in the file."""
    path.write_bytes(b"".join(f'"{k}","{v}"\r\n'.encode(codepage) for k, v in pairs))


def test_a_conf_xlwings_wrote_in_cp936_is_read_not_a_unicode_error(tmp_path):
    conf = tmp_path / "xlwings.conf"
    vba_write(conf, [("INTERPRETER_WIN", PY), ("UDF MODULES", "mytools")])
    assert conf.read_bytes().count("张伟".encode("cp936")) == 1  # not valid UTF-8
    with pytest.raises(UnicodeDecodeError):
        conf.read_text(encoding="utf-8")  # what the install did before
    assert read_conf(conf, encoding="cp936") == {"INTERPRETER_WIN": PY, "UDF MODULES": "mytools"}


def test_the_install_writes_cp936_so_xlwings_vba_finds_the_interpreter(tmp_path):
    conf = tmp_path / ".xlwings" / "xlwings.conf"
    vba_write(conf.parent.mkdir() or conf, [("LICENSE_KEY", "abc"), ("INTERPRETER_WIN", r"C:\old\python.exe")])
    mods = cli.udf_modules(cli.read_xlwings_conf(conf, encoding="cp936").get("UDF MODULES"))
    cli.set_xlwings_conf(conf, {"UDF MODULES": mods, "INTERPRETER_WIN": PY}, encoding="cp936")
    data = conf.read_bytes()
    # the VBA reads the ANSI code page: the path must be these bytes, not UTF-8's
    assert "张伟".encode("cp936") in data and "张伟".encode("utf-8") not in data
    assert data.decode("cp936").splitlines() == ['"LICENSE_KEY","abc"', f'"INTERPRETER_WIN","{PY}"',
                                                 '"UDF MODULES","xlcrm.excel.udfs"']
    assert cli.read_xlwings_conf(conf, encoding="cp936")["INTERPRETER_WIN"] == PY


def test_a_utf8_conf_from_notepad_is_read_and_rewritten_in_the_code_page(tmp_path):
    conf = tmp_path / "xlwings.conf"
    conf.write_bytes(b"\xef\xbb\xbf" + f'"PYTHONPATH","D:\\客户\\脚本"\r\n'.encode("utf-8"))
    assert read_conf(conf, encoding="cp936") == {"PYTHONPATH": "D:\\客户\\脚本"}
    write_conf(conf, {"UDF MODULES": "xlcrm.excel.udfs"}, encoding="cp936", newline="\r\n")
    assert conf.read_bytes() == '"PYTHONPATH","D:\\客户\\脚本"\r\n"UDF MODULES","xlcrm.excel.udfs"\r\n'.encode("cp936")


def test_a_path_the_code_page_cannot_hold_is_refused_and_nothing_is_written(tmp_path):
    conf = tmp_path / "xlwings.conf"
    vba_write(conf, [("LICENSE_KEY", "abc")], "cp1252")
    before = conf.read_bytes()
    with pytest.raises(ConfError, match="cp1252 cannot hold"):  # a Chinese folder on a Western Windows
        write_conf(conf, {"INTERPRETER_WIN": PY}, encoding="cp1252")
    assert conf.read_bytes() == before


def test_a_file_in_neither_encoding_is_a_clear_error(tmp_path):
    conf = tmp_path / "xlwings.conf"
    conf.write_bytes(b'"A","\x81\x20"\r\n')  # 0x81 0x20 is no GBK character and no UTF-8
    with pytest.raises(ConfError, match="neither UTF-8 nor cp936"):
        read_conf(conf, encoding="cp936")


def test_repeated_keys_collapse_to_one_line_in_place(tmp_path):
    conf = tmp_path / "xlwings.conf"
    vba_write(conf, [("UDF MODULES", "a"), ("LOG FILE", "x"), ("UDF MODULES", "b")])
    write_conf(conf, {"UDF MODULES": "c"}, encoding="cp936", newline="\r\n")
    assert conf.read_bytes().decode("cp936").splitlines() == ['"UDF MODULES","c"', '"LOG FILE","x"']


text = st.text(st.characters(codec="gbk", exclude_characters='",\r\n\x00'), min_size=0, max_size=20)


@given(st.dictionaries(st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ_ ", min_size=1, max_size=12).map(str.strip)
                       .filter(bool), text.map(str.strip), max_size=6))
def test_whatever_the_code_page_holds_round_trips(tmp_path_factory, values):
    conf = tmp_path_factory.mktemp("conf") / "xlwings.conf"
    write_conf(conf, values, encoding="cp936")
    assert read_conf(conf, encoding="cp936") == {k.upper(): v for k, v in values.items()}
