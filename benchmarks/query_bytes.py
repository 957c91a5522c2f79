"""What a one-word search fetches, from the sharded index against one index of the same pages.

    python benchmarks/query_bytes.py SITE [--word safeguarding]

Serves the built SITE (with its _headers, as tests/static_server.py does), makes beside its shards
one Pagefind bundle of every indexed page (as an unsharded build would), and loads the search page
in Debian's Chromium for one word, once with the shards and once with the single bundle, counting
the bytes of every response from /pagefind*/ (what a reader's browser downloads: the scripts, the
WebAssembly, the entry files, the filters and the index chunks of each shard, and the result
fragments). Used by bench.py.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent.parent), str(Path(__file__).resolve().parent.parent / "tests")]
from static_server import serve  # noqa: E402

from generator.output.search_index import searched  # noqa: E402

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SINGLE = "pagefind-single"


def single_bundle(site: Path) -> None:
    """One Pagefind bundle of every indexed page at SITE/pagefind-single/, and a search page that uses it alone."""
    with tempfile.TemporaryDirectory() as scratch:
        for page in site.rglob("index.html"):
            path = page.relative_to(site).as_posix()
            if searched(path):
                (Path(scratch) / path).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(page, Path(scratch) / path)
        shutil.rmtree(site / SINGLE, ignore_errors=True)
        subprocess.run([sys.executable, "-m", "pagefind", "--site", scratch, "--output-path", str(site / SINGLE),
                        "--force-language", "en", "--quiet"], check=True)
    search = (site / "search/index.html").read_text()
    first = search.split('bundle-path="', 1)[1].split('"', 1)[0]
    merged = search.split('data-merge="', 1)[1].split('"', 1)[0]
    single = search.replace(first, f"/{SINGLE}/").replace(f'data-merge="{merged}"', 'data-merge=""')
    (site / "search-single").mkdir(exist_ok=True)
    (site / "search-single/index.html").write_text(single)


def fetched(base: str, page: str, word: str) -> tuple[int, int]:
    """(bytes from /pagefind*/, results shown) for one search of `word` on `page`, in a fresh browser, once
    nothing more has arrived for two seconds."""
    from playwright.sync_api import sync_playwright

    sizes: list[int] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        tab = browser.new_context().new_page()
        tab.on("requestfinished", lambda request: sizes.append(request.sizes()["responseBodySize"])
               if "/pagefind" in request.url else None)
        tab.goto(f"{base}{page}/?q={word}")
        tab.wait_for_selector(".pf-result", timeout=60_000)
        seen = -1
        while seen != len(sizes):
            seen = len(sizes)
            tab.wait_for_timeout(2000)
        shown = tab.locator(".pf-result").count()
        browser.close()
    return sum(sizes), shown


def measure(site: Path, word: str = "safeguarding") -> tuple[int, int]:
    """(bytes fetched with the shards, bytes fetched from one index) for a search of `word` on the built SITE."""
    single_bundle(site)
    try:
        with serve(site) as base:  # as the host serves it, with the site's _headers
            return fetched(base, "search", word)[0], fetched(base, "search-single", word)[0]
    finally:
        shutil.rmtree(site / SINGLE, ignore_errors=True)
        shutil.rmtree(site / "search-single", ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", type=Path, help="a site dhr build made")
    parser.add_argument("--word", default="safeguarding", help="the word to search for (default: safeguarding)")
    args = parser.parse_args()
    sharded, single = measure(args.site, args.word)
    print(f"'{args.word}': {sharded / 1024:.0f} KB with the shards, {single / 1024:.0f} KB from one index "
          f"({sharded / single:.2f} x)")


if __name__ == "__main__":
    main()
