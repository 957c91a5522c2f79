"""The public site in a real browser: Debian's Chromium driven by Playwright, against the built shipped site.

Never a downloaded browser: Playwright is given `executable_path`. Without Chromium these tests
skip with the reason, except under CI, which must run them (`.ci/run` installs the package).
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest
from conftest import REPO, SHIPPED_CONTENT, TEMPLATES
from static_server import serve

from generator.build.pipeline import build

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Route

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed: pip install -e '.[test]'")

EXIT_URL = "https://www.bbc.co.uk/weather"
SCREENSHOTS = REPO / "test-artifacts" / "screenshots"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    out = tmp_path_factory.mktemp("browser") / "site"
    build(SHIPPED_CONTENT, out, TEMPLATES)
    with serve(out) as url:
        yield url


FOREIGN: list[str] = []  # every request any test's page tried to send to another origin
CSP_VIOLATIONS: list[str] = []  # every Content-Security-Policy message the browser logged


@pytest.fixture
def page(browser: Browser, site_url: str) -> Iterator[Page]:
    """A fresh page whose requests to other origins are recorded and stopped (the exit site is stubbed)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})

    def route(route: Route) -> None:
        url = route.request.url
        if url.startswith(site_url):
            route.continue_()
        elif url.startswith(EXIT_URL):
            route.fulfill(status=200, content_type="text/html",
                          body="<!doctype html><title>Weather</title><p>Weather")
        else:
            FOREIGN.append(url)
            route.abort()

    context.route("**/*", route)
    opened = context.new_page()
    opened.on("console", lambda message: CSP_VIOLATIONS.append(f"{opened.url}: {message.text}")
              if "Content Security Policy" in message.text else None)
    yield opened
    assert context.cookies() == [], "the site must set no cookies"
    context.close()


def _results(page: Page) -> list[str]:
    """The titles of the search results, once the search has answered (search.js, on Pagefind's API)."""
    expect = sync_api.expect
    expect(page.locator("#search-status")).to_have_text(re.compile(r"^(?!Loading)"), timeout=30_000)
    return page.locator(".search-result__title a").all_inner_texts()


def _status(page: Page, pattern: str) -> None:
    sync_api.expect(page.locator("#search-status")).to_have_text(re.compile(pattern), timeout=30_000)


def _check_filter(page: Page, group: str, value: str) -> None:
    pane = page.locator(f"[data-filter={group}]")
    if pane.get_attribute("open") is None:
        pane.locator("summary").click()
    pane.locator(f"input[value='{value}']").check()


def test_a_word_found_in_one_letter_finds_that_review_first_with_its_letter(page: Page, site_url: str) -> None:
    page.goto(site_url + "search/?q=typeface")
    assert _results(page)[0] == "Diana"
    first = page.locator(".search-result").first
    assert "Kent Community Safety Partnership" in first.locator(".search-result__meta").inner_text()
    letter_link = first.locator(".search-result__places a").first.get_attribute("href")
    assert letter_link.startswith("/reviews/diana/#letter-2023-10-18")


def test_a_filter_narrows_the_results(page: Page, site_url: str) -> None:
    page.goto(site_url + "search/?q=panel")
    total = len(_results(page))
    _check_filter(page, "theme", "suicide")
    _status(page, r"^1 result for")
    assert _results(page) == ["Diana"] and total > 1
    assert "theme=suicide" in page.url and "q=panel" in page.url


def test_a_search_with_no_results_says_so_and_offers_to_clear_the_filters(page: Page, site_url: str) -> None:
    page.goto(site_url + "search/?q=typeface&outcome=zzz")
    _status(page, "^No results for")
    assert page.locator("#search-empty").is_visible()
    page.get_by_role("button", name="Clear the filters").click()
    _status(page, r"^1 result for")
    assert _results(page)[0] == "Diana" and "outcome=" not in page.url
    page.goto(site_url + "search/?q=zqxjkv")
    _status(page, "^No results for")
    assert page.get_by_role("button", name="Clear the filters").is_hidden()


def test_every_example_search_the_site_suggests_finds_reviews(page: Page, site_url: str) -> None:
    page.goto(site_url + "search/")
    examples = page.locator("main p", has_text="For example").get_by_role("link")
    links = [examples.nth(n).get_attribute("href") for n in range(examples.count())]
    assert len(links) == 3
    for link in links:
        page.goto(site_url + link.lstrip("/"))
        assert _results(page), link


def test_the_review_list_sorts_and_filters_and_keeps_its_state_in_the_address(page: Page, site_url: str) -> None:
    page.goto(site_url + "reviews/")
    titles = page.locator("#list-static .review-list__title")
    assert titles.all_inner_texts() == ["Safta", "Salome", "Diana", "Mary", "DHR15"]  # newest first
    page.select_option("#list-sort", "title")
    shown = page.locator("#list-results .review-list__title")
    shown.first.wait_for()
    assert shown.all_inner_texts() == ["DHR15", "Diana", "Mary", "Safta", "Salome"]
    page.select_option("#list-theme", "MARAC")
    page.get_by_text("2 reviews match").wait_for()
    assert shown.all_inner_texts() == ["Diana", "Mary"]
    assert page.url.endswith("/reviews/?sort=title&theme=MARAC")
    page.reload()
    page.get_by_text("2 reviews match").wait_for()
    assert shown.all_inner_texts() == ["Diana", "Mary"]
    assert page.input_value("#list-sort") == "title" and page.input_value("#list-theme") == "MARAC"
    assert titles.first.is_hidden()


def test_on_a_phone_the_quick_exit_stays_on_screen_and_support_is_one_tap_away(browser: Browser,
                                                                             site_url: str) -> None:
    context = browser.new_context(viewport={"width": 320, "height": 640}, has_touch=True, is_mobile=True)
    phone = context.new_page()
    phone.goto(site_url + "reviews/diana/")
    button = phone.get_by_role("link", name="Leave this site quickly")
    assert phone.locator(".quick-exit__hint").is_hidden()  # a phone has no Shift key
    phone.mouse.wheel(0, 20_000)
    phone.wait_for_function("window.scrollY > 2000")
    box = button.bounding_box()
    assert box and box["y"] >= 0 and box["y"] + box["height"] <= 640  # still on screen, scrolled far down
    phone.evaluate("window.scrollTo(0, 0)")
    phone.get_by_role("link", name="Support lines").click()
    phone.wait_for_function("document.activeElement.id === 'support'")
    assert phone.locator("#support").get_by_text("National Domestic Abuse Helpline").is_visible()
    context.close()


def test_the_quick_exit_button_leaves_and_back_does_not_return(page: Page, site_url: str) -> None:
    page.goto(site_url + "reviews/diana/")
    page.get_by_role("link", name="Leave this site quickly").click()
    page.wait_for_url(EXIT_URL)
    page.go_back()
    assert not page.url.startswith(site_url)


def test_pressing_shift_three_times_leaves_and_back_does_not_return(page: Page, site_url: str) -> None:
    page.goto(site_url + "support/")
    for _ in range(3):
        page.keyboard.press("Shift")
    page.wait_for_url(EXIT_URL)
    page.go_back()
    assert not page.url.startswith(site_url)


AXE_PAGES = {
    "home": "", "all reviews": "reviews/", "all reviews, filtered": "reviews/?sort=death&theme=MARAC",
    "a review": "reviews/diana/", "search": "search/?q=typeface", "a browse page": "themes/marac/",
    "support": "support/", "accessibility statement": "accessibility/", "404": "no/such/page/",
    "learning": "learning/", "regions": "regions/", "a partnership": "partnerships/kent-community-safety-partnership/",
    "recommendations": "recommendations/", "search, nothing found": "search/?q=zqxjkv",
    "agencies": "agencies/", "open data": "data/",
    "a report's text": "reviews/diana/documents/sample-overview-report/", "counties": "counties/",
}


@pytest.mark.parametrize("name", list(AXE_PAGES))
def test_axe_finds_no_wcag_a_or_aa_violation(page: Page, site_url: str, name: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page.goto(site_url + AXE_PAGES[name])
    if name == "search":
        _results(page)
    if name == "search, nothing found":
        _results(page)
    if name == "all reviews, filtered":
        page.get_by_text("2 reviews match").wait_for()
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    violations = [f"{v['id']} ({v['impact']}): {v['help']} at " + ", ".join(str(n["target"]) for n in v["nodes"])
                  for v in results.response["violations"]]
    assert violations == []
    assert len(results.response["passes"]) >= 15  # the scan really ran its WCAG rules


@pytest.mark.parametrize("path", ["", "reviews/", "reviews/diana/", "search/?q=panel", "support/"])
def test_no_horizontal_scrolling_at_320_pixels(browser: Browser, site_url: str, path: str) -> None:
    context = browser.new_context(viewport={"width": 320, "height": 640})
    narrow = context.new_page()
    narrow.goto(site_url + path)
    if path.startswith("search"):
        _results(narrow)
    assert narrow.evaluate("document.documentElement.scrollWidth") <= 320
    context.close()


@pytest.mark.parametrize(("width", "height"), [(375, 812), (1280, 900)])
def test_screenshots_for_people_to_look_at(browser: Browser, site_url: str, width: int, height: int) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": width, "height": height})
    shot = context.new_page()
    for name, path in (("home", ""), ("review", "reviews/diana/"), ("search", "search/?q=typeface")):
        shot.goto(site_url + path)
        if name == "search":
            _results(shot)
        target = SCREENSHOTS / f"{name}-{width}.png"
        shot.screenshot(path=str(target), full_page=True)
        assert target.stat().st_size > 10_000
    context.close()


def test_nothing_was_requested_from_another_origin() -> None:
    """Runs after the tests above: every page they opened asked only this site (the exit site aside)."""
    assert FOREIGN == []


def test_the_served_headers_broke_nothing() -> None:
    """The tests above ran with the site's own _headers applied: search, filters and quick exit worked,
    and the browser reported no Content-Security-Policy violation."""
    assert CSP_VIOLATIONS == []


def test_the_headers_are_served(page: Page, site_url: str) -> None:
    response = page.goto(site_url + "reviews/diana/")
    assert "default-src 'none'" in response.headers["content-security-policy"]
    assert response.headers["referrer-policy"] == "no-referrer"


def test_search_leaves_no_trail_in_storage(page: Page, site_url: str) -> None:
    page.goto(site_url + "search/?q=panel")
    _results(page)
    assert page.evaluate("localStorage.length + sessionStorage.length") == 0
    assert page.evaluate("document.cookie") == ""


def test_a_review_prints_with_its_letters_and_without_the_navigation(page: Page, site_url: str) -> None:
    page.goto(site_url + "reviews/diana/")
    page.emulate_media(media="print")
    for hidden in (".quick-exit", ".site-footer", ".breadcrumbs", ".site-nav"):
        assert page.locator(hidden).first.is_hidden(), hidden
    assert page.locator(".letter").first.is_visible()
    pdf = page.pdf()
    assert pdf[:4] == b"%PDF" and len(pdf) > 5_000


@pytest.fixture(scope="module")
def plans_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The sample site with its fictional action plan example published, built on a fixed date."""
    content = tmp_path_factory.mktemp("plans") / "content"
    shutil.copytree(REPO / "tests/fixtures/sample", content)
    review = content / "reviews/example-action-plan/review.md"
    review.write_text(review.read_text().replace("status: draft", "status: published"))
    build(content, content.parent / "site", TEMPLATES, today=dt.date(2025, 7, 1))
    with serve(content.parent / "site") as url:
        yield url


def _axe_violations(page: Page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    assert len(results.response["passes"]) >= 15
    return [f"{v['id']} ({v['impact']}): {v['help']} at " + ", ".join(str(n["target"]) for n in v["nodes"])
            for v in results.response["violations"]]


def test_a_recommendations_history_expands_and_the_page_passes_axe(browser: Browser, plans_url: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(plans_url + "reviews/example-action-plan/#recommendation-1")
    recommendation = page.locator("#recommendation-1")
    history = recommendation.locator(".recommendation__history")
    assert not history.get_by_text("Flag specified with the system supplier.").is_visible()
    history.locator("summary").click()
    assert history.get_by_text("Flag specified with the system supplier.").is_visible()
    assert history.get_by_text("Add a repeat-caller flag to the call-handling system").is_visible()
    assert page.locator("#recommendation-3 .status").inner_text() == "Planned, overdue"
    assert _axe_violations(page) == []
    context.close()


@pytest.mark.parametrize("path", ["recommendations/", "recommendations/status/overdue/", "agencies/",
                                  "agencies/home-office/", "learning/"])
def test_the_pages_across_reviews_pass_axe_and_fit_a_phone(browser: Browser, plans_url: str, path: str) -> None:
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    page.goto(plans_url + path)
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert _axe_violations(page) == []
    context.close()


@pytest.fixture(scope="module")
def national_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A corpus shaped like the national library (benchmarks/corpus.py): 250 reviews, many partnerships."""
    sys.path.insert(0, str(REPO / "benchmarks"))
    from corpus import generate

    content = generate(tmp_path_factory.mktemp("national") / "content", 250, national=True)
    build(content, content.parent / "site", TEMPLATES)  # on today's date: its plans are dated up to 2025
    with serve(content.parent / "site") as url:
        yield url


def test_the_lists_are_paged_and_filter_by_region_and_year_of_death(browser: Browser, national_url: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(national_url + "reviews/")
    assert "1\u2013100 of" in page.locator("main p").first.inner_text()
    page.get_by_role("link", name="Next page").click()
    page.wait_for_url("**/reviews/page/2/")
    assert page.locator("#list-static .review-list__title").count() == 100
    page.goto(national_url + "reviews/")
    region = page.locator("#list-region option").nth(1).inner_text()
    page.select_option("#list-region", region)
    status = page.locator("#list-status")
    status.get_by_text("match").wait_for()
    regional = int(status.inner_text().split()[0])
    page.select_option("#list-death", page.locator("#list-death option").nth(1).inner_text())
    page.wait_for_function(f"!document.getElementById('list-status').textContent.startsWith('{regional} ')")
    assert int(status.inner_text().split()[0]) < regional
    assert f"region={region.replace(' ', '+')}" in page.url and "death=" in page.url
    metas = page.locator("#list-results .review-list__meta").all_inner_texts()
    assert all(f"({region})" in text for text in metas[::3])
    assert _axe_violations(page) == []
    context.close()


def test_search_filters_by_region_and_year_of_death(browser: Browser, national_url: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(national_url + "search/?q=safeguarding")
    _results(page)
    before = page.locator("#search-status").inner_text()
    _check_filter(page, "region", "London")
    sync_api.expect(page.locator("#search-status")).not_to_have_text(before)
    page.select_option("#search-death-from", "2010")
    assert "region=London" in page.url
    assert _axe_violations(page) == []
    context.close()


@pytest.mark.parametrize("path", ["regions/", "regions/london/", "death-years/", "partnerships/",
                                  "partnerships/page/2/", "learning/page/2/", "years/"])
def test_the_national_browse_pages_pass_axe_and_fit_a_phone(browser: Browser, national_url: str, path: str) -> None:
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    assert page.goto(national_url + path).status == 200
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert _axe_violations(page) == []
    context.close()
