"""Two PDF text extractors compared on the seed letters printed as the Home Office prints them.

    python benchmarks/pdf_extractors.py   (needs Debian's chromium, and `pip install pdfminer.six`)

For each letter: the seconds each takes, how much of the letter's text it gives in the letter's
order (difflib's ratio of the word sequences, 1.0 for all of it in order), and whether it keeps
what `dhr import` needs: the list items as separate lines, and a bullet to tell them by. pypdfium2
(Apache-2.0 and BSD-3) is what `dhr import` uses; pdfminer.six (MIT) is the common alternative.
PyMuPDF is not compared: its AGPL licence would bind the sites built with this tool.
"""

from __future__ import annotations

import difflib
import io
import re
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from letter_files import letter_pdf, seeds


def words(text: str) -> list[str]:
    return re.findall(r"[A-Za-z0-9']+", text)


def with_pdfium(data: bytes) -> str:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(data)
    return "\n".join(document[n].get_textpage().get_text_range() for n in range(len(document)))


def with_pdfminer(data: bytes) -> str:
    from pdfminer.high_level import extract_text

    return extract_text(io.BytesIO(data))


def main() -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=shutil.which("chromium"), args=["--no-sandbox"])
        page = browser.new_page()
        letters = [(seed, letter_pdf(seed, page)) for seed in seeds()]
        browser.close()
    print(f"{'letter':<8} {'extractor':<12} {'seconds':>8} {'in order':>9} {'items on own line':>18} {'bullets':>8}")
    for seed, data in letters:
        expected = words(" ".join(text for _, text in seed.body))
        items = [text for kind, text in seed.body if kind == "li"]
        for name, extract in (("pypdfium2", with_pdfium), ("pdfminer.six", with_pdfminer)):
            started = time.perf_counter()
            text = extract(data)
            seconds = time.perf_counter() - started
            ratio = difflib.SequenceMatcher(None, words(text), expected, autojunk=False).ratio()
            lines = [line.strip() for line in text.splitlines()]
            starts = sum(1 for item in items if any(line.startswith(item[:30]) for line in lines))
            bullets = sum(1 for line in lines if line[:1] in "\u2022\u25cf-")
            print(f"{seed.slug:<8} {name:<12} {seconds:>8.3f} {ratio:>9.3f} {starts:>8} of {len(items):<7} "
                  f"{bullets:>8}")


if __name__ == "__main__":
    main()
