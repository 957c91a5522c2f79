"""A PDF with a text layer, read with pypdfium2 (PDFium, Apache-2.0/BSD): its lines in reading order, with
their positions, made into paragraphs and list items; running headers, footers and page numbers left out.

A browser or Word draws a list's bullets as shapes, not text: a line beside such a dot (a small
square-ish path) starts a list item, and its indent gives the item's nesting. Otherwise a paragraph
or an item ends at a short line or a gap wider than a line.
"""

from __future__ import annotations

import itertools
import re
import statistics
from dataclasses import dataclass

from .blocks import MAX_BYTES, MAX_PAGES, Block, FileError, clean, join, marker

_PAGE_NUMBER = re.compile(r"^(?:.*\b)?(?:page\s+)?\d{1,3}(?:\s*(?:of|/)\s*\d{1,3})?$|^[-\u2013]\s*\d{1,3}\s*[-\u2013]$",
                          re.IGNORECASE)
MAX_SHAPES = 5000  # a page's drawn shapes looked at for bullets: a letter has a few dozen
MARGIN = 0.08  # the share of a page's height, top and bottom, where running headers and footers are


@dataclass
class Line:
    text: str
    page: int
    left: float
    right: float
    top: float  # from the page's bottom, in points
    height: float
    bulleted: bool = False  # a bullet is drawn just left of it


def _bullets(page) -> list[tuple[float, float]]:  # type: ignore[no-untyped-def] - a pypdfium2 page
    """(right edge, vertical centre) of each small dot drawn on the page: a list's bullets."""
    import pypdfium2.raw as raw

    found = []
    for shape in itertools.islice(page.get_objects(filter=(raw.FPDF_PAGEOBJ_PATH,), max_depth=3), MAX_SHAPES):
        left, bottom, right, top = shape.get_bounds()
        if 1 < right - left < 7 and 1 < top - bottom < 7 and abs((right - left) - (top - bottom)) < 1.5:
            found.append((right, (top + bottom) / 2))
    return found


def _lines(data: bytes) -> tuple[list[Line], float]:
    """Every line of text with its position, and the pages' height."""
    import pypdfium2 as pdfium  # imported here: `dhr build` never needs it

    if len(data) > MAX_BYTES:
        raise FileError(f"it is {len(data) // 1_000_000} MB; a letter is far smaller: check it is the right file")
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise FileError("it is protected by a password; save a copy without the password (print it to PDF) "
                            "and import that") from None
        raise FileError(f"it is not a PDF, or it is damaged ({exc}); open it and save it again as PDF") from None
    try:
        if len(document) > MAX_PAGES:
            raise FileError(f"it has {len(document)} pages; a QA Panel letter has a few: check it is the letter, "
                            "or save its pages as their own PDF")
        lines: list[Line] = []
        height = 842.0
        for number in range(len(document)):
            page = document[number]
            height = page.get_size()[1]
            text_page = page.get_textpage()
            text = text_page.get_text_range()
            bullets = _bullets(page)
            offset = 0
            for raw in text.split("\r\n"):
                boxes = [text_page.get_charbox(offset + n) for n, ch in enumerate(raw) if not ch.isspace()]
                offset += len(raw) + 2
                if boxes and clean(raw):
                    left, top = min(b[0] for b in boxes), max(b[3] for b in boxes)
                    bottom = min(b[1] for b in boxes)
                    dotted = any(0 <= left - x < 25 and bottom - 2 <= y <= top + 2 for x, y in bullets)
                    lines.append(Line(clean(raw), number, left, max(b[2] for b in boxes), top, top - bottom, dotted))
    finally:
        document.close()
    if not lines:
        raise FileError("it has no text layer: it is a scanned image. Run it through OCR first (most scanners and "
                        "PDF editors can), or copy the letter's text and use --from-stdin")
    return lines, height


def _furniture(lines: list[Line], height: float) -> set[int]:
    """The lines that are running headers, footers or page numbers: in a page's top or bottom margin, and a page
    number or a line repeated on another page (its digits aside)."""
    edge = [n for n, line in enumerate(lines) if line.top > height * (1 - MARGIN) or line.top < height * MARGIN]
    pages_of: dict[str, set[int]] = {}
    for n in edge:
        pages_of.setdefault(re.sub(r"\d+", "#", lines[n].text), set()).add(lines[n].page)
    return {n for n in edge if _PAGE_NUMBER.match(lines[n].text)
            or len(pages_of[re.sub(r"\d+", "#", lines[n].text)]) > 1}


def _ends(previous: Line, line: Line) -> bool:
    """Whether a paragraph ends at the foot of a page (where no gap shows it): its sentence ends there, and the
    next page starts a new one."""
    return previous.text[-1:] in ".:;!?" and line.text[:1].isupper()


def read_pdf(data: bytes) -> list[Block]:
    """The letter's paragraphs and list items, in reading order."""
    lines, height = _lines(data)
    dropped = _furniture(lines, height)
    lines = [line for n, line in enumerate(lines) if n not in dropped]
    spacing = statistics.median([a.top - b.top for a, b in itertools.pairwise(lines)
                                 if a.page == b.page and a.top > b.top] or [14.0])
    margin = min(line.left for line in lines)
    width = max(line.right for line in lines) - margin
    indents = sorted({round(line.left / 6) * 6 for line in lines if line.left > margin + 8})  # of list items
    drawn = any(line.bulleted for line in lines)  # its lists' bullets are drawn: they alone start items
    blocks: list[Block] = []
    body = False  # from "Dear ...": before it, the letterhead and address are blocks of lines set close together
    previous: Line | None = None
    current: Block | None = None
    for line in lines:
        body = body or line.text.startswith("Dear ")
        indent = indents.index(round(line.left / 6) * 6) + 1 if body and line.left > margin + 8 else 0
        item = marker(line.text) if body else None
        continued = drawn and indent > 0 and not line.bulleted and current is not None and current.kind == "li"
        new = (previous is None or (line.page != previous.page and (not body or _ends(previous, line)))
               or (line.page == previous.page and previous.top - line.top > spacing * 1.4)
               or line.text.startswith("Dear ") or item is not None or line.bulleted
               or (body and not continued and (previous.right < margin + width * 0.85
                                              or abs(line.left - previous.left) > 6)))
        if new:
            if current:
                blocks.append(current)
            if item:
                current = Block(item[0], "li", max(item[1], indent - 1, 0), (item[0],))
            elif indent > 0:
                current = Block(line.text, "li", indent - 1, (line.text,))
            else:
                current = Block(line.text, "p", 0, (line.text,))
        else:
            current = Block(join(current.text, line.text), current.kind, current.level,  # type: ignore[union-attr]
                            (*current.lines, line.text))  # type: ignore[union-attr]
        previous = line
    if current:
        blocks.append(current)
    return blocks
