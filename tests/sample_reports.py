"""Make the shipped sample reviews' sample overview reports, printed through Debian's Chromium: tagged, titled, in
en-GB, with real text, no identifying patterns and no metadata naming anyone, each marked as a sample on its first
line and in its title. Run by hand when the samples change, then check them:

    python3 tests/sample_reports.py && dhr check

It writes content/reviews/<slug>/sample-overview-report.pdf for each review; each review.md lists it under
`documents:` (kind: report)."""

from __future__ import annotations

import html
import sys

import yaml
from conftest import SHIPPED_CONTENT, chromium_page  # tests/ is on the path: this script's own folder

from generator.documents import inspect

TITLE = "Sample overview report: an illustration, not the published report"
NAME = "sample-overview-report.pdf"
_CSS = ("body{font-family:'DejaVu Sans',sans-serif;font-size:11pt;line-height:1.4;margin:0}"
        "h1,h2{font-weight:normal}h1{font-size:16pt}h2{font-size:13pt}")


def report_html(title: str, csp: str, themes: list[str]) -> str:
    """The sample report of the review called `title`, by `csp`, about `themes`, as a web page."""
    considered = "".join(f"<li>{html.escape(theme)}</li>" for theme in themes)
    return (f"<!doctype html><html lang='en-GB'><head><meta charset='utf-8'><title>{TITLE}</title>"
            f"<style>{_CSS}</style></head><body><h1>{TITLE}</h1>"
            f"<p>Review: {html.escape(title)}, commissioned by {html.escape(csp)}.</p>"
            "<p>This file shows where a review's published overview report goes. It is not the report: the "
            "partnership publishes that on its own website, and replaces this file with it here.</p>"
            "<h2>What the report covers</h2><ul>" + considered + "</ul>"
            "<h2>Before publishing a report here</h2><p>dhr check opens every document a published review lists. "
            "It looks for text left under a box drawn over it, names in the document's properties, tracked "
            "changes, comments and hidden text, and the dates, phone numbers and postcodes that could identify "
            "someone. It also checks that the report has a title, a language, real text and tags, so that screen "
            "readers can read it.</p></body></html>")


def main() -> int:
    made = []
    with chromium_page() as page:
        for review in sorted((SHIPPED_CONTENT / "reviews").glob("*/review.md")):
            meta = yaml.safe_load(review.read_text(encoding="utf-8").split("---")[1])
            page.set_content(report_html(meta["title"], meta["csp"], meta.get("themes", [])))
            target = review.parent / NAME
            target.write_bytes(page.pdf(format="A4", tagged=True, print_background=True))
            made.append(target)
    for target in made:
        facts = inspect(target)
        print(f"{target.relative_to(SHIPPED_CONTENT.parent)}: {target.stat().st_size:,} bytes, {len(facts.pages)} "
              f"page(s), findings: {[f.message for f in facts.findings] or 'none'}")
    return 0 if all(not inspect(target).findings for target in made) else 1


if __name__ == "__main__":
    sys.exit(main())
