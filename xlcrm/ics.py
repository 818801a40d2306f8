"""RFC 5545 (iCalendar) text helpers: escaping, line folding, joining content lines.

Pure string functions; ``xlcrm.visits.to_ics`` builds the calendar of a rep's plan.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["escape_text", "fold", "join_lines"]


def escape_text(text: str) -> str:
    """RFC 5545 3.3.11 TEXT: backslash, semicolon and comma escaped, newlines as ``\\n``."""
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return re.sub(r"\r\n|\r|\n", r"\\n", text)


def fold(line: str) -> str:
    """RFC 5545 3.1: at most 75 octets a line, continued by CRLF + one space; never inside a UTF-8 character."""
    out, cur, size = [], [], 0
    limit = 75
    for ch in line:
        n = len(ch.encode())
        if size + n > limit:
            out.append("".join(cur))
            cur, size, limit = [], 0, 74  # a continuation line's leading space is one of its 75 octets
        cur.append(ch)
        size += n
    out.append("".join(cur))
    return "\r\n ".join(out)


def join_lines(lines: Iterable[str]) -> str:
    """Content lines folded, each ended by CRLF."""
    return "".join(fold(line) + "\r\n" for line in lines)
