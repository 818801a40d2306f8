"""How xlcrm recognises its own sheets (DESIGN.md invariant 2).

Each xlcrm sheet is named by a hidden workbook-level defined name ``_xlcrm_<role>``
whose value refers to the sheet (``'客户分级'!$A$1``). A renamed sheet keeps its name
reference in Excel, so the marker survives a rename; a user sheet never carries one.
Its tables are named ``xlcrm_<role>`` (plus a suffix for a second table on a sheet).
"""

from __future__ import annotations

import re

PREFIX = "_xlcrm_"
TABLE_PREFIX = "xlcrm_"


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
