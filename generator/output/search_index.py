"""Stage 6, index: the Pagefind search index, in shards.

Each text is indexed once, where it is published (`searched` says which outputs): each review's
page (with its filters and sort keys, its letters, recommendations and feedback points under
anchored headings) and the text page of each of its documents (reviews/SLUG/documents/NAME/,
page by page). The lists across reviews (recommendations, feedback, a theme's, an agency's) only
repeat those texts: they are pages to browse, not entries in the index.

The shards: the review pages are split by a hash of their path into at most `REVIEW_SHARDS`
shards (one for every `MIN_SHARD` pages, up to that), and the document pages likewise, by their
own path, into at most `DOCUMENT_SHARDS` of their own (pagefind/documents-N); each shard is its
own Pagefind bundle under /pagefind/NAME/. The search page merges them at query time (Pagefind's
mergeIndex), and Pagefind merges their results and filter counts. A shard is keyed by its pages'
digests, so editing a letter re-indexes its review's shard, never the others. Why documents apart:
a report is a hundred pages, the text of fifty review pages, and an edit to a letter or a plan
changes only the review's page, so it never re-indexes documents; their pages are also rendered
later, once the site is assembled, while the review pages' shards are already being indexed. Why
at most eight in all: a query fetches Pagefind's scripts and WebAssembly once (about 375 KB) and,
from every shard, its entry, its metadata, its filters and the index chunk holding the word (about
20 to 30 KB), so eight shards keep a one-word search within 1.5 times the bytes of one index; and
Pagefind takes about 20 ms a run and 3 ms of CPU a review page, so a sixth of the review pages, at
most, is what an edit re-indexes (both measured in benchmarks/bench.py). Each shard is indexed
from disk by Pagefind's own command, from the `pagefind` package's bundled binary, which exits
only once every file is written. (Pagefind 1.5's Python API was tried first: it answers at most
one call every 100 ms, and its close() can stop the indexer before its last files are flushed.)
"""

from __future__ import annotations

import functools
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import Path
from typing import IO

from .write import Stamp, stamp

REVIEW_PAGES = "reviews/*/index.html"
DOCUMENT_PAGES = "reviews/*/documents/*/index.html"  # a document's text, page by page
REVIEW_SHARDS = 6
DOCUMENT_SHARDS = 2
MIN_SHARD = 15  # pages
PARALLEL = 2  # shards `dhr serve` indexes at once, at a low priority; a build starts all it has at once (see Indexing)

Shards = dict[str, tuple[bytes, dict[str, Stamp]]]  # bundle folder (pagefind/N) -> (its key, its files' stamps)


class SearchIndexError(RuntimeError):
    """Pagefind could not index the site."""


def is_review_page(path: str) -> bool:
    return fnmatch(path, REVIEW_PAGES) and path.count("/") == 2


def is_document_page(path: str) -> bool:
    return fnmatch(path, DOCUMENT_PAGES) and path.count("/") == 4


def searched(path: str) -> bool:
    """Whether the output at `path` goes into the search index: a review's page or one of its documents' text."""
    return is_review_page(path) or is_document_page(path)


def shard_count(pages: int, shard_size: int | None = None, most: int = REVIEW_SHARDS) -> int:
    """How many shards `pages` pages of one kind are split into: see the module's note; `shard_size` pages a
    shard, if set, else one for every MIN_SHARD, up to `most`."""
    if shard_size:
        return max(1, -(-pages // shard_size))
    return min(most, max(1, pages // MIN_SHARD))


def shard_of(path: str, count: int) -> str:
    """The shard an indexed page is in: one of `count` of its kind (see `searched`), picked by a hash of its path."""
    number = int.from_bytes(hashlib.blake2b(path.encode(), digest_size=4).digest(), "big") % count
    return f"pagefind/documents-{number}" if is_document_page(path) else f"pagefind/{number}"


def _counts(paths: Iterable[str], shard_size: int | None) -> tuple[int, int]:
    """How many shards the review pages and the document pages among `paths` are split into."""
    paths = list(paths)
    documents = sum(1 for path in paths if is_document_page(path))
    return (shard_count(len(paths) - documents, shard_size),
            shard_count(documents, shard_size, DOCUMENT_SHARDS))


def _shard(path: str, counts: tuple[int, int]) -> str:
    return shard_of(path, counts[is_document_page(path)])


def bundles(paths: Iterable[str], shard_size: int | None = None) -> tuple[str, ...]:
    """The URL of each shard's bundle, given the paths of every indexed page of the site (a shard with nothing to
    index cannot be made, so only those with pages); the first also serves Pagefind's scripts."""
    paths = [path for path in paths if searched(path)]
    counts = _counts(paths, shard_size)
    return tuple(sorted({f"/{_shard(path, counts)}/" for path in paths}))


def plan(pages: dict[str, bytes], shard_size: int | None = None) -> dict[str, tuple[bytes, list[str]]]:
    """Each shard's folder, key and pages, from the indexed pages' paths and digests: every review page of the site,
    or every document page, or both (each kind is split by how many of it there are, see `shard_of`); only shards
    with pages are made."""
    counts = _counts(pages, shard_size)
    members: dict[str, list[str]] = {}
    for path in sorted(pages):
        members.setdefault(_shard(path, counts), []).append(path)
    shards = {}
    for name, paths in members.items():
        key = hashlib.blake2b(f"pagefind {pagefind_version()}".encode(), digest_size=20)
        for path in paths:
            key.update(path.encode() + b"\0" + pages[path])
        shards[name] = (key.digest(), paths)
    return shards


def stale(wanted: dict[str, tuple[bytes, list[str]]], shards: Shards) -> dict[str, tuple[bytes, list[str]]]:
    """The wanted shards that the current index does not already hold as they are."""
    return {name: entry for name, entry in wanted.items() if shards.get(name, (b"",))[0] != entry[0]}


def still_indexed(site: Path, shards: Shards) -> Shards:
    """The shards whose files are all still exactly as Pagefind wrote them."""
    return {name: entry for name, entry in shards.items()
            if entry[1] and all(stamp(f"{site}/{name}/{p}") == s for p, s in entry[1].items())}


def stamps(bundle: Path) -> dict[str, Stamp]:
    """The stamp of every file in a bundle Pagefind wrote, by its path in the bundle."""
    found = {}
    for folder, _, names in os.walk(bundle):
        inside = os.path.relpath(folder, bundle)
        for name in names:  # a file gone meanwhile gets a stamp no file has, so the shard is made again
            found[name if inside == "." else f"{inside}/{name}"] = stamp(f"{folder}/{name}") or (0, 0, 0)
    return found


def index_shards(source: Callable[[str], Path], out_dir: Path, wanted: dict[str, tuple[bytes, list[str]]],
                 place: Path, background: bool = False) -> Shards:
    """Index each wanted shard's pages, each read from `source(path)`, and wait; returns their records."""
    indexing = Indexing(source, out_dir, wanted, place, background)
    try:
        return indexing.finish()
    finally:
        indexing.stop()


@functools.cache
def pagefind_command() -> tuple[str, ...]:
    """How to run Pagefind: the binary `pagefind[bin]` installs, run directly (`python -m pagefind` spends 0.2 s
    starting Python only to find it), else through that wrapper."""
    try:
        from pagefind_bin import get_executable
    except ImportError:
        return (sys.executable, "-m", "pagefind")
    binary = get_executable()
    return (str(binary),) if os.access(binary, os.X_OK) else (sys.executable, "-m", "pagefind")


@functools.cache
def pagefind_version() -> str:
    """Which Pagefind indexes, for the shards' keys: the binary run, by its path, size and modification time (an
    upgrade installs a new file), else the wrapper package's version."""
    command = pagefind_command()
    if len(command) == 1:
        info = os.stat(command[0])
        return f"{command[0]} {info.st_size} {info.st_mtime_ns}"
    from importlib.metadata import version
    return version("pagefind")


@dataclass
class _Run:
    name: str
    key: bytes
    process: subprocess.Popen[bytes]
    scratch: Path
    errors: IO[bytes]  # its standard error


class Indexing:
    """The wanted shards being indexed, by Pagefind processes that run while the caller goes on (rendering).

    Each bundle is written to `place / name`, from a scratch folder of hard links to its pages
    (`source(path)`), made beside `out_dir` and named so that the next build clears any a killed
    build left. In a build, every shard starts at once, so that indexing fills what the rendering
    leaves of both cores (at 10,000 reviews, starting two and the other four once the rendering
    ended took 2 to 6 s longer; each process holds at most a third of a gigabyte). `background`
    (`dhr serve`): at most PARALLEL run at once, at a low priority (`nice`, where there is one),
    so that the server stays quick to rebuild pages meanwhile; `finish` starts the others as those end.
    """

    def __init__(self, source: Callable[[str], Path], out_dir: Path, wanted: dict[str, tuple[bytes, list[str]]],
                 place: Path, background: bool = False) -> None:
        self._source, self._out_dir, self._place = source, out_dir, place
        self.names = sorted(wanted)
        nice = shutil.which("nice") if background else None
        self._prefix = [nice, "-n", "10"] if nice else []
        self._parallel = PARALLEL if background else sys.maxsize
        self._waiting = list(wanted.items())
        self._running: list[_Run] = []
        self._done: Shards = {}
        self._start()

    def add(self, wanted: dict[str, tuple[bytes, list[str]]]) -> None:
        """Index these shards too: now, if there is room, else as the others end."""
        self._waiting += list(wanted.items())
        self.names = sorted(self.names + list(wanted))
        self._start()

    def finish(self) -> Shards:
        """Wait for every shard; returns their records. Raises SearchIndexError."""
        self._start()
        while self._running:
            for run in [run for run in self._running if run.process.poll() is not None]:
                self._running.remove(run)
                self._ended(run)
            self._start()
            time.sleep(0.002)  # a Pagefind run takes 50 ms or more
        return self._done

    def stop(self) -> None:
        """Stop any Pagefind still running, and clear the scratch folders."""
        for run in self._running:
            run.process.kill()
            run.process.wait()
            self._clear(run)
        self._running, self._waiting = [], []

    def _start(self) -> None:
        while self._waiting and len(self._running) < self._parallel:
            name, (key, pages) = self._waiting.pop(0)
            scratch = Path(tempfile.mkdtemp(prefix=f".{self._out_dir.name}.index-", dir=self._out_dir.parent))
            for page in pages:
                (scratch / page).parent.mkdir(parents=True, exist_ok=True)
                os.link(self._source(page), scratch / page)
            bundle = self._place / name
            shutil.rmtree(bundle, ignore_errors=True)  # never write into files shared with the previous site
            command = [*self._prefix, *pagefind_command(), "--site", str(scratch), "--output-path", str(bundle),
                       "--force-language", "en", "--quiet"]
            errors = tempfile.TemporaryFile()  # noqa: SIM115 - closed by _clear
            process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=errors)
            self._running.append(_Run(name, key, process, scratch, errors))

    def _ended(self, run: _Run) -> None:
        run.errors.seek(0)
        message = run.errors.read().decode(errors="replace").strip()
        self._clear(run)
        if run.process.returncode != 0:
            self.stop()
            raise SearchIndexError(f"pagefind failed ({run.process.returncode}): {message[-2000:]}")
        self._done[run.name] = (run.key, stamps(self._place / run.name))

    @staticmethod
    def _clear(run: _Run) -> None:
        run.errors.close()
        shutil.rmtree(run.scratch, ignore_errors=True)
