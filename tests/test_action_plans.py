"""Action plans: their validation, the overdue arithmetic, the pages across reviews, open data and staff tools."""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from conftest import REPO, TEMPLATES, TODAY, ContentTree

from generator.authoring import new as scaffold
from generator.build.pipeline import build
from generator.clock import build_date
from generator.content.plans import ValidPlan
from generator.site.export import TABLES
from generator.site.json_schemas import SCHEMA_FILES
from generator.site.learning import Recommendation, Tally, make_plan

SAMPLE = REPO / "tests/fixtures/sample"
EXAMPLE = "reviews/example-action-plan"  # the fictional draft review that exercises every feature

PLAN = """\
recommendations:
  - number: 1
    text: Review the referral pathway.
    scope: local
    agency: Test Police
    target: 2025-03-31
    status: in-progress
    updates:
      - date: 2025-01-10
        text: Started.
"""


def rec(status: str | None, target: dt.date | None, actions: tuple[str | dict, ...] = ()) -> Recommendation:
    """A recommendation's model, made from validated values as a build makes it."""
    done = dt.date(2025, 1, 1) if status == "complete" else None
    values = {"number": "1", "text": "Text", "scope": "local", "agency": ["Test Police"], "actions": list(actions),
              "lead": None, "target": target, "status": status, "completed": done, "updates": None,
              "evidence": None}
    return make_plan(ValidPlan(None, {"recommendations": [values]}), "").recommendations[0]  # type: ignore[arg-type]


# Validation: one message per rule, as path:line: field: problem; fix.

def test_a_valid_plan_has_no_problems(tree: ContentTree) -> None:
    tree.write("reviews/alice/action-plan.yaml", PLAN)
    assert tree.problems() == []


def test_an_unknown_agency_gets_the_nearest_listed_one(tree: ContentTree) -> None:
    tree.write("reviews/alice/action-plan.yaml", PLAN.replace("agency: Test Police", "agency: Test Polise"))
    assert tree.problems() == ["reviews/alice/action-plan.yaml:5: recommendations.agency: 'Test Polise' is not "
                               "an agency listed in site.yaml; did you mean 'Test Police'?"]


def test_an_agency_nothing_like_a_listed_one_is_to_be_added_to_site_settings(tree: ContentTree) -> None:
    tree.write("reviews/alice/action-plan.yaml", PLAN.replace("agency: Test Police", "agency: Zebra Trust"))
    assert tree.problems() == ["reviews/alice/action-plan.yaml:5: recommendations.agency: 'Zebra Trust' is not "
                               "an agency listed in site.yaml; add it under agencies in site.yaml, spelled as here"]


def test_a_complete_recommendation_needs_its_completion_date(tree: ContentTree) -> None:
    tree.write("reviews/alice/action-plan.yaml", PLAN.replace("in-progress", "complete"))
    assert tree.problems() == ["reviews/alice/action-plan.yaml:7: recommendations.completed: recommendation 1 is "
                               "complete but has no completion date; add 'completed: YYYY-MM-DD' below its status"]


def test_a_completion_date_needs_the_complete_status(tree: ContentTree) -> None:
    tree.write("reviews/alice/action-plan.yaml", PLAN.replace("status: in-progress", "status: planned\n"
                                                              "    completed: 2025-02-01"))
    assert tree.problems() == ["reviews/alice/action-plan.yaml:8: recommendations.completed: recommendation 1 has "
                               "a completion date but its status is planned; set status: complete, or remove "
                               "completed"]


def test_an_update_cannot_be_dated_after_the_build_date(tree: ContentTree) -> None:
    tree.write("reviews/alice/action-plan.yaml", PLAN.replace("2025-01-10", "2025-10-16"))  # TODAY is 2025-10-15
    assert tree.problems() == ["reviews/alice/action-plan.yaml:9: recommendations.updates.date: 2025-10-16 is in "
                               "the future (today is 2025-10-15); give the date it happened; put work still to do "
                               "under actions and its due date under target"]
    tree.write("reviews/alice/action-plan.yaml", PLAN.replace("2025-01-10", "2025-10-15"))
    assert tree.problems() == []  # today itself is fine


def test_each_number_once_and_every_field_checked_in_one_run(tree: ContentTree) -> None:
    second = PLAN.split("\n", 1)[1].replace("scope: local", "scope: locall").replace("2025-03-31", "2025-02-30")
    tree.write("reviews/alice/action-plan.yaml", PLAN + second + "colour: red\n")
    assert tree.problems() == [
        "reviews/alice/action-plan.yaml:11: recommendations.number: recommendation 1 is listed twice (first on "
        "line 2); give each recommendation its own number",
        "reviews/alice/action-plan.yaml:13: recommendations.scope: 'locall' is not one of local, regional, "
        "national; did you mean 'local'?",
        "reviews/alice/action-plan.yaml:15: recommendations.target: '2025-02-30' is not a real date; check the day "
        "and the month",
        "reviews/alice/action-plan.yaml:20: colour: unknown field; remove it, or use one of recommendations, "
        "acknowledge",
    ]


def test_an_open_recommendation_without_a_target_is_a_warning(tree: ContentTree) -> None:
    tree.write("reviews/alice/action-plan.yaml", PLAN.replace("    target: 2025-03-31\n", ""))
    assert tree.problems() == ["reviews/alice/action-plan.yaml:6: warning: recommendations.target: recommendation "
                               "1 is in-progress with no target date, so it can never show as overdue; add "
                               "'target: YYYY-MM-DD', the date the actions are due"]


def test_identifying_text_in_a_plan_is_a_warning_unless_acknowledged(tree: ContentTree) -> None:
    tree.write("reviews/alice/action-plan.yaml", PLAN.replace("text: Started.", "text: Call 07700 900123."))
    [warning] = tree.problems()
    assert warning.startswith("reviews/alice/action-plan.yaml:10: warning: recommendations.text: '07700 900123' "
                              "looks like a phone number")
    tree.write("reviews/alice/action-plan.yaml", PLAN.replace("text: Started.", "text: Call 07700 900123.")
               + "acknowledge:\n  - text: 07700 900123\n    reason: the agency's public switchboard\n")
    assert tree.problems() == []


def test_a_plan_in_yaml_and_in_markdown_is_one_too_many(tree: ContentTree) -> None:
    tree.write("reviews/alice/action-plan.yaml", PLAN)
    tree.write("reviews/alice/action-plan.md", f"---\n{PLAN}---\nAn introduction.\n")
    assert tree.problems() == ["reviews/alice/action-plan.md:1: file: the review has both action-plan.yaml and "
                               "action-plan.md; keep one of the two files"]


def test_a_plan_satisfies_the_publication_checklist(tree: ContentTree) -> None:
    tree.review("title: Alice\ncsp: Test\nstatus: published\n")
    assert any("lists no action plan" in p for p in tree.problems())
    tree.write("reviews/alice/action-plan.yaml", PLAN)
    assert not any("lists no action plan" in p for p in tree.problems())


# Status and overdue arithmetic on fixed dates.

def test_overdue_means_open_with_the_target_date_passed() -> None:
    today = dt.date(2025, 6, 1)
    assert rec("in-progress", dt.date(2025, 5, 31)).overdue(today)
    assert rec("planned", dt.date(2025, 5, 31)).overdue(today)
    assert not rec("in-progress", today).overdue(today)  # due today is not yet overdue
    assert not rec("complete", dt.date(2020, 1, 1)).overdue(today)
    assert not rec("not-accepted", dt.date(2020, 1, 1)).overdue(today)
    assert not rec("planned", None).overdue(today)


def test_a_tally_counts_each_status_and_the_overdue() -> None:
    recs = [rec("complete", dt.date(2025, 1, 1)), rec("in-progress", dt.date(2025, 1, 1)),
            rec("in-progress", dt.date(2026, 1, 1)), rec("planned", dt.date(2024, 1, 1)), rec("not-accepted", None)]
    assert Tally.of(recs, dt.date(2025, 6, 1)) == Tally(5, 1, 2, 1, 1, 2, 5)
    assert Tally.of(recs, dt.date(2023, 6, 1)) == Tally(5, 1, 2, 1, 1, 0, 5)


def test_the_build_date_follows_source_date_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(dt.datetime(2025, 3, 4, 23, 0, tzinfo=dt.UTC).timestamp())))
    assert build_date() == dt.date(2025, 3, 4)


# The pages across reviews, from the fictional example published.

@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    content = tmp_path_factory.mktemp("plans") / "content"
    shutil.copytree(SAMPLE, content)
    review = content / EXAMPLE / "review.md"
    review.write_text(review.read_text().replace("status: draft", "status: published"))
    out = content.parent / "site"
    build(content, out, TEMPLATES, today=dt.date(2025, 7, 1))
    return out


def _text(path: Path) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", path.read_text()))


def _links(path: Path, prefix: str) -> list[str]:
    """The links in the page's main content that start with `prefix`."""
    main = path.read_text().split('<main id="main"', 1)[1].split("</main>", 1)[0]
    return re.findall(rf'href="({re.escape(prefix)}[^"]*)"', main)


def test_the_review_page_shows_each_recommendation_with_its_status_in_words(site: Path) -> None:
    page = site / "reviews/example-action-plan/index.html"
    text = _text(page)
    assert "5 recommendations" in text and "Last updated 1 May 2025" in text
    assert "1 complete 2 in progress 1 planned 2 overdue 1 not accepted" in text
    assert "In progress, overdue" in text  # recommendation 2: due 30 June 2025
    assert "Planned, overdue" in text  # recommendation 3: due 31 January 2025
    assert text.count(", overdue") == 2
    assert text.count("Actions agreed and full history") == 3  # 1, 2 and 4 have actions or updates
    html = page.read_text()
    assert html.index("Flag live; training delivered") < html.index("Flag specified")  # history newest first


def test_an_agency_page_lists_exactly_its_recommendations_and_counts_its_actions(site: Path) -> None:
    page = site / "agencies/exampleshire-police/index.html"
    assert _links(page, "/reviews/") == ["/reviews/example-review/#recommendation-1",  # newest review first
                                         "/reviews/example-review/#recommendation-4",  # an action is the ICB's
                                         "/reviews/example-action-plan/#recommendation-1"]
    text = _text(page)
    assert "Recommendations addressed to Exampleshire Police" in text
    assert "4 actions in 3 recommendations from the published reviews' action plans are addressed to " \
           "Exampleshire Police" in text and "3 complete 1 in progress 0 planned 0 overdue" in text
    index = _text(site / "agencies/index.html")
    assert "Home Office : 2 actions in 2 recommendations, 0 complete, 1 in progress, 0 overdue" in index
    # the plan's recommendation 2 (an action of text alone, overdue) and an action of another plan's recommendation 4
    assert "Exampleshire Integrated Care Board : 2 actions in 2 recommendations, 0 complete, 1 in progress, " \
           "1 overdue" in index
    assert "Exampleshire Police : 4 actions in 3 recommendations, 3 complete, 1 in progress, 0 overdue" in index


def test_a_recommendation_addressed_to_several_agencies_is_on_each_ones_page(site: Path) -> None:
    for agency in ("exampleshire-county-council-childrens-services", "example-domestic-abuse-service"):
        assert "/reviews/example-review/#recommendation-3" in _links(site / f"agencies/{agency}/index.html",
                                                                     "/reviews/")
    index = _text(site / "agencies/index.html")
    assert "Exampleshire County Council Children&#39;s Services : 2 actions in 2 recommendations, 1 complete, " \
           "0 in progress, 1 overdue" in index  # its action of recommendation 3, and the plan's recommendation 3


def test_the_recommendations_can_be_filtered_without_javascript(site: Path) -> None:
    overdue = site / "recommendations/status/overdue/index.html"
    assert _links(overdue, "/reviews/") == ["/reviews/example-action-plan/#recommendation-2",
                                            "/reviews/example-action-plan/#recommendation-3"]
    national = site / "recommendations/scope/national/index.html"
    assert _links(national, "/reviews/") == ["/reviews/example-review/#recommendation-2",
                                             "/reviews/example-action-plan/#recommendation-4"]
    marac = site / "recommendations/themes/marac/index.html"
    assert len(_links(marac, "/reviews/example-action-plan/#")) == 5
    services = site / "recommendations/themes/childrens-services/index.html"  # a theme of the other review only
    assert _links(services, "/reviews/") == [f"/reviews/example-review/#recommendation-{n}" for n in (1, 2, 3, 4)]
    every = site / "recommendations/index.html"
    assert len(_links(every, "/reviews/example-")) == 9
    assert "/recommendations/status/not-accepted/" in _links(every, "/recommendations/")


def test_the_learning_page_lists_each_feedback_point_once_with_its_reviews_themes(site: Path) -> None:
    page = site / "learning/index.html"
    links = _links(page, "/reviews/")
    points = [link for link in links if "-point-" in link]
    assert len(points) == len(set(points)) == 9  # every point, each once, though its review has several themes
    plan_points = [f"/reviews/example-action-plan/#letter-2024-12-02-point-{n}" for n in (1, 2, 3)]
    assert [p for p in points if p.startswith("/reviews/example-action-plan/")] == plan_points  # in the letter's order
    assert "/reviews/example-review/#letter-2024-10-01-point-2" in points
    section = page.read_text().split('id="-reviews-example-review-heading"')[1].split("</section>")[0]
    assert 'Themes: <a href="/themes/coercive-control/">coercive control</a>' in section
    assert '<li class="feedback__nested">A point nested under the area. <a class="feedback__link" ' \
           'href="/reviews/example-review/#letter-2024-10-01-point-4">Letter of 1 October 2024, ' \
           'point 4, under point 3</a></li>' in section  # a nested point is one of its own, under its parent
    assert not (site / "learning/marac").exists()


def test_recommendations_and_feedback_are_found_by_search_once_on_their_review_pages(site: Path) -> None:
    records = [json.loads(gzip.decompress(f.read_bytes()).removeprefix(b"pagefind_dcd"))
               for f in site.glob("pagefind/*/fragment/*.pf_fragment")]
    found = {r["url"] for r in records if "Home Office" in r["content"] and "recommendation" in r["content"].lower()}
    assert "/reviews/example-action-plan/" in found
    kinds = {r["url"]: r["filters"]["kind"] for r in records}
    assert kinds["/reviews/example-action-plan/"] == ["Review"]
    assert all(url.startswith("/reviews/") for url in kinds)  # never a list across reviews, which repeats them
    for record in records:  # never the page's furniture or labels
        assert not re.search(r"No documents have been added|None yet|None set|Target date|Addressed to|"
                             r"Link to this letter|Outcome", record["content"]), record["url"]


def test_the_feed_has_an_entry_for_each_update(site: Path) -> None:
    feed = (site / "feed.xml").read_text()
    assert "<title>Action plan update: Rowan (fictional), recommendation 4 (Home Office)</title>" in feed
    assert feed.index("2025-05-01T00:00:00Z") < feed.index("2025-04-03T00:00:00Z")  # newest first


def test_the_data_files_validate_against_their_published_schemas(site: Path) -> None:
    schema = json.loads((site / SCHEMA_FILES["reviews.json"]).read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    data = json.loads((site / "reviews.json").read_text())
    jsonschema.validate(data, schema, format_checker=jsonschema.FormatChecker())
    example = next(r for r in data["reviews"] if r["slug"] == "example-action-plan")
    assert [r["status"] for r in example["action_plan"]["recommendations"]] == [
        "complete", "in-progress", "planned", "not-accepted", "in-progress"]
    counts = {}
    for table in TABLES:
        schema = json.loads((site / SCHEMA_FILES[table]).read_text())
        jsonschema.Draft202012Validator.check_schema(schema)
        rows = list(csv.DictReader(io.StringIO((site / table).read_text(), newline="")))
        for row in rows:
            jsonschema.validate(row, schema)
        counts[table] = len(rows)
    assert counts == {"reviews.csv": 2, "letters.csv": 3, "feedback-points.csv": 9, "recommendations.csv": 9,
                      "actions.csv": 8, "updates.csv": 6}


def test_a_broken_row_fails_its_schema(site: Path) -> None:
    schema = json.loads((site / SCHEMA_FILES["recommendations.csv"]).read_text())
    row = next(csv.DictReader(io.StringIO((site / "recommendations.csv").read_text(), newline="")))
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**row, "status": "done"}, schema)


def test_a_draft_plan_appears_nowhere(tmp_path: Path) -> None:
    out = tmp_path / "site"
    build(SAMPLE, out, TEMPLATES, today=TODAY)
    for path in out.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".xml", ".json", ".csv", ".txt"):
            text = path.read_text()
            assert "Rowan" not in text and "example-action-plan" not in text, path


# Staff tools.

def test_check_report_lists_overdue_actions_by_agency(tree: ContentTree) -> None:
    tree.write("reviews/alice/action-plan.yaml", PLAN)
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(int(dt.datetime(2025, 4, 30, tzinfo=dt.UTC).timestamp()))}
    result = subprocess.run([sys.executable, "-m", "generator", "check", "--report", "--content", str(tree.root)],
                            cwd=REPO, capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n\nOverdue", 1)[1].splitlines() == [
        " actions on 2025-04-30: 1, addressed to 1 agencies", "",
        "Test Police: 1 overdue", "  alice (published), recommendation 1: due 2025-03-31, 30 days ago, in-progress",
        "", "1 reviews: 0 errors, 0 warnings"]


def test_new_action_plan_scaffolds_a_valid_file_once(tree: ContentTree) -> None:
    path = scaffold.new_action_plan(tree.root, "alice", TODAY)
    assert path == tree.root / "reviews/alice/action-plan.yaml"
    assert tree.problems() == []
    content, _ = tree.check()
    [example] = content.reviews[0].plan.values["recommendations"]
    assert example["agency"] == ["Test Police"]
    plain, record = example["actions"]  # one action of text alone, one with details of its own
    assert plain == "Describe an action agreed." and record["agency"] == "Test Police"
    assert record["target"] == dt.date(2026, 10, 15) and record["status"] == "planned"
    text = path.read_text()
    for name in ("lead", "completed", "updates", "evidence"):  # each field, explained
        assert f"        # {name}:" in text and f"    # {name}:" in text
    assert "# Or write it from the partnership's plan: dhr import action-plan FILE --review alice" in text
    with pytest.raises(scaffold.ScaffoldError, match="already has an action plan"):
        scaffold.new_action_plan(tree.root, "alice", TODAY)


def test_new_action_plan_needs_the_agencies_listed(tree: ContentTree) -> None:
    tree.write("site.yaml", (tree.root / "site.yaml").read_text().split("agencies:")[0])
    with pytest.raises(scaffold.ScaffoldError, match=r"site\.yaml lists no agencies"):
        scaffold.new_action_plan(tree.root, "alice", TODAY)


def test_each_agency_needs_its_own_address(tree: ContentTree) -> None:
    tree.write("site.yaml", (tree.root / "site.yaml").read_text() + "  - test police\n")
    assert tree.problems() == ["site.yaml:8: agencies: 'test police' is listed twice, or would share another "
                               "agency's address /agencies/test-police/; keep one of them"]
