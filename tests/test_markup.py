"""Markdown rendering: sanitising, heading levels and feedback points."""

from __future__ import annotations

import pytest

from generator.markup import Point, render


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
