"""Partnerships as a vocabulary: canonical names, former names, spelling variants and regions."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
from conftest import TEMPLATES, TODAY, ContentTree

from generator.build.pipeline import build
from generator.content.partnerships import plain

LETTER = "---\ndate: 2024-08-07\noutcome: publish\n---\nText.\n"


def _published(tree: ContentTree, slug: str, csp: str, extra: str = "") -> None:
    tree.review(f"title: {slug.capitalize()}\ncsp: {csp}\nstatus: published\npublished: 2024-09-01\n"
                "documents:\n  - title: Report\n    kind: report\n    url: https://example.org/r.pdf\n"
                "  - title: Plan\n    kind: action-plan\n    url: https://example.org/p.pdf\n" + extra, slug=slug)
    tree.write(f"reviews/{slug}/letter-2024-08-07.md", LETTER)


@pytest.mark.parametrize(("one", "other"), [
    ("Blackburn with Darwen", "Blackburn With Darwen"),
    ("Kent & Medway", "Kent and Medway Community Safety Partnership"),
    ("Safer Stockton Partnership", "Safer Stockton Partnership."),
    ("Kent CSP", "kent"),
    ("Brighton & Hove Community Safety Partnership", "Brighton and Hove"),
])
def test_names_that_differ_only_trivially_are_one_partnership(one: str, other: str) -> None:
    assert plain(one) == plain(other)


@pytest.mark.parametrize(("one", "other"), [
    ("Gloucester", "Gloucestershire"), ("Cumbria", "West Cumbria"), ("Kent", "Medway"),
    ("Community Safety Partnership", "Safer Communities Partnership"),
])
def test_different_partnerships_stay_apart_without_a_list(one: str, other: str) -> None:
    assert plain(one) != plain(other)


def test_without_a_list_variants_are_filed_under_the_most_used_spelling_with_a_warning(
        tree: ContentTree, tmp_path: Path) -> None:
    _published(tree, "bob", "Blackburn with Darwen Community Safety Partnership")
    _published(tree, "carol", "Blackburn with Darwen Community Safety Partnership")
    _published(tree, "dan", "Blackburn With Darwen")
    problems = tree.problems()
    assert problems == [
        "reviews/dan/review.md:3: warning: csp: 'Blackburn With Darwen' is filed under 'Blackburn with Darwen "
        "Community Safety Partnership', as 2 other reviews spell it; write 'Blackburn with Darwen Community Safety "
        "Partnership', or list the partnership and its spellings under partnerships in site.yaml"]
    out = tmp_path / "site"
    build(tree.root, out, TEMPLATES, search=False, today=TODAY)  # a warning never stops the build
    group = (out / "partnerships/blackburn-with-darwen-community-safety-partnership/index.html").read_text()
    assert group.count('class="review-list__title"') == 3
    assert "<dt>Also written as</dt><dd>Blackburn With Darwen</dd>" in group
    assert not (out / "partnerships/blackburn-with-darwen").exists()
    dan = (out / "reviews/dan/index.html").read_text()
    assert "(named in the review as Blackburn With Darwen)" in dan
    assert 'data-pagefind-filter="partnership" data-pagefind-meta="partnership">Blackburn with Darwen Community ' \
           "Safety Partnership</a>" in dan


SITE_LIST = """\
partnerships:
  - name: Buckinghamshire Community Safety Partnership
    region: South East
    website: https://www.buckinghamshire.gov.uk/
    former:
      - Aylesbury Vale Community Safety Partnership
      - Wycombe Community Safety Partnership
    variants:
      - Safer Bucks
  - name: Gloucestershire Community Safety Partnership
    region: South West
  - name: Gloucester City Safe
    region: South West
"""


def test_a_listed_partnership_gathers_its_former_names_and_variants_with_its_region(
        tree: ContentTree, tmp_path: Path) -> None:
    tree.write("site.yaml", (tree.root / "site.yaml").read_text() + SITE_LIST)
    _published(tree, "bob", "Aylesbury Vale CSP")
    _published(tree, "carol", "Wycombe Community Safety Partnership")
    _published(tree, "dan", "Safer Bucks")
    _published(tree, "erin", "Gloucester City Safe")
    _published(tree, "fay", "gloucestershire")
    assert tree.problems() == []  # a listed name, in any spelling, needs no warning
    out = tmp_path / "site"
    build(tree.root, out, TEMPLATES, search=False, today=TODAY)
    bucks = (out / "partnerships/buckinghamshire-community-safety-partnership/index.html").read_text()
    assert bucks.count('class="review-list__title"') == 3
    assert '<dt>Region</dt><dd><a href="/regions/south-east/">South East</a></dd>' in bucks
    assert ("<dt>Formerly, or merged into it</dt><dd>Aylesbury Vale Community Safety Partnership; Wycombe "
            "Community Safety Partnership</dd>") in bucks
    assert 'href="https://www.buckinghamshire.gov.uk/" rel="noreferrer"' in bucks
    assert "<dt>Also written as</dt><dd>Safer Bucks</dd>" in bucks  # its former names once, above, never again
    assert bucks.count("Aylesbury Vale") == 1
    assert 'id="list-region"' not in bucks and 'id="list-partnership"' not in bucks  # one region: nothing to choose
    assert sorted(p.name for p in (out / "partnerships").iterdir()) == [
        "buckinghamshire-community-safety-partnership", "gloucester-city-safe",
        "gloucestershire-community-safety-partnership", "index.html", "most-reviews",
        "test-community-safety-partnership"]
    south_west = (out / "regions/south-west/index.html").read_text()
    assert "/reviews/erin/" in south_west and "/reviews/fay/" in south_west and "/reviews/bob/" not in south_west
    regions = (out / "regions/index.html").read_text()
    assert '<a href="/regions/south-east/">South East</a> <span class="count">(3)</span>' in regions
    assert 'data-pagefind-filter="region">South East</a>' in (out / "reviews/bob/index.html").read_text()
    listed = {r["url"]: r for r in json.loads((out / "reviews/list.json").read_text())["reviews"]}
    assert listed["/reviews/bob/"]["csp"] == "Buckinghamshire Community Safety Partnership"
    assert listed["/reviews/bob/"]["region"] == "South East" and listed["/reviews/alice/"]["region"] is None


def test_the_partnership_list_is_checked(tree: ContentTree) -> None:
    site = (tree.root / "site.yaml").read_text()
    tree.write("site.yaml", site + "partnerships:\n  - name: Kent CSP\n    region: South Eest\n  - region: London\n")
    assert tree.problems() == [
        "site.yaml:14: partnerships.region: 'South Eest' is not one of North East, North West, Yorkshire and the "
        "Humber, East Midlands, West Midlands, East of England, London, South East, South West, Wales; did you mean "
        "'South East'?",
        "site.yaml:15: partnerships.name: this required field is missing or empty; add 'name: Kent and Medway "
        "Community Safety Partnership'",
    ]
    tree.write("site.yaml", site + """\
partnerships:
  - name: Kent Community Safety Partnership
    variants: [Kent and Medway]
  - name: Kent and Medway Community Safety Partnership
  - name: "!!!"
""")
    assert tree.problems() == [
        "site.yaml:15: partnerships: 'Kent and Medway Community Safety Partnership' is listed under both 'Kent "
        "Community Safety Partnership' and 'Kent and Medway Community Safety Partnership'; keep it under one of them",
        "site.yaml:16: partnerships: '!!!' has no letter A to Z or digit, so it cannot make a web address; add the "
        "name as it is written in English letters too, e.g. 'Cymraeg (Welsh)'",
    ]


COUNTY_LIST = """\
partnerships:
  - name: Preston Community Safety Partnership
    region: North West
    county: Lancashire
  - name: South Ribble Community Safety Partnership
    region: North West
    county: Lancashire
  - name: Blackpool Community Safety Partnership
    region: North West
  - name: Kent Community Safety Partnership
    region: South East
    county: Kent
"""


def test_a_county_finds_its_districts_reviews_and_region_pages_offer_only_their_partnerships(
        tree: ContentTree, tmp_path: Path) -> None:
    tree.write("site.yaml", (tree.root / "site.yaml").read_text() + COUNTY_LIST)
    for slug, csp in (("bob", "Preston CSP"), ("carol", "South Ribble"), ("dan", "South Ribble"),
                      ("erin", "Blackpool"), ("fay", "Kent")):
        _published(tree, slug, csp)
    assert tree.problems() == []
    out = tmp_path / "site"
    build(tree.root, out, TEMPLATES, search=False, today=TODAY)
    lancashire = (out / "counties/lancashire/index.html").read_text()
    assert [u for u in ("bob", "carol", "dan", "erin", "fay") if f"/reviews/{u}/" in lancashire] == ["bob", "carol",
                                                                                                   "dan"]
    assert '<a href="/counties/lancashire/">Lancashire</a> <span class="count">(3)</span>' in \
        (out / "counties/index.html").read_text()
    bob = (out / "reviews/bob/index.html").read_text()
    assert '<dt>County</dt><dd><a href="/counties/lancashire/" data-pagefind-filter="county">Lancashire</a>' in bob
    assert "<dt>County</dt>" not in (out / "reviews/erin/index.html").read_text()
    preston = (out / "partnerships/preston-community-safety-partnership/index.html").read_text()
    assert '<dt>County</dt><dd><a href="/counties/lancashire/">Lancashire</a></dd>' in preston
    north_west = (out / "regions/north-west/index.html").read_text()
    choices = north_west.split('id="list-partnership"')[1].split("</select>")[0]
    assert choices.count("<option>") == 3 and "Kent" not in choices and "Test Community" not in choices
    assert 'id="list-region"' not in north_west
    assert 'id="list-county"' in north_west  # Blackpool has none: choosing Lancashire narrows the list
    listed = {r["url"]: r for r in json.loads((out / "reviews/list.json").read_text())["reviews"]}
    assert listed["/reviews/carol/"]["county"] == "Lancashire" and listed["/reviews/erin/"]["county"] is None
    data = {r["slug"]: r for r in json.loads((out / "reviews.json").read_text())["reviews"]}
    assert {k: data["carol"][k] for k in ("csp", "partnership", "region", "county")} == {
        "csp": "South Ribble", "partnership": "South Ribble Community Safety Partnership", "region": "North West",
        "county": "Lancashire"}
    with (out / "reviews.csv").open(newline="") as file:
        rows = {row["slug"]: row for row in csv.DictReader(file)}
    assert (rows["bob"]["csp"], rows["bob"]["partnership"], rows["bob"]["region"], rows["bob"]["county"]) == (
        "Preston CSP", "Preston Community Safety Partnership", "North West", "Lancashire")
    assert rows["alice"]["region"] == rows["alice"]["county"] == ""


def test_partnerships_are_listed_by_their_number_of_reviews_too(tree: ContentTree, tmp_path: Path) -> None:
    tree.write("site.yaml", (tree.root / "site.yaml").read_text() + COUNTY_LIST)
    for slug, csp in (("bob", "Preston CSP"), ("carol", "South Ribble"), ("dan", "South Ribble")):
        _published(tree, slug, csp)
    out = tmp_path / "site"
    build(tree.root, out, TEMPLATES, search=False, today=TODAY)
    by_count = (out / "partnerships/most-reviews/index.html").read_text()
    names = re.findall(r'<li><a href="/partnerships/[a-z-]+/">([^<]+)</a> <span class="count">\((\d+)\)', by_count)
    assert names == [("South Ribble Community Safety Partnership", "2"), ("Preston Community Safety Partnership", "1"),
                     ("Test Community Safety Partnership", "1")]  # equals A to Z
    assert '<a href="/partnerships/most-reviews/" aria-current="page">Most reviews first</a>' in by_count
    assert '<a href="/partnerships/most-reviews/">Most reviews first</a>' in \
        (out / "partnerships/index.html").read_text()
    assert "/partnerships/most-reviews/" in (out / "sitemap.xml").read_text()


def test_a_county_is_checked_against_the_vocabulary_and_the_region(tree: ContentTree) -> None:
    site = (tree.root / "site.yaml").read_text()
    tree.write("site.yaml", site + "partnerships:\n  - name: Preston CSP\n    region: North West\n"
               "    county: Lancshire\n")
    [problem] = tree.problems()
    assert problem.startswith("site.yaml:15: partnerships.county: 'Lancshire' is not one of Bedfordshire, ")
    assert problem.endswith("; did you mean 'Lancashire'?")
    tree.write("site.yaml", site + "partnerships:\n  - name: Kent CSP\n    region: London\n    county: Kent\n"
               "  - name: Most Reviews\n    county: North Yorkshire\n    region: North East\n")
    assert tree.problems() == [
        "site.yaml:13: partnerships: 'Kent CSP' is in the county 'Kent' but the region 'London', and Kent is in "
        "South East; correct its county or its region",
        "site.yaml:16: partnerships: 'Most Reviews' would take the address /partnerships/most-reviews/, which lists "
        "the partnerships by their number of reviews; use the partnership's full name",
    ]


def test_a_review_naming_the_reserved_address_is_an_error(tree: ContentTree) -> None:
    _published(tree, "bob", "Most reviews")
    assert "reviews/bob/review.md:3: csp: 'Most reviews' would take the address /partnerships/most-reviews/, which " \
        "lists the partnerships by their number of reviews; use the partnership's full name" in tree.problems()


@pytest.mark.parametrize("county", ["[Kent]", "{Kent: 1}", "123", "''", "Kent\\u0000", "kent"])
def test_a_hostile_county_is_one_problem_never_a_traceback(tree: ContentTree, county: str) -> None:
    site = (tree.root / "site.yaml").read_text()
    tree.write("site.yaml", site + f"partnerships:\n  - name: Kent CSP\n    region: South East\n    county: {county}\n")
    problems = tree.problems()
    assert len(problems) == (county != "''"), problems  # an empty county is no county
    assert all(p.startswith("site.yaml:15: partnerships.county: ") for p in problems)
