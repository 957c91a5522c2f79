"""Open data exports."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace

from conftest import TODAY, ContentTree

from generator.site.export import TABLES, Parts, reviews_json, table_csv
from generator.site.model import build_model


def test_json_and_csv_describe_each_published_review(tree: ContentTree) -> None:
    tree.review("title: =HYPERLINK(\"x\")\ncsp: Test\nstatus: published\nthemes:\n  - MARAC\n  - mental health\n")
    content, _ = tree.check()
    site = build_model(content, "https://dhr.example.org", TODAY)
    data = json.loads(b"".join(reviews_json(site.chrome, site.reviews)))
    [review] = data["reviews"]
    assert review["url"] == "https://dhr.example.org/reviews/alice/"
    assert review["letters"][0]["feedback_points"][1] == {
        "number": 2, "text": "Second point.", "parent": 0,
        "url": "https://dhr.example.org/reviews/alice/#letter-2024-08-07-point-2"}
    [row] = list(csv.DictReader(io.StringIO(b"".join(table_csv("reviews.csv")(site.chrome, site.reviews)).decode())))
    assert list(row) == [f.name for f in TABLES["reviews.csv"].fields]
    assert row["title"] == "'=HYPERLINK(\"x\")"  # never run as a spreadsheet formula
    assert row["themes"] == "MARAC; mental health" and row["latest_outcome"] == "publish"


def test_a_data_files_digest_follows_its_parts_and_their_order(tree: ContentTree) -> None:
    tree.review("title: Alice\ncsp: Test\nstatus: published\n")
    tree.review("title: Bob\ncsp: Test\nstatus: published\npublished: 2023-05-01\n", slug="bob")
    tree.write("reviews/bob/letter-2023-01-10.md", "---\ndate: 2023-01-10\noutcome: publish\n---\nBob's letter.\n")
    content, _ = tree.check()
    site = build_model(content, "https://dhr.example.org", TODAY)  # reviews without keys: encoded each time
    first, second = site.reviews
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
    rows = list(csv.DictReader(io.StringIO(b"".join(table_csv("actions.csv")(site.chrome, site.reviews)).decode())))
    assert [(r["number"], r["text"], r["agencies"], r["target"], r["status"]) for r in rows] == [
        ("1", "'=1+1", "Test Police; Home Office", "2026-01-31", "in-progress"),  # the recommendation's, both
        ("2", "Write guidance", "Home Office", "2025-01-31", "planned")]
