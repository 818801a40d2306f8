"""Fill the generated sections of README.md from the code (headers, settings).

    python tools/readme.py          # rewrite README.md
    python tools/readme.py --check  # exit 1 if README.md is out of date (a test runs this)
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from xlcrm import schema, settings  # noqa: E402

ROLE_TITLES = {"orders": "Orders (订单)", "deliveries": "Deliveries (发货)", "customers": "Customer master (客户档案)",
               "complaints": "Complaint register (投诉登记)", "visits": "Visit log (拜访记录)",
               "settings": "Settings (设置)"}


def headers_section() -> str:
    out = ["<details><summary>Headers recognised, by table (click to open)</summary>", ""]
    for role, fields in schema.ROLES.items():
        out += [f"**{ROLE_TITLES.get(role, role)}**", "", "| field | headers recognised (any of) |", "|---|---|"]
        out += [f"| `{f.key}` | {', '.join(f.aliases)} |" for f in fields]
        out.append("")
    out.append("</details>")
    return "\n".join(out)


def _fmt(value: object) -> str:
    if value in (None, [], ""):
        return ""
    if isinstance(value, list):
        return ", ".join(map(str, value))
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def settings_section() -> str:
    out = ["| key | 设置项 (zh) | Setting (en) | default | meaning |", "|---|---|---|---|---|"]
    out += [f"| `{k}` | {zh} | {en} | {_fmt(d)} | {h} |" for k, zh, en, d, h in settings.defaults_table()]
    return "\n".join(out)


def render(text: str) -> str:
    for name, body in (("headers", headers_section()), ("settings", settings_section())):
        text = re.sub(rf"<!-- {name}:start -->.*?<!-- {name}:end -->",
                      lambda _m, n=name, b=body: f"<!-- {n}:start -->\n{b}\n<!-- {n}:end -->", text, flags=re.S)
    return text


def main() -> int:
    path = ROOT / "README.md"
    old = path.read_text(encoding="utf-8")
    new = render(old)
    if "--check" in sys.argv:
        if new != old:
            print("README.md is out of date: run python tools/readme.py")
            return 1
        return 0
    path.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
