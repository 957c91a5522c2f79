"""The CMS at /admin/ in a real browser, offline: Debian's Chromium, the shipped site built and served as Netlify
would, Sveltia CMS working on a local repository held in the browser's private file system.

Each flow fills the forms as an editor would, saves, reads back the files the CMS wrote and runs `dhr check` on
them. Requests to any other origin are recorded and stopped, except the git host's status page, which answers
"no incident" as it would on a normal day.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import yaml
from cms_flows import (
    INIT_SCRIPT,
    add_item,
    choose,
    new_entry,
    open_entry,
    open_local_repository,
    pick,
    repository_files,
    save,
    saved_files,
    set_slug,
    text,
)
from conftest import REPO, SHIPPED_CONTENT, TEMPLATES
from static_server import serve

from generator.build.pipeline import build
from generator.cms import admin_csp

if TYPE_CHECKING:
    from playwright.sync_api import Browser, ConsoleMessage, Page, Route

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed: pip install -e '.[test]'")

STATUS = "https://www.githubstatus.com/api/v2/status.json"  # polled by the CMS for the git host's outages
TODAY = dt.date.today()
# A review's plan; its first recommendation's actions as the CMS (and `dhr import action-plan`) writes them, records,
# or as a plan written by hand may give an action with nothing of its own: its text alone.
DIANA_PLAN = """\
recommendations:
  - number: 1
    text: Review the MARAC referral pathway for repeat victims
    scope: local
    agency: Kent Police
    lead: Head of Public Protection
    target: {next_year}-03-31
    status: in-progress
    actions:
{actions}
  - number: 2
    text: Share learning on economic abuse with GP practices
    scope: local
    agency: GP practices
    status: complete
    completed: {last_year}-11-30
"""
ACTIONS = ("Audit repeat-caller flags", "Train call handlers on the revised pathway")
AS_RECORDS = DIANA_PLAN.format(actions="".join(f"      - text: {a}\n" for a in ACTIONS).rstrip("\n"),
                               next_year=TODAY.year + 1, last_year=TODAY.year - 1)
AS_TEXT_ALONE = DIANA_PLAN.format(actions="".join(f"      - {a}\n" for a in ACTIONS).rstrip("\n"),
                                  next_year=TODAY.year + 1, last_year=TODAY.year - 1)
SUMMARY = "Salome's review looks at how agencies heard her."
UPDATE = "Pathway redrafted; consultation with MARAC chairs under way"
TEXT_ALONE_ACTIONS = (
    "generator/cms/config.py makes a recommendation's actions a list of records, so an action written as its "
    "text alone (as a plan written by hand may have it) shows as an empty record and the CMS refuses to save "
    "the plan: '2 fields have errors'")


@pytest.fixture(scope="module")
def admin_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    site = tmp_path_factory.mktemp("cms-browser") / "site"
    build(SHIPPED_CONTENT, site, TEMPLATES)  # /admin/ and its rules in `_headers` are the build's
    with serve(site) as url:
        yield url + "admin/"


@dataclass
class Log:
    """What the admin page did besides its work: console errors, requests, and where they went."""

    console_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    stopped: list[str] = field(default_factory=list)  # requests to an origin that is neither the site nor git host

    def errors(self) -> list[str]:
        """Console errors other than policy violations (those are counted by the policy's own test)."""
        return [e for e in self.console_errors if "Content Security Policy" not in e]


@pytest.fixture
def log() -> Log:
    return Log()


@pytest.fixture
def page(browser: Browser, admin_url: str, log: Log) -> Iterator[Page]:
    """A fresh page, its private file system empty, offline but for the site (and the git host's status)."""
    site = admin_url.removesuffix("admin/")
    context = browser.new_context(viewport={"width": 1280, "height": 900})

    def route(route: Route) -> None:
        url = route.request.url
        log.requests.append(url)
        if url.startswith(site):
            route.continue_()
        elif url == STATUS:
            route.fulfill(status=200, content_type="application/json",
                          body=json.dumps({"status": {"indicator": "none", "description": "All Systems Operational"}}))
        else:
            log.stopped.append(url)
            route.abort()

    def console(message: ConsoleMessage) -> None:
        if message.type == "error":
            log.console_errors.append(message.text)

    context.route("**/*", route)
    context.add_init_script(INIT_SCRIPT)
    opened = context.new_page()
    opened.set_default_timeout(10_000)
    opened.on("console", console)
    opened.on("pageerror", lambda error: log.console_errors.append(f"uncaught: {error}"))
    yield opened
    context.close()


def front_matter(source: str) -> tuple[dict[str, object], str]:
    _, head, body = source.split("---\n", 2)
    return yaml.safe_load(head), body.strip()


def dhr_check(tmp_path: Path, written: dict[str, str]) -> str:
    """`dhr check` on a copy of the shipped content with the CMS's files written into it; its output."""
    content = tmp_path / "content"
    shutil.copytree(SHIPPED_CONTENT, content)
    for path, data in written.items():
        target = content / Path(path).relative_to("content")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(data, encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "generator", "check", "--content", str(content)], cwd=REPO,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    assert ": 0 errors" in done.stdout
    return done.stdout


def changed(before: dict[str, str], after: dict[str, str]) -> dict[str, str]:
    return {path: data for path, data in after.items() if before.get(path) != data}


def test_the_admin_page_is_served_with_its_own_policy_alone(admin_url: str) -> None:
    with urllib.request.urlopen(admin_url) as response:
        policies = response.headers.get_all("Content-Security-Policy")
        robots = response.headers.get_all("X-Robots-Tag")
    assert policies == [admin_csp(None)]
    assert robots == ["noindex"]


def test_a_review_its_letter_and_its_action_plan_made_in_the_forms_pass_dhr_check(
        page: Page, admin_url: str, log: Log, tmp_path: Path) -> None:
    shipped = repository_files(SHIPPED_CONTENT)
    open_local_repository(page, admin_url, shipped)

    new_entry(page, "Reviews")
    text(page, "Title", "Zara")
    choose(page, "Type", "dhr")
    choose(page, "Csp", "Kent Community Safety Partnership")
    choose(page, "Status", "published")
    text(page, "Published", "2025-09")
    text(page, "Death", "2023-05")
    pick(page, "Themes", ["coercive control", "MARAC"])
    text(page, "Summary", "Zara was killed by her former partner after she left him.")
    save(page)

    new_entry(page, "QA Panel letters")
    text(page, "Date", "2025-06-12")
    text(page, "Panel date", "2025-05-14")
    choose(page, "Outcome", "publish")
    text(page, "Signed", "Chair of the Home Office DHR Quality Assurance Panel")
    text(page, "Letter", "Dear Chair,\n\nThe Panel thanks you for a thorough review.")
    set_slug(page, "zara")
    save(page)

    new_entry(page, "Action plans")
    add_item(page, "Recommendations")
    text(page, "Number", "1", "recommendations.0.number")
    text(page, "Text", "Review the MARAC referral pathway", "recommendations.0.text")
    choose(page, "Scope", "local", "recommendations.0.scope")
    pick(page, "Agency", ["Kent Police"], "recommendations.0.agency")
    add_item(page, "Actions", "recommendations.0.actions")
    text(page, "Text", "Audit repeat-caller flags", "recommendations.0.actions.0.text")
    text(page, "Lead", "Head of Public Protection", "recommendations.0.actions.0.lead")
    text(page, "Target", f"{TODAY.year + 1}-03-31", "recommendations.0.actions.0.target")
    choose(page, "Status", "planned", "recommendations.0.actions.0.status")
    set_slug(page, "zara")
    save(page)

    written = changed(shipped, saved_files(page))
    assert sorted(written) == ["content/reviews/zara/action-plan.yaml", "content/reviews/zara/letter-2025-06-12.md",
                               "content/reviews/zara/review.md"]
    assert front_matter(written["content/reviews/zara/review.md"]) == (
        {"title": "Zara", "type": "dhr", "csp": "Kent Community Safety Partnership", "status": "published",
         "published": "2025-09", "death": "2023-05", "themes": ["coercive control", "MARAC"]},
        "Zara was killed by her former partner after she left him.")
    letter, body = front_matter(written["content/reviews/zara/letter-2025-06-12.md"])
    assert letter["date"] == dt.date(2025, 6, 12) and letter["outcome"] == "publish"
    assert body == "Dear Chair,\n\nThe Panel thanks you for a thorough review."
    assert yaml.safe_load(written["content/reviews/zara/action-plan.yaml"]) == {"recommendations": [{
        "number": "1", "text": "Review the MARAC referral pathway", "scope": "local", "agency": ["Kent Police"],
        "actions": [{"text": "Audit repeat-caller flags", "lead": "Head of Public Protection",
                     "target": dt.date(TODAY.year + 1, 3, 31), "status": "planned"}]}]}
    assert "6 reviews (6 published)" in dhr_check(tmp_path, written)
    assert log.errors() == []


def test_editing_a_review_changes_just_what_was_edited(page: Page, admin_url: str, log: Log, tmp_path: Path) -> None:
    shipped = repository_files(SHIPPED_CONTENT)
    open_local_repository(page, admin_url, shipped)
    open_entry(page, "Reviews", "Salome")
    page.get_by_role("button", name="Remove \u2068equality and diversity\u2069").click()
    pick(page, "Themes", ["housing"])
    text(page, "Summary", SUMMARY)
    save(page)

    written = changed(shipped, saved_files(page))
    original = shipped["content/reviews/salome/review.md"]
    assert written == {"content/reviews/salome/review.md": original.replace("  - equality and diversity\n", "").replace(
        "  - family involvement\n", "  - family involvement\n  - housing\n") + f"\n{SUMMARY}\n"}
    dhr_check(tmp_path, written)
    assert log.errors() == []


def _add_an_update(page: Page, admin_url: str, plan: str) -> tuple[dict[str, str], dt.date]:
    """Add an update to the first recommendation of Diana's plan; the files before, and the update's date."""
    before = {**repository_files(SHIPPED_CONTENT), "content/reviews/diana/action-plan.yaml": plan}
    open_local_repository(page, admin_url, before)
    open_entry(page, "Action plans", "diana")
    reported = TODAY - dt.timedelta(days=7)
    add_item(page, "Updates", "recommendations.0.updates")
    text(page, "Date", reported.isoformat(), "recommendations.0.updates.0.date")
    text(page, "Text", UPDATE, "recommendations.0.updates.0.text")
    save(page)
    return before, reported


def _with_update(plan: str, reported: dt.date) -> dict[str, object]:
    """The plan with the update, as the CMS writes it: numbers as text, each agency as a list of one."""
    expected = yaml.safe_load(plan)
    for recommendation in expected["recommendations"]:
        recommendation.update(number=str(recommendation["number"]), agency=[recommendation["agency"]])
    expected["recommendations"][0]["updates"] = [{"date": reported, "text": UPDATE}]
    return expected


def test_an_update_added_to_a_recommendation_is_saved_and_passes_dhr_check(
        page: Page, admin_url: str, log: Log, tmp_path: Path) -> None:
    before, reported = _add_an_update(page, admin_url, AS_RECORDS)
    written = changed(before, saved_files(page))
    assert list(written) == ["content/reviews/diana/action-plan.yaml"]
    assert yaml.safe_load(written["content/reviews/diana/action-plan.yaml"]) == _with_update(AS_RECORDS, reported)
    dhr_check(tmp_path, written)
    assert log.errors() == []


@pytest.mark.xfail(strict=True, raises=AssertionError, reason=TEXT_ALONE_ACTIONS)
def test_an_imported_plan_whose_actions_are_text_alone_takes_an_update(page: Page, admin_url: str,
                                                                       tmp_path: Path) -> None:
    before, reported = _add_an_update(page, admin_url, AS_TEXT_ALONE)
    written = changed(before, saved_files(page))
    assert yaml.safe_load(written["content/reviews/diana/action-plan.yaml"]) == _with_update(AS_TEXT_ALONE, reported)
    dhr_check(tmp_path, written)


def _browse(page: Page, admin_url: str) -> None:
    """Open the admin page, its local repository, each collection, and one entry of each kind."""
    open_local_repository(page, admin_url, repository_files(SHIPPED_CONTENT))
    open_entry(page, "Reviews", "Diana")
    page.get_by_role("button", name="Cancel Editing").click()
    open_entry(page, "Pages", "About this site")
    page.get_by_role("button", name="Cancel Editing").click()
    page.get_by_role("treeitem", name="Site settings").click()


def test_the_admin_page_logs_no_error_and_asks_nothing_of_another_origin(page: Page, admin_url: str,
                                                                         log: Log) -> None:
    _browse(page, admin_url)
    assert log.errors() == []
    assert log.stopped == []
    site = admin_url.removesuffix("admin/")
    assert {u for u in log.requests if not u.startswith(site)} <= {STATUS}


def test_the_admin_page_breaks_no_rule_of_its_policy(page: Page, admin_url: str, log: Log) -> None:
    _browse(page, admin_url)
    assert page.evaluate("window.__cspViolations") == []
    assert [e for e in log.console_errors if "Content Security Policy" in e] == []
