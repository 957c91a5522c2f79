"""The pipeline, end to end: load -> validate -> model -> render -> write -> index.

A `Builder` keeps what it learned between runs: each review folder's record (records.py), what
each output was made from, what is on disk and the search shards. A run redoes only what changed
and writes only what differs: `dhr serve` keeps one Builder for its whole session, and `dhr build`
restores one from the build cache (cache.py), so a rebuild with nothing changed writes nothing.
Each review's page is rendered before the lists across reviews are built, so that after a small
edit the search index is made meanwhile.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import cache
from .load import PLAN_NAMES, FileCache, load_content, load_settings, read_digest, walk_reviews
from .model import Chrome, Review, assemble, make_chrome
from .outdir import check_out
from .partnerships import Directory, partnership_list
from .problems import ContentError, Problems, UsageError
from .progress import Progress
from .records import Record, files_digest, folder_key, record_of, store_keys
from .render import Renderer, dressed, learning_jobs, review_page, searched_lists, site_jobs
from .search_index import (
    Indexing,
    Shards,
    bundles,
    index_shards,
    is_review_page,
    list_of,
    plan,
    searched,
    shard_count,
    stale,
    still_indexed,
)
from .validate import (
    FieldCache,
    ValidContent,
    Vocabulary,
    check_across,
    validate,
    validate_settings,
    vocabulary_of,
)
from .workers import fork_map
from .write import SiteWriter, still_written

LOCAL_BASE_URL = "http://localhost:8000"
EARLY_SHARDS = 2  # search shards to re-index, up to which they are indexed while the rest of the site is built


@dataclass
class Rendered:
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


def build_date() -> dt.date:
    """Today, or the day SOURCE_DATE_EPOCH gives (the reproducible-builds convention), in UTC."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch:
        return dt.datetime.now(dt.UTC).date()
    try:
        day = dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()
    except (ValueError, OverflowError, OSError):
        day = None
    if day is None or not 1970 <= day.year <= dt.datetime.now(dt.UTC).year + 1:
        raise UsageError(f"SOURCE_DATE_EPOCH={epoch[:40]!r} is not a time from 1970 to next year; give the "
                         "seconds since 1970-01-01 (e.g. from `git log -1 --format=%ct`), or unset it")
    return day


def check(content_dir: Path, strict: bool = False, today: dt.date | None = None) -> tuple[ValidContent, Problems]:
    """Load and validate; raises ContentError with every problem when the content cannot be built."""
    problems = Problems()
    content = validate(load_content(content_dir, problems), problems, today or build_date())
    if problems.failed(strict):
        raise ContentError(problems)
    return content, problems


class Builder:
    """Builds the site into `out_dir`, keeping what is unchanged between runs."""

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
        self._start()
        try:
            with long_lived():
                if self._cache and (state := cache.load(self._cache)):
                    self._restore(state)
        except cache.CacheError as damage:
            self._forget(damage)

    def _start(self) -> None:
        """Know nothing yet: every record, page and shard is made afresh."""
        self._files = FileCache()
        self._fields = FieldCache()
        self._records: dict[str, Record] = {}  # review folder -> its record
        self._folders: dict[str, list[str]] = {}  # review folder -> the names of its files
        self._written: dict[str, Any] = {}
        self._shards: Shards = {}
        self._lists: tuple[str, ...] = ()  # the lists across reviews that are searched and have entries
        self._inputs = b""  # a digest of everything the last good build was made from
        self._stored = True  # every published record's model is known to be in the store
        self._renderer = Renderer(self.templates, cache.templates_folder(self._cache) if self._cache else None)
        self._store = cache.Store(cache.store_folder(self._cache) if self._cache else None)
        self._renderer.parts.store = self._store
        self._renderer.whole = self._whole

    def _forget(self, damage: cache.CacheError) -> None:
        """Drop a damaged build cache, say so, and start afresh."""
        self.say(f"warning: the build cache in {self._cache.parent} was damaged ({damage}); "  # type: ignore[union-attr]
                 "it was cleared and everything is made again")
        self._store.close()
        cache.clear(self._cache)  # type: ignore[arg-type]
        self._start()

    def knows(self, path: Path) -> bool:
        """Whether `path` is a file of a review folder the last run read (so an edit can be rebuilt alone)."""
        return path.name in self._folders.get(str(path.parent), ())

    def run(self, progress: Progress | None = None, staged: bool = True, edited: set[Path] | None = None) -> Rendered:
        """Build and write; raises ContentError or a Jinja error, leaving the site folder as it was.

        `staged` builds a new folder swapped in at the end (see write.py); otherwise files are
        replaced in place, for `dhr serve`. `edited`: only these known files changed since the last
        run (from file events), so the review folders are not walked again. A build cache found
        damaged on the way is cleared and the build done again from nothing.
        """
        try:
            rendered = self._run(progress or Progress(), staged, edited)
        except cache.CacheError as damage:
            self._forget(damage)
            rendered = self._run(progress or Progress(), staged, None)
        compiled = self._renderer.compiled
        if (compiled and compiled.damaged) or self._store.damaged:
            self.say("warning: damaged compiled templates or stored values in the build cache were "
                     "dropped and made again")
            if compiled:
                compiled.damaged.clear()
            self._store.damaged = False
        return rendered

    def _run(self, progress: Progress, staged: bool, edited: set[Path] | None) -> Rendered:
        progress.stage("Reading and checking the content")
        problems = Problems()
        today = self.today or build_date()
        site_file, page_files = load_settings(self.content_dir, problems, self._files)
        values, pages = validate_settings(site_file, page_files, problems, self._fields)
        vocabulary = vocabulary_of(values)
        records = self._read_reviews(vocabulary, problems, edited)
        for record in records:
            problems.items.extend(record.problems)
        directory = check_across([r.facts for r in records if r.facts], problems, today,
                                 partnership_list(site_file, values, problems))
        if problems.failed(self.strict):
            raise ContentError(problems)
        base_url = self.base_url or values["base_url"] or LOCAL_BASE_URL
        self._renderer.rendered = []
        fingerprints = self._renderer.template_fingerprints()  # the templates as this run renders them
        if edited and not staged:  # dhr serve, after a save
            records = self._with_models(records, vocabulary)
            self._render_first({str(path.parent) for path in edited}, values, pages, base_url, today, directory)
        inputs = self._digest_inputs(records, [site_file, *page_files], fingerprints, today)
        written = still_written(self.out_dir, self._written)
        shards = still_indexed(self.out_dir, self._shards) if self.search else {}
        published = [r for r in records if r.published]
        letters = sum(1 for r in published for name in self._folders[os.path.dirname(r.facts.path)]
                      if name != "review.md" and name not in PLAN_NAMES)
        if inputs == self._inputs and written == self._written and shards == self._shards and self.out_dir.is_dir():
            return Rendered(problems, len(published), letters, base_url)  # nothing to do
        progress.stage("Building the reviews")
        with long_lived():
            records = self._with_models(records, vocabulary)
            reviews = [r.review(self._store) for r in records if r.published]
        chrome = self._chrome(values, pages, base_url)
        count = shard_count(len(reviews), self.shard_size)
        writer = SiteWriter(self.out_dir, written, staged)
        indexing = None
        try:  # each review's page first: the search index is made from them while the rest of the site is built
            progress.stage("Rendering the review pages", len(reviews))
            done = self._renderer.render([review_page(review, today, directory.of(review.csp)) for review in reviews],
                                         chrome, progress, writer)
            if self.search and staged:
                self._shards = {}
                wanted = plan({p: writer.digest(p) for p in writer.paths if is_review_page(p)}, count)
                indexing = self._start_index(writer, shards, wanted, None)
            progress.stage("Building the lists")
            with long_lived():
                withdrawn = [r.facts.slug for r in records if r.facts and r.facts.status == "withdrawn"]
                site = assemble(values, pages, reviews, withdrawn, base_url, today, self.preview, directory)
                self._lists = searched_lists(site)
                across = learning_jobs(site)
            searched = [job for job in across if list_of(job.path) in self._lists]  # indexed while the rest is made
            progress.stage("Rendering the lists across reviews", len(searched))
            done |= self._renderer.render(searched, chrome, progress, writer)
            if self.search and staged:
                lists = plan({job.path: writer.digest(job.path) for job in searched}, 0)
                indexing = self._start_index(writer, shards, lists, indexing)
                self._drop_old_shards(writer, set(wanted) | set(lists))
            with long_lived():
                jobs, copies, _ = site_jobs(site, self.templates, bundles((r.url[1:] + "index.html" for r in reviews),
                                                                          count, self._lists), across)
            rest = [job for job in jobs if not is_review_page(job.path) and list_of(job.path) not in self._lists]
            progress.stage("Rendering the other pages", len(rest))
            done |= self._renderer.render(rest, chrome, progress, writer)
            for copy in copies:
                writer.copy(copy.path, copy.source)
            indexed = self._finish_index(writer, indexing, progress) if indexing else []
            removed = writer.finish()
        except BaseException:
            if indexing:
                indexing.stop()
            writer.abandon()
            raise
        self._written, self._inputs, self._renderer.done = writer.written, inputs, done
        if staged:
            self.save()
        return Rendered(problems, len(published), letters, base_url, self._renderer.rendered, writer.changed, removed,
                        indexed)

    def _render_first(self, folders: set[str], values: dict[str, Any], pages: list[Any], base_url: str,
                      today: dt.date, directory: Directory) -> None:
        """`dhr serve`, after a save: the edited reviews' own pages, written before the rest of the site is made.

        A review's page shows only the review and the chrome, so it is known before the whole site
        is; the full run that follows finds it done.
        """
        reviews = [self._records[f].review(self._store) for f in folders
                   if f in self._records and self._records[f].published]
        if not reviews:
            return
        chrome = self._chrome(values, pages, base_url)
        jobs = [review_page(review, today, directory.of(review.csp)) for review in reviews]
        writer = SiteWriter(self.out_dir, {j.path: self._written[j.path] for j in jobs if j.path in self._written},
                            staged=False)
        done = self._renderer.render(jobs, chrome, Progress(), writer)
        writer.finish()
        self._written.update(writer.written)
        self._renderer.done.update(done)

    def _chrome(self, values: dict[str, Any], pages: list[Any], base_url: str) -> Chrome:
        """What every page shows around its content, with the assets' fingerprinted addresses."""
        return dressed(make_chrome(values, pages, base_url, self.preview), self.templates)[0]

    def _read_reviews(self, vocabulary: Vocabulary, problems: Problems, edited: set[Path] | None) -> list[Record]:
        """Every review folder's record, made again only where the bytes of its files or documents changed."""
        if edited is None or not all(self.knows(path) for path in edited):
            self._folders = walk_reviews(self.content_dir, problems)
            look_at = self._folders
        else:
            look_at = {folder: self._folders[folder] for folder in {str(p.parent) for p in edited}}
        stale = []  # the folders to make records of: each worker reads its folders' files (not held here)
        folders, version = list(look_at.items()), cache.generator_version()
        with fork_map(files_digest, folders, chunksize=256) as digests:
            for (folder, names), files in zip(folders, digests, strict=True):
                record = self._records.get(folder)
                if record is None or files is None or \
                        not record.is_current(folder_key(version, vocabulary, files)):
                    stale.append((folder, names, vocabulary))
        for folder in set(self._records) - set(self._folders):
            del self._records[folder]
        with fork_map(record_of, stale) as made:
            for folder, record in made:
                if record.data is not None:  # its models, pickled: into the store, not kept here
                    for store_key, data in zip(store_keys(record.model), record.data, strict=True):  # type: ignore[arg-type]
                        self._store.put(store_key, data)
                    record.data = None
                self._records[folder] = record
        self._store.commit()  # before any worker reads a model
        return [self._records[folder] for folder in self._folders]

    def _digest_inputs(self, records: list[Record], files: list[Any], fingerprints: dict[str, bytes],
                       today: dt.date) -> bytes:
        digest = hashlib.blake2b(today.isoformat().encode(), digest_size=20)
        for record in records:
            digest.update(record.key + repr(record.documents).encode())
        for source in files:
            digest.update(repr(source and self._files.digest(source.path)).encode())
        for name, fingerprint in sorted(fingerprints.items()):
            digest.update(name.encode() + fingerprint)
        for asset in sorted((self.templates / "assets").iterdir()):
            digest.update(asset.name.encode() + b"\0" + read_digest(asset)[0])
        return digest.digest()

    def _start_index(self, writer: SiteWriter, shards: Shards, wanted: dict[str, tuple[bytes, list[str]]],
                     indexing: Indexing | None) -> Indexing | None:
        """Start bringing the `wanted` search shards up to date in a staged build; unchanged shards are carried
        over. Returns what is indexing them (`indexing`, if it was given)."""
        outdated = stale(wanted, shards)
        for name in set(wanted) - set(outdated):
            self._shards[name] = shards[name]
            writer.keep_tree(name)
        if indexing and outdated:
            indexing.add(outdated)
        elif outdated:  # up to EARLY_SHARDS start now; more wait for the rendering to end (with both cores busy,
            # rendering and indexing at once was no quicker)
            indexing = Indexing(writer.source, self.out_dir, outdated, writer.folder(),
                                now=len(outdated) <= EARLY_SHARDS)
        return indexing

    def _drop_old_shards(self, writer: SiteWriter, wanted: set[str]) -> None:
        index = self.out_dir / "pagefind"
        for old in sorted(index.iterdir() if index.is_dir() else ()):
            if f"pagefind/{old.name}" not in wanted:
                writer.drop_tree(f"pagefind/{old.name}")

    def _finish_index(self, writer: SiteWriter, indexing: Indexing, progress: Progress) -> list[str]:
        """Wait for the shards being indexed; returns their names."""
        progress.stage("Indexing pages for search")
        self._shards.update(indexing.finish())
        for name in indexing.names:
            writer.new_tree(name)
        return indexing.names

    def update_index(self) -> list[str]:
        """For `dhr serve`: re-index, in place, the shards whose pages changed; each is swapped in whole."""
        count = shard_count(sum(1 for path in self._written if is_review_page(path)), self.shard_size)
        wanted = plan({path: entry[0] for path, entry in self._written.items() if searched(path, self._lists)}, count)
        shards = still_indexed(self.out_dir, self._shards)
        outdated = stale(wanted, shards)
        with tempfile.TemporaryDirectory(prefix=f".{self.out_dir.name}.index-", dir=self.out_dir.parent) as work:
            fresh = index_shards(lambda path: self.out_dir / path, self.out_dir, outdated, Path(work), background=True)
            for name in outdated:
                old = Path(work) / f"{name}.old"
                if (self.out_dir / name).exists():
                    (self.out_dir / name).rename(old)
                (Path(work) / name).rename(self.out_dir / name)
        for name in set(shards) - set(wanted):
            shutil.rmtree(self.out_dir / name, ignore_errors=True)
        self._shards = {**{n: shards[n] for n in wanted if n not in outdated}, **fresh}
        return sorted(outdated)

    def _with_models(self, records: list[Record], vocabulary: Vocabulary) -> list[Record]:
        """The records, each published one with its model in the store (those lacking it are made again)."""
        return records if self._check_store() else self._read_reviews(vocabulary, Problems(), None)

    def _check_store(self) -> bool:
        """Whether the store holds every published record's model, the first time it is asked after a restore.

        When the store was deleted or damaged, the records whose model is lost are forgotten, and
        the next run walks every folder to make them again.
        """
        if self._stored:
            return True
        self._stored = True
        present = self._store.present()
        lost = [f for f, r in self._records.items()
                if r.model and r._review is None and not present.issuperset(store_keys(r.model))]
        for folder in lost:
            del self._records[folder]
        if lost:
            self._folders = {}
        return not lost

    def _whole(self, review: Review) -> Review:
        """A light review's whole model, for its page (in whichever process renders it)."""
        return self._store.value(store_keys(review.key)[0])  # type: ignore[no-any-return]

    def warm(self) -> None:
        """Check the store now, so that the first save in `dhr serve` does not wait for it."""
        self._check_store()

    def _restore(self, state: dict[str, Any]) -> None:
        self._records, self._folders = state["records"], state["folders"]
        self._renderer.done, self._renderer.uses, self._written = state["done"], state["uses"], state["written"]
        self._shards, self._inputs, self._renderer.parts.used = state["shards"], state["inputs"], state["parts"]
        self._lists = state["lists"]
        self._files, self._fields = state["settings"]  # site.yaml and the pages, parsed and checked (by their bytes)
        self._store.index = state["store"]
        self._stored = False

    def save(self) -> None:
        """Keep what this Builder knows in the build cache, if it has one; drop what the store no longer needs."""
        if self._cache:
            live = {key for r in self._records.values() if r.model for key in store_keys(r.model)}
            self._store.keep_only(live.union(*self._renderer.parts.used.values()))
            cache.save(self._cache, {"records": self._records, "folders": self._folders,
                                     "done": self._renderer.done,
                                     "uses": self._renderer.uses, "written": self._written, "shards": self._shards,
                                     "lists": self._lists,
                                     "inputs": self._inputs, "parts": self._renderer.parts.used,
                                     "settings": (self._files, self._fields),
                                     "store": self._store.index})


def build(content_dir: Path, out_dir: Path, templates: Path, base_url: str | None = None, strict: bool = False,
          search: bool = True, progress: Progress | None = None, preview: bool = False,
          cache_dir: Path | None = None, shard_size: int | None = None,
          today: dt.date | None = None) -> tuple[Rendered, float]:
    """Build the site into `out_dir` (on any failure it is left as it was); returns what was done and the seconds."""
    started = time.perf_counter()
    progress = progress or Progress()
    builder = Builder(content_dir, templates, out_dir, base_url, strict, preview, search, shard_size, cache_dir,
                      today)
    rendered = builder.run(progress)
    progress.finish()
    return rendered, time.perf_counter() - started
