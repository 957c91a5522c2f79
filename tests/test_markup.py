"""Markdown rendering: sanitising, heading levels and feedback points."""

from __future__ import annotations

import itertools
import re

import markdown
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.site import markup
from generator.site.markup import Point, render


@pytest.mark.parametrize("hostile", [
    "<script>alert(1)</script>",
    '<img src="x" onerror="alert(1)">',
    "[click](javascript:alert(1))",
    "[click](&#106;avascript:alert(1))",
    '<a href="jav&#x61;script:alert(1)">click</a>',
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '<iframe src="https://example.org"></iframe>',
    '<form action="https://example.org"><input name="x"></form>',
    '<p style="background:url(javascript:alert(1))">x</p>',
    '<svg onload="alert(1)"></svg>',
])
def test_hostile_markup_is_removed(hostile: str) -> None:
    html = render(f"Before\n\n{hostile}\n\nAfter").html.lower()
    for bad in ("<script", "onerror", "onload", "javascript:", "data:", "<iframe", "<form", "<input", "style=", "<svg"):
        assert bad not in html, (bad, html)
    assert "before" in html and "after" in html


@pytest.mark.parametrize(("link", "kept"), [
    ("https://www.gov.uk/", True), ("http://example.org/", True), ("mailto:a@example.org", True),
    ("/reviews/", True), ("report.pdf", True), ("#letter-2024-08-07", True),
    ("ftp://example.org/", False), ("vbscript:x", False),
])
def test_only_web_mail_and_relative_links_survive(link: str, kept: bool) -> None:
    html = render(f"[a link]({link})").html
    assert (f'href="{link}"' in html) is kept, html


def test_headings_are_shifted_below_the_page_heading() -> None:
    assert render("# Top\n\n## Next").html == "<h2>Top</h2>\n<h3>Next</h3>"
    assert render("# Top", base_level=4).html == "<h4>Top</h4>"
    assert render("###### Deep", base_level=4).html == "<h6>Deep</h6>"


def test_top_level_bullets_of_a_letter_become_feedback_points() -> None:
    rendered = render("Areas for final development:\n\n- First *point*.\n- Second\n  point.\n\n"
                      "Later:\n\n- Third.\n", anchor_prefix="letter-2024-08-07")
    assert rendered.points == (
        Point(1, "First point.", "letter-2024-08-07-point-1"),
        Point(2, "Second point.", "letter-2024-08-07-point-2"),
        Point(3, "Third.", "letter-2024-08-07-point-3"),
    )
    assert '<li id="letter-2024-08-07-point-1">First <em>point</em>.</li>' in rendered.html


def test_a_summary_has_no_feedback_points() -> None:
    rendered = render("- one\n- two\n")
    assert rendered.points == () and "id=" not in rendered.html


def test_each_render_starts_afresh() -> None:
    render("- a\n- b\n", anchor_prefix="letter-2020-01-01")
    assert render("- c\n", anchor_prefix="letter-2021-01-01").points == (Point(1, "c", "letter-2021-01-01-point-1"),)


RICH = [  # a line (or block) for each construct that a pruned pattern or block processor would handle
    "Some `code` and \\*escaped\\* marks.",
    "A [link](https://example.org/a) and a [reference][ref].",
    "[ref]: https://example.org/ref",
    "An image ![alt](https://example.org/i.png) and ![ref image][ref].",
    "Mail <someone@example.org> or visit <https://example.org>.",
    "Inline <abbr title=\"Domestic Homicide Review\">DHR</abbr> &amp; &#169; entities.",
    "A line ending in two spaces  \nthen the next.",
    "Some *emphasis*, **strong** and _underscored_ __words__.",
    "> A quotation from the report.",
    "| Agency | Status |\n| --- | --- |\n| Police | Complete |",
    "## A heading",
    "- a point with *emphasis*\n- a point with [a link](https://example.org)",
    "1. first\n2. second",
    "Plain words only.",
]


def _reference(text: str, base_level: int, anchor_prefix: str) -> tuple[str, tuple[Point, ...]]:
    """What a fresh Python-Markdown, offered every pattern and block processor, makes of `text`."""
    md = markdown.Markdown(extensions=["sane_lists", "tables", markup._ShapeExtension()], output_format="html")
    shape = md.treeprocessors["dhr-shape"]
    shape.base_level, shape.anchor_prefix = base_level, anchor_prefix
    html = markup.sanitise(md.convert(text))
    points = getattr(shape, "points", [])  # (none where Markdown ran no treeprocessor: a blank text)
    texts = markup._texts(html, {point.anchor for point in points})
    return html, tuple(Point(p.number, texts[p.anchor], p.anchor, p.parent) for p in points)


def test_a_point_is_the_text_the_page_shows_never_a_placeholder() -> None:
    """Inline HTML is held by Python-Markdown as a placeholder until the end; the point's text is read after."""
    rendered = render("- Use <b>bold</b> text &amp; <i>more</i>\n- Plain <script>x</script>", 3, "letter-x")
    assert [p.text for p in rendered.points] == ["Use bold text & more", "Plain"]
    assert not any("\x02" in p.text or "wzxhzdk" in p.text for p in rendered.points)


@pytest.mark.parametrize("text", [
    "- Open `https://<your address>/admin/` & sign in\n- Plain, with *emphasis* and a [link](https://x.org)",
    "- Item\n\n        indented code <x> & y\n\n- Next",
    "- Mail <someone@example.org>\n- Escaped \\*stars\\*",
])
def test_a_point_read_from_the_tree_is_the_text_the_page_shows(text: str) -> None:
    """A point's text is taken from Markdown's tree where the tree holds the text as shown; code (escaped in the
    tree), placeholders and mail links (encoded) are read from the page instead: the same text either way."""
    rendered = render(text, 3, "letter-x")
    texts = markup._texts(rendered.html, {p.anchor for p in rendered.points})
    assert [p.text for p in rendered.points] == [texts[p.anchor] for p in rendered.points]
    assert not any("&lt;" in p.text or "\x02" in p.text for p in rendered.points)


@pytest.mark.parametrize("text", [
    *RICH,
    "\n\n".join(RICH),
    *("\n\n".join(pair) for pair in itertools.combinations(RICH, 2)),
])
def test_offering_only_what_could_match_changes_nothing(text: str) -> None:
    """Patterns and block processors left out for lack of their marks give exactly the HTML of them all."""
    rendered = render(text, 3, "letter-2024-01-01")
    assert (rendered.html, rendered.points) == _reference(text, 3, "letter-2024-01-01")


_MARKDOWNISH = st.lists(st.sampled_from(list("ab *_`[]()!<>&#|\\-+.1:\n\t") + ["  \n", "<b>", "</b>", "&amp;",
                                                                               "http://x.org", "    - ", "1. "]),
                        max_size=40).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.lists(_MARKDOWNISH, min_size=1, max_size=4).map("".join))
def test_offering_only_what_could_match_is_the_plain_library_on_any_text(text: str) -> None:
    """The property behind `_offer` (Python-Markdown's registries swapped per document): on any text made of
    Markdown's marks, the HTML and the points equal a fresh, unpruned Markdown instance's, whatever was rendered
    before (a blank text once kept the points of the text before it)."""
    render("- an earlier point", 2, "l")
    assert (render(text, 2, "l").html, render(text, 2, "l").points) == _reference(text, 2, "l")


def test_plain_text_is_offered_few_patterns_and_every_pruned_name_is_python_markdowns() -> None:
    """A rename in Python-Markdown would silently stop the pruning (never change the output): caught here."""
    none: frozenset[str] = frozenset()  # the marks in "Plain words only."
    assert len(markup._offer(markup._all_patterns, markup.INLINE_NEEDS, none)) < 3
    assert len(markup._offer(markup._all_blocks, markup.BLOCK_NEEDS, none)) == len(markup._all_blocks) - 3
    older = {"em_strong2", "not_strong"}  # names older Python-Markdown releases gave its emphasis patterns
    assert all(name in markup._all_patterns for name in markup.INLINE_NEEDS if name not in older)


@pytest.mark.parametrize("raw", [
    '<ul><li id="letter-2024-01-01-point-1">A copied anchor</li></ul>',
    '- <li id="letter-2024-01-01-point-2">nested raw item</li>',
    '<ol><li id="action-plan">Takes the site\'s own anchor</li></ol>',
    '<ul><li id="' + markup.OWN_ID.replace("dhr", "dhr0") + 'x">Guesses the mark</li></ul>',
])
def test_an_id_written_in_the_content_never_reaches_the_page(raw: str) -> None:
    """Only the anchors this module makes survive: a raw `id` could duplicate or take the site's own."""
    rendered = render(f"- First point.\n- Second point.\n\n{raw}\n", 4, "letter-2024-01-01")
    ids = re.findall(r' id="([^"]*)"', rendered.html)
    assert ids == [p.anchor for p in rendered.points] and len(set(ids)) == len(ids)
    assert ids[:2] == ["letter-2024-01-01-point-1", "letter-2024-01-01-point-2"] and "action-plan" not in ids
    assert markup.OWN_ID not in rendered.html


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["- item\n", "  - nested\n", "\n", "<li id=\"l-point-1\">x</li>\n",
                                 "<ul><li id=\"l-point-2\">y</li></ul>\n", "1. one\n", "text\n"]), max_size=8)
       .map("".join))
def test_every_id_on_a_page_is_a_points_anchor_once(text: str) -> None:
    rendered = render(text, 2, "l")
    ids = re.findall(r' id="([^"]*)"', rendered.html)
    assert ids == [p.anchor for p in rendered.points] and len(set(ids)) == len(ids)
