"""Shared fixtures: small content trees written to a temporary folder, and the shipped content."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from generator.content.load import load_content
from generator.content.validate import ValidContent, validate
from generator.problems import Problems

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

REPO = Path(__file__).resolve().parent.parent
SHIPPED_CONTENT = REPO / "content"
TEMPLATES = REPO / "templates"
TODAY = dt.date(2025, 10, 15)  # the build date the tests build on, so what is overdue never drifts

SITE_YAML = """\
title: Test reviews
owner: Test Community Safety Partnership
quick_exit_url: https://www.bbc.co.uk/weather
themes:
  - coercive control
  - mental health
  - MARAC
agencies:
  - Test Police
  - Test County Council
  - Home Office
"""

REVIEW_MD = """\
---
title: Alice
csp: Test Community Safety Partnership
status: published
published: 2024-09-01
themes:
  - coercive control
documents:
  - title: Overview report
    kind: report
    file: report.pdf
  - title: Action plan
    kind: action-plan
    url: https://example.org/action-plan.pdf
---
A short public summary.
"""

LETTER_MD = """\
---
date: 2024-08-07
panel_date: 2024-06-19
outcome: publish
---
Dear Chair,

Areas for final development:

- First point.
- Second point.
"""


class ContentTree:
    """A content folder under tmp_path that tests edit file by file."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.write("site.yaml", SITE_YAML)
        self.write("pages/about.md", "---\ntitle: About\n---\nAbout this site.\n")
        self.write("reviews/alice/review.md", REVIEW_MD)
        self.write("reviews/alice/letter-2024-08-07.md", LETTER_MD)
        self.write("reviews/alice/report.pdf", (REPO / "tests/fixtures/report.pdf").read_bytes())  # passes every check

    def review(self, front_matter: str, body: str = "", slug: str = "alice") -> Path:
        """Replace a review.md with this front matter (lines 2 onwards of the file)."""
        return self.write(f"reviews/{slug}/review.md", f"---\n{front_matter}---\n{body}")

    def write(self, relative: str, text: str | bytes) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path

    def problems(self) -> list[str]:
        """Every problem found, as the user sees it, with paths relative to the content folder."""
        problems = self.check()[1]
        prefix = os.path.relpath(self.root) + os.sep
        return [str(p).removeprefix(prefix) for p in problems.errors + problems.warnings]

    def check(self) -> tuple[ValidContent, Problems]:
        problems = Problems()
        return validate(load_content(self.root, problems), problems, TODAY), problems


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    shots = REPO / "test-artifacts" / "screenshots"
    if shots.is_dir() and any(shots.iterdir()):
        terminalreporter.write_line(f"Screenshots of the site at phone and desktop widths: {shots}")


@pytest.fixture
def tree(tmp_path: Path) -> ContentTree:
    return ContentTree(tmp_path / "content")


@pytest.fixture
def shipped_copy(tmp_path: Path) -> Callable[[], Path]:
    def copy() -> Path:
        target = tmp_path / "shipped-content"
        shutil.copytree(SHIPPED_CONTENT, target)
        return target

    return copy


BROWSER_FIXTURES = {"browser", "page", "pdfs", "chromium", "printed"}  # each launches Debian's Chromium


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that drives Chromium, through any fixture that launches it, is a `browser` test, so that
    `pytest -m "not browser and not slow"` leaves it out."""
    for item in items:
        if BROWSER_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.browser)


CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
                  "--disable-background-networking", "--disable-component-update"]


def chromium_path() -> str:
    """Debian's Chromium, never a downloaded browser: skipped with the reason where it is missing (failed in CI)."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    if os.environ.get("CI"):
        pytest.fail("Debian's chromium is missing in CI: .ci/run should have installed it")
    pytest.skip("Debian's chromium is not installed (apt-get install chromium); the browser tests and the PDF "
                "fixtures need it")


@contextmanager
def chromium_page() -> Iterator[Page]:
    """A page of Debian's Chromium (to print letters to PDF with, say)."""
    executable = chromium_path()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        try:
            yield browser.new_page()
        finally:
            browser.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, launched once for a test module (skipped with the reason where it is missing)."""
    executable = chromium_path()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield launched
        launched.close()
