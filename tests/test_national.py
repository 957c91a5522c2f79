"""What a national index needs beyond one partnership's: the type of review, and deaths known only by year."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

from conftest import TEMPLATES, TODAY, ContentTree

from generator.build.pipeline import build


def test_a_review_begun_under_the_new_name_says_so_everywhere(tree: ContentTree, tmp_path: Path) -> None:
    review = tree.root / "reviews/alice/review.md"
    review.write_text(review.read_text().replace("status: published", "status: published\ntype: dardr"))
    tree.write("reviews/bob/review.md", (tree.root / "reviews/alice/review.md").read_text()
               .replace("type: dardr\n", "").replace("title: Alice", "title: Bob"))
    tree.write("reviews/bob/letter-2024-08-07.md", (tree.root / "reviews/alice/letter-2024-08-07.md").read_text())
    (tree.root / "reviews/bob/report.pdf").write_bytes(b"%PDF")
    out = tmp_path / "site"
    build(tree.root, out, TEMPLATES, search=False, today=TODAY)
    alice, bob = ((out / f"reviews/{slug}/index.html").read_text() for slug in ("alice", "bob"))
    assert "<title>Alice: Domestic Abuse Related Death Review" in alice
    assert '<dd data-pagefind-filter="type">Domestic Abuse Related Death Review</dd>' in alice
    assert '<dd data-pagefind-filter="type">Domestic Homicide Review</dd>' in bob  # the default
    types = {r["slug"]: r["type"] for r in json.loads((out / "reviews.json").read_text())["reviews"]}
    assert types == {"alice": "dardr", "bob": "dhr"}
    with (out / "reviews.csv").open(newline="") as file:
        assert {row["slug"]: row["type"] for row in csv.DictReader(file)} == types
    assert '"type"' in (out / "schemas/reviews.json.schema.json").read_text()
    assert "Type of review" in (out / "search/index.html").read_text()  # a filter on the search page


def test_a_misspelt_type_is_an_error_with_the_choices(tree: ContentTree) -> None:
    review = tree.root / "reviews/alice/review.md"
    review.write_text(review.read_text().replace("status: published", "status: published\ntype: darr"))
    assert tree.problems() == ["reviews/alice/review.md:5: type: 'darr' is not one of dhr, dardr; "
                               "did you mean 'dardr'?"]


def test_a_death_known_only_by_year_is_labelled_as_a_year(tree: ContentTree, tmp_path: Path) -> None:
    review = tree.root / "reviews/alice/review.md"
    review.write_text(review.read_text().replace("status: published", "status: published\ndeath: 2020"))
    out = tmp_path / "site"
    build(tree.root, out, TEMPLATES, search=False, today=TODAY)
    page = (out / "reviews/alice/index.html").read_text()
    assert '<dt>Year of death</dt><dd data-pagefind-filter="death:2020">2020 (' in page
    assert "Month of death" not in page
    review.write_text(review.read_text().replace("death: 2020", "death: 2020-03"))
    build(tree.root, out, TEMPLATES, search=False, today=TODAY)
    assert '<dt>Month of death</dt><dd data-pagefind-filter="death:2020">March 2020 (' in \
        (out / "reviews/alice/index.html").read_text()


def test_publication_may_be_a_month_and_lists_show_and_browse_both_dates(tree: ContentTree, tmp_path: Path) -> None:
    review = tree.root / "reviews/alice/review.md"
    text = review.read_text()
    review.write_text(re.sub(r"published: \S+", "published: 2024-10", text).replace(
        "status: published", "status: published\ndeath: 2021-05"))
    out = tmp_path / "site"
    build(tree.root, out, TEMPLATES, search=False, today=TODAY)
    page = (out / "reviews/alice/index.html").read_text()
    assert "<dt>Published</dt><dd>October 2024</dd>" in page
    listing = (out / "reviews/index.html").read_text()
    assert '<span class="review-list__meta">Published October 2024 · Month of death: May 2021</span>' in listing
    assert "/reviews/alice/" in (out / "death-years/2021/index.html").read_text()
    assert "/reviews/alice/" in (out / "years/2024/index.html").read_text()
    assert '<a href="/death-years/2021/">2021</a>' in (out / "death-years/index.html").read_text()
    [entry] = json.loads((out / "reviews/list.json").read_text())["reviews"]
    assert entry["death"] == "2021-05" and entry["date"] == "2024-10-01"


def test_a_list_entry_labels_the_outcome_as_the_panels(tree: ContentTree, tmp_path: Path) -> None:
    """'May now be published' beside a review's name read as the review's own status; it is the QA Panel's."""
    out = tmp_path / "site"
    build(tree.root, out, TEMPLATES, search=False, today=TODAY)
    for page in ("index.html", "reviews/index.html", "themes/coercive-control/index.html"):
        text = (out / page).read_text()
        assert '<span class="review-list__meta">QA Panel: May now be published</span>' in text, page
    [script] = (out / "assets").glob("reviews.*.js")
    assert '"QA Panel: " + review.outcome' in script.read_text()


def test_a_review_whose_publication_is_not_recorded_is_never_dated_by_its_letter(tree: ContentTree,
                                                                               tmp_path: Path) -> None:
    """Its letter's year is said to be the letter's, or left out: in lists, browse pages, the feed and the data."""
    tree.review("title: Bob\ncsp: Test Community Safety Partnership\nstatus: published\n", slug="bob")
    tree.write("reviews/bob/letter-2025-02-01.md", "---\ndate: 2025-02-01\noutcome: publish\n---\nText.\n")
    out = tmp_path / "site"
    build(tree.root, out, TEMPLATES, search=False, today=TODAY)
    bob = (out / "reviews/bob/index.html").read_text()
    assert "<dt>Published</dt><dd>Date not recorded</dd>" in bob
    assert "Year published" not in bob and 'data-pagefind-filter="year"' not in bob
    assert "data-pagefind-meta=\"dates:Panel's letter 2025 (publication date not recorded)\"" in bob
    assert 'data-pagefind-sort="date:0-2025-02-01"' in bob  # after every review with a date, newest first
    assert 'data-pagefind-meta="dates:Published 2024"' in (out / "reviews/alice/index.html").read_text()
    assert not (out / "years/2025").exists()
    assert "/reviews/bob/" not in (out / "years/index.html").read_text()
    listing = (out / "reviews/index.html").read_text()
    assert listing.index('<h2 id="year-2024">') < listing.index('<h2 id="year-not-recorded">Publication date not '
                                                                'recorded <span class="count">(1 review)</span>')
    assert "the 1 review whose publication date is not recorded comes last" in listing
    assert 'id="list-year"' in listing  # one year recorded, but not for every review: still a choice
    assert "2025" not in (out / "index.html").read_text().split("browse-years")[1].split("</section>")[0]
    feed = (out / "feed.xml").read_text()
    entry = next(e for e in feed.split("<entry>") if "/reviews/bob/" in e)
    assert "<published>" not in entry and "Its publication date is not recorded" in entry
    assert "<published>2024-09-01T00:00:00Z</published>" in feed  # alice's, recorded
    [data] = (r for r in json.loads((out / "reviews.json").read_text())["reviews"] if r["slug"] == "bob")
    assert data["published"] is None and data["year"] is None
    listed = {r["url"]: r for r in json.loads((out / "reviews/list.json").read_text())["reviews"]}
    assert listed["/reviews/bob/"]["year"] is None and listed["/reviews/bob/"]["date"] == "2025-02-01"
