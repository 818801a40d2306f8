"""xlcrm in LibreOffice Calc: the CRM_* add-in functions and the 客户管理 / CRM menu commands.

Two UNO components, loaded by LibreOffice's Python when first used:
- ``org.xlcrm.calc.Functions``: the add-in. Its methods (one per CRM_* function, generated
  from ``xlcrmcalc._functions``) pass their arguments to xlcrm's worker process and turn the
  answer into Calc values: numbers, text, arrays, and Calc error values (#VALUE!, #N/A,
  #DIV/0!) whose message is kept for the "Explain errors" command.
- ``org.xlcrm.calc.Commands``: a protocol handler for ``org.xlcrm.calc:<action>`` URLs (the
  menu and toolbar of Addons.xcu). It runs the Excel ribbon's callbacks in the worker against
  the document of the frame it was dispatched in.
Nothing here raises into the office: every failure becomes an error value or a message.
"""

import collections
import datetime as dt
import os
import struct
import traceback

import uno
import unohelper
from com.sun.star.frame import XDispatch, XDispatchProvider
from com.sun.star.lang import XInitialization, XServiceInfo
from com.sun.star.lang import XLocalizable

try:
    from org.xlcrm.calc import XCrmFunctions
except ImportError:  # unopkg registers the component before it loads the extension's type library

    class XCrmFunctions:  # type: ignore[no-redef]
        pass


from xlcrmcalc import client, docio
from xlcrmcalc._functions import FUNCTIONS

FUNCTIONS_IMPL = "org.xlcrm.calc.Functions"
COMMANDS_IMPL = "org.xlcrm.calc.Commands"
PROTOCOL = "org.xlcrm.calc:"

# FormulaError codes (formula/errorcodes.hxx); Calc keeps them in the payload of a NaN.
ERRORS = {"#VALUE!": 519, "#N/A": 0x7FFF, "#DIV/0!": 532, "#NUM!": 503, "#REF!": 524, "#NAME?": 525}
EXCEL_NULL_DATE = (1899, 12, 30)

RECENT = collections.deque(maxlen=50)  # (function, error code, message), newest last


def error_value(code):
    """A double Calc reads as the error ``code`` (#VALUE! when unknown)."""
    n = ERRORS.get(code, ERRORS["#VALUE!"])
    return struct.unpack("<d", struct.pack("<Q", 0x7FF8000000000000 | n))[0]


def _remember(name, code, message):
    RECENT.append((name, code, message))
    client.log("%s %s %s: %s" % (dt.datetime.now().isoformat(timespec="seconds"), name, code, message))


def _arg(value):
    """A UNO argument as xlwings would pass it: lists of rows; void -> None."""
    if isinstance(value, tuple):
        if value and isinstance(value[0], tuple):
            return tuple(tuple(_scalar(v) for v in row) for row in value)
        return tuple(_scalar(v) for v in value)
    return _scalar(value)


def _scalar(v):
    if isinstance(v, (float, str, int, bool)) or v is None:
        return v
    return None  # void Any and anything exotic: a blank


def _result(name, value):
    """The worker's answer as rows of Calc values. Every function returns
    sequence<sequence<any>> (pyuno cannot return an array inside a declared ``any``)."""
    if isinstance(value, list):
        return tuple(tuple(_element(name, v) for v in row) for row in value)
    return ((_element(name, value),),)  # one cell: Calc shows a 1x1 array as its value


def _element(name, v):
    if isinstance(v, tuple) and len(v) == 3 and v[0] == "error":
        _remember(name, v[1], v[2])
        return error_value(v[1])
    if isinstance(v, bool):
        return 1.0 if v else 0.0
    if isinstance(v, int):
        return float(v)
    return v


class Functions(unohelper.Base, XCrmFunctions, XServiceInfo, XLocalizable):
    """The add-in: one method per CRM_* function (see the bottom of this file)."""

    def __init__(self, ctx):
        self.ctx = ctx
        self.locale = None

    # XServiceInfo
    def getImplementationName(self):
        return FUNCTIONS_IMPL

    def supportsService(self, name):
        return name in self.getSupportedServiceNames()

    def getSupportedServiceNames(self):
        return (FUNCTIONS_IMPL,)

    # XLocalizable (Calc sets the UI language; names and help come from CalcAddIns.xcu)
    def setLocale(self, locale):
        self.locale = locale

    def getLocale(self):
        return self.locale

    def _call(self, name, options, args):
        try:
            nd = options.NullDate if options is not None else None
            if nd is not None and (nd.Year, nd.Month, nd.Day) != EXCEL_NULL_DATE:
                _remember(name, "#VALUE!", "this document counts dates from %04d-%02d-%02d; xlcrm's dates need "
                          "1899-12-30 (Tools > Options > LibreOffice Calc > Calculate > Date)"
                          % (nd.Year, nd.Month, nd.Day))
                return ((error_value("#VALUE!"),),)
            answer = client.WORKER.call(name, [_arg(a) for a in args])
            if answer[0] == "ok":
                return _result(name, answer[1])
            _remember(name, "#VALUE!", str(answer[1]))
        except client.WorkerError as exc:
            _remember(name, "#VALUE!", str(exc))
        except Exception as exc:  # noqa: BLE001 - a cell must never take the office down
            _remember(name, "#VALUE!", "%s: %s" % (type(exc).__name__, exc))
            client.log(traceback.format_exc())
        return ((error_value("#VALUE!"),),)


def _method(name):
    def method(self, options, *args):
        return self._call(name, options, args)

    method.__name__ = name
    return method


for _name in FUNCTIONS:
    setattr(Functions, _name, _method(_name))


class Commands(unohelper.Base, XDispatchProvider, XDispatch, XInitialization, XServiceInfo):
    """``org.xlcrm.calc:<action>``: the menu and toolbar buttons."""

    def __init__(self, ctx):
        self.ctx = ctx
        self.frame = None

    def initialize(self, args):
        if args:
            self.frame = args[0]

    # XServiceInfo
    def getImplementationName(self):
        return COMMANDS_IMPL

    def supportsService(self, name):
        return name in self.getSupportedServiceNames()

    def getSupportedServiceNames(self):
        return ("com.sun.star.frame.ProtocolHandler",)

    # XDispatchProvider
    def queryDispatch(self, url, target, flags):
        return self if url.Protocol == PROTOCOL else None

    def queryDispatches(self, requests):
        return tuple(self.queryDispatch(r.FeatureURL, r.FrameName, r.SearchFlags) for r in requests)

    # XDispatch
    def addStatusListener(self, listener, url):
        pass

    def removeStatusListener(self, listener, url):
        pass

    def dispatch(self, url, args):
        action = url.Path
        try:
            doc = self.frame.getController().getModel() if self.frame is not None else None
            if doc is None or not doc.supportsService("com.sun.star.sheet.SpreadsheetDocument"):
                self._show("xlcrm: open a spreadsheet first. / 请先打开一个电子表格。")
                return
            if action == "explain_errors":
                self._show(explain())
                return
            outcome = client.WORKER.command(action, lambda method, a: self._serve(doc, method, a))
            client.log("%s %s: %s" % (dt.datetime.now().isoformat(timespec="seconds"), action,
                                      outcome.get("message", "")))
        except client.WorkerError as exc:
            self._show("xlcrm: %s" % exc)
        except Exception as exc:  # noqa: BLE001 - a button must never take the office down
            client.log(traceback.format_exc())
            self._show("xlcrm could not run %s (%s: %s)" % (action, type(exc).__name__, exc))

    def _serve(self, doc, method, args):
        if method == "message":
            self._show(args[0])
            return None
        if method == "name":
            return doc.Title
        if method == "raw_sheets":
            return docio.raw_sheets(doc)
        if method == "owned":
            return docio.owned(doc)
        if method == "sheet_names":
            return docio.sheet_names(doc)
        if method == "write_sheet":
            return docio.write_sheet(doc, args[0])
        if method == "add_user_sheet":
            return docio.add_user_sheet(doc, args[0])
        raise ValueError("unknown document request %r" % method)

    def _show(self, text):
        client.log("message: %s" % text)
        if os.environ.get("XLCRM_CALC_NO_DIALOGS"):
            return  # unattended runs (a scheduled macro, the docs' screenshots): the log only
        try:
            window = self.frame.getContainerWindow() if self.frame is not None else None
            if window is None or not window.isVisible():
                return  # headless or hidden document: the log is the only place to tell
            toolkit = self.ctx.ServiceManager.createInstanceWithContext("com.sun.star.awt.Toolkit", self.ctx)
            from com.sun.star.awt.MessageBoxType import INFOBOX

            box = toolkit.createMessageBox(window, INFOBOX, 1, "xlcrm", text)
            box.execute()
            box.dispose()
        except Exception:  # noqa: BLE001 - the message is in the log
            client.log(traceback.format_exc())


def explain():
    """The latest error messages of CRM_* cells, newest first."""
    if not RECENT:
        return "xlcrm: no CRM_* formula has shown an error since LibreOffice started. / 自启动以来没有 CRM_* 公式出错。"
    seen, lines = set(), []
    for name, code, message in reversed(RECENT):
        if (name, message) in seen:
            continue
        seen.add((name, message))
        lines.append("%s %s %s" % (name, code, message))
        if len(lines) == 10:
            break
    return "xlcrm — latest formula errors / 最近的公式错误:\n" + "\n".join(lines)


g_ImplementationHelper = unohelper.ImplementationHelper()
g_ImplementationHelper.addImplementation(Functions, FUNCTIONS_IMPL, (FUNCTIONS_IMPL,))
g_ImplementationHelper.addImplementation(Commands, COMMANDS_IMPL, ("com.sun.star.frame.ProtocolHandler",))
