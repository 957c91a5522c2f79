"""Stage 6, index: build the Pagefind search index from the rendered review pages.

Pages are handed to Pagefind in memory (no second read from disk); the index, and Pagefind's
own UI files, are written to the bundle folder (`pagefind/` in the site).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from pagefind.index import IndexConfig, PagefindIndex

from .render import Output


def index_pages(outputs: list[Output], bundle: Path) -> int:
    """Index the outputs marked for search into the folder `bundle`; returns how many were indexed."""
    pages = [o for o in outputs if o.search and isinstance(o.data, bytes)]
    asyncio.run(_index(pages, bundle))
    return len(pages)


async def _index(pages: list[Output], out: Path) -> None:
    config = IndexConfig(output_path=str(out), force_language="en")
    async with PagefindIndex(config=config) as index:
        await asyncio.gather(*(
            index.add_html_file(content=page.data.decode(), url="/" + page.path.removesuffix("index.html"))  # type: ignore[union-attr]
            for page in pages
        ))
