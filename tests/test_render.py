"""Stage 4: rendering filters and the list of outputs."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import jinja2
import pytest
from conftest import TEMPLATES, ContentTree

from generator.build.pipeline import Builder
from generator.site.templating import environment, file_size, long_date


def test_filters() -> None:
    assert long_date(dt.date(2024, 8, 7)) == "7 August 2024"
    assert long_date("2025-05") == "May 2025"
    assert file_size(28) == "1 KB" and file_size(2_345_678) == "2.3 MB"


def test_templates_refuse_undefined_names() -> None:
    env = environment(TEMPLATES)
    with pytest.raises(jinja2.UndefinedError):
        env.from_string("{{ review.titel }}").render(review={"title": "x"})


def test_titles_are_escaped(tree: ContentTree, tmp_path: Path) -> None:
    tree.review("title: <b>Alice</b>\ncsp: A & B\nstatus: published\n")
    Builder(tree.root, TEMPLATES, tmp_path / "site", search=False).run()
    html = (tmp_path / "site/reviews/alice/index.html").read_text()
    assert "<b>Alice</b>" not in html and "&lt;b&gt;Alice&lt;/b&gt;" in html and "A &amp; B" in html
