"""Stage 6, index: build the Pagefind search index from the written review pages.

The review pages are the indexed body (each carries its filters and sort keys). They are indexed
from disk by Pagefind's own command, from the `pagefind` package's bundled binary, which exits
only once every file is written. (Pagefind 1.5's Python API was tried first: it answers at most one
call every 100 ms, and its close() can stop the indexer before its last files are flushed; a
build swapped in a truncated pagefind-component-ui.js that way.)
"""

from __future__ import annotations

import subprocess
import sys
from fnmatch import fnmatch
from pathlib import Path

REVIEW_PAGES = "reviews/*/index.html"


class SearchIndexError(RuntimeError):
    """Pagefind could not index the site."""


def is_indexed(path: str) -> bool:
    """Whether the output at `path` goes into the search index."""
    return fnmatch(path, REVIEW_PAGES)


def index_site(site: Path, bundle: Path) -> int:
    """Index the review pages under `site` into `bundle`; returns how many pages were indexed."""
    command = [sys.executable, "-m", "pagefind", "--site", str(site), "--glob", REVIEW_PAGES,
               "--output-path", str(bundle), "--force-language", "en", "--quiet"]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SearchIndexError(f"pagefind failed ({done.returncode}): {(done.stderr or done.stdout).strip()[-2000:]}")
    fragments = bundle / "fragment"
    return sum(1 for _ in fragments.iterdir()) if fragments.is_dir() else 0
