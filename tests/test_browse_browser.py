"""Browsing a national corpus in Chromium: filters that fit the page, intro lines that follow them, honest
dates, and a phone's sticky bar and controls (issue 27, points 3, 4 and 6)."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest
from conftest import REPO, TEMPLATES
from static_server import serve

from generator.build.pipeline import build

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed: pip install -e '.[test]'")
PHONE = {"width": 320, "height": 640}


@pytest.fixture(scope="module")
def national(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The issue's shape: 647 reviews, about 180 partnerships in the ten regions, some without a publication
    date."""
    sys.path.insert(0, str(REPO / "benchmarks"))
    from corpus import generate

    content = generate(tmp_path_factory.mktemp("browse") / "content", 647, national=True)
    build(content, content.parent / "site", TEMPLATES, search=False)
    with serve(content.parent / "site") as url:
        yield url


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


def _options(page: Page, name: str) -> list[str]:
    return page.locator(f"#list-{name} option").all_inner_texts()[1:]  # after "All"


def test_a_region_page_offers_only_its_partnerships_and_a_partnership_page_no_region(page: Page,
                                                                                    national: str) -> None:
    page.goto(national + "regions/north-west/")
    listed = set(page.locator("#list-static .review-list__meta").all_inner_texts()[::3])
    offered = _options(page, "partnership")
    assert offered and listed <= {f"{name} (North West)" for name in offered}
    assert page.locator("#list-region").count() == 0
    for name in offered:  # none gives nothing
        page.select_option("#list-partnership", name)
        page.locator("#list-status", has_text="match").wait_for()
        assert not page.locator("#list-status").inner_text().startswith("0 ")
    page.goto(national + "partnerships/")
    page.locator(".group-list a").first.click()
    assert page.locator("#list-region").count() == 0 and page.locator("#list-partnership").count() == 0


def test_the_intro_line_follows_the_filters_and_the_sort(page: Page, national: str) -> None:
    page.goto(national + "reviews/")
    intro = page.locator("#list-intro")
    before = intro.inner_text()
    assert re.match(r"1\u2013100 of \d+ published reviews, newest first", before)
    page.select_option("#list-region", "London")
    page.locator("#list-status", has_text="match").wait_for()
    count = int(page.locator("#list-status").inner_text().split()[0])
    assert intro.inner_text().startswith(f"{count} reviews that match the filters, sorted by date published, "
                                         "newest first")
    page.select_option("#list-sort", "death-asc")
    page.locator("#list-intro", has_text="date of death").wait_for()
    assert intro.inner_text() == f"{count} reviews that match the filters, sorted by date of death, oldest first."
    page.select_option("#list-region", "")
    page.locator("#list-intro", has_text=re.compile(r"^1\u2013200 of")).wait_for()
    total = int(re.search(r"of (\d+)", before).group(1))  # type: ignore[union-attr]
    assert intro.inner_text() == f"1\u2013200 of {total} reviews, sorted by date of death, oldest first."
    page.select_option("#list-sort", "date")
    page.locator("#list-intro", has_text=re.compile("^" + re.escape(before) + "$")).wait_for()


def test_a_review_without_a_publication_date_is_never_dated_by_its_letter(page: Page, national: str) -> None:
    page.goto(national + "reviews/")
    last = page.locator("#list-static a[aria-label^='Page']").last.get_attribute("href")
    page.goto(national + str(last).lstrip("/"))
    section = page.locator("section[aria-labelledby='year-not-recorded']")
    assert section.locator("h2").inner_text().startswith("Publication date not recorded (")
    metas = section.locator(".review-list__meta").all_inner_texts()[1::3]
    assert metas and all(m.startswith("Publication date not recorded (panel's latest letter") for m in metas)
    section.locator(".review-list__title").first.click()
    page.wait_for_url("**/reviews/**")
    assert page.locator("dt", has_text="Year published").count() == 0
    assert page.locator("[data-pagefind-filter='year']").count() == 0
    page.goto(national + "reviews/?sort=date-asc")
    page.locator("#list-status", has_text="match").wait_for()
    more = page.get_by_role("button", name="Show more reviews")
    while more.count():
        more.click()
    dates = page.locator("#list-results .review-list__meta").all_inner_texts()[1::3]
    undated = [d.startswith("Publication date not recorded") for d in dates]
    assert True in undated and undated == sorted(undated)  # oldest first too, they come last


def test_on_a_phone_the_sticky_bar_is_short_and_the_controls_fit(browser: Browser, national: str) -> None:
    context = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True)
    phone = context.new_page()
    for path in ("reviews/", "regions/north-west/", "partnerships/most-reviews/"):
        phone.goto(national + path)
        bar = phone.locator(".quick-exit").bounding_box()
        assert bar and bar["height"] <= 48, (path, bar)
        exit_button = phone.get_by_role("link", name="Leave this site quickly").bounding_box()
        assert exit_button and exit_button["height"] >= 24 and exit_button["width"] >= 24  # WCAG 2.5.8
        assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        for control in phone.locator(".list-controls select, .list-controls label, .list-orders a").all():
            box = control.bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (path, box)
    phone.goto(national + "reviews/")
    phone.mouse.wheel(0, 20_000)
    phone.wait_for_timeout(200)
    phone.focus("#list-sort")  # scrolled back to from the page's end: never hidden under the sticky bar
    bar = phone.locator(".quick-exit").bounding_box()
    sort = phone.locator("#list-sort").bounding_box()
    assert bar and sort and sort["y"] >= bar["y"] + bar["height"], (bar, sort)
    phone.select_option("#list-partnership", index=1)  # the longest names still fit once chosen
    box = phone.locator("#list-partnership").bounding_box()
    assert box and box["x"] + box["width"] <= PHONE["width"]
    context.close()


@pytest.mark.parametrize("path", ["partnerships/most-reviews/", "regions/north-west/", "reviews/?region=London"])
def test_the_browse_pages_pass_axe_on_a_phone(browser: Browser, national: str, path: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    context = browser.new_context(viewport=PHONE)
    phone = context.new_page()
    phone.goto(national + path)
    if "?" in path:
        phone.locator("#list-status", has_text="match").wait_for()
    results = Axe().run(phone, options={"runOnly": {"type": "tag", "values": [
        "wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]}})
    assert len(results.response["passes"]) >= 15  # the scan really ran
    assert [v["id"] for v in results.response["violations"]] == []
    context.close()
