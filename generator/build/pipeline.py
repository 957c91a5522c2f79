"""The pipeline, end to end: load -> validate -> model -> render -> write -> index.

A `Builder` runs the stages in order and keeps what each learned between runs, in the typed parts
of a `BuildState` (state.py), each owned by its stage: the review folders' records (records.py),
the Renderer's memory of each output, what the SiteWriter wrote and the search shards
(indexing.py). A run redoes only what changed and writes only what differs: `dhr serve` keeps one
Builder for its whole session, and `dhr build` restores one from the build cache (output/cache.py),
so a rebuild with nothing changed writes nothing. Each review's page is rendered before the site
is assembled, and its documents' text pages before the other pages, so that their search shards
(the only pages indexed) are made meanwhile.
docs/incremental.md lists every key that decides what is made again.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from ..clock import build_date
from ..cms import git_host
from ..content.load import PLAN_NAMES, FileCache, load_content, read_digest
from ..content.partnerships import Directory, partnership_list
from ..content.validate import (
    ValidContent,
    check_across,
    validate,
)
from ..output import cache
from ..output.outdir import MARK, check_out
from ..output.search_index import Indexing, bundles, is_document_page, is_review_page, plan, searched
from ..output.write import SiteWriter, still_written
from ..problems import ContentError, Problems
from ..progress import Progress
from ..site.model import Chrome, Review, assemble, make_chrome
from ..site.render import dressed, review_page, site_jobs
from ..site.renderer import Renderer
from .documents import check_all as check_documents
from .indexing import SearchShards
from .reading import ContentReader
from .records import FolderRecord, store_keys
from .state import BuildState, from_saved, to_saved

LOCAL_BASE_URL = "http://localhost:8000"


@dataclass
class BuildResult:
    """What one run of the Builder did."""

    problems: Problems
    reviews: int  # published
    letters: int  # of the published reviews
    base_url: str
    rendered: list[str] = field(default_factory=list)  # outputs rendered anew; the others were unchanged
    written: list[str] = field(default_factory=list)  # files written (or replaced) in the site folder
    removed: list[str] = field(default_factory=list)
    indexed: list[str] = field(default_factory=list)  # search shards indexed anew


@contextmanager
def long_lived() -> Iterator[None]:
    """Make many objects that live for the rest of the run (the cache's state, the model) without the cyclic
    garbage collector scanning them again and again as they grow, nor after: they are frozen (see gc.freeze).

    This took a sixth of a rebuild at 10,000 reviews.
    """
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()


def check(content_dir: Path, strict: bool = False, today: dt.date | None = None) -> tuple[ValidContent, Problems]:
    """Load, validate and check the published reviews' documents; raises ContentError with every problem when the
    content cannot be built."""
    problems = Problems()
    content = validate(load_content(content_dir, problems), problems, today or build_date())
    check_documents(content.reviews, problems)
    if problems.failed(strict):
        raise ContentError(problems)
    return content, problems


class Builder:
    """Builds the site into `out_dir`: runs the stages in order, keeping what is unchanged between runs."""

    def __init__(self, content_dir: Path, templates: Path, out_dir: Path, base_url: str | None = None,
                 strict: bool = False, preview: bool = False, search: bool = True, shard_size: int | None = None,
                 cache_dir: Path | None = None, today: dt.date | None = None,
                 say: Callable[[str], None] = lambda text: print(text, file=sys.stderr)) -> None:
        check_out(out_dir, content_dir, templates)
        self.content_dir, self.templates, self.out_dir = content_dir, templates, out_dir
        self.today = today  # None: the build date of each run
        self.base_url, self.strict, self.preview = base_url, strict, preview
        self.search, self.shard_size = search, shard_size
        settings = (str(content_dir.resolve()), str(templates.resolve()), str(out_dir.resolve()), base_url, strict,
                    preview, search, shard_size)
        self._cache = cache.state_file(cache_dir, settings) if cache_dir else None
        self.say = say  # where a warning about the build cache is shown, once
        self._lock = threading.Lock()  # one run, or one look at what it wrote, at a time (dhr serve's threads)
        self._start(BuildState())
        if self._cache and (unused := cache.not_ours(self._cache)):
            self.say(unused)
        try:
            with long_lived():
                if self._cache and (saved := cache.load(self._cache)):
                    self._start(from_saved(saved), restored=True)
        except cache.CacheError as damage:
            self._forget(damage)

    def _start(self, state: BuildState, restored: bool = False) -> None:
        """Know what `state` holds: nothing for a first build, what a build cache kept for a restored one."""
        self._written = state.written
        self._inputs = state.inputs
        self._compiled = cache.VerifiedBytecode(cache.templates_folder(self._cache)) if self._cache else None
        self._store = cache.Store(cache.store_folder(self._cache) if self._cache else None)
        self._store.index = state.store
        self._reader = ContentReader(self.content_dir, state.read, self._store, restored)
        self._renderer = Renderer(self.templates, self._compiled, self._store, self._whole)
        self._renderer.restore(state.render)
        self._shards = SearchShards(self.out_dir, self.shard_size, state.index)
        self._filed: Directory | None = None  # the partnership each review was filed under by the last run

    def _forget(self, damage: cache.CacheError) -> None:
        """Drop a damaged build cache, say so, and start afresh."""
        self.say(f"warning: the build cache in {self._cache.parent} was damaged ({damage}); "  # type: ignore[union-attr]
                 "it was cleared and everything is made again")
        self._store.close()
        cache.clear(self._cache)  # type: ignore[arg-type]
        self._start(BuildState())

    def knows(self, path: Path) -> bool:
        """Whether `path` is a file of a review folder the last run read (so an edit can be rebuilt alone)."""
        return self._reader.knows(path)

    def run(self, progress: Progress | None = None, staged: bool = True,
            edited: set[Path] | None = None) -> BuildResult:
        """Build and write; raises ContentError or a Jinja error, leaving the site folder as it was.

        `staged` builds a new folder swapped in at the end (see output/write.py); otherwise files are
        replaced in place, for `dhr serve`. `edited`: only these known files changed since the last
        run (from file events), so the review folders are not walked again. A build cache found
        damaged on the way is cleared and the build done again from nothing.
        """
        with self._lock:
            try:
                result = self._run(progress or Progress(), staged, edited)
            except cache.CacheError as damage:
                self._forget(damage)
                result = self._run(progress or Progress(), staged, None)
            if (self._compiled and self._compiled.damaged) or self._store.damaged:
                self.say("warning: damaged compiled templates or stored values in the build cache were "
                         "dropped and made again")
                if self._compiled:
                    self._compiled.damaged.clear()
                self._store.damaged = False
            return result

    def _run(self, progress: Progress, staged: bool, edited: set[Path] | None) -> BuildResult:
        progress.stage("Reading and checking the content")
        problems = Problems()
        today = self.today or build_date()
        site_file, page_files, values, pages, vocabulary = self._reader.settings(problems)
        records = self._reader.reviews(vocabulary, problems, edited)
        for record in records:
            problems.items.extend(record.problems)
        self._renderer.rendered = []
        fingerprints = self._renderer.template_fingerprints()  # the templates as this run renders them
        if edited and not staged and self._filed and not problems.failed(self.strict):  # dhr serve, after a save
            records = self._reader.with_models(records, vocabulary)
            self._render_first({str(path.parent) for path in edited}, values, pages, today, self._filed)
        directory = self._filed = check_across([r.facts for r in records if r.facts], problems, today,
                                               partnership_list(site_file, values, problems))
        if problems.failed(self.strict):
            raise ContentError(problems)
        base_url = self.base_url or values["base_url"] or LOCAL_BASE_URL
        inputs = inputs_digest(today, records, [site_file, *page_files], self._reader.state.files, fingerprints,
                               self.templates)
        written = still_written(self.out_dir, self._written)
        indexed = self._shards.unchanged() if self.search else True
        published = [r for r in records if r.published]
        folders = self._reader.state.folders
        letters = sum(1 for r in published if r.facts for name in folders[os.path.dirname(r.facts.path)]
                      if name != "review.md" and name not in PLAN_NAMES)
        if inputs == self._inputs and written == self._written and indexed and self.out_dir.is_dir():
            return BuildResult(problems, len(published), letters, base_url)  # nothing to do
        progress.stage("Building the reviews")
        with long_lived():
            records = self._reader.with_models(records, vocabulary)
            reviews = [r.review(self._store) for r in records if r.published]
        chrome = chrome_of(values, pages, base_url, self.preview, self.templates)
        writer = SiteWriter(self.out_dir, written, staged)
        indexing: Indexing | None = None
        index = self.search and staged
        try:  # each review's page first: their shards are indexed while the rest of the site is built
            progress.stage("Rendering the review pages", len(reviews))
            done = self._renderer.render([review_page(review, today, directory.of(review.csp)) for review in reviews],
                                         chrome, progress, writer)
            if index:
                wanted = plan({p: writer.digest(p) for p in writer.paths if is_review_page(p)}, self.shard_size)
                indexing = self._shards.start(writer, wanted, None, first=True)
            progress.stage("Building the lists")
            with long_lived():
                withdrawn = [r.facts.slug for r in records if r.facts and r.facts.status == "withdrawn"]
                site = assemble(values, pages, reviews, withdrawn, base_url, today, self.preview, directory)
                jobs, copies, _ = site_jobs(site, self.templates, MARK, partial(bundles, shard_size=self.shard_size),
                                            git_host())
            documents = [job for job in jobs if is_document_page(job.path)]  # indexed while the rest is made
            progress.stage("Rendering the documents' text", len(documents))
            done |= self._renderer.render(documents, chrome, progress, writer)
            if index:
                made = plan({job.path: writer.digest(job.path) for job in documents}, self.shard_size)
                indexing = self._shards.start(writer, made, indexing, first=False)
                self._shards.drop_others(writer, set(wanted) | set(made))
            rest = [job for job in jobs if not searched(job.path)]
            progress.stage("Rendering the other pages", len(rest))
            done |= self._renderer.render(rest, chrome, progress, writer)
            for copy in copies:
                writer.copy(copy.path, copy.source)
            shards_indexed = self._shards.finish(writer, indexing, progress) if indexing else []
            removed = writer.finish()
        except BaseException:
            if indexing:
                indexing.stop()
            writer.abandon()
            raise
        self._written, self._inputs = writer.written, inputs
        self._renderer.finished(done)
        if staged:
            self._save()
        return BuildResult(problems, len(published), letters, base_url, self._renderer.rendered, writer.changed,
                           removed, shards_indexed)

    def _render_first(self, folders: set[str], values: dict[str, Any], pages: list[Any], today: dt.date,
                      filed: Directory) -> None:
        """`dhr serve`, after a save: the edited reviews' own pages, written before the rest of the site is made.

        A review's page shows only the review and the chrome, filed as the last run `filed` it (the rules across
        reviews, checked after, took 3/4 of a save at 10,000 reviews); the run that follows makes it again if need be.
        """
        records = self._reader.state.records
        reviews = [records[f].review(self._store) for f in folders if f in records and records[f].published]
        if not reviews:
            return
        chrome = chrome_of(values, pages, self.base_url or values["base_url"] or LOCAL_BASE_URL, self.preview,
                           self.templates)
        jobs = [review_page(review, today, filed.of(review.csp)) for review in reviews]
        writer = SiteWriter(self.out_dir, {j.path: self._written[j.path] for j in jobs if j.path in self._written},
                            staged=False)
        done = self._renderer.render(jobs, chrome, Progress(), writer)
        writer.finish()
        self._written.update(writer.written)
        self._renderer.finished(done, partly=True)

    def update_index(self) -> list[str]:
        """For `dhr serve`: re-index, in place, the shards whose pages changed since they were indexed."""
        with self._lock:  # what the site folder holds now, as the last rebuild left it
            written = dict(self._written)
        return self._shards.update(written)

    def _whole(self, review: Review) -> Review:
        """A light review's whole model, for its page (in whichever process renders it)."""
        return self._store.value(store_keys(review.key)[0])

    def warm(self) -> None:
        """Check the store now, so that the first save in `dhr serve` does not wait for it."""
        with self._lock:
            self._reader.check_store()

    def save(self) -> None:
        """Keep what this Builder knows in the build cache, if it has one."""
        with self._lock:
            self._save()

    def _save(self) -> None:
        """Keep the build state in the build cache, if there is one; drop what the store no longer needs."""
        if self._cache:
            render = self._renderer.state()
            self._store.keep_only(self._reader.live_keys().union(*render.parts.values()))
            state = BuildState(self._reader.state, render, self._written, self._shards.state(), self._inputs,
                               self._store.index)
            cache.save(self._cache, to_saved(state))


def chrome_of(values: dict[str, Any], pages: list[Any], base_url: str, preview: bool, templates: Path) -> Chrome:
    """What every page shows around its content, with the assets' fingerprinted addresses."""
    return dressed(make_chrome(values, pages, base_url, preview), templates)[0]


def inputs_digest(today: dt.date, records: list[FolderRecord], settings: list[Any], files: FileCache,
                  fingerprints: dict[str, bytes], templates: Path) -> bytes:
    """A digest of everything a build is made from: the day, each record's key and documents, site.yaml and the
    pages (`settings`, by their bytes as `files` read them), the templates' fingerprints and the assets' bytes."""
    digest = hashlib.blake2b(today.isoformat().encode(), digest_size=20)
    for record in records:
        digest.update(record.key + repr(record.documents).encode())
    for source in settings:
        digest.update(repr(source and files.digest(source.path)).encode())
    for name, fingerprint in sorted(fingerprints.items()):
        digest.update(name.encode() + fingerprint)
    for asset in sorted((templates / "assets").iterdir()):
        digest.update(asset.name.encode() + b"\0" + read_digest(asset)[0])
    return digest.digest()


def build(content_dir: Path, out_dir: Path, templates: Path, base_url: str | None = None, strict: bool = False,
          search: bool = True, progress: Progress | None = None, preview: bool = False,
          cache_dir: Path | None = None, shard_size: int | None = None,
          today: dt.date | None = None) -> tuple[BuildResult, float]:
    """Build the site into `out_dir` (on any failure it is left as it was); returns what was done and the seconds."""
    started = time.perf_counter()
    progress = progress or Progress()
    builder = Builder(content_dir, templates, out_dir, base_url, strict, preview, search, shard_size, cache_dir,
                      today)
    result = builder.run(progress)
    progress.finish()
    return result, time.perf_counter() - started
