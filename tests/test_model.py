"""Stage 3: the site model holds published reviews only, grouped and dated as the pages need."""

from __future__ import annotations

import datetime as dt

from conftest import TODAY, ContentTree

from generator.site.model import Site, build_model, month_name, slugify


def _model(tree: ContentTree) -> Site:
    content, problems = tree.check()
    assert problems.errors == []
    return build_model(content, "https://dhr.example.org/", TODAY)


def test_only_published_reviews_enter_the_model(tree: ContentTree) -> None:
    for slug, status in (("bob", "draft"), ("carol", "submitted"), ("dan", "withdrawn")):
        tree.review(f"title: {slug}\ncsp: Other CSP\nstatus: {status}\nthemes:\n  - MARAC\n", slug=slug)
    site = _model(tree)
    assert [r.slug for r in site.reviews] == ["alice"]
    assert [g.name for g in site.groups("partnerships")] == ["Test Community Safety Partnership"]
    assert [b.kind for b in site.browse] == ["themes", "partnerships", "regions", "counties", "years", "death-years"]
    assert [g.name for g in site.groups("themes")] == ["coercive control"]  # only groups with reviews
    assert site.groups("regions") == site.groups("death-years") == ()


def test_a_review_whose_publication_is_not_recorded_has_no_year_and_comes_last(tree: ContentTree) -> None:
    """Its latest letter dates it for sorting among its like, never as a year published."""
    tree.review("title: Bob\ncsp: Test Community Safety Partnership\nstatus: published\n", slug="bob")
    tree.write("reviews/bob/letter-2025-02-01.md", "---\ndate: 2025-02-01\noutcome: publish\n---\n")
    site = _model(tree)
    assert [(r.slug, r.date, r.year) for r in site.reviews] == [
        ("alice", dt.date(2024, 9, 1), 2024), ("bob", dt.date(2025, 2, 1), None)]
    assert [g.name for g in site.groups("years")] == ["2024"]
    assert [e.year for e in site.entries] == [2024, None]
    assert site.entries[1].dates == "Publication date not recorded (panel's latest letter 1 February 2025)"


def test_letter_details_and_feedback_points(tree: ContentTree) -> None:
    [review] = _model(tree).reviews
    [letter] = review.letters
    assert letter.anchor == "letter-2024-08-07"
    assert letter.outcome_label == "May now be published"
    assert letter.panel_date == dt.date(2024, 6, 19)
    assert [p.text for p in letter.points] == ["First point.", "Second point."]
    assert review.latest is letter
    assert review.summary_html == "<p>A short public summary.</p>"


def test_documents_have_links_and_sizes(tree: ContentTree) -> None:
    [review] = _model(tree).reviews
    report, plan = review.documents
    assert (report.href, report.size, report.kind_label) == ("report.pdf", 1517, "Report")
    assert (plan.href, plan.file, plan.size) == ("https://example.org/action-plan.pdf", None, None)


def test_urls() -> None:
    assert slugify("Children's services") == "childrens-services"
    assert slugify("Kent & Medway CSP") == "kent-medway-csp"
    assert month_name("2023-05") == "May 2023" and month_name("2023") == "2023"
