"""Stage 6, index: build the Pagefind search index from the written review pages.

The review pages are the indexed body (each carries its filters and sort keys). They are
indexed from disk in one `add_directory` call: the Python API's per-page `add_html_file` is
answered at most once every 100 ms by pagefind 1.5's wrapper, which would take minutes for a
few thousand reviews. The index and Pagefind's own UI files go to the bundle folder.
"""

from __future__ import annotations

import asyncio
from fnmatch import fnmatch
from pathlib import Path

from pagefind.index import IndexConfig, PagefindIndex

REVIEW_PAGES = "reviews/*/index.html"


def is_indexed(path: str) -> bool:
    """Whether the output at `path` goes into the search index."""
    return fnmatch(path, REVIEW_PAGES)


def index_site(site: Path, bundle: Path) -> int:
    """Index the review pages under `site` into `bundle`; returns how many pages were indexed."""
    return asyncio.run(_index(site, bundle))


async def _index(site: Path, bundle: Path) -> int:
    async with PagefindIndex(config=IndexConfig(output_path=str(bundle), force_language="en")) as index:
        result = await index.add_directory(str(site), glob=REVIEW_PAGES)
    return int(result["page_count"])
