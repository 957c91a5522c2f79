"""A PDF with a text layer, read with pypdfium2 (PDFium, Apache-2.0/BSD): its lines in reading order, with the
positions of their characters, made into paragraphs and list items; running headers, footers and page numbers
left out.

A list item starts only at a bullet, drawn (a browser draws them as small shapes) or written (Word's "•"), or at
a number or letter ("1.", "(a)", "iv."). Its wrapped lines continue it: they start where its text starts (a
hanging indent), or, where the list has none, at its marker after a full line. Its nesting is its indent: an
item whose marker and text both sit further right than the item above is nested in it.

The work is linear in the file and bounded: a page, or a file, with more characters or drawn objects than a
letter could have is refused with one line saying so as soon as they are counted, before they are read.
"""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass

from .blocks import BULLET, MAX_BYTES, MAX_PAGES, Block, FileError

MAX_PAGE_CHARS = 20_000  # characters on a page: a letter's has about 4,000
MAX_CHARS = 200_000  # in the whole file: a letter has a few pages
MAX_PAGE_OBJECTS = 50_000  # pieces of text and drawn shapes on a page: Chromium draws a letter's with ~3,000
MAX_OBJECTS = 200_000  # in the whole file
MAX_LEVEL = 8  # the deepest list level (Word's lists have nine)
MARGIN = 0.08  # the share of a page's height, top and bottom, where running headers and footers are
TOLERANCE = 3.0  # points: two lines whose text starts this close are aligned
_PAGE_NUMBER = re.compile(r"^(?:.*\bpage\s+)?\d{1,3}(?:\s*(?:of|/)\s*\d{1,3})?$|^[-\u2013]\s*\d{1,3}\s*[-\u2013]$",
                          re.IGNORECASE)
_GLYPHS = re.compile(r"^[\u25a0\u25a1\u25b6\u25ba\u25c6\u2666\u27a2\u27a4\u2713\u2714](?=\s)\s+")  # more bullets
_SENTENCE_END = ".:;!?"
# A hyphen ending a line: PDFium gives one typed ("-", or a soft hyphen it cannot tell from one) as 0x02 (U+FFFE in
# its text) and leaves out the line break after it. Chromium, breaking a word at a soft hyphen, draws U+2010 just
# after the soft hyphen's piece of text (marked /ActualText U+00AD). Only that, and a soft hyphen PDFium leaves, are
# known to be a word's break: any other is kept, being maybe a compound's ("cross-training") or typed as U+2010.
_TYPED_HYPHENS, _SOFT = (0x02, 0xFFFE), b"\xfe\xff\x00\xad"  # PDFium's mark; a soft hyphen as a PDF string
_TYPED = re.compile(r"\w[-\u2010]$")  # a hyphen typed in a word, ending a line
_BREAK = "\u00ad"  # a line's last character: the word is broken there, and its hyphen is none of the text


@dataclass
class Line:
    """One line of text as PDFium sets it, with where it is (points, from the page's bottom left)."""

    text: str
    page: int
    left: float  # where its first character starts
    right: float
    top: float
    bottom: float
    number: str | None = None  # a marker written at its start: "" for a bullet, or the number or letter
    item: str = ""  # the text after the marker
    text_left: float = 0.0  # where that text starts
    tabbed: bool = False  # a tab's width, not a space's, lies between the marker and the text
    drawn: float | None = None  # the left edge of a bullet drawn beside it
    first_word: float = 0.0  # the width of its first word, to tell whether it would have fitted on the line above


@dataclass
class _Open:
    """The block being read: its lines so far, and for a list item where its marker and its text start."""

    kind: str
    lines: list[str]
    level: int = 0
    number: str = ""
    mark_left: float = 0.0
    text_left: float = 0.0


def _refuse(what: str) -> FileError:
    return FileError(f"{what}; a QA Panel letter has far fewer: check it is the letter, or copy the letter's text "
                     "and import it with --from-stdin")


def _bullets(page, number: int) -> tuple[list[tuple[float, float, float]], int, set[int | None]]:
    """(vertical centre, left, right) of each small dot drawn on the page, by centre: a list's bullets; how many
    objects the page is drawn with, those inside its forms (drawings it places) included; and (their addresses) the
    pieces of text drawn just after a soft hyphen's (Chromium marks it with an /ActualText of U+00AD)."""
    import ctypes

    import pypdfium2.raw as raw

    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    found = []
    forms = []
    after_soft: set[int | None] = set()
    soft = False  # the piece of text before is a soft hyphen's
    value, size = (ctypes.c_ubyte * 4)(), ctypes.c_ulong()
    count = max(raw.FPDFPage_CountObjects(page.raw), 0)
    for index in range(count if count <= MAX_PAGE_OBJECTS else 0):
        shape = raw.FPDFPage_GetObject(page.raw, index)
        kind = raw.FPDFPageObj_GetType(shape)
        if kind == raw.FPDF_PAGEOBJ_TEXT:
            if soft:
                after_soft.add(ctypes.cast(shape, ctypes.c_void_p).value)
            soft = any(raw.FPDFPageObjMark_GetParamBlobValue(raw.FPDFPageObj_GetMark(shape, mark), b"ActualText", value,
                                                             4, size) and size.value == 4 and bytes(value) == _SOFT
                       for mark in range(min(raw.FPDFPageObj_CountMarks(shape), 4)))
        elif kind == raw.FPDF_PAGEOBJ_FORM:
            forms.append(shape)
        elif kind == raw.FPDF_PAGEOBJ_PATH and raw.FPDFPageObj_GetBounds(shape, left, bottom, right, top):
            width, height = right.value - left.value, top.value - bottom.value
            if 1 < width < 7 and 1 < height < 7 and abs(width - height) < 1.5:
                found.append(((top.value + bottom.value) / 2, left.value, right.value))
    while forms and count <= MAX_PAGE_OBJECTS:
        form = forms.pop()
        inside = raw.FPDFFormObj_CountObjects(form)
        count += max(inside, 0)
        for index in range(inside if count <= MAX_PAGE_OBJECTS else 0):
            shape = raw.FPDFFormObj_GetObject(form, index)
            if raw.FPDFPageObj_GetType(shape) == raw.FPDF_PAGEOBJ_FORM:
                forms.append(shape)
    if count > MAX_PAGE_OBJECTS:
        raise _refuse(f"page {number + 1} is drawn with {count:,} shapes and pieces of text")
    return sorted(found), count, after_soft


def _page_lines(text_page, number: int, after_soft: set[int | None]) -> list[Line]:
    """The page's lines (of a PdfTextPage), each character placed by its loose box (its advance and the font's
    height), so that lines set at one indent start at one x whatever their first letters."""
    import ctypes

    import pypdfium2.raw as raw

    count = raw.FPDFText_CountChars(text_page.raw)
    if count > MAX_PAGE_CHARS:
        raise _refuse(f"page {number + 1} holds {count:,} characters (a letter's page has about 4,000)")
    box = raw.FS_RECTF()
    lines: list[Line] = []
    chars: list[str] = []
    lefts: list[float] = []  # of each character in `chars`
    rights: list[float] = []
    top = bottom = 0.0
    added = False  # the last character is a hyphen Chromium added
    for index in range(count + 1):
        code = raw.FPDFText_GetUnicode(text_page.raw, index) if index < count else 10
        if code in (10, 13):
            if chars:
                if added:
                    chars[-1] = _BREAK
                lines.append(_line(chars, lefts, rights, number, top, bottom))
                chars, lefts, rights = [], [], []
            continue
        added = code == 0x2010 and ctypes.cast(raw.FPDFText_GetTextObject(text_page.raw, index),
                                               ctypes.c_void_p).value in after_soft
        if code in _TYPED_HYPHENS:
            char = "-"
        elif code == 0xAD:
            char = _BREAK
        elif 0xE000 <= code <= 0xF8FF:  # a symbol font's character: at a line's start, Word's bullet
            char = "\u2022" if not chars else " "
        else:
            char = chr(code) if code <= 0x10FFFF else " "
            if char.isspace() or not char.isprintable():
                char = " "
        if char == " ":
            if chars and chars[-1] != " ":
                chars.append(" ")
                lefts.append(rights[-1])
                rights.append(rights[-1])
            continue
        raw.FPDFText_GetLooseCharBox(text_page.raw, index, box)
        if not chars:
            top, bottom = box.top, box.bottom
        top, bottom = max(top, box.top), min(bottom, box.bottom)
        chars.append(char)
        lefts.append(box.left)
        rights.append(box.right)
        if code in _TYPED_HYPHENS:  # the line ends here: the line break PDFium left out
            lines.append(_line(chars, lefts, rights, number, top, bottom))
            chars, lefts, rights = [], [], []
    return lines


def _line(chars: list[str], lefts: list[float], rights: list[float], page: int, top: float, bottom: float) -> Line:
    """A line from its characters: its marker, if it starts with one, and where the text after it starts."""
    while chars[-1] == " ":
        chars.pop()
    text = "".join(chars)
    space = text.find(" ")
    shown = text[:-1].replace(_BREAK, "") + text[-1]  # soft hyphens are unseen, but for one breaking a word at its end
    line = Line(shown, page, lefts[0], max(rights), top, bottom, text_left=lefts[0],
                first_word=rights[space - 1 if space > 0 else -1] - lefts[0])
    found = BULLET.match(text) or _GLYPHS.match(text)
    if found and found.end() < len(text):
        mark = found.group().strip()
        line.number = mark.strip("().") if mark[-1] in ".)" else ""
        line.item = shown[found.end():]
        line.text_left = lefts[found.end()]
        after = line.text_left - rights[len(mark) - 1]
        spaces = sorted(lefts[n + 1] - rights[n - 1] for n in range(found.end(), len(text)) if text[n] == " ")
        line.tabbed = after > (top - bottom) / 2 and (not spaces or after > spaces[len(spaces) // 2] * 1.4)
    return line


def _mark_drawn(lines: list[Line], bullets: list[tuple[float, float, float]], number: int) -> None:
    """Each line with a bullet drawn just left of it, level with it, is marked with the bullet's left edge."""
    looked = 0
    centres = [centre for centre, _, _ in bullets]
    for line in lines:
        for _, left, right in bullets[bisect.bisect_left(centres, line.bottom):
                                      bisect.bisect_right(centres, line.top)]:
            looked += 1
            if 0 <= line.left - right < 25 and (line.drawn is None or left > line.drawn):
                line.drawn = left
        if looked > MAX_PAGE_OBJECTS:
            raise _refuse(f"page {number + 1} is packed with shapes and lines of text set over each other")


def _lines(data: bytes) -> tuple[list[Line], list[float]]:
    """Every line of text with its position, and each page's height."""
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
    lines: list[Line] = []
    heights: list[float] = []
    try:
        if b"%%EOF" not in data[-8192:]:
            raise FileError("it is damaged: its end is missing, as when a download stops early; download it or "
                            "save it again as PDF")
        if len(document) > MAX_PAGES:
            raise FileError(f"it has {len(document)} pages; a QA Panel letter has a few: check it is the letter, "
                            "or save its pages as their own PDF")
        characters = objects = 0
        for number in range(len(document)):
            page = document[number]
            try:
                heights.append(page.get_size()[1])
                bullets, count, after_soft = _bullets(page, number)
                objects += count
                if objects > MAX_OBJECTS:
                    raise _refuse(f"it is drawn with more than {MAX_OBJECTS:,} shapes and pieces of text")
                text_page = page.get_textpage()
                found = _page_lines(text_page, number, after_soft)
                text_page.close()
            finally:
                page.close()
            characters += sum(len(line.text) for line in found)
            if characters > MAX_CHARS:
                raise _refuse(f"it holds more than {MAX_CHARS:,} characters")
            _mark_drawn(found, bullets, number)
            lines += found
    except pdfium.PdfiumError as exc:
        raise FileError(f"it is damaged: page {len(heights) + 1} cannot be read ({exc}); open it and save it "
                        "again as PDF") from None
    finally:
        document.close()
    if not lines:
        raise FileError("it has no text layer: it is a scanned image. Run it through OCR first (most scanners and "
                        "PDF editors can), or copy the letter's text and use --from-stdin")
    return lines, heights


def _furniture(lines: list[Line], heights: list[float]) -> set[int]:
    """The lines that are running headers, footers or page numbers: in a page's top or bottom margin, and a page
    number or a line repeated on another page (its digits aside)."""
    edge = [n for n, line in enumerate(lines)
            if line.top > heights[line.page] * (1 - MARGIN) or line.top < heights[line.page] * MARGIN]
    pages_of: dict[str, set[int]] = {}
    for n in edge:
        pages_of.setdefault(re.sub(r"\d+", "#", lines[n].text), set()).add(lines[n].page)
    return {n for n in edge if _PAGE_NUMBER.match(lines[n].text)
            or len(pages_of[re.sub(r"\d+", "#", lines[n].text)]) > 1}


def _block(lines: list[str], kind: str = "p", level: int = 0, number: str = "") -> Block:
    """A block of lines, as one text: a word broken at a line's end is mended; a typed hyphen there is kept."""
    parts: list[str] = []
    for n, line in enumerate(lines):
        if n and lines[n - 1][-1] == _BREAK and line[:1].isalpha():
            parts[-1] = parts[-1][:-1]
        elif n:
            parts.append("" if _TYPED.search(lines[n - 1]) else " ")
        parts.append(line)
    shown = tuple(line.replace(_BREAK, "-") for line in lines)  # as the page shows them
    return Block("".join(parts).replace(_BREAK, "-"), kind, level, shown, number)


class _Reader:
    """The body's lines made into paragraphs and list items, one line at a time."""

    def __init__(self, spacing: float, margin: float, full: float, right: float) -> None:
        self.spacing, self.margin, self.full, self.right = spacing, margin, full, right
        self.blocks: list[Block] = []
        self.open: _Open | None = None
        self.levels: list[tuple[float, float]] = []  # (marker's left, text's left) of each list level open
        self.previous: Line | None = None

    def read(self, line: Line) -> None:
        """The next line: it starts an item, continues the block being read, or starts a paragraph."""
        if self._starts_item(line):
            self.close()
            if line.drawn is None:
                number, mark_left, text_left, text = line.number or "", line.left, line.text_left, line.item
            else:
                number, mark_left, text_left, text = "", line.drawn, line.left, line.text
            self.open = _Open("li", [text], self._level(mark_left, text_left), number, mark_left, text_left)
        elif self.open is not None and self._continues(self.open, line):
            self.open.lines.append(line.text)
        else:
            self.close()
            self.levels.clear()
            self.open = _Open("p", [line.text], text_left=line.left)
        self.previous = line

    def _gap(self, line: Line) -> bool:
        """Whether more than a line's space, or a move back up the page, lies between the line and the one above."""
        previous = self.previous
        return previous is not None and line.page == previous.page and not (
            0 < previous.top - line.top <= self.spacing * 1.4)

    def _wrapped(self, line: Line) -> bool:
        """Whether the line above is full: it reaches the text's right side, or the line's first word would not
        have fitted on it."""
        previous = self.previous
        return previous is not None and (previous.right >= self.full or previous.right + line.first_word
                                         + (previous.top - previous.bottom) / 4 > self.right)

    def _starts_item(self, line: Line) -> bool:
        """At a bullet drawn beside it, or a marker written at its start; but not at a number that a sentence
        wrapped onto its start: one where the block's lines start, with a space after it, below a full line
        that ends mid-sentence."""
        if line.drawn is not None:
            return True
        if line.number is None:
            return False
        current, previous = self.open, self.previous
        return not (current is not None and previous is not None and not self._gap(line) and not line.tabbed
                    and self._wrapped(line) and previous.text[-1] not in _SENTENCE_END
                    and any(abs(line.left - x) <= TOLERANCE for x in (current.text_left, current.mark_left)))

    def _continues(self, current: _Open, line: Line) -> bool:
        """Whether the line continues the block: a list item's wrapped line starts where its text does (after a
        gap too, where that is a hanging indent), or at its marker below a full line; a paragraph's at its
        previous line's start, below a full one, on the same page or the next page where no new sentence
        starts."""
        previous = self.previous
        assert previous is not None
        gap = self._gap(line)
        page_end = line.page != previous.page and previous.text[-1:] in _SENTENCE_END and line.text[:1].isupper()
        if current.kind == "li":
            if abs(line.left - current.text_left) <= TOLERANCE and (not gap or current.text_left > self.margin + 8):
                return True
            return not gap and not page_end and self._wrapped(line) and abs(line.left - current.mark_left) <= TOLERANCE
        return not gap and not page_end and self._wrapped(line) and abs(line.left - previous.left) <= 6

    def _level(self, mark_left: float, text_left: float) -> int:
        """The item's nesting: deeper than the level above when both its marker and its text are further right,
        back out to a level when both are further left than the deeper ones."""
        levels = self.levels
        while levels and mark_left < levels[-1][0] - TOLERANCE and text_left < levels[-1][1] - TOLERANCE:
            levels.pop()
        if not levels or (mark_left > levels[-1][0] + TOLERANCE and text_left > levels[-1][1] + TOLERANCE
                          and len(levels) <= MAX_LEVEL):
            levels.append((mark_left, text_left))
        return len(levels) - 1

    def close(self) -> None:
        """The block being read is done."""
        if self.open is not None:
            current = self.open
            self.blocks.append(_block(current.lines, current.kind, current.level, current.number))
            self.open = None


def read_pdf(data: bytes) -> list[Block]:
    """The letter's paragraphs and list items, in reading order: before "Dear ...", its letterhead, address and
    date as blocks of lines set close together."""
    lines, heights = _lines(data)
    dropped = _furniture(lines, heights)
    lines = [line for n, line in enumerate(lines) if n not in dropped]
    if not lines:
        raise FileError("it holds nothing but running headers, footers and page numbers; check it is the letter")
    margin = min(line.left for line in lines)
    full = margin + (max(line.right for line in lines) - margin) * 0.85
    start = next((n for n, line in enumerate(lines) if line.text.startswith("Dear ")), 0)
    # The line spacing: the body's closest lines, as most are (a paragraph's), but for a few set closer than that
    steps = sorted(a.top - b.top for a, b in itertools.pairwise(lines[start:])
                   if a.page == b.page and a.top - b.top > (a.top - a.bottom) / 2)
    spacing = steps[len(steps) // 10] if steps else 14.0
    cuts = [n for n in range(1, start) if lines[n].page != lines[n - 1].page
            or not 0 < lines[n - 1].top - lines[n].top <= spacing * 1.4]  # blocks of lines set close together
    blocks = [_block([line.text for line in lines[a:b]]) for a, b in itertools.pairwise([0, *cuts, start]) if a < b]
    reader = _Reader(spacing, margin, full, max(line.right for line in lines[start:]))
    for line in lines[start:]:
        reader.read(line)
    reader.close()
    return blocks + reader.blocks
