"""Incremental rebuilds: which outputs a change re-renders, and that the result equals a clean build."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import TEMPLATES, ContentTree

from generator.build import Builder
from generator.problems import ContentError

BOB = "title: Bob\ncsp: Other Community Safety Partnership\nstatus: published\npublished: 2023-05-01\n"


@pytest.fixture
def builder(tree: ContentTree, tmp_path: Path) -> Builder:
    tree.review(BOB, slug="bob")
    tree.write("reviews/bob/letter-2023-01-10.md", "---\ndate: 2023-01-10\noutcome: publish\n---\nBob's letter.\n")
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    built = Builder(tree.root, templates)
    built.run()
    return built


def _rerun(builder: Builder) -> list[str]:
    """Rebuild, check the result equals a clean build, and return the paths rendered anew."""
    rendered = builder.run()
    fresh = Builder(builder.content_dir, builder.templates).run()
    assert {o.path: o.data for o in rendered.outputs} == {o.path: o.data for o in fresh.outputs}
    return sorted(rendered.rendered)


def test_nothing_changed_renders_nothing(builder: Builder) -> None:
    assert _rerun(builder) == []


def test_editing_a_letters_text_renders_its_review_page_and_the_data(tree: ContentTree, builder: Builder) -> None:
    tree.write("reviews/alice/letter-2024-08-07.md",
               (tree.root / "reviews/alice/letter-2024-08-07.md").read_text().replace("First point.", "New point."))
    assert _rerun(builder) == ["reviews.csv", "reviews.json", "reviews/alice/index.html"]


def test_changing_an_outcome_renders_the_lists_that_show_it(tree: ContentTree, builder: Builder) -> None:
    letter = tree.root / "reviews/alice/letter-2024-08-07.md"
    letter.write_text(letter.read_text().replace("outcome: publish\n", "outcome: publish-after-changes\n"))
    assert _rerun(builder) == [
        "feed.xml", "index.html", "partnerships/test-community-safety-partnership/index.html", "reviews.csv",
        "reviews.json", "reviews/alice/index.html", "reviews/index.html", "reviews/list.json",
        "themes/coercive-control/index.html", "years/2024/index.html",
    ]


def test_adding_a_theme_renders_the_theme_pages_and_the_lists(tree: ContentTree, builder: Builder) -> None:
    tree.review(BOB + "themes:\n  - MARAC\n", slug="bob")
    assert _rerun(builder) == [  # a new theme page is a new path, so _headers changes too
        "_headers", "feed.xml", "index.html", "partnerships/other-community-safety-partnership/index.html",
        "reviews.csv",
        "reviews.json", "reviews/bob/index.html", "reviews/index.html", "reviews/list.json", "sitemap.xml",
        "themes/index.html",
        "themes/marac/index.html", "years/2023/index.html",
    ]


def test_editing_a_template_renders_the_pages_that_use_it(builder: Builder) -> None:
    review = builder.templates / "review.html"
    review.write_text(review.read_text().replace("Link to this letter", "Permanent link to this letter"))
    assert _rerun(builder) == ["reviews/alice/index.html", "reviews/bob/index.html"]
    macros = builder.templates / "macros.html"
    macros.write_text(macros.read_text().replace("Themes: ", "Themes - "))
    assert _rerun(builder) == [  # review.html imports a macro from macros.html too
        "index.html", "partnerships/other-community-safety-partnership/index.html",
        "partnerships/test-community-safety-partnership/index.html", "reviews/alice/index.html",
        "reviews/bob/index.html", "reviews/index.html", "themes/coercive-control/index.html",
        "years/2023/index.html", "years/2024/index.html",
    ]


def test_editing_the_base_layout_renders_every_page_but_not_the_data(builder: Builder) -> None:
    base = builder.templates / "base.html"
    base.write_text(base.read_text().replace("Skip to main content", "Skip to the content"))
    rendered = _rerun(builder)
    assert "reviews.json" not in rendered and "reviews.csv" not in rendered and "sitemap.xml" not in rendered
    assert {p for p in rendered if p.endswith(".html")} == {
        o.path for o in builder.run().outputs if o.path.endswith(".html")}


def test_editing_site_settings_renders_every_page(tree: ContentTree, builder: Builder) -> None:
    tree.write("site.yaml", (tree.root / "site.yaml").read_text().replace("title: Test reviews", "title: Reviews"))
    assert len(_rerun(builder)) == len([o for o in builder.run().outputs if not isinstance(o.data, Path)])


def test_deleting_a_review_removes_its_page_and_every_reference(tree: ContentTree, builder: Builder) -> None:
    shutil.rmtree(tree.root / "reviews/bob")
    rendered = _rerun(builder)
    assert "reviews/bob/index.html" not in rendered
    outputs = builder.run().outputs
    assert not any(o.path.startswith(("reviews/bob/", "partnerships/other-", "years/2023/")) for o in outputs)
    assert not any(b"/reviews/bob/" in o.data or b"Bob" in o.data for o in outputs if isinstance(o.data, bytes))
    assert "sitemap.xml" in rendered and "index.html" in rendered and "reviews/alice/index.html" not in rendered


def test_a_failed_run_keeps_the_caches_and_recovers(tree: ContentTree, builder: Builder) -> None:
    letter = tree.root / "reviews/alice/letter-2024-08-07.md"
    good = letter.read_text()
    letter.write_text(good.replace("outcome: publish", "outcome: maybe"))
    with pytest.raises(ContentError):
        builder.run()
    letter.write_text(good)
    assert _rerun(builder) == []


def test_two_quick_saves_of_the_same_size_are_both_seen(tree: ContentTree, builder: Builder) -> None:
    letter = tree.root / "reviews/alice/letter-2024-08-07.md"
    text = letter.read_text()
    letter.write_text(text.replace("First point.", "Fixed point."))
    first = {o.path: o.data for o in builder.run().outputs}
    letter.write_text(text.replace("First point.", "Later point."))  # same size, within the same clock tick
    second = {o.path: o.data for o in builder.run().outputs}
    assert b"Fixed point." in first["reviews/alice/index.html"]
    assert b"Later point." in second["reviews/alice/index.html"]
