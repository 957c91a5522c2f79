"""A reader run in a child process of its own, with bounded memory and time, so that no file can take the command
down: a library that aborts on a hostile file (PDFium does, on some), a bomb that would take every byte of
memory, or a file that would take minutes, each ends as one ReadError naming what happened, never a crash or a hang.

Used by the importers and by the document checks. Where the system cannot fork (Windows), the reader runs here,
bounded only by its own limits.
"""

from __future__ import annotations

import os
import pickle
import select
import signal
import time
from collections.abc import Callable
from typing import Any


class ReadError(Exception):
    """A file that cannot be read; the message says why, and what to do instead."""


MEMORY = 768 * 1024 * 1024  # the most a reader may add to the memory it starts with
SECONDS = 60  # of the processor's time, and twice that on the clock


def run_bounded(reader: Callable[[bytes], Any], data: bytes, memory: int = MEMORY, seconds: int = SECONDS) -> Any:
    """`reader(data)`, run in a forked child within `memory` more bytes and `seconds` of CPU; its ReadError is
    raised here, and so is any other way it fails, as a ReadError that says what happened and what to do."""
    if not hasattr(os, "fork"):
        kind, value = _outcome(reader, data, memory)
        if kind == "error":
            raise ReadError(value)
        return value
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: read, send back the result or the reason, and leave without running the parent's code
        os.close(read_end)
        _child(reader, data, write_end, memory, seconds)
    os.close(write_end)
    try:
        payload, killed = _collect(read_end, pid, seconds * 2)
    finally:
        os.close(read_end)
    _, status = os.waitpid(pid, 0)
    if killed:
        raise ReadError(f"reading it took more than {seconds * 2} seconds, far longer than a file of its kind takes; "
                        "it may be damaged or malicious: open it in its program and save it again")
    try:
        kind, value = pickle.loads(payload)
    except Exception:  # nothing whole came back: the child was ended by a signal or its memory ran out
        raise ReadError(_died(status, memory)) from None
    if kind == "error":
        raise ReadError(value)
    return value


def _child(reader: Callable[[bytes], Any], data: bytes, out: int, memory: int, seconds: int) -> None:
    """Run in the forked child: never returns."""
    code = 0
    try:
        import faulthandler
        import resource

        faulthandler.disable()  # a library that aborts says nothing of its own: the parent says it in one line
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 2)

        resource.setrlimit(resource.RLIMIT_AS, (_size() + memory,) * 2)
        resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 1))
        payload = pickle.dumps(_outcome(reader, data, memory), protocol=pickle.HIGHEST_PROTOCOL)
        view = memoryview(payload)
        while view:
            view = view[os.write(out, view):]
    except BaseException:
        code = 1
    finally:
        os._exit(code)


def _outcome(reader: Callable[[bytes], Any], data: bytes, memory: int) -> tuple[str, Any]:
    """("ok", what the reader made), or ("error", why it failed, in one line: never a traceback)."""
    try:
        return "ok", reader(data)
    except ReadError as exc:
        return "error", str(exc)
    except MemoryError:
        return "error", (f"reading it needed more than {memory // 2**20} MB of memory, far more than a file of its "
                         "kind needs; it may be damaged or malicious, so it was not read")
    except RecursionError:
        return "error", "it is nested too deeply to read; open it and save it again"
    except Exception as exc:  # a library's own failure on a damaged file: said in one line, never a traceback
        return "error", f"it could not be read ({type(exc).__name__}); it may be damaged: open it and save it again"


def _size() -> int:
    """This process's virtual memory, in bytes (0 where /proc does not say)."""
    try:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _collect(fd: int, pid: int, timeout: float) -> tuple[bytes, bool]:
    """What the child writes until it closes the pipe, and whether it had to be killed for taking too long."""
    parts: list[bytes] = []
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            os.kill(pid, signal.SIGKILL)
            return b"", True
        ready, _, _ = select.select([fd], [], [], left)
        if ready:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                return b"".join(parts), False
            parts.append(chunk)


def _died(status: int, memory: int) -> str:
    """Why a child that sent nothing back stopped, for a person."""
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        if number == signal.SIGXCPU:
            return "reading it took more of the processor than a file of its kind needs; it may be damaged or malicious"
        name = signal.Signals(number).name if number in signal.valid_signals() else str(number)
        return (f"the library reading it stopped the process ({name}): the file is damaged or made to attack "
                "readers; open it in its program and save or print it again")
    return (f"reading it stopped before it finished (it may have needed more than {memory // 2**20} MB of memory); "
            "it may be damaged or malicious: open it and save it again")
