"""The office side of the worker connection: start xlcrm's Python, send it calls, relay its requests.

This runs inside LibreOffice's own Python, which has neither xlcrm nor pandas. The worker
(``python -m xlcrm.calc.worker``, started with the interpreter recorded by ``xlcrm calc
install`` in ``calc.json``) runs the core. Messages are length-prefixed pickles on the
worker's stdin/stdout; the same framing is in ``xlcrm/calc/protocol.py``.

Large ranges (the population of a formula filled down) are sent once: after that only their
digest, which the worker resolves from its own store (``need`` if it dropped it).
"""

import datetime
import hashlib
import io
import json
import marshal
import os
import pickle
import struct
import subprocess
import sys
import threading

PROTOCOL = 4  # pickle protocol both sides read (LibreOffice may ship an older Python than xlcrm's)
BIG = 64  # cells: ranges this large are sent by digest after the first time
_HEADER = struct.Struct("<I")


def home():
    """Where calc.json and calc.log live (XLCRM_CALC_HOME, else the user's config folder)."""
    env = os.environ.get("XLCRM_CALC_HOME")
    if env:
        return env
    if sys.platform.startswith("win"):
        return os.path.join(os.environ.get("APPDATA") or os.path.expanduser("~"), "xlcrm")
    return os.path.join(os.environ.get("XDG_CONFIG_HOME") or os.path.expanduser("~/.config"), "xlcrm")


def log(text):
    try:
        os.makedirs(home(), exist_ok=True)
        with open(os.path.join(home(), "calc.log"), "a", encoding="utf-8") as fh:
            fh.write(text.rstrip() + "\n")
    except OSError:
        pass


def config():
    path = os.path.join(home(), "calc.json")
    try:
        with open(path, encoding="utf-8") as fh:
            return json.load(fh)
    except (OSError, ValueError) as exc:
        raise WorkerError("xlcrm is not set up for LibreOffice (%s missing: %s) — run `xlcrm calc install`"
                          % (path, type(exc).__name__)) from None


class WorkerError(Exception):
    """The worker could not be reached; the message is for the user."""


def write_frame(stream, obj):
    data = pickle.dumps(obj, protocol=PROTOCOL)
    stream.write(_HEADER.pack(len(data)) + data)
    stream.flush()


def read_frame(stream):
    head = stream.read(_HEADER.size)
    if len(head) < _HEADER.size:
        raise EOFError("worker closed the connection")
    (size,) = _HEADER.unpack(head)
    data = stream.read(size)
    if len(data) < size:
        raise EOFError("worker closed the connection")
    return _Builtins(io.BytesIO(data)).load()


class _Builtins(pickle.Unpickler):
    """Only builtins and datetimes: the worker sends nothing else (numpy or pandas here would
    fail to import, and nothing from a pipe should run code)."""

    def find_class(self, module, name):
        if module == "datetime" and name in ("datetime", "date", "timedelta"):
            return getattr(datetime, name)
        raise pickle.UnpicklingError("xlcrm's Python sent a %s.%s" % (module, name))


def digest(value):
    """Content digest of a range (tuples of float/str/None), as the worker computes it."""
    return hashlib.blake2b(marshal.dumps(value, 2), digest_size=20).hexdigest()


def _cells(value):
    if isinstance(value, tuple) and value and isinstance(value[0], tuple):
        return len(value) * len(value[0])
    return 1


class Worker:
    """One long-lived worker process; restarted on the next call if it died."""

    def __init__(self):
        self.proc = None
        self.sent = set()  # digests the worker holds
        self.lock = threading.RLock()

    def _start(self):
        cfg = config()
        env = dict(os.environ)
        paths = [p for p in cfg.get("pythonpath", []) if p]
        if paths:
            env["PYTHONPATH"] = os.pathsep.join(paths + [env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
        env["PYTHONIOENCODING"] = "utf-8"
        err = open(os.path.join(home(), "worker.log"), "ab")
        flags = 0x08000000 if sys.platform.startswith("win") else 0  # CREATE_NO_WINDOW
        try:
            self.proc = subprocess.Popen([cfg["python"], "-m", "xlcrm.calc.worker"], stdin=subprocess.PIPE,
                                         stdout=subprocess.PIPE, stderr=err, env=env, creationflags=flags)
        except OSError as exc:
            raise WorkerError("cannot start xlcrm's Python %s (%s) — run `xlcrm calc install` again"
                              % (cfg.get("python"), exc)) from None
        finally:
            err.close()
        self.sent = set()
        hello = self._read()
        if hello[0] != "ready":
            raise WorkerError("xlcrm's Python did not start: %s" % (hello[1:],))

    def _read(self):
        try:
            return read_frame(self.proc.stdout)
        except (EOFError, OSError, pickle.UnpicklingError) as exc:
            self._kill()
            raise WorkerError("xlcrm's Python stopped (%s); see %s" % (exc, os.path.join(home(), "worker.log"))) from None

    def _send(self, obj):
        try:
            write_frame(self.proc.stdin, obj)
        except OSError as exc:
            self._kill()
            raise WorkerError("xlcrm's Python stopped (%s)" % exc) from None

    def _kill(self):
        if self.proc is not None:
            try:
                self.proc.kill()
                self.proc.wait(5)
            except Exception:  # noqa: BLE001 - already gone
                pass
            for pipe in (self.proc.stdin, self.proc.stdout):
                try:
                    pipe.close()
                except Exception:  # noqa: BLE001 - a broken pipe is closed enough
                    pass
        self.proc = None
        self.sent = set()

    def _ensure(self):
        if self.proc is None or self.proc.poll() is not None:
            self._kill()
            self._start()

    def call(self, name, args):
        """Run one CRM_* function; returns the worker's answer ("ok", value)."""
        with self.lock:
            self._ensure()
            packed, full = [], []
            for a in args:
                if _cells(a) >= BIG:
                    d = digest(a)
                    packed.append(("ref", d))
                    full.append((d, a))
                else:
                    packed.append(("val", a))
                    full.append(None)
            refs = {d: a for d, a in filter(None, full)}
            first = [(d, a) for d, a in refs.items() if d not in self.sent]
            self._send(("call", name, packed, first))
            self.sent.update(d for d, _ in first)
            answer = self._read()
            if answer[0] == "need":  # the worker dropped some from its store
                self._send(("call", name, packed, [(d, refs[d]) for d in answer[1]]))
                answer = self._read()
            return answer

    def command(self, action, serve):
        """Run a menu command; ``serve(method, args)`` answers the worker's questions about the document."""
        with self.lock:
            self._ensure()
            self._send(("command", action))
            while True:
                msg = self._read()
                if msg[0] == "doc":
                    try:
                        reply = ("ok", serve(msg[1], msg[2]))
                    except Exception as exc:  # noqa: BLE001 - the worker turns it into a message
                        log("document request %s failed: %r" % (msg[1], exc))
                        reply = ("err", "%s: %s" % (type(exc).__name__, exc))
                    self._send(reply)
                elif msg[0] == "done":
                    return msg[1]
                else:
                    raise WorkerError("unexpected answer from xlcrm's Python: %r" % (msg[0],))

    def stop(self):
        with self.lock:
            if self.proc is not None and self.proc.poll() is None:
                try:
                    self._send(("stop",))
                    self.proc.wait(5)
                except Exception:  # noqa: BLE001
                    pass
            self._kill()


WORKER = Worker()
