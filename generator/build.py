"""The pipeline, end to end: load -> validate -> model -> render -> write -> index."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from . import render
from .load import load_content
from .model import build_model
from .problems import ContentError, Problems
from .search_index import index_pages
from .validate import ValidContent, validate
from .write import staged, write_outputs

LOCAL_BASE_URL = "http://localhost:8000"


@dataclass
class BuildResult:
    problems: Problems
    reviews: int
    letters: int
    files: int
    indexed: int
    seconds: float
    base_url: str


def check(content_dir: Path, strict: bool = False) -> tuple[ValidContent, Problems]:
    """Load and validate; raises ContentError with every problem when the content cannot be built."""
    problems = Problems()
    content = validate(load_content(content_dir, problems), problems)
    if problems.failed(strict):
        raise ContentError(problems)
    return content, problems


def build(content_dir: Path, out_dir: Path, templates: Path, base_url: str | None = None,
          strict: bool = False, search: bool = True) -> BuildResult:
    """Build the site into `out_dir`; on any failure the previous `out_dir` is left as it was."""
    started = time.perf_counter()
    content, problems = check(content_dir, strict)
    base_url = base_url or content.site["base_url"] or LOCAL_BASE_URL
    site = build_model(content, base_url)
    outputs = render.render_site(site, templates)
    with staged(out_dir) as folder:
        files = write_outputs(outputs, folder)
        indexed = index_pages(outputs, folder) if search else 0
    return BuildResult(problems, len(site.reviews), sum(len(r.letters) for r in site.reviews),
                       files, indexed, time.perf_counter() - started, base_url)
