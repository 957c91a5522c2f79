"""Stage 4, render (continued): the `Renderer`, which makes each job's file, and only where it changed.

A job's fingerprint is its template's (with those it uses) and a digest of its values; an output
whose fingerprint is the one its file on disk was made from is not made again (see
docs/incremental.md). The Renderer keeps that memory in a `RenderState`, which the build saves
between runs.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import pickle
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import jinja2

from ..progress import Progress
from ..workers import PARALLEL_FROM, fork_map
from . import export
from .learning import Item
from .model import Entry, Review
from .render import Job
from .templating import Uses, clear, environment, template_error_place, template_fingerprints

KEYED = {Review, Item, Entry}  # values that stand for themselves by their key (see context_digest)
PLAIN = {str, int, bool, type(None), dt.date}  # values that a digest takes as they are written (their repr)


Fingerprint = tuple[bytes | None, bytes]  # the template's closure and the values, as digests


def context_digest(context: tuple[tuple[str, Any], ...], seen: dict[int, bytes] | None = None) -> bytes:
    """A digest of a job's values, pickled; wherever it is in them, a review or an item built from a record
    stands for itself by its key, and an entry by the digest of its values.

    `seen` keeps each value's digest by its identity, for values many jobs share (the filters of
    every list page); the caller keeps those values alive while it uses `seen`.
    """
    digest = hashlib.blake2b(digest_size=20)
    seen = {} if seen is None else seen
    for name, value in context:
        digest.update(name.encode() + b"\0")
        if type(value) in PLAIN:
            digest.update(repr(value).encode() + b"\0")
            continue
        if id(value) not in seen:
            pickled = _Digest()
            _ByKey(pickled, protocol=pickle.HIGHEST_PROTOCOL).dump(value)
            seen[id(value)] = pickled.digest.digest()
        digest.update(seen[id(value)])
    return digest.digest()


class _Digest:
    """A file that digests what is written to it."""

    def __init__(self) -> None:
        self.digest = hashlib.blake2b(digest_size=20)

    def write(self, data: bytes) -> None:
        self.digest.update(data)


class _ByKey(pickle.Pickler):
    """Pickles each object that has a key as its key (see context_digest)."""

    def persistent_id(self, obj: Any) -> bytes | None:
        return obj.key or None if type(obj) in KEYED else None


class Writer(Protocol):
    written: dict[str, tuple[bytes, Any]]

    def prepare(self) -> Path: ...
    def put(self, path: str, data: bytes | Iterable[bytes]) -> None: ...
    def store(self, path: str, data: bytes | Iterable[bytes]) -> tuple[bytes, bool]: ...
    def record(self, path: str, token: bytes, wrote: bool) -> None: ...
    def keep(self, path: str) -> None: ...


@dataclass
class RenderState:
    """What a Renderer knows of the outputs on disk, kept between builds (see build/state.py)."""

    done: dict[str, Fingerprint] = field(default_factory=dict)  # path -> what its file on disk was made from
    uses: Uses = field(default_factory=dict)  # what each template names (see template_fingerprints)
    parts: dict[str, dict[bytes, bytes]] = field(default_factory=dict)  # the data files' parts (export.Parts.used)


class Renderer:
    """Renders jobs, skipping those whose template and values are unchanged since their file was written."""

    def __init__(self, templates: Path, compiled: jinja2.BytecodeCache | None = None,
                 store: export.ValueStore | None = None,
                 whole: Callable[[Review], Review] = lambda review: review) -> None:
        """`compiled` keeps the compiled templates, `store` the data files' parts (see export.Parts), and
        `whole` gives a light review's whole model, for its page."""
        self.templates = templates
        self._env = environment(templates, compiled)
        self.done: dict[str, Fingerprint] = {}  # path -> what its file on disk was made from
        self._fingerprints: dict[str, bytes] = {}
        self.uses: Uses = {}  # what each template names, kept between builds (see template_fingerprints)
        self.rendered: list[str] = []  # the paths rendered anew, since the caller last emptied it
        self.parts = export.Parts(store)
        self.whole = whole

    def state(self) -> RenderState:
        """What this Renderer knows, to keep for the next build."""
        return RenderState(self.done, self.uses, self.parts.used)

    def finished(self, done: dict[str, Fingerprint], partly: bool = False) -> None:
        """The outputs `render` made are on disk: know them as `done` (with `partly`, beside those known)."""
        if partly:
            self.done.update(done)
        else:
            self.done = done

    def restore(self, state: RenderState) -> None:
        """Know again what a Renderer knew at the end of an earlier build."""
        self.done, self.uses, self.parts.used = state.done, state.uses, state.parts

    def template_fingerprints(self) -> dict[str, bytes]:
        """Read the templates for a run, which `render` then uses: each one's fingerprint (see templating.py)."""
        fingerprints = template_fingerprints(self._env, self.templates, self.uses)
        if fingerprints != self._fingerprints and self._env.cache is not None:
            self._env.cache.clear()  # a template changed: compile every template afresh
        self._fingerprints = fingerprints
        return fingerprints

    def render(self, jobs: list[Job], chrome: Any, progress: Progress, writer: Writer) -> dict[str, Fingerprint]:
        """Make each new or changed output and hand it to `writer`, on every core; `keep` the others.

        Returns what each output was made from: the caller sets `done` to it once the writer has
        put them on disk (a site may be rendered in several calls, after one `template_fingerprints`).
        """
        fingerprints = self._fingerprints
        chrome_digest = context_digest((("site", chrome),))
        clear(self._env)
        done: dict[str, Fingerprint] = {}
        todo = []
        seen: dict[int, bytes] = {}
        for job in jobs:
            values = self.parts.digest(job.path, chrome, job.context[0][1]) if job.parts else \
                context_digest(job.context, seen)
            if values is None:  # a data file whose parts are known once it is made: its basis is set then
                todo.append(job)
                continue
            basis = (fingerprints.get(job.template) if job.template else None, chrome_digest + values)
            if self.done.get(job.path) == basis and job.path in writer.written:
                writer.keep(job.path)
                progress.advance()
            else:
                todo.append(job)
            done[job.path] = basis
        pages = [job for job in todo if job.template]
        if len(pages) >= PARALLEL_FROM:
            for name in fingerprints:
                self._env.get_template(name)  # compiled once, here, for every worker
        if todo:
            writer.prepare()  # made before any worker writes into it

        def make(number: int) -> tuple[bytes, bool]:  # the job's number crosses to the worker, not the job
            job = pages[number]
            try:
                return writer.store(job.path, self._make(job, chrome))
            except jinja2.TemplateError as exc:
                exc.place = template_error_place(exc)  # type: ignore[attr-defined]  # the traceback stays here
                raise

        with fork_map(make, range(len(pages))) as made:  # pages in workers; data files here meanwhile
            for job in todo:
                if job.produce:
                    writer.put(job.path, self._make(job, chrome))
                    if job.path not in done:
                        done[job.path] = (None, chrome_digest + self.parts.digest(job.path, chrome,  # type: ignore[operator]
                                                                                 job.context[0][1]))
                    progress.advance()
            for job, (token, wrote) in zip(pages, made, strict=True):
                writer.record(job.path, token, wrote)
                progress.advance()
        self.rendered += [job.path for job in todo]
        return done

    def _make(self, job: Job, chrome: Any) -> bytes | Iterable[bytes]:
        values = dict(job.context)
        if job.produce is not None:
            return job.produce(chrome, **values, **({"parts": self.parts} if job.parts else {}))
        if isinstance(review := values.get("review"), Review) and review.light:
            values["review"] = self.whole(review)  # only its own page shows its text
        template = self._env.get_template(job.template)  # type: ignore[arg-type]
        return template.render(site=chrome, url=job.url, **values).encode()
