"""The output folder: which folders may be one, the mark a build leaves in it, and one build at a time.

A build replaces its output folder whole, so a wrong `--out` could destroy the content. A folder
is refused when it is, holds or lies inside the content or templates folder, or when it is or
holds the project folder or a home folder; an existing folder with files in it is replaced only
when a build marked it as its own (its `_headers` file opens with MARK). While a build
or `dhr serve` works on a folder it holds a lock beside it, so a second one waits, or says why
it cannot.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..problems import UsageError, display_path

MARK = "# Written by dhr build."  # the first line of the site's `_headers`: a folder holding it is a build's


def check_out(out: Path, content: Path, templates: Path) -> None:
    """Raise UsageError when `out` may not be written: replacing it could lose someone's files."""
    target = out.resolve()
    shown = display_path(out)
    for what, folder in (("content", content), ("templates", templates)):
        folder = folder.resolve()
        if _overlap(target, folder):
            raise UsageError(f"--out {shown} would overwrite the {what} folder {display_path(folder)}; "
                             "build into a folder of its own, such as site")
    homes = {Path.home().resolve(), *(p.resolve() for p in _home_folders())}
    for what, folder in (("project", Path.cwd().resolve()), ("project", content.resolve().parent),
                         *(("home", home) for home in homes)):
        if folder.is_relative_to(target):
            raise UsageError(f"--out {shown} would overwrite the {what} folder {display_path(folder)}; "
                             "build into a folder of its own, such as site")
    if target.is_dir() and not _is_a_build(target) and any(target.iterdir()):
        raise UsageError(f"--out {shown} already holds files that no dhr build made; empty or delete the folder, "
                         "or build into a new one")
    if target.exists() and not target.is_dir():
        raise UsageError(f"--out {shown} is a file, not a folder; give a folder's name, such as site")


def check_cache(cache_dir: Path, out: Path, content: Path, templates: Path) -> None:
    """Raise UsageError when `cache_dir` would mix the build cache with the content, templates or site."""
    target = cache_dir.resolve()
    for what, folder in (("content", content), ("templates", templates), ("output", out)):
        folder = folder.resolve()
        if _overlap(target, folder):
            raise UsageError(f"--cache-dir {display_path(cache_dir)} would mix the build cache with the {what} "
                             f"folder {display_path(folder)}; give a folder of its own, such as .dhr-cache")


def _overlap(first: Path, second: Path) -> bool:
    """Whether one folder is the other or lies inside it (both resolved)."""
    return first.is_relative_to(second) or second.is_relative_to(first)


def _is_a_build(folder: Path) -> bool:
    try:
        with (folder / "_headers").open("rb") as file:
            return file.read(len(MARK)) == MARK.encode()
    except OSError:
        return False


def _home_folders() -> list[Path]:
    home = Path("/home")
    try:
        return [p for p in home.iterdir() if p.is_dir()] if home.is_dir() else []
    except OSError:
        return []


def lock_path(out: Path) -> Path:
    """The lock beside the output folder (a build clears every other `.<name>.*` it finds there)."""
    out = out.resolve()
    return out.parent / f".{out.name}.lock"


@contextmanager
def hold(out: Path, command: str, wait: float = 600.0) -> Iterator[None]:
    """Work on `out` alone: wait up to `wait` seconds for a build that holds it; never for `dhr serve`.

    The lock file is removed on release; a waiter that then holds a removed file tries again.
    """
    path = lock_path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    deadline, told = time.monotonic() + wait, False
    while True:
        file = open(path, "a+")  # noqa: SIM115 - closed below, or on release
        try:
            fcntl.flock(file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            file.seek(0)
            holder = file.read().strip() or "another dhr"
            file.close()
            if holder.startswith("dhr serve") or time.monotonic() > deadline:
                raise UsageError(f"{display_path(out)} is in use by {holder}; stop it, or use --out to "
                                 "work in another folder") from None
            if not told:
                print(f"dhr: waiting for {holder} to finish with {display_path(out)}", flush=True)
                told = True
            time.sleep(0.2)
            continue
        if path.exists() and os.stat(path).st_ino == os.fstat(file.fileno()).st_ino:
            break
        file.close()  # released and removed by its holder meanwhile
    try:
        file.truncate(0)
        file.write(f"{command} (process {os.getpid()})")
        file.flush()
        yield
    finally:
        path.unlink(missing_ok=True)
        file.close()


def clear_stale_lock(path: Path) -> None:
    """Remove a lock that a killed build left, held by nobody (one that is held stays)."""
    try:
        with open(path, "a+") as file:
            fcntl.flock(file, fcntl.LOCK_EX | fcntl.LOCK_NB)
            path.unlink(missing_ok=True)
    except OSError:  # held (BlockingIOError), or gone
        pass
