"""`dhr serve`: build, serve, and rebuild what changed whenever a watched file is saved.

Watchdog reports every created, modified, deleted or moved file (editors that save by
renaming included); a burst of events, such as a git checkout, becomes one rebuild once the
files have been quiet for a moment. The Builder re-renders only what changed, only changed
files are written, and the search index is rebuilt in the background afterwards.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path

import jinja2
from watchdog.events import (
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
    FileClosedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver

from ..build.pipeline import Builder
from ..output.search_index import searched
from ..problems import ContentError, summarised
from ..site.templating import template_error_place
from .serve import LiveSite, counted, make_server

QUIET_SECONDS = 0.02  # how long the files must be still before a rebuild starts
# Changes only: watching opens and reads too would flood the kernel's queue with the rebuild's own reads.
CHANGES = [FileCreatedEvent, FileModifiedEvent, FileDeletedEvent, FileMovedEvent, FileClosedEvent,
           DirCreatedEvent, DirDeletedEvent, DirMovedEvent]


class Indexer:
    """Brings the search index up to date in a background thread; a newer request replaces a waiting one."""

    def __init__(self, builder: Builder, live: LiveSite) -> None:
        self.builder, self.live = builder, live
        self._pending = False
        self._wake = threading.Condition()
        threading.Thread(target=self._loop, name="dhr-indexer", daemon=True).start()

    def request(self) -> None:
        with self._wake:
            self._pending = True
            self.live.indexing = True
            self._wake.notify()

    def _loop(self) -> None:
        while True:
            with self._wake:
                self._wake.wait_for(lambda: self._pending)
                self._pending = False
            try:
                self.builder.update_index()
            except Exception as exc:  # keep serving; the next save tries again
                print(f"dhr serve: the search index could not be rebuilt: {exc}", flush=True)
            with self._wake:
                self.live.indexing = self._pending


class Rebuilder:
    """Turns file events into rebuilds of the live site."""

    def __init__(self, builder: Builder, live: LiveSite, say: Callable[[str], None] = print) -> None:
        self.builder, self.live, self.say = builder, live, say
        self.indexer = Indexer(builder, live)
        self._built = False  # whether the folder holds a complete build
        self._due: float | None = None
        self._edited: set[Path] | None = set()  # files saved since the last rebuild; None: anything may have changed
        self._wake = threading.Condition()
        self._warnings: list[str] = []

    def poke(self, paths: list[Path] | None = None) -> None:
        """Watched files changed (`paths`, when each is a file that was saved in place): rebuild once
        things have been quiet for QUIET_SECONDS."""
        with self._wake:
            if paths is None or self._edited is None:
                self._edited = None
            else:
                self._edited.update(paths)
            self._due = time.monotonic() + QUIET_SECONDS
            self._wake.notify()

    def loop(self) -> None:
        while True:
            with self._wake:
                self._wake.wait_for(lambda: self._due is not None)
                while (delay := self._due - time.monotonic()) > 0:  # type: ignore[operator]
                    self._wake.wait(delay)
                self._due = None
                edited, self._edited = self._edited, set()
            self.rebuild(edited)

    def rebuild(self, edited: set[Path] | None = None) -> None:
        """Build and update the live site; any failure is shown in the browser, and serving goes on."""
        try:
            self._rebuild(edited)
        except Exception as exc:  # e.g. a file vanished mid-scan during a checkout
            self._fail([f"the build stopped unexpectedly ({exc!r}); save a file to try again"])

    def _rebuild(self, edited: set[Path] | None) -> None:
        started = time.perf_counter()
        try:  # the first build makes a complete, fresh folder; later ones replace what changed
            rendered = self.builder.run(staged=not self._built, edited=edited if self._built else None)
        except ContentError as exc:
            found = exc.problems
            return self._fail(summarised(found.errors), summarised(found.warnings), len(found.warnings))
        except jinja2.TemplateError as exc:
            return self._fail([f"{template_error_place(exc)}: template: {exc}; fix the template"])
        verb = "Built" if not self._built else "Rebuilt"
        indexing = self._built and any(searched(p) for p in rendered.written + rendered.removed)
        if indexing:
            self.indexer.request()
        self._built = True
        self.live.succeed(bool(rendered.written or rendered.removed))
        warnings = summarised(rendered.problems.warnings)
        if warnings != self._warnings:
            self.say("\n".join(warnings))
            self._warnings = warnings
        self.say(f"{verb} {rendered.reviews} reviews, {rendered.letters} letters: {len(rendered.written)} files "
                 f"written, {len(rendered.removed)} removed, {len(rendered.problems.warnings)} warnings, "
                 f"{time.perf_counter() - started:.2f} s{' (search index updating)' if indexing else ''}")

    def _fail(self, errors: list[str], warnings: list[str] | None = None, warned: int = 0) -> None:
        """Show what stopped the build: the errors, and apart from them the `warned` warnings (alike ones grouped
        into one line of `warnings`)."""
        warnings = warnings or []
        self.live.fail(errors, warnings, warned)
        self.say("\n".join(errors + warnings))
        self._warnings = warnings
        also = f", and {counted(warned, 'warning')} that do not stop it" if warned else ""
        self.say(f"dhr: the site could not be built: {counted(len(errors), 'error')} to fix{also}; the preview shows "
                 "them until fixed")


class _Poke(FileSystemEventHandler):
    def __init__(self, rebuilder: Rebuilder) -> None:
        self.rebuilder = rebuilder

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("modified", "closed") and not event.is_directory:
            self.rebuilder.poke([Path(os.fsdecode(event.src_path))])  # saved in place
        elif event.event_type in ("created", "modified", "deleted", "moved", "closed"):
            self.rebuilder.poke()


class _Reappear(FileSystemEventHandler):
    """Watches a watched folder's parent: a folder deleted and put back (or replaced by a checkout) is a new
    folder, which the old watch no longer sees, so it is watched again and the site rebuilt."""

    def __init__(self, observer: BaseObserver, folder: Path, rebuilder: Rebuilder) -> None:
        self.observer, self.folder, self.rebuilder = observer, folder, rebuilder
        self.watch = observer.schedule(_Poke(rebuilder), str(folder), recursive=True, event_filter=CHANGES)
        observer.schedule(self, str(folder.parent), recursive=False, event_filter=CHANGES)

    def on_any_event(self, event: FileSystemEvent) -> None:
        paths = {os.fsdecode(event.src_path), os.fsdecode(getattr(event, "dest_path", "") or "")}
        if str(self.folder) not in paths:
            return
        if event.event_type in ("created", "moved") and self.folder.is_dir():
            with contextlib.suppress(KeyError, ValueError):  # the old watch may have ended with its folder
                self.observer.unschedule(self.watch)
            self.watch = self.observer.schedule(_Poke(self.rebuilder), str(self.folder), recursive=True,
                                                event_filter=CHANGES)
        self.rebuilder.poke()


def serve_site(builder: Builder, out: Path, host: str, port: int) -> None:
    """Build, serve on `host:port` and rebuild on every save, until interrupted."""
    live = LiveSite(out.resolve())
    server = make_server(live, host, port)  # first, so a busy port fails before any work
    rebuilder = Rebuilder(builder, live, say=lambda text: print(text, flush=True))
    rebuilder.rebuild()
    builder.warm()
    observer = Observer()
    for folder in (builder.content_dir, builder.templates):
        _Reappear(observer, Path(folder).resolve(), rebuilder)
    observer.start()
    threading.Thread(target=rebuilder.loop, name="dhr-rebuilder", daemon=True).start()
    threading.Thread(target=server.serve_forever, name="dhr-server", daemon=True).start()
    print(f"Serving http://{host}:{server.server_address[1]}/ (press Ctrl+C to stop)", flush=True)
    signal.signal(signal.SIGTERM, _interrupt)  # a polite kill stops like Ctrl+C
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        print("Stopped.", flush=True)
    finally:
        observer.stop()
        live.close()
        server.shutdown()
        deadline = time.monotonic() + 60
        while live.indexing and time.monotonic() < deadline:  # let Pagefind finish writing its files
            time.sleep(0.05)
        builder.save()


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt
