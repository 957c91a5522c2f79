"""The search page in Chromium, on a corpus shaped like the national library (647 reviews, about 180
partnerships in ten regions) with a few reviews written for the fixed queries below.

It checks what a researcher relies on: the queries' expected first results and the exact places they link
to, year ranges, counts equal to the results shown (ticked and unticked choices alike), pages of results,
filters without words, back and reload keeping the search, text from the index shown as text, and an axe scan.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import yaml
from conftest import REPO, TEMPLATES
from static_server import serve

from generator.build.pipeline import build

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Locator, Page

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed: pip install -e '.[test]'")
expect = sync_api.expect

pytestmark = pytest.mark.slow  # builds and indexes 655 reviews

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
RIBBLE = "South Ribble Community Safety Partnership"
HOSTILE_CSP = "O'Neill & <b>Sons</b> Community Safety Partnership"  # Pagefind cannot filter by a value with a \" in it
PLAN = """\
recommendations:
  - number: 1
    text: Share the chronology with every agency before the panel meets.
    scope: local
    agency: Home Office
    status: planned
  - number: 2
    text: Commission a specialist advocate for older victims of economic abuse across the county.
    scope: local
    agency: Home Office
    status: planned
"""


def _review(content: Path, slug: str, csp: str, summary: str, letter: str = "", plan: str = "",
            published: str = "2021-03-04") -> None:
    folder = content / "reviews" / slug
    folder.mkdir(parents=True)
    (folder / "review.md").write_text(
        f"---\ntitle: {slug.title()}\ncsp: {json.dumps(csp)}\nstatus: published\npublished: {published}\n"
        "death: 2019-05\nthemes:\n  - coercive control\n---\n" + summary + "\n", encoding="utf-8")
    (folder / "letter-2020-05-01.md").write_text(
        "---\ndate: 2020-05-01\noutcome: publish\n---\nDear Chair,\n\nThank you for submitting the report for "
        f"{csp} to the Home Office Quality Assurance Panel.\n\n{letter}\n\nYours sincerely,\n", encoding="utf-8")
    if plan:
        (folder / "action-plan.yaml").write_text(plan, encoding="utf-8")


def _corpus(content: Path) -> Path:
    sys.path.insert(0, str(REPO / "benchmarks"))
    from corpus import generate

    generate(content, 647, national=True)
    with (content / "site.yaml").open("a", encoding="utf-8") as settings:
        settings.write(f"  - name: {RIBBLE}\n    region: North West\n")
    for number in range(1, 5):
        _review(content, f"ribble-{number}", RIBBLE, "The family lived in the district for many years.")
    _review(content, "passing", "Foxton Community Safety Partnership",
            "She had earlier lived in South Ribble, where a refuge supported her.")
    _review(content, "apart-one", "Foxton Community Safety Partnership",
            "The South Western ambulance crew met the family near the Ribble estuary.")
    _review(content, "apart-two", "Foxton Community Safety Partnership",
            "A GP in the Ribble valley referred him; his sister lived in the South.")
    _review(content, "advocate", "Foxton Community Safety Partnership", "The review looked at five agencies.",
            plan=PLAN)
    _review(content, "chronology", "Foxton Community Safety Partnership", "The review looked at six agencies.",
            letter="Areas for final development:\n\n- The executive summary is too long.\n"
                   "- The chronology omits the housing officer's unannounced visit in the winter.\n")
    _review(content, "hostile", HOSTILE_CSP,
            "The report quotes a message: `<img src=x onerror=alert(1)>` and [a link](javascript:alert(1)).")
    return content


@pytest.fixture(scope="module")
def content(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _corpus(tmp_path_factory.mktemp("search") / "content")


@pytest.fixture(scope="module")
def site_url(content: Path) -> Iterator[str]:
    build(content, content.parent / "site", TEMPLATES)  # on today's date: the plans are dated up to 2025
    with serve(content.parent / "site") as url:
        yield url


ERRORS: list[str] = []  # every script error or Content-Security-Policy message any page logged


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    opened = context.new_page()
    opened.on("pageerror", lambda error: ERRORS.append(str(error)))
    opened.on("console", lambda message: ERRORS.append(message.text) if message.type == "error" else None)
    yield opened
    context.close()


STATUS = "#search-status"


def _search(page: Page, site_url: str, query: str, expected: str | re.Pattern[str] = re.compile(r"^(?!Loading)")
            ) -> str:
    """Open the search page at `query` (the address's part after ?); once it has answered, its status line."""
    page.goto(site_url + "search/" + (f"?{query}" if query else ""))
    expect(page.locator(STATUS)).to_have_text(expected, timeout=30_000)
    return page.locator(STATUS).inner_text()


def _titles(page: Page) -> list[str]:
    return page.locator(".search-result__title a").all_inner_texts()


def _total(status: str) -> int:
    found = re.match(r"(?:Results \d+\u2013\d+ of )?(\d+)", status)
    assert found, status
    return int(found.group(1))


def _choice(page: Page, name: str, value: str) -> Locator:
    """The choice `value` of the filter `name` (its group opened)."""
    group = page.locator(f"[data-filter={name}]")
    if group.get_attribute("open") is None:
        group.locator("summary").click()
    return group.locator(".search-choice").filter(has=page.locator(f"input[value='{value}']"))


def _count(choice: Locator) -> int:
    return int(re.search(r"\((\d+)\)$", choice.inner_text()).group(1))


def _changed(page: Page, before: str) -> str:
    expect(page.locator(STATUS)).not_to_have_text(before, timeout=30_000)
    return page.locator(STATUS).inner_text()


# The fixed queries: the words, the first results expected (in any order among themselves) and, for the
# first, the place it must link to.
QUERIES = [
    ("South Ribble", {"Ribble-1", "Ribble-2", "Ribble-3", "Ribble-4"}, None),
    ("south ribble", {"Ribble-1", "Ribble-2", "Ribble-3", "Ribble-4"}, None),
    ("advocate for older victims", {"Advocate"}, "/reviews/advocate/#recommendation-2-heading"),
    ("housing officer's unannounced visit", {"Chronology"}, "/reviews/chronology/#letter-2020-05-01-point-2"),
    ('"unannounced visit"', {"Chronology"}, "/reviews/chronology/#letter-2020-05-01-point-2"),
]


@pytest.mark.parametrize(("words", "first", "place"), QUERIES)
def test_the_fixed_queries_find_their_reviews_first(page: Page, site_url: str, words: str, first: set[str],
                                                    place: str | None) -> None:
    _search(page, site_url, "q=" + words.replace(" ", "+").replace('"', "%22"))
    titles = _titles(page)
    assert set(titles[:len(first)]) == first, titles[:8]
    if place:
        links = page.locator(".search-result").first.locator(".search-result__places a")
        assert place in [links.nth(n).get_attribute("href") for n in range(links.count())]


def test_a_partnerships_name_then_the_phrase_then_the_words_apart(page: Page, site_url: str) -> None:
    status = _search(page, site_url, "q=South+Ribble")
    titles = _titles(page)
    assert titles[4] == "Passing"  # the phrase, in another partnership's review
    assert {"Apart-One", "Apart-Two"} <= set(titles[5:])  # both words, apart
    assert _total(status) == len(titles)


def test_excerpts_begin_in_the_text_and_themes_are_shown_as_themes(page: Page, site_url: str) -> None:
    _search(page, site_url, "q=coercive+control")
    places = page.locator(".search-result__places li")
    texts = places.all_inner_texts()
    assert texts and len(texts) <= 3 * 20
    for text in texts:
        excerpt = text.partition(": ")[2]
        assert not re.match(r"(\u2026 )?(Summary|Recommendation \d|Annex|#)", excerpt), text
    assert any(text.startswith("Themes: ") and "coercive control" in text for text in texts)
    assert page.locator(".search-result__places mark").count() > 0
    assert "#" not in page.locator(".search-result__places a").all_inner_texts()


def test_text_from_the_index_is_shown_as_text(page: Page, site_url: str) -> None:
    _search(page, site_url, "q=onerror")
    first = page.locator(".search-result").filter(has_text="Hostile")
    assert "<img src=x onerror=alert(1)>" in first.inner_text()
    assert page.locator("#search-results img, #search-results script").count() == 0
    assert HOSTILE_CSP in first.locator(".search-result__meta").inner_text()
    box = page.locator("[data-filter=partnership] input[type=checkbox]")
    values = [box.nth(n).get_attribute("value") for n in range(box.count())]
    assert HOSTILE_CSP in values
    page.locator("[data-filter=partnership] summary").click()
    page.get_by_label(HOSTILE_CSP, exact=False).check()
    expect(page.locator(STATUS)).to_have_text(re.compile(r"^1 result for"))
    status = _search(page, site_url, page.url.split("/search/?")[1])  # the address alone gives the same
    assert status.startswith("1 result for") and _titles(page) == ["Hostile"]


def test_counts_match_the_results_for_ticked_and_unticked_choices(page: Page, site_url: str) -> None:
    status = _search(page, site_url, "q=coercive")
    region = _choice(page, "region", "North West")
    alone = _count(region)
    region.locator("input").check()
    status = _changed(page, status)
    assert _total(status) == alone == _count(region)  # ticked: its count is the results shown
    page.locator("[data-filter=partnership] summary").click()
    partnerships = page.locator("[data-filter=partnership] .search-choice:visible")
    counts = [_count(partnerships.nth(n)) for n in range(partnerships.count())]
    assert sum(counts) == alone  # each review has one partnership: the visible choices add up to the results
    other = _choice(page, "region", "London")
    more = _count(other)
    other.locator("input").check()
    assert _total(_changed(page, status)) == alone + more  # an unticked region's count is what it adds
    theme = page.locator("[data-filter=theme] .search-choice:visible").first
    page.locator("[data-filter=theme] summary").click()
    narrowed = _count(theme)
    theme.locator("input").check()
    expect(page.locator(STATUS)).to_have_text(re.compile(rf"^(Results 1\u201320 of )?{narrowed}\b"))


def _front_matter(review: Path) -> dict[str, object]:
    found: dict[str, object] = yaml.safe_load(review.read_text(encoding="utf-8").split("---")[1])
    return found


def test_years_are_a_range_and_the_counts_agree_with_the_content(page: Page, site_url: str, content: Path) -> None:
    status = _search(page, site_url, "year-from=2010&year-to=2012&death-from=2008")
    options = page.locator("#search-year-from option").all_inner_texts()
    years = {int(m.group(1)): int(m.group(2)) for o in options if (m := re.match(r"(\d{4}) \((\d+)\)", o))}
    assert list(years) == sorted(years)  # in order
    assert page.locator("#search-year-from").input_value() == "2010"
    assert page.locator("#search-year-to").input_value() == "2012"
    assert _total(status) == sum(count for year, count in years.items() if 2010 <= year <= 2012)
    reviews = [_front_matter(path) for path in (content / "reviews").glob("*/review.md")]
    assert _total(status) == sum(1 for r in reviews if r["status"] == "published" and "published" in r
                                 and 2010 <= int(str(r["published"])[:4]) <= 2012 and int(str(r["death"])[:4]) >= 2008)
    assert "newest first" in status
    metas = page.locator(".search-result__meta").all_inner_texts()
    assert metas and all(re.search(r"Published 201[012]\b", meta) for meta in metas)


def test_results_come_in_pages_with_the_support_lines_in_reach(page: Page, site_url: str) -> None:
    status = _search(page, site_url, "q=safeguarding")
    total = _total(status)
    assert status.startswith(f"Results 1\u201320 of {total} for \u201csafeguarding\u201d")
    assert page.locator(".search-result").count() == 20
    assert page.locator(STATUS).get_attribute("role") == "status"
    assert page.evaluate("document.documentElement.scrollHeight") < 9_000
    page.get_by_role("link", name="Next page of results").click()
    expect(page.locator(STATUS)).to_have_text(re.compile(rf"^Results 21\u201340 of {total} "))
    assert "page=2" in page.url and page.locator("#search-results").get_attribute("start") == "21"
    assert page.evaluate("document.activeElement.id") == "results-heading"
    assert page.get_by_role("link", name="Support lines").is_visible()  # the sticky bar, on every screen


def test_filters_without_words_list_reviews_newest_first_and_nothing_chosen_says_what_to_do(
        page: Page, site_url: str) -> None:
    status = _search(page, site_url, "")
    assert status.startswith("Type words to search for, or choose filters")
    assert page.locator(".search-result").count() == 0
    status = _search(page, site_url, "region=London")
    assert "matching the filters, newest first" in status
    years = [int(m.group(1)) for meta in page.locator(".search-result__meta").all_inner_texts()
             if (m := re.search(r"Published (\d{4})", meta))]
    assert years == sorted(years, reverse=True) and len(years) > 10
    page.select_option("#search-sort", "title")
    status = _changed(page, status)
    titles = _titles(page)
    assert titles == sorted(titles, key=str.lower) and "sort=title" in page.url  # across the index's shards
    page.select_option("#search-sort", "oldest")
    _changed(page, status)
    years = [int(m.group(1)) for meta in page.locator(".search-result__meta").all_inner_texts()
             if (m := re.search(r"Published (\d{4})", meta))]
    assert years == sorted(years) and len(years) > 10


def test_back_and_reload_keep_the_search(page: Page, site_url: str) -> None:
    first = _search(page, site_url, "q=safeguarding")
    _choice(page, "region", "London").locator("input").check()
    second = _changed(page, first)
    page.get_by_role("link", name="Next page of results").click()
    third = _changed(page, second)
    page.reload()
    expect(page.locator(STATUS)).to_have_text(third, timeout=30_000)
    page.go_back()
    expect(page.locator(STATUS)).to_have_text(second)
    assert page.locator("[data-filter=region] input[value=London]").is_checked()
    page.go_back()
    expect(page.locator(STATUS)).to_have_text(first)
    assert not page.locator("[data-filter=region] input[value=London]").is_checked()
    assert page.locator("#search-q").input_value() == "safeguarding"


def test_a_hostile_address_is_answered_calmly(page: Page, site_url: str) -> None:
    status = _search(page, site_url, "q=safeguarding&page=-4&sort=%3Cscript%3E&year-from=%3Cb%3E&theme=nope")
    assert status.startswith("No results for \u201csafeguarding\u201d")  # no review has the theme "nope"
    status = _search(page, site_url, "q=safeguarding&page=999999")
    assert re.match(r"Results \d+\u2013\d+ of \d+", status)  # the last page


def test_a_word_no_review_has_is_said(page: Page, site_url: str) -> None:
    _search(page, site_url, "q=safeguarding+zqxjkv")
    assert "No review has the word \u201czqxjkv\u201d" in page.locator("#search-note").inner_text()


def test_the_search_page_with_results_and_filters_passes_axe(page: Page, site_url: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    _search(page, site_url, "q=safeguarding&region=London&death-from=2010")
    page.locator("[data-filter=partnership] summary").click()
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    violations = [f"{v['id']}: {v['help']} at " + ", ".join(str(n["target"]) for n in v["nodes"])
                  for v in results.response["violations"]]
    assert violations == []
    assert len(results.response["passes"]) >= 15


def test_no_page_logged_an_error() -> None:
    """Runs after the tests above: no script error and no Content-Security-Policy violation on any page."""
    assert ERRORS == []
