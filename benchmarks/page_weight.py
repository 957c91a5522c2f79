"""What each page of the shipped site transfers: HTML, CSS and JS, raw and gzipped (search index excluded).

    python benchmarks/page_weight.py        # needs Debian's chromium and the test extras

Builds content/ into a temporary folder, serves it on loopback and loads each page in Chromium,
counting every response by type. Pagefind's index files (fragments, filters, wasm, metadata)
are left out; its UI script and stylesheet are counted as JS and CSS.
"""

from __future__ import annotations

import gzip
import shutil
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

from playwright.sync_api import sync_playwright

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "tests")]

from static_server import serve  # noqa: E402

from generator.build.pipeline import build  # noqa: E402

PAGES = {"home": "", "all reviews": "reviews/", "a review": "reviews/diana/", "search": "search/?q=typeface",
         "a browse page": "themes/marac/", "accessibility": "accessibility/", "404": "no/such/page/"}
INDEX_FILES = (".pf_fragment", ".pf_filter", ".pf_index", ".pf_meta", ".pagefind", "pagefind-entry.json",
               "pagefind-worker.js", "pagefind.js")


def kind(url: str, content_type: str) -> str | None:
    if url.endswith(INDEX_FILES) or "pagefind-entry.json" in url:
        return None
    for name in ("html", "css", "javascript", "json"):
        if name in content_type:
            return {"javascript": "js"}.get(name, name)
    return "other"


def main() -> None:
    chromium = shutil.which("chromium") or sys.exit("Debian's chromium is needed: apt-get install chromium")
    with tempfile.TemporaryDirectory() as work, serve(build_site(Path(work))) as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
        print(f"{'page':<16}{'HTML':>14}{'CSS':>14}{'JS':>14}{'total':>16}   (raw / gzipped, KB)")
        for name, path in PAGES.items():
            sizes: dict[str, list[int]] = defaultdict(lambda: [0, 0])
            page = browser.new_page()
            page.on("response", lambda r, s=sizes: count(r, s))
            page.goto(url + path, wait_until="networkidle")
            page.close()
            cells = [f"{sizes[k][0] / 1000:6.1f} /{sizes[k][1] / 1000:5.1f}" for k in ("html", "css", "js")]
            total = [sum(v[i] for k, v in sizes.items() if k in ("html", "css", "js")) for i in (0, 1)]
            line = f"{name:<16}" + "".join(f"{c:>14}" for c in cells)
            print(line + f"{total[0] / 1000:8.1f} /{total[1] / 1000:5.1f}")
        browser.close()


def build_site(work: Path) -> Path:
    build(REPO / "content", work / "site", REPO / "templates")
    return work / "site"


def count(response: object, sizes: dict[str, list[int]]) -> None:
    found = kind(response.url, response.headers.get("content-type", ""))  # type: ignore[attr-defined]
    if found is None or (response.status >= 300 and response.status != 404):  # type: ignore[attr-defined]
        return
    body = response.body()  # type: ignore[attr-defined]
    sizes[found][0] += len(body)
    sizes[found][1] += len(gzip.compress(body, 9))


if __name__ == "__main__":
    main()
