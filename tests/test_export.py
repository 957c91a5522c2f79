"""Open data exports."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace

import jsonschema
from conftest import TODAY, ContentTree

from generator.site.export import REVIEWS_JSON, TABLES, Parts, reviews_json, table_csv
from generator.site.json_schemas import object_schema, row_schema
from generator.site.model import build_model


def test_json_and_csv_describe_each_published_review(tree: ContentTree) -> None:
    tree.review("title: =HYPERLINK(\"x\")\ncsp: Test\nstatus: published\nthemes:\n  - MARAC\n  - mental health\n")
    content, _ = tree.check()
    site = build_model(content, "https://dhr.example.org", TODAY)
    filed = tuple((r, site.directory.of(r.csp)) for r in site.reviews)
    data = json.loads(b"".join(reviews_json(site.chrome, filed)))
    [review] = data["reviews"]
    assert review["url"] == "https://dhr.example.org/reviews/alice/"
    assert review["letters"][0]["feedback_points"][1] == {
        "number": 2, "text": "Second point.", "parent": 0,
        "url": "https://dhr.example.org/reviews/alice/#letter-2024-08-07-point-2"}
    [row] = list(csv.DictReader(io.StringIO(b"".join(table_csv("reviews.csv")(site.chrome, filed)).decode())))
    assert list(row) == [f.name for f in TABLES["reviews.csv"].fields]
    assert row["title"] == "'=HYPERLINK(\"x\")"  # never run as a spreadsheet formula
    assert row["themes"] == "MARAC; mental health" and row["latest_outcome"] == "publish"


def test_a_data_files_digest_follows_its_parts_and_their_order(tree: ContentTree) -> None:
    tree.review("title: Alice\ncsp: Test\nstatus: published\n")
    tree.review("title: Bob\ncsp: Test\nstatus: published\npublished: 2023-05-01\n", slug="bob")
    tree.write("reviews/bob/letter-2023-01-10.md", "---\ndate: 2023-01-10\noutcome: publish\n---\nBob's letter.\n")
    content, _ = tree.check()
    site = build_model(content, "https://dhr.example.org", TODAY)  # reviews without keys: encoded each time
    first, second = ((r, site.directory.of(r.csp)) for r in site.reviews)
    parts = Parts()
    both = parts.digest("reviews.csv", site.chrome, (first, second))
    assert both == parts.digest("reviews.csv", site.chrome, (first, second))
    assert both != parts.digest("reviews.csv", site.chrome, (second, first))
    assert both != parts.digest("reviews.csv", site.chrome, (first, first))
    assert both != parts.digest("reviews.csv", site.chrome, (second, second))
    assert parts.digest("reviews.csv", replace(site.chrome, base_url="https://other.example"), (first, second)) != both


def test_each_action_is_a_row_of_actions_csv_never_run_as_a_formula(tree: ContentTree) -> None:
    tree.write("reviews/alice/action-plan.yaml", "recommendations:\n  - number: 1\n    text: T.\n    scope: local\n"
               "    agency: [Test Police, Home Office]\n    actions:\n      - '=1+1'\n      - text: Write guidance\n"
               "        agency: Home Office\n        target: 2025-01-31\n        status: planned\n"
               "    target: 2026-01-31\n    status: in-progress\n")
    content, problems = tree.check()
    assert problems.items == []
    site = build_model(content, "https://dhr.example.org", TODAY)
    filed = tuple((r, site.directory.of(r.csp)) for r in site.reviews)
    rows = list(csv.DictReader(io.StringIO(b"".join(table_csv("actions.csv")(site.chrome, filed)).decode())))
    assert [(r["number"], r["text"], r["agencies"], r["target"], r["status"]) for r in rows] == [
        ("1", "'=1+1", "Test Police; Home Office", "2026-01-31", "in-progress"),  # the recommendation's, both
        ("2", "Write guidance", "Home Office", "2025-01-31", "planned")]


def test_the_data_carry_the_partnership_as_filed_and_as_written_and_a_year_only_when_recorded(
        tree: ContentTree) -> None:
    tree.write("site.yaml", (tree.root / "site.yaml").read_text() + "partnerships:\n  - name: Preston Community "
               "Safety Partnership\n    region: North West\n    county: Lancashire\n")
    tree.review("title: Bob\ncsp: Preston CSP\nstatus: published\n", slug="bob")  # no publication date
    tree.write("reviews/bob/letter-2025-02-01.md", "---\ndate: 2025-02-01\noutcome: publish\n---\n")
    content, _ = tree.check()
    site = build_model(content, "https://dhr.example.org", TODAY)
    filed = tuple((r, site.directory.of(r.csp)) for r in site.reviews)
    data = json.loads(b"".join(reviews_json(site.chrome, filed)))
    jsonschema.validate(data, object_schema(REVIEWS_JSON), format_checker=jsonschema.FormatChecker())
    alice, bob = data["reviews"]
    assert {k: bob[k] for k in ("csp", "partnership", "region", "county", "published", "year")} == {
        "csp": "Preston CSP", "partnership": "Preston Community Safety Partnership", "region": "North West",
        "county": "Lancashire", "published": None, "year": None}  # never the year of its letter
    assert (alice["partnership"], alice["region"], alice["county"], alice["year"]) == (
        "Test Community Safety Partnership", None, None, 2024)
    rows = list(csv.DictReader(io.StringIO(b"".join(table_csv("reviews.csv")(site.chrome, filed)).decode())))
    for row in rows:
        jsonschema.validate(row, row_schema(TABLES["reviews.csv"]))
    assert [(r["slug"], r["csp"], r["partnership"], r["region"], r["county"], r["year"]) for r in rows] == [
        ("alice", "Test Community Safety Partnership", "Test Community Safety Partnership", "", "", "2024"),
        ("bob", "Preston CSP", "Preston Community Safety Partnership", "North West", "Lancashire", "")]


def test_a_partnerships_new_region_changes_the_data_files_parts(tree: ContentTree) -> None:
    """A region or county is site.yaml's, not the review's: its part of each file is keyed by both."""
    content, _ = tree.check()
    site = build_model(content, "https://dhr.example.org", TODAY)
    [review] = (replace(r, key=b"k") for r in site.reviews)
    partnership = site.directory.of(review.csp)
    parts = Parts()
    before = parts.digest("reviews.csv", site.chrome, ((review, partnership),))
    moved = replace(partnership, region="North West", county="Lancashire")
    assert parts.digest("reviews.csv", site.chrome, ((review, moved),)) != before
