"""Take the docs' screenshots of xlcrm in LibreOffice Calc (docs/img/calc-*.png). Not a test.

    xvfb-run -s "-screen 0 1366x820x24" python tests/calc/screenshots.py --soffice /path/to/soffice

Needs a LibreOffice with a GUI (the -nogui packages cannot draw a window), xdotool and
ImageMagick's ``import``. The extension is installed with ``xlcrm calc install --shared
--profile`` into a throwaway profile whose UI language is zh-CN; the zh demo workbook is
refreshed through the 客户管理 menu's command, a sheet of CRM_* formulas is added, and the
screen is captured with the formulas showing and with the menu open.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))

from tests.calc.office import Office  # noqa: E402
from tests.calc.test_live import _data, _write_book  # noqa: E402
from xlcrm.calc.install import office_env  # noqa: E402
from xlcrm.demo import make_demos  # noqa: E402

ZH_UI = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema">
<item oor:path="/org.openoffice.Office.Linguistic/General"><prop oor:name="UILocale" oor:op="fuse"><value>zh-CN</value></prop></item>
<item oor:path="/org.openoffice.Setup/L10N"><prop oor:name="ooLocale" oor:op="fuse"><value>zh-CN</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Misc"><prop oor:name="ShowTipOfTheDay" oor:op="fuse"><value>false</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Misc"><prop oor:name="FirstRun" oor:op="fuse"><value>false</value></prop></item>
<item oor:path="/org.openoffice.Setup/Office"><prop oor:name="ooSetupInstCompleted" oor:op="fuse"><value>true</value></prop></item>
</oor:items>
"""

N = 1 + sum(1 + (i * 7) % 9 for i in range(1, 31))  # rows of the order block, as test_live._data makes it
C, D, A = (f"$'数据'.${c}$1:${c}${N}" for c in "ABC")
ASOF = "$'数据'.$Y$1"
SHEET = "公式"
FORMULAS = [  # (cell or range, formula or text, array?)
    ("A1", "客户", False), ("B1", "CRM_TIER", False), ("C1", "CRM_LIFECYCLE", False),
    ("D1", "CRM_CHURN_RISK", False), ("F1", "CRM_P_ALIVE", False),
    *[(f"A{r}", f"=$'数据'.G{r}", False) for r in range(2, 12)],
    ("B2:B11", f"=CRM_TIER(A2:A11;{C};{A})", True),
    ("C2:C11", f"=CRM_LIFECYCLE(A2:A11;{C};{D};{ASOF})", True),
    ("D2:E11", f"=CRM_CHURN_RISK(A2:A11;{C};{D};{A};{ASOF})", True),
    ("F2:F11", f"=CRM_P_ALIVE(A2:A11;{C};{D};{A};{ASOF})", True),
    ("A13", "CRM_CHURN_COST(64000; 5%; 40000; 10%)", False),
    ("A14:B16", "=CRM_CHURN_COST(64000;0.05;40000;0.1)", True),
    ("A18", f'=CRM_TIER("C99";{C};{A})', False),
    ("B18", "← #N/A：菜单 客户管理 › 公式错误说明 给出原因", False),
]


def shoot(path: Path) -> None:
    subprocess.run(["import", "-window", "root", str(path)], check=True)
    print(path)


def xdotool(*args: str) -> str:
    return subprocess.run(["xdotool", *args], capture_output=True, text=True).stdout.strip()


def _maximise() -> None:
    for window in xdotool("search", "--onlyvisible", "--name", "LibreOffice Calc").split():
        xdotool("windowsize", window, "100%", "100%")
        xdotool("windowmove", window, "0", "0")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--soffice", required=True, help="a GUI LibreOffice's soffice")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img")
    parser.add_argument("--menu-index", type=int, default=9, help="position of the 客户管理 menu in the menu bar")
    parser.add_argument("--menu-xy", default="", help="x,y of the menu title on the screen (default: F10 and arrows)")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="xlcrm-shots-"))
    office = Office(tmp)
    office.install()
    (office.profile / "user").mkdir(parents=True, exist_ok=True)
    (office.profile / "user" / "registrymodifications.xcu").write_text(ZH_UI, encoding="utf-8")
    # the message boxes are modal and no window manager runs here to close them
    env = dict(office.env, SAL_USE_VCLPLUGIN="gen", XLCRM_CALC_NO_DIALOGS="1")
    proc = subprocess.Popen([args.soffice, "--norestore", "--nologo", "--nodefault",
                             *office_env(office.profile, True),
                             f"--accept=socket,host=127.0.0.1,port={office.port};urp;"], env=env)
    try:
        zh = next(p for p in make_demos(tmp) if p.name.endswith("-zh.xlsx"))
        args.out.mkdir(parents=True, exist_ok=True)
        # the demo office's ledger after 客户管理 › 全部刷新
        office.run([{"op": "open", "path": str(zh), "hidden": False},
                    {"op": "dispatch", "url": "org.xlcrm.calc:refresh_all"},
                    {"op": "activate", "sheet": "客户分级", "cell": "A1"}])
        _maximise()
        time.sleep(3)
        shoot(args.out / "calc-refreshed.png")
        office.run([{"op": "find", "title": zh.name}, {"op": "close"}])
        # a sheet of formulas over the clean data of the live tests
        book = tmp / "公式示例.xlsx"
        _write_book(book, _data())
        steps = [{"op": "open", "path": str(book), "hidden": False}]
        for where, formula, array in FORMULAS:
            if array:
                steps.append({"op": "array", "sheet": SHEET, "range": where, "formula": formula})
            else:
                steps.append({"op": "formula", "sheet": SHEET, "cell": where, "formula": formula})
        steps += [{"op": "calculate"}, {"op": "width", "sheet": SHEET},
                  {"op": "activate", "sheet": SHEET, "cell": "D2"}]
        office.run(steps)
        _maximise()
        time.sleep(3)
        shoot(args.out / "calc-formulas.png")
        office.run([{"op": "find", "title": book.name}, {"op": "activate", "sheet": SHEET, "cell": "A18"}])
        time.sleep(1)
        if args.menu_xy:
            x, y = args.menu_xy.split(",")
            xdotool("mousemove", x, y, "click", "1")
        else:  # F10 highlights the first menu; the add-on menu comes right after Tools
            xdotool("key", "F10")
            time.sleep(0.5)
            for _ in range(args.menu_index):
                xdotool("key", "Right")
            xdotool("key", "Down")
        time.sleep(2)
        shoot(args.out / "calc-menu.png")
    finally:
        proc.terminate()
        proc.wait(30)


if __name__ == "__main__":
    main()
