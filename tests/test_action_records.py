"""Actions as records (one row of a partnership's plan): their rules, the status they give their recommendation, what
is overdue, and how the site, the data files and `dhr check --report` show them."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from conftest import REPO, TEMPLATES, TODAY, ContentTree
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_fuzz_build import VALUES, mutate

from generator.authoring.report import render_overdue, render_report
from generator.build.pipeline import build, check
from generator.content.load import load_content
from generator.content.plans import derived_status
from generator.content.validate import validate
from generator.problems import ContentError, Problems
from generator.site.export import TABLES
from generator.site.json_schemas import SCHEMA_FILES
from generator.site.model import build_model

PLAN = "reviews/alice/action-plan.yaml"

# Recommendation 1 has one action of text alone and one with its own details; recommendation 2 is addressed to two
# agencies, gives no status of its own, and its actions name theirs.
RECORDS = """\
recommendations:
  - number: 1
    text: Review how repeat callers are flagged.
    scope: local
    agency: Test Police
    actions:
      - Audit repeat-caller flags
      - text: Train call handlers
        lead: Head of Training
        target: 2025-12-31
        status: planned
    lead: Head of Public Protection
    target: 2025-09-30
    status: in-progress
    updates:
      - date: 2025-06-01
        text: Audit started.
  - number: 2
    text: Tell schools when a family is referred to MARAC.
    scope: local
    agency:
      - Test County Council
      - Home Office
    actions:
      - text: Write a notice to schools
        agency: Test County Council
        target: 2025-06-30
        status: complete
        completed: 2025-06-20
        evidence: Notice sent to every school.
      - text: Publish national guidance
        agency: Home Office
        target: 2025-08-31
        status: in-progress
        updates:
          - date: 2025-07-01
            text: Draft circulated.
"""


def _plan(tree: ContentTree, text: str) -> list[str]:
    tree.write(PLAN, text)
    return tree.problems()


def test_actions_of_text_alone_and_records_with_their_own_details_are_valid(tree: ContentTree) -> None:
    assert _plan(tree, RECORDS) == []


@pytest.mark.parametrize(("statuses", "derived"), [
    (("complete", "complete"), "complete"),
    (("complete", "not-accepted"), "complete"),  # an action not accepted is closed
    (("not-accepted", "not-accepted"), "not-accepted"),
    (("planned", "not-accepted"), "planned"),
    (("planned", "planned"), "planned"),
    (("planned", "complete"), "in-progress"),
    (("in-progress",), "in-progress"),
])
def test_a_recommendations_status_follows_from_its_actions(statuses: tuple[str, ...], derived: str) -> None:
    assert derived_status(statuses) == derived


def test_a_recommendation_marked_complete_while_an_action_is_open_is_refused(tree: ContentTree) -> None:
    """What issue 24 found: a second action row with its own status, lost, and the recommendation published
    as complete."""
    text = RECORDS.replace("    status: in-progress\n    updates:", "    status: complete\n    completed: 2025-07-01\n"
                           "    updates:")
    assert _plan(tree, text) == [
        "reviews/alice/action-plan.yaml:14: recommendations.status: recommendation 1 is complete, but action 2 "
        "('Train call handlers') is planned; correct the action's status, or set the recommendation's status: "
        "in-progress (or leave it out when every action gives its own)"]


def test_a_status_the_actions_contradict_is_refused_whatever_it_is(tree: ContentTree) -> None:
    text = RECORDS.replace("      - Audit repeat-caller flags\n", "").replace("status: in-progress\n    updates",
                                                                                  "status: planned\n    updates")
    assert _plan(tree, text) == []  # its one action is planned, as it is
    text = RECORDS.replace("        status: planned\n", "        status: complete\n        completed: 2025-07-01\n")
    assert _plan(tree, text) == []  # one action in progress (text alone), one complete: in progress
    both = text.replace("      - Audit repeat-caller flags\n", "")
    assert _plan(tree, both) == [
        "reviews/alice/action-plan.yaml:14: recommendations.status: recommendation 1 is in-progress, but its actions "
        "make it complete; correct the action's status, or set the recommendation's status: complete (or leave it "
        "out when every action gives its own)"]


def test_status_and_agency_may_be_left_out_only_when_every_action_gives_its_own(tree: ContentTree) -> None:
    assert _plan(tree, RECORDS.replace("    agency: Test Police\n", "")) == [
        "reviews/alice/action-plan.yaml:2: recommendations.agency: this required field is missing or empty; add "
        "'agency: Kent Police', or give each action its own agency"]
    assert _plan(tree, RECORDS.replace("    status: in-progress\n    updates:", "    updates:")) == [
        "reviews/alice/action-plan.yaml:2: recommendations.status: this required field is missing or empty; add "
        "'status: planned', or give each action its own status"]
    second = RECORDS.split("  - number: 2\n")[1].replace("    agency:\n      - Test County Council\n"
                                                          "      - Home Office\n", "")
    assert _plan(tree, "recommendations:\n  - number: 2\n" + second) == []


def test_an_actions_own_rules_are_those_of_a_recommendation(tree: ContentTree) -> None:
    text = RECORDS.replace("        completed: 2025-06-20\n", "").replace(
        "        status: planned\n", "        status: planned\n        completed: 2025-06-01\n").replace(
        "agency: Home Office\n        target", "agency: Home Ofice\n        target").replace("2025-07-01", "2025-10-16")
    assert _plan(tree, text) == [
        "reviews/alice/action-plan.yaml:12: recommendations.actions.completed: recommendation 1, action 2 ('Train "
        "call handlers') has a completion date but its status is planned; set its status: complete, or remove "
        "completed",
        "reviews/alice/action-plan.yaml:29: recommendations.actions.completed: recommendation 2, action 1 ('Write a "
        "notice to schools') is complete but has no completion date; add 'completed: YYYY-MM-DD' below its status",
        "reviews/alice/action-plan.yaml:32: recommendations.actions.agency: 'Home Ofice' is not an agency listed in "
        "site.yaml; did you mean 'Home Office'?",
        "reviews/alice/action-plan.yaml:36: recommendations.actions.updates.date: 2025-10-16 is in the future (today "
        "is 2025-10-15); give the date it happened; put work still to do under actions and its due date under "
        "target"]


def test_an_action_of_a_recommendation_to_several_agencies_names_its_own(tree: ContentTree) -> None:
    assert _plan(tree, RECORDS.replace("        agency: Home Office\n", "")) == [
        "reviews/alice/action-plan.yaml:31: recommendations.actions.agency: recommendation 2, action 2 ('Publish "
        "national guidance') names no agency, and the recommendation is addressed to 2; add 'agency: ...' to the "
        "action: the agency that carries it out"]


def test_an_open_action_without_any_target_is_a_warning(tree: ContentTree) -> None:
    assert _plan(tree, RECORDS.replace("        target: 2025-12-31\n", "")) == []  # it takes the recommendation's
    assert _plan(tree, RECORDS.replace("        target: 2025-08-31\n", "")) == [
        "reviews/alice/action-plan.yaml:31: warning: recommendations.actions.target: recommendation 2, action 2 "
        "('Publish national guidance') is in-progress with no target date, so it can never show as overdue; add "
        "'target: YYYY-MM-DD' to the action, or to the recommendation for all its actions"]


@pytest.mark.parametrize("action", [
    "      - [a, list]\n", "      - text:\n          nested: map\n", "      - text: T\n        status: [complete]\n",
    "      - {}\n", "      - text: T\n        agency: [Test Police]\n", "      -\n",
    "      - text: T\n        colour: red\n",
])
def test_a_malformed_action_is_reported_never_a_traceback(tree: ContentTree, action: str) -> None:
    [problem] = _plan(tree, RECORDS.replace("      - Audit repeat-caller flags\n", action))
    assert re.match(r"reviews/alice/action-plan\.yaml:[78]: recommendations\.actions[.:]", problem), problem


@pytest.mark.slow
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(changes=st.lists(st.tuples(st.sampled_from(["value", "nest", "insert", "truncate"]),
                                  st.integers(min_value=0, max_value=1200), VALUES | st.text(max_size=30)),
                        min_size=1, max_size=3))
def test_a_mutated_plan_of_action_records_builds_or_reports_its_problems(
        tmp_path_factory: pytest.TempPathFactory, changes: list[tuple[str, int, str]]) -> None:
    """Any field of an action, at any depth, replaced by a value of another type, nested, cut short or written
    into: the build succeeds, or fails with exactly the problems `dhr check` reports, each at a line."""
    root = tmp_path_factory.mktemp("records")
    tree = ContentTree(root / "content")
    plan = tree.write(PLAN, RECORDS)
    for kind, at, value in changes:
        mutate(plan, kind, at if kind == "truncate" else (at % 41 if kind in ("value", "nest") else at, value))
    try:
        checked = check(tree.root, today=TODAY)[1]
    except ContentError as error:
        checked = error.problems
    reported = Problems()
    content = validate(load_content(tree.root, reported), reported, TODAY)
    assert render_report(content, reported) and render_overdue(content, TODAY)
    try:
        built = build(tree.root, root / "site", TEMPLATES, search=False, today=TODAY)[0].problems
    except ContentError as error:
        built = error.problems
        assert built.errors and not (root / "site").exists()
    assert [str(p) for p in built.items] == [str(p) for p in checked.items]
    assert all(p.line >= 1 for p in built.items)


def test_the_model_derives_status_target_completion_and_overdue_from_the_actions(tree: ContentTree) -> None:
    tree.write(PLAN, RECORDS)
    content, _ = tree.check()
    site = build_model(content, "https://dhr.example.org", dt.date(2025, 10, 1))
    first, second = site.reviews[0].plan.recommendations
    assert [(a.text, a.own, a.agencies, a.lead, a.target, a.status) for a in first.actions] == [
        ("Audit repeat-caller flags", (), ("Test Police",), "Head of Public Protection", dt.date(2025, 9, 30),
         "in-progress"),
        ("Train call handlers", ("lead", "target", "status"), ("Test Police",), "Head of Training",
         dt.date(2025, 12, 31), "planned")]
    assert first.status == "in-progress" and first.overdue(dt.date(2025, 10, 1))  # its text-alone action's target
    assert second.agencies == ("Test County Council", "Home Office") and second.status == "in-progress"
    assert second.target == dt.date(2025, 8, 31) and second.completed is None and second.overdue(dt.date(2025, 9, 1))
    assert not second.overdue(dt.date(2025, 8, 31))
    assert second.latest is not None and second.latest.text == "Draft circulated."  # an action's update
    done = RECORDS.replace("status: in-progress\n        updates", "status: complete\n        completed: 2025-07-02\n"
                           "        updates")
    tree.write(PLAN, done)
    content, _ = tree.check()
    second = build_model(content, "https://dhr.example.org", TODAY).reviews[0].plan.recommendations[1]
    assert (second.status, second.completed, second.overdue(TODAY)) == ("complete", dt.date(2025, 7, 2), False)


def test_a_plan_of_text_alone_is_read_as_before(tree: ContentTree) -> None:
    tree.write(PLAN, "recommendations:\n  - number: 1\n    text: T.\n    scope: local\n    agency: Test Police\n"
               "    actions:\n      - A\n      - B\n    target: 2025-03-31\n    status: complete\n"
               "    completed: 2025-03-01\n")
    content, problems = tree.check()
    assert problems.items == []
    [rec] = build_model(content, "https://dhr.example.org", TODAY).reviews[0].plan.recommendations
    assert (rec.status, rec.target, rec.completed, rec.agencies) == ("complete", dt.date(2025, 3, 31),
                                                                      dt.date(2025, 3, 1), ("Test Police",))
    assert [(a.text, a.own, a.status, a.completed) for a in rec.actions] == [
        ("A", (), "complete", dt.date(2025, 3, 1)), ("B", (), "complete", dt.date(2025, 3, 1))]


@pytest.fixture
def site(tree: ContentTree, tmp_path: Path) -> Path:
    tree.write(PLAN, RECORDS)
    out = tmp_path / "site"
    build(tree.root, out, TEMPLATES, base_url="https://dhr.example.org", today=dt.date(2025, 10, 1))
    return out


def _text(path: Path) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", path.read_text()))


def test_the_review_page_shows_each_action_with_its_own_details(site: Path) -> None:
    text = _text(site / "reviews/alice/index.html")
    assert "Addressed to Test County Council , Home Office" in text
    assert "Train call handlers Status Planned Lead Head of Training Target date 31 December 2025" in text
    assert "Write a notice to schools Status Complete , 20 June 2025 Agency Test County Council Target date 30 June " \
           "2025 Evidence of completion Notice sent to every school." in text
    assert "Publish national guidance Status In progress, overdue Agency Home Office" in text
    assert "Progress updates 1 July 2025 : Draft circulated." in text
    assert "<li>Audit repeat-caller flags</li>" in (site / "reviews/alice/index.html").read_text()  # text alone


def test_each_agency_page_counts_the_actions_addressed_to_it(site: Path) -> None:
    index = _text(site / "agencies/index.html")
    assert "Test Police : 2 actions in 1 recommendation, 0 complete, 1 in progress, 1 overdue" in index
    assert "Test County Council : 1 action in 1 recommendation, 1 complete, 0 in progress, 0 overdue" in index
    assert "Home Office : 1 action in 1 recommendation, 0 complete, 1 in progress, 1 overdue" in index
    page = _text(site / "agencies/home-office/index.html")
    assert "1 action in 1 recommendation from the published reviews' action plans is addressed to Home Office" in page


def test_the_data_files_carry_each_action(site: Path) -> None:
    data = json.loads((site / "reviews.json").read_text())
    jsonschema.validate(data, json.loads((site / SCHEMA_FILES["reviews.json"]).read_text()),
                        format_checker=jsonschema.FormatChecker())
    first, second = data["reviews"][0]["action_plan"]["recommendations"]
    assert first["actions"][0] == {"number": 1, "text": "Audit repeat-caller flags", "agencies": ["Test Police"],
                                   "lead": "Head of Public Protection", "target": "2025-09-30", "status": "in-progress",
                                   "completed": None, "updates": [], "evidence": None}
    assert second["agencies"] == ["Test County Council", "Home Office"] and second["status"] == "in-progress"
    rows = {}
    for table in TABLES:
        schema = json.loads((site / SCHEMA_FILES[table]).read_text())
        rows[table] = list(csv.DictReader(io.StringIO((site / table).read_text(), newline="")))
        for row in rows[table]:
            jsonschema.validate(row, schema)
    assert [(r["recommendation"], r["number"], r["agencies"], r["status"]) for r in rows["actions.csv"]] == [
        ("1", "1", "Test Police", "in-progress"), ("1", "2", "Test Police", "planned"),
        ("2", "1", "Test County Council", "complete"), ("2", "2", "Home Office", "in-progress")]
    assert [(r["recommendation"], r["action"], r["text"]) for r in rows["updates.csv"]] == [
        ("1", "", "Audit started."), ("2", "2", "Draft circulated.")]
    assert [(r["agencies"], r["status"]) for r in rows["recommendations.csv"]] == [
        ("Test Police", "in-progress"), ("Test County Council; Home Office", "in-progress")]


def test_check_report_counts_the_actions_overdue_by_agency(tree: ContentTree) -> None:
    tree.write(PLAN, RECORDS)
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(int(dt.datetime(2025, 10, 1, tzinfo=dt.UTC).timestamp()))}
    result = subprocess.run([sys.executable, "-m", "generator", "check", "--report", "--content", str(tree.root)],
                            cwd=REPO, capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    assert "action plan listed       action-plan.yaml (2 recommendations, 4 actions, 1 complete)" in result.stdout
    assert result.stdout.split("\n\nOverdue", 1)[1].splitlines()[:7] == [
        " actions on 2025-10-01: 2, addressed to 2 agencies", "",
        "Home Office: 1 overdue",
        "  alice (published), recommendation 2, action 2 (Publish national guidance): due 2025-08-31, 31 days ago, "
        "in-progress", "",
        "Test Police: 1 overdue",
        "  alice (published), recommendation 1, action 1 (Audit repeat-caller flags): due 2025-09-30, 1 days ago, "
        "in-progress"]


def test_dhr_fields_describes_the_action_record() -> None:
    result = subprocess.run([sys.executable, "-m", "generator", "fields"], cwd=REPO, capture_output=True, text=True)
    assert "## action\n" in result.stdout
    assert "| agency | no | agency from site.yaml, or a list of them |" in result.stdout
    assert "| actions | no | list of text, or an action with fields text, agency, lead, target, status, completed, " \
           "updates, evidence |" in result.stdout


def test_a_recommendation_addressed_to_thousands_of_agencies_is_refused_quickly(tree: ContentTree) -> None:
    """Each agency's page shows the recommendation with all its agencies: thousands would write gigabytes."""
    names = [f"Agency {n:05d}" for n in range(20_000)]
    tree.write("site.yaml", (tree.root / "site.yaml").read_text() + "".join(f"  - {name}\n" for name in names))
    plan = RECORDS.split("  - number: 2\n")[0].replace("    agency: Test Police\n", "    agency:\n" + "".join(
        f"      - {name}\n" for name in names))
    assert _plan(tree, plan) == [
        "reviews/alice/action-plan.yaml:5: recommendations.agency: recommendation 1 is addressed to 20000 agencies "
        "(with its actions'), more than the 30 a recommendation may be; address it to the agencies that carry out "
        "its actions, at most 30, and name the others in its text",
        "reviews/alice/action-plan.yaml:20008: recommendations.actions.agency: recommendation 1, action 2 ('Train "
        "call handlers') names no agency, and the recommendation is addressed to 20000; add 'agency: ...' to the "
        "action: the agency that carries it out"]
