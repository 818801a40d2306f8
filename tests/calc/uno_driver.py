"""Drive a running LibreOffice over a socket, as a user's script would (run with LibreOffice's Python).

``python3 uno_driver.py PORT`` reads a JSON list of steps on stdin and prints one JSON list
of results. It runs in the system Python that has ``uno`` (python3-uno), not in xlcrm's env,
so it imports nothing of xlcrm. Steps:
  {"op": "open", "path": ...}                          the document stays open for later steps
  {"op": "formula", "sheet": ..., "cell": "E2", "formula": "=CRM_TIER(...)"}
  {"op": "array", "sheet": ..., "range": "E2:F3", "formula": "=CRM_PYRAMID(...)"}
  {"op": "calculate"}                                  -> seconds taken
  {"op": "read", "sheet": ..., "range": "E2:F3"}       -> rows of {"v"|"s"|"err"}
  {"op": "dispatch", "url": "org.xlcrm.calc:refresh_all"}
  {"op": "store", "path": ..., "filter": "Calc MS Excel 2007 XML"}
  {"op": "close"}
  {"op": "activate", "sheet": ..., "cell": "A1"}         show a sheet, select a range
  {"op": "menu"}                                       -> the titles of the CRM menu entries
  {"op": "wizard", "name": "CRM_TIER"}                 -> the Function Wizard's description
"""

import json
import sys
import time

import uno
from com.sun.star.beans import PropertyValue


def prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def connect(port):
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.time() + 60
    while True:
        try:
            return resolver.resolve(f"uno:socket,host=127.0.0.1,port={port};urp;StarOffice.ComponentContext")
        except Exception:  # noqa: BLE001 - office still starting
            if time.time() > deadline:
                raise
            time.sleep(0.3)


def cell_result(cell):
    from com.sun.star.table.CellContentType import EMPTY, FORMULA, TEXT

    err = cell.getError()
    if err:
        return {"err": err}
    t = cell.getType()
    if t == EMPTY:
        return {"s": ""}
    if t == TEXT:
        return {"s": cell.getString()}
    if t == FORMULA:
        from com.sun.star.table.CellContentType import TEXT as _  # noqa: F401
        # a formula's result type: FormulaResultType2 VALUE=1, STRING=2, ERROR=4
        rtype = cell.FormulaResultType2
        if rtype == 2:
            return {"s": cell.getString()}
        return {"v": cell.getValue()}
    return {"v": cell.getValue()}


def main():
    port = int(sys.argv[1])
    steps = json.load(sys.stdin)
    ctx = connect(port)
    smgr = ctx.ServiceManager
    desktop = smgr.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
    doc = None
    out = []
    for step in steps:
        op = step["op"]
        if op == "open":
            url = uno.systemPathToFileUrl(step["path"])
            doc = desktop.loadComponentFromURL(url, "_blank", 0, (prop("Hidden", step.get("hidden", True)),))
            out.append(doc.Title)
        elif op == "find":  # a document an earlier run left open, by its title
            enum = desktop.getComponents().createEnumeration()
            doc = None
            while enum.hasMoreElements():
                comp = enum.nextElement()
                if getattr(comp, "Title", None) == step["title"]:
                    doc = comp
            out.append(doc is not None)
        elif op == "formula":
            doc.Sheets.getByName(step["sheet"]).getCellRangeByName(step["cell"]).setFormula(step["formula"])
            out.append(None)
        elif op == "array":
            doc.Sheets.getByName(step["sheet"]).getCellRangeByName(step["range"]).setArrayFormula(step["formula"])
            out.append(None)
        elif op == "calculate":  # answers the seconds it took
            t = time.perf_counter()
            doc.calculateAll()
            out.append(time.perf_counter() - t)
        elif op == "read":
            rng = doc.Sheets.getByName(step["sheet"]).getCellRangeByName(step["range"])
            a = rng.getRangeAddress()
            rows = []
            for r in range(a.EndRow - a.StartRow + 1):
                rows.append([cell_result(rng.getCellByPosition(c, r)) for c in range(a.EndColumn - a.StartColumn + 1)])
            out.append(rows)
        elif op == "dispatch":
            helper = smgr.createInstanceWithContext("com.sun.star.frame.DispatchHelper", ctx)
            frame = doc.getCurrentController().getFrame()
            helper.executeDispatch(frame, step["url"], "", 0, ())
            out.append(None)
        elif op == "activate":  # show a sheet and select a range (for screenshots)
            controller = doc.getCurrentController()
            sheet = doc.Sheets.getByName(step["sheet"])
            controller.setActiveSheet(sheet)
            controller.select(sheet.getCellRangeByName(step.get("cell", "A1")))
            out.append(None)
        elif op == "wait":  # leave the document open for the caller (screenshots)
            out.append(None)
        elif op == "add_sheet":
            doc.Sheets.insertNewByName(step["sheet"], doc.Sheets.Count)
            out.append(None)
        elif op == "width":  # optimal column widths on a sheet (for screenshots)
            doc.Sheets.getByName(step["sheet"]).Columns.OptimalWidth = True
            out.append(None)
        elif op == "sheets":
            out.append(list(doc.Sheets.ElementNames))
        elif op == "store":
            doc.storeToURL(uno.systemPathToFileUrl(step["path"]), (prop("FilterName", step["filter"]),))
            out.append(step["path"])
        elif op == "close":
            doc.close(True)
            doc = None
            out.append(None)
        elif op == "menu":
            out.append(menu_titles(ctx))
        elif op == "wizard":
            out.append(wizard(ctx, step["name"]))
        else:
            raise ValueError(op)
    json.dump(out, sys.stdout)


def menu_titles(ctx):
    """The merged add-on menu as configured (Addons.xcu), in the UI's order."""
    cp = ctx.ServiceManager.createInstanceWithContext("com.sun.star.configuration.ConfigurationProvider", ctx)
    access = cp.createInstanceWithArguments(
        "com.sun.star.configuration.ConfigurationAccess", (prop("nodepath", "/org.openoffice.Office.Addons/AddonUI/OfficeMenuBar"),))
    out = {}
    for name in access.ElementNames:
        node = access.getByName(name)
        sub = node.getByName("Submenu")
        out[name] = {"title": node.Title,
                     "items": [[sub.getByName(n).URL, sub.getByName(n).Title] for n in sub.ElementNames]}
    return out


def wizard(ctx, name):
    """What Calc's Function Wizard shows for ``name``: description and argument names/help."""
    funcs = ctx.ServiceManager.createInstanceWithContext("com.sun.star.sheet.FunctionDescriptions", ctx)
    for i in range(funcs.Count):
        desc = {p.Name: p.Value for p in funcs.getByIndex(i)}
        if desc.get("Name") == name:
            return {"description": desc.get("Description"),
                    "arguments": [[a.Name, a.Description, a.IsOptional] for a in desc.get("Arguments", ())]}
    return None


if __name__ == "__main__":
    main()
