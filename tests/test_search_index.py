"""Stage 6: Pagefind indexes the review pages, with their filters."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from generator.search_index import index_site, is_indexed

PAGE = """<!doctype html><html lang="en"><body><main data-pagefind-body>
<h1 data-pagefind-sort="title:alice"><span data-pagefind-meta="title">Alice</span></h1>
<p data-pagefind-filter="theme">MARAC</p><p data-pagefind-filter="year">2024</p>
<p>The panel praised the wombat analysis.</p></main></body></html>"""


def test_only_review_pages_are_indexed_with_their_filters(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "reviews/alice").mkdir(parents=True)
    (site / "reviews/alice/index.html").write_text(PAGE)
    (site / "about").mkdir()
    (site / "about/index.html").write_text(PAGE.replace("Alice", "About").replace("wombat", "koala"))
    bundle = site / "pagefind"
    assert index_site(site, bundle) == 1
    assert (bundle / "pagefind-ui.js").is_file() and (bundle / "pagefind-entry.json").is_file()
    [fragment] = list((bundle / "fragment").iterdir())
    record = json.loads(gzip.decompress(fragment.read_bytes()).removeprefix(b"pagefind_dcd"))
    assert record["url"] == "/reviews/alice/"
    assert record["filters"] == {"theme": ["MARAC"], "year": ["2024"]}
    assert "wombat analysis" in record["content"]


def test_which_outputs_are_indexed() -> None:
    assert is_indexed("reviews/alice/index.html")
    assert not is_indexed("reviews/index.html") and not is_indexed("reviews/alice/report.pdf")
    assert not is_indexed("themes/marac/index.html")
