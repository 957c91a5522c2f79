"""`dhr serve`: build, serve, and rebuild what changed whenever a watched file is saved.

Watchdog reports every created, modified, deleted or moved file (editors that save by
renaming included); a burst of events, such as a git checkout, becomes one rebuild once the
files have been quiet for a moment. The Builder re-renders only what changed, only changed
files are written, and the search index is rebuilt in the background afterwards.
"""

from __future__ import annotations

import shutil
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

from .build import Builder, Rendered, publish
from .problems import ContentError
from .render import template_error_place
from .search_index import index_site, is_indexed
from .serve import LiveSite, make_server
from .write import Written, recorded, sync_outputs

QUIET_SECONDS = 0.05  # how long the files must be still before a rebuild starts
# Changes only: watching opens and reads too would flood the kernel's queue with the rebuild's own reads.
CHANGES = [FileCreatedEvent, FileModifiedEvent, FileDeletedEvent, FileMovedEvent, FileClosedEvent,
           DirCreatedEvent, DirDeletedEvent, DirMovedEvent]


class Indexer:
    """Rebuilds the search index in a background thread; a newer request replaces a waiting one."""

    def __init__(self, live: LiveSite) -> None:
        self.live = live
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
                self._index(self.live.folder)
            except Exception as exc:  # keep serving; the next save tries again
                print(f"dhr serve: the search index could not be rebuilt: {exc}", flush=True)
            with self._wake:
                self.live.indexing = self._pending


    @staticmethod
    def _index(folder: Path) -> None:
        """Index into a side folder, then swap it in for the old index."""
        fresh, old = folder / ".pagefind-next", folder / ".pagefind-old"
        shutil.rmtree(fresh, ignore_errors=True)
        index_site(folder, fresh)
        if (folder / "pagefind").exists():
            (folder / "pagefind").rename(old)
        fresh.rename(folder / "pagefind")
        shutil.rmtree(old, ignore_errors=True)


class Rebuilder:
    """Turns file events into rebuilds of the live site."""

    def __init__(self, builder: Builder, live: LiveSite, say: Callable[[str], None] = print) -> None:
        self.builder, self.live, self.say = builder, live, say
        self.indexer = Indexer(live)
        self._written: Written | None = None  # None until the folder holds a complete build
        self._due: float | None = None
        self._wake = threading.Condition()
        self._warnings: list[str] = []

    def poke(self) -> None:
        """A watched file changed: rebuild once things have been quiet for QUIET_SECONDS."""
        with self._wake:
            self._due = time.monotonic() + QUIET_SECONDS
            self._wake.notify()

    def loop(self) -> None:
        while True:
            with self._wake:
                self._wake.wait_for(lambda: self._due is not None)
                while (delay := self._due - time.monotonic()) > 0:  # type: ignore[operator]
                    self._wake.wait(delay)
                self._due = None
            self.rebuild()

    def rebuild(self) -> None:
        """Build and update the live site; any failure is shown in the browser, and serving goes on."""
        try:
            self._rebuild()
        except Exception as exc:  # e.g. a file vanished mid-scan during a checkout
            self._fail([f"the build stopped unexpectedly ({exc!r}); save a file to try again"])

    def _rebuild(self) -> None:
        started = time.perf_counter()
        try:
            rendered = self.builder.run()
        except ContentError as exc:
            return self._fail([str(p) for p in exc.problems.errors + exc.problems.warnings])
        except jinja2.TemplateError as exc:
            return self._fail([f"{template_error_place(exc)}: template: {exc}; fix the template"])
        verb = "Built" if self._written is None else "Rebuilt"
        changed, removed, indexing = self._write(rendered)
        self.live.succeed(bool(changed or removed))
        warnings = [str(p) for p in rendered.problems.warnings]
        if warnings != self._warnings:
            self.say("\n".join(warnings))
            self._warnings = warnings
        self.say(f"{verb} {len(rendered.site.reviews)} reviews, {rendered.letters} letters: {len(changed)} files "
                 f"written, {len(removed)} removed, {len(rendered.problems.warnings)} warnings, "
                 f"{time.perf_counter() - started:.2f} s{' (search index updating)' if indexing else ''}")

    def _write(self, rendered: Rendered) -> tuple[list[str], list[str], bool]:
        if self._written is None:  # first good build: a complete, fresh folder
            publish(rendered.outputs, self.live.folder)
            self._written = recorded(rendered.outputs)
            return [o.path for o in rendered.outputs], [], False
        changed, removed = sync_outputs(rendered.outputs, self.live.folder, self._written)
        indexing = any(is_indexed(p) for p in changed + removed)
        if indexing:
            self.indexer.request()
        return changed, removed, indexing

    def _fail(self, errors: list[str]) -> None:
        self.live.fail(errors)
        self.say("\n".join(errors))
        self.say(f"dhr: the site could not be built ({len(errors)} problems); the preview shows them until fixed")


class _Poke(FileSystemEventHandler):
    def __init__(self, rebuilder: Rebuilder) -> None:
        self.rebuilder = rebuilder

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("created", "modified", "deleted", "moved", "closed"):
            self.rebuilder.poke()


def serve_site(builder: Builder, out: Path, host: str, port: int) -> None:
    """Build, serve on `host:port` and rebuild on every save, until interrupted."""
    live = LiveSite(out.resolve())
    server = make_server(live, host, port)  # first, so a busy port fails before any work
    rebuilder = Rebuilder(builder, live, say=lambda text: print(text, flush=True))
    rebuilder.rebuild()
    observer = Observer()
    for folder in (builder.content_dir, builder.templates):
        observer.schedule(_Poke(rebuilder), str(folder), recursive=True, event_filter=CHANGES)
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


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt
