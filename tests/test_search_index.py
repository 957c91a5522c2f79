"""Stage 6: Pagefind indexes the review pages, with filters, from memory."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from generator.render import Output
from generator.search_index import index_pages

PAGE = """<!doctype html><html lang="en"><body><main data-pagefind-body>
<h1 data-pagefind-sort="title:alice"><span data-pagefind-meta="title">Alice</span></h1>
<p data-pagefind-filter="theme">MARAC</p><p data-pagefind-filter="year">2024</p>
<p>The panel praised the wombat analysis.</p></main></body></html>"""


def test_only_marked_pages_are_indexed_with_their_filters(tmp_path: Path) -> None:
    outputs = [Output("reviews/alice/index.html", PAGE.encode(), search=True),
               Output("about/index.html", b"<html><body><main>About</main></body></html>")]
    bundle = tmp_path / "pagefind"
    assert index_pages(outputs, bundle) == 1
    assert (bundle / "pagefind-ui.js").is_file() and (bundle / "pagefind-entry.json").is_file()
    [fragment] = list((bundle / "fragment").iterdir())
    record = json.loads(gzip.decompress(fragment.read_bytes()).removeprefix(b"pagefind_dcd"))
    assert record["url"] == "/reviews/alice/"
    assert record["filters"] == {"theme": ["MARAC"], "year": ["2024"]}
    assert "wombat analysis" in record["content"]
