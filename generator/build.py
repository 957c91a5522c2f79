"""The pipeline, end to end: load -> validate -> model -> render -> write -> index.

A `Builder` runs the first four stages and keeps, between runs, the parsed files, the
reviews built from them and the rendered pages, so a rebuild redoes only what changed.
`build` is one run of a fresh Builder, written to a new folder and indexed.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from .load import FileCache, load_content
from .model import ReviewCache, Site, build_model
from .problems import ContentError, Problems
from .progress import Progress
from .render import Output, Renderer, site_jobs
from .search_index import index_site
from .validate import FieldCache, ValidContent, validate
from .write import staged, write_outputs

LOCAL_BASE_URL = "http://localhost:8000"


@dataclass
class Rendered:
    """What one run of the Builder made."""

    problems: Problems
    site: Site
    outputs: list[Output]
    rendered: list[str]  # paths rendered anew in this run; the others were unchanged
    base_url: str

    @property
    def letters(self) -> int:
        return sum(len(r.letters) for r in self.site.reviews)


@dataclass
class BuildResult:
    rendered: Rendered
    files: int
    indexed: int
    seconds: float

    @property
    def problems(self) -> Problems:
        return self.rendered.problems


def check(content_dir: Path, strict: bool = False, files: FileCache | None = None,
          fields: FieldCache | None = None) -> tuple[ValidContent, Problems]:
    """Load and validate; raises ContentError with every problem when the content cannot be built."""
    problems = Problems()
    content = validate(load_content(content_dir, problems, files), problems, fields)
    if problems.failed(strict):
        raise ContentError(problems)
    return content, problems


class Builder:
    """Load, validate, model and render, keeping what is unchanged between runs."""

    def __init__(self, content_dir: Path, templates: Path, base_url: str | None = None, strict: bool = False,
                 preview: bool = False) -> None:
        self.content_dir, self.templates = content_dir, templates
        self.base_url, self.strict, self.preview = base_url, strict, preview
        self._files = FileCache()
        self._fields = FieldCache()
        self._reviews: ReviewCache = {}
        self._renderer = Renderer(templates)

    def run(self, progress: Progress | None = None) -> Rendered:
        """Build every output in memory; raises ContentError (or a Jinja error) and keeps the caches."""
        progress = progress or Progress()
        progress.stage("Reading and checking the content")
        content, problems = check(self.content_dir, self.strict, self._files, self._fields)
        base_url = self.base_url or content.site["base_url"] or LOCAL_BASE_URL
        progress.stage("Building the reviews")
        site = build_model(content, base_url, self._reviews, self.preview)
        jobs, copies, chrome = site_jobs(site, self.templates)
        progress.stage("Rendering pages", len(jobs))
        outputs = self._renderer.render(jobs, chrome, progress) + copies
        return Rendered(problems, site, outputs, self._renderer.rendered, base_url)


def build(content_dir: Path, out_dir: Path, templates: Path, base_url: str | None = None,
          strict: bool = False, search: bool = True, progress: Progress | None = None,
          preview: bool = False) -> BuildResult:
    """Build the site into `out_dir`; on any failure the previous `out_dir` is left as it was."""
    started = time.perf_counter()
    progress = progress or Progress()
    rendered = Builder(content_dir, templates, base_url, strict, preview).run(progress)
    files, indexed = publish(rendered.outputs, out_dir, search, progress)
    progress.finish()
    return BuildResult(rendered, files, indexed, time.perf_counter() - started)


def publish(outputs: list[Output], out_dir: Path, search: bool = True,
            progress: Progress | None = None) -> tuple[int, int]:
    """Write the outputs to a fresh folder, index it, and swap it in for `out_dir`: (files, pages indexed)."""
    progress = progress or Progress()
    with staged(out_dir) as folder:
        progress.stage("Writing files", len(outputs))
        files = write_outputs(outputs, folder, progress)
        progress.stage("Indexing pages for search")
        indexed = index_site(folder, folder / "pagefind") if search else 0
    return files, indexed
