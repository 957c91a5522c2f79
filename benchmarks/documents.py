"""What the reports cost: the same site built without and with 10 real-size reports for every 100 reviews.

    python benchmarks/documents.py [--reviews 700] [--pages 100] [--runs 1] [--word safeguarding] [--keep DIR]

Writes the national benchmark corpus (corpus.generate(..., national=True)) twice: as it is, and with one
published review in ten listing a local overview report instead of the link to one: a PDF of about
`--pages` pages of about 3,000 characters of the corpus's words each (a report's density), tagged,
titled and in English, so it passes every check; the reports differ from each other. Then, for each,
a clean `dhr build` with search (no build cache; median of `--runs`), a rebuild with the build cache
and nothing changed, and a rebuild after editing one reviewed report's review.md (its report is then
recalled by its digest, not read), each in wall seconds and in the processor seconds it and its
children used (steadier on a busy machine); and it measures the search index's bytes (site/pagefind, and the
documents' shards among them) and what a one-word search fetches in Chromium: every byte from /pagefind/
when Pagefind's own API, every shard merged, finds the word and loads its first ten results.
The writer below is the benchmark's own; the site never depends on it.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import zlib
from dataclasses import dataclass
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parent.parent / "tests")]
from bench import ENV, REPO, clean  # noqa: E402
from corpus import generate, sentence  # noqa: E402

EVERY = 10  # one review in this many lists a report
LINES, LINE = 46, 66  # lines of text a page and characters a line: about 3,000 characters a page


def report_pdf(title: str, pages: list[list[str]]) -> bytes:
    """A tagged PDF with a title and a language: each page its lines of Helvetica, each line a paragraph of the
    structure tree."""
    objects: dict[int, bytes] = {}
    font, info, root, pages_id, tree = 3, 4, 1, 2, 5
    first = 6
    kids, elements = [], []
    number = first
    for lines in pages:
        page, content = number, number + 1
        number += 2
        stream = ["BT /F1 10 Tf 12 TL 57 785 Td"]
        for mcid, line in enumerate(lines):
            text = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
            stream.append(f"/P <</MCID {mcid}>> BDC ({text}) Tj T* EMC")
            elements.append((page, mcid))
        stream.append("ET")
        data = zlib.compress("\n".join(stream).encode("latin-1"))
        objects[content] = b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(data), data)
        objects[page] = (b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 %d 0 R "
                         b">> >> /Contents %d 0 R /StructParents %d >>" % (pages_id, font, content, len(kids)))
        kids.append(page)
    document, parents = number, number + 1
    paragraphs = []
    for page, mcid in elements:
        objects[number + 2 + len(paragraphs)] = b"<< /Type /StructElem /S /P /P %d 0 R /Pg %d 0 R /K %d >>" % (
            document, page, mcid)
        paragraphs.append(number + 2 + len(paragraphs))
    objects[document] = b"<< /Type /StructElem /S /Document /P %d 0 R /K [%s] >>" % (
        tree, b" ".join(b"%d 0 R" % p for p in paragraphs))
    by_page: dict[int, list[int]] = {}
    for (page, _), element in zip(elements, paragraphs, strict=True):
        by_page.setdefault(page, []).append(element)
    objects[parents] = b"<< /Nums [%s] >>" % b" ".join(
        b"%d [%s]" % (n, b" ".join(b"%d 0 R" % e for e in by_page[page])) for n, page in enumerate(kids))
    objects[tree] = b"<< /Type /StructTreeRoot /K %d 0 R /ParentTree %d 0 R >>" % (document, parents)
    objects[root] = (b"<< /Type /Catalog /Pages %d 0 R /Lang (en-GB) /MarkInfo << /Marked true >> "
                     b"/StructTreeRoot %d 0 R >>" % (pages_id, tree))
    objects[pages_id] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % k for k in kids),
                                                                      len(kids))
    objects[font] = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
    objects[info] = b"<< /Title (%s) /Producer (dhr-index benchmark) >>" % title.encode("latin-1")
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for key in sorted(objects):
        offsets[key] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (key, objects[key])
    xref, size = len(out), max(objects) + 1
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    out += b"".join(b"%010d 00000 n \n" % offsets[key] if key in offsets else b"0000000000 65535 f \n"
                    for key in range(1, size))
    out += b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, root, info, xref)
    return bytes(out)


def report_pages(rng: random.Random, count: int) -> list[list[str]]:
    """`count` pages of the corpus's words, set in lines as a word processor breaks them."""
    pages = []
    for _ in range(count):
        words = " ".join(sentence(rng, rng.randint(10, 18)) for _ in range(LINES * LINE // 110)).split()
        lines, line = [], ""
        for word in words:
            if len(line) + len(word) + 1 > LINE:
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}".strip()
        pages.append([*lines, line][:LINES])
    return pages


def add_reports(content: Path, pages: int, seed: int = 2026) -> int:
    """Give one published review in EVERY a local report of `pages` pages in place of its link; returns how many."""
    rng = random.Random(seed)
    added = 0
    for number, folder in enumerate(sorted((content / "reviews").iterdir())):
        review = folder / "review.md"
        text = review.read_text(encoding="utf-8")
        if number % EVERY or "status: published" not in text:
            continue
        link = text[text.index("    url: https://www.example.org/dhr/"):].split("\n", 1)[0] + "\n"
        review.write_text(text.replace(link, "    file: report.pdf\n", 1), encoding="utf-8")
        (folder / "report.pdf").write_bytes(report_pdf(f"Overview report {number}", report_pages(rng, pages)))
        added += 1
    return added


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def query_bytes(site: Path, word: str) -> int:
    """The bytes a browser fetches from /pagefind/ to search the built `site` for `word` with Pagefind's API (every
    shard merged) and load the first ten results, in a fresh Chromium."""
    from conftest import chromium_page
    from static_server import serve

    shards = [f"/pagefind/{p.name}/" for p in sorted((site / "pagefind").iterdir()) if p.is_dir()]
    sizes: list[int] = []
    with serve(site) as base, chromium_page() as tab:
        tab.on("requestfinished", lambda request: sizes.append(request.sizes()["responseBodySize"])
               if "/pagefind/" in request.url else None)
        tab.goto(f"{base}/404.html")
        found = tab.evaluate("""async ([shards, word]) => {
          const pagefind = await import(shards[0] + "pagefind.js");
          for (const shard of shards.slice(1)) await pagefind.mergeIndex(shard);
          const search = await pagefind.search(word);
          await Promise.all(search.results.slice(0, 10).map((result) => result.data()));
          return search.results.length;
        }""", [shards, word])
        tab.wait_for_timeout(1000)
    if not found:
        raise SystemExit(f"no page holds '{word}'")
    return sum(sizes)


def dhr(content: Path, site: Path) -> tuple[float, float]:
    """Wall and processor seconds (its waited-for children's included) of one `dhr build` with the build cache."""
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "generator", "build", "--content", str(content), "--out",
                                str(site), "--cache-dir", str(site.parent / f"{site.name}-cache")], cwd=REPO,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=ENV)
    _, status, usage = os.wait4(process.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(process.stderr.read().decode()[-2000:])  # type: ignore[union-attr]
    return time.perf_counter() - started, usage.ru_utime + usage.ru_stime


@dataclass
class Figures:
    """One corpus's figures: build seconds, wall and processor (clean, nothing changed, one review.md edited), the
    index's bytes, the documents' shards' bytes among them, and a one-word search's bytes."""

    clean: tuple[float, float]
    unchanged: tuple[float, float]
    edited: tuple[float, float]
    index: int
    documents: int
    query: int


def measure(content: Path, site: Path, runs: int, word: str) -> Figures:
    clean_runs = []
    for _ in range(runs):
        clean(site)
        clean_runs.append(dhr(content, site))
    unchanged = dhr(content, site)
    review = sorted(content.glob("reviews/*/review.md"))[0]  # the first: a report's review, where they have them
    review.write_text(review.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")
    edited = dhr(content, site)
    return Figures(sorted(clean_runs)[len(clean_runs) // 2], unchanged, edited, folder_bytes(site / "pagefind"),
                   sum(folder_bytes(p) for p in (site / "pagefind").glob("documents-*")), query_bytes(site, word))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reviews", type=int, default=700, help="reviews in the corpus (default: 700)")
    parser.add_argument("--pages", type=int, default=100, help="pages of each report (default: 100)")
    parser.add_argument("--runs", type=int, default=1, help="clean builds of each, the median shown (default: 1)")
    parser.add_argument("--word", default="safeguarding", help="the word searched for (default: safeguarding)")
    parser.add_argument("--keep", type=Path, help="build here and keep the corpora and sites (default: a temporary "
                        "folder)")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="dhr-documents-"))
    try:
        plain = generate(work / "content", args.reviews, national=True)
        reported = work / "content-reports"
        shutil.rmtree(reported, ignore_errors=True)
        shutil.copytree(plain, reported)
        added = add_reports(reported, args.pages)
        pdfs = folder_bytes(reported) - folder_bytes(plain)
        print(f"{args.reviews} reviews; {added} reports of {args.pages} pages ({pdfs / 1e6:.1f} MB of PDF)")
        rows = {"without the reports": measure(plain, work / "site", args.runs, args.word),
                "with the reports": measure(reported, work / "site-reports", args.runs, args.word)}
        print(f"{'seconds: wall (processor)':26} {'clean build':>16} {'unchanged':>16} {'1 edit':>16} "
              f"{'index':>10} {'documents':>10} {'1-word query':>13}")
        for name, row in rows.items():
            times = " ".join(f"{wall:>7.2f} ({cpu:>6.2f})" for wall, cpu in (row.clean, row.unchanged, row.edited))
            print(f"{name:26} {times} {row.index / 1e6:>7.2f} MB {row.documents / 1e6:>7.2f} MB "
                  f"{row.query / 1024:>9.0f} KB")
        base, more = rows.values()
        print(f"the reports add {more.clean[1] - base.clean[1]:.1f} processor seconds to a clean build "
              f"({more.clean[1] / base.clean[1]:.2f} x), {(more.index - base.index) / 1e6:.2f} MB to the index "
              f"({more.index / base.index:.2f} x) and {(more.query - base.query) / 1024:.0f} KB to a one-word search "
              f"({more.query / base.query:.2f} x); load average {os.getloadavg()[0]:.1f}")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
