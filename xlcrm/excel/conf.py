"""xlwings.conf (``~/.xlwings/xlwings.conf``), read and written in the code page its readers use.

The file is lines of ``"KEY","value"``. Its readers and writers:
- the xlwings add-in's VBA (``Config.bas``: ``Open ... For Input`` / ``Input #`` /
  ``Write #``), which reads and writes the Windows ANSI code page: cp936 on a Chinese
  Windows, so ``C:\\Users\\张伟`` is the bytes D5 C5 CE B0 there;
- xlwings' Python CLI (``xlwings addin install``, ``config create``), which opens it with
  ``open(path, "w")``: the locale's encoding, which is that same ANSI code page unless
  Python runs in UTF-8 mode (then UTF-8, which the VBA reads as mojibake);
- users, in Notepad, which saves UTF-8 (with a BOM in older versions).

So we write the ANSI code page (what the VBA that starts Python must read) and read
tolerantly: UTF-8 when the bytes are valid UTF-8 (an ASCII file is both), else the ANSI
code page. A value the code page cannot hold (a Chinese folder on a Western Windows) is
refused with a message: xlwings' VBA could not find such a path either.
"""

from __future__ import annotations

import locale
import os
import re
import sys
from pathlib import Path


class ConfError(Exception):
    """xlwings.conf cannot be read or written as xlwings needs it; the text says what to do."""


def ansi_codepage() -> str:
    """The code page xlwings' VBA reads xlwings.conf in: the ANSI code page on Windows
    (``locale.getencoding()`` ignores Python's UTF-8 mode, as VBA does); UTF-8 elsewhere."""
    if sys.platform.startswith("win"):
        return locale.getencoding()
    return "utf-8"


def _decode(data: bytes, encoding: str, path: Path) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        raise ConfError(f"{path} is neither UTF-8 nor {encoding}: open it in Notepad, save it as "
                        f"ANSI, and run the install again") from None


def _lines(text: str) -> list[str]:
    # CR and LF only, as VBA's Input # reads lines (str.splitlines also splits on \x1c-\x1e,
    # \x85 and U+2028, which may sit inside a value)
    return re.split(r"\r\n|\r|\n", text)


def _key(line: str) -> str | None:
    if "," not in line:
        return None
    return line.split(",", 1)[0].strip().strip('"').upper()


def read_conf(path: Path, *, encoding: str | None = None) -> dict[str, str]:
    """KEY (upper case) -> value of every ``"KEY","value"`` line; {} when there is no file."""
    path = Path(path)
    if not path.exists():
        return {}
    out: dict[str, str] = {}
    for line in _lines(_decode(path.read_bytes(), encoding or ansi_codepage(), path)):
        key = _key(line)
        if key:
            out[key] = line.split(",", 1)[1].strip().strip('"')
    return out


def write_conf(path: Path, values: dict[str, str], *, encoding: str | None = None,
               newline: str = os.linesep) -> None:
    """Set ``values`` in xlwings.conf, keeping every other line (and its place), in ``encoding``
    (default: the ANSI code page). Nothing is written when a value cannot be encoded."""
    path = Path(path)
    codec = encoding or ansi_codepage()
    lines: list[str] = []
    if path.exists():
        lines = [ln for ln in _lines(_decode(path.read_bytes(), codec, path)) if ln.strip()]
    wanted = {k.upper(): (k, v) for k, v in values.items()}
    done: set[str] = set()
    out = []
    for line in lines:
        key = _key(line)
        if key in wanted:
            if key not in done:  # the first line of a key takes the new value; repeats go
                out.append(f'"{wanted[key][0]}","{wanted[key][1]}"')
                done.add(key)
            continue
        out.append(line)
    out += [f'"{k}","{v}"' for key, (k, v) in wanted.items() if key not in done]
    text = newline.join(out) + newline
    try:
        data = text.encode(codec)
    except UnicodeEncodeError as exc:
        bad = text[exc.start:exc.end]
        line = next((ln for ln in out if bad in ln), "")
        raise ConfError(
            f"{line} has '{bad}', which Windows' code page {codec} cannot hold, so xlwings would not "
            "find it: install Python in a folder whose name has only such characters (e.g. C:\\Python311), "
            "or set Windows' 'Language for non-Unicode programs' to match") from None
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".xlcrm-tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
