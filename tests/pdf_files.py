"""Letters as PDFs, written here byte by byte the way Word and Chromium write them: a letterhead, an address
block, the date, paragraphs, lists with hanging indents and nested points (bullets written as text by Word, drawn
as shapes by a browser; numbers left-aligned at a tab by Word, right-aligned before the text by a browser), a
running header and a footer with page numbers on every page, text flowing onto the next page; and hostile PDFs."""

from __future__ import annotations

import zlib
from dataclasses import dataclass

# Helvetica's advance widths (thousandths of the font size), characters 32 to 126, as in its AFM file.
_WIDTHS = [278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556,
           556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667, 611, 778, 722, 278,
           500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469,
           556, 333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500,
           278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584]
_OTHER_WIDTHS = {"\u2022": 350, "\u2013": 556, "\u2019": 222, "\u00b7": 278}
WIDTH, HEIGHT = 595.0, 842.0  # A4
LEFT, RIGHT, TOP, BOTTOM = 57.0, 538.0, 785.0, 71.0  # the text area: 20 mm margins, 25 mm at the foot
SIZE, LEADING, PARAGRAPH = 11.0, 13.0, 9.0  # the body's font size, line spacing, space after a paragraph
STYLES = ("word", "browser", "typed")  # how a list is set: see `Flow._item`


def width(text: str, size: float = SIZE) -> float:
    return sum(_WIDTHS[ord(c) - 32] if " " <= c <= "~" else _OTHER_WIDTHS.get(c, 556) for c in text) * size / 1000


def wrap(text: str, room: float, size: float = SIZE) -> list[str]:
    """The text broken into lines as a word processor breaks it: as many words as fit on each."""
    lines: list[str] = []
    for word in text.split():
        if lines and width(f"{lines[-1]} {word}", size) <= room:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    return lines


@dataclass(frozen=True)
class Item:
    """A list item as the letter sets it: its level, its number or letter as written ("" for a bullet)."""

    level: int
    number: str
    text: str


@dataclass(frozen=True)
class Paragraph:
    text: str


def _string(text: str) -> bytes:
    data = text.encode("cp1252")
    return b"(" + data.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def _circle(x: float, y: float, r: float, paint: str) -> str:
    k = r * 0.5523
    return (f"{x + r:.2f} {y:.2f} m {x + r:.2f} {y + k:.2f} {x + k:.2f} {y + r:.2f} {x:.2f} {y + r:.2f} c "
            f"{x - k:.2f} {y + r:.2f} {x - r:.2f} {y + k:.2f} {x - r:.2f} {y:.2f} c "
            f"{x - r:.2f} {y - k:.2f} {x - k:.2f} {y - r:.2f} {x:.2f} {y - r:.2f} c "
            f"{x + k:.2f} {y - r:.2f} {x + r:.2f} {y - k:.2f} {x + r:.2f} {y:.2f} c {paint}")


class Flow:
    """Text set onto pages from the top down; a page is started when the next line does not fit."""

    def __init__(self, style: str = "word", justify: bool = True) -> None:
        self.style, self.justify = style, justify
        self.pages: list[list[str]] = [[]]
        self.y = TOP

    def text(self, x: float, text: str, size: float = SIZE, font: str = "F1", spacing: float = 0.0) -> None:
        self.pages[-1].append(f"BT /{font} {size:g} Tf {spacing:.3f} Tw {x:.2f} {self.y:.2f} Td "
                              f"{_string(text).decode('cp1252')} Tj ET")

    def down(self, by: float) -> None:
        self.y -= by
        if self.y < BOTTOM:
            self.pages.append([])
            self.y = TOP

    def block(self, lines: list[str], x: float, right: float = RIGHT, size: float = SIZE) -> None:
        """Lines from x; all but the last stretched to `right` when justified (Word's word spacing)."""
        for n, line in enumerate(lines):
            spaces = line.count(" ")
            stretch = (right - x - width(line, size)) / spaces if self.justify and spaces and n < len(lines) - 1 else 0
            self.text(x, line, size, spacing=stretch)
            self.down(LEADING)

    def paragraph(self, text: str) -> None:
        self.block(wrap(text, RIGHT - LEFT), LEFT)
        self.down(PARAGRAPH)

    def item(self, item: Item) -> None:
        """One list item. Word: the marker left-aligned at its level's indent and the text at a tab 18 points on,
        a bullet written "•", "o" or an en dash. Browser: the text 30 points in per level, a number right-aligned before
        it, a bullet drawn (a disc, a circle, a square). Typed: the marker and a space typed at the start of the
        paragraph, its lines wrapping back under the marker, 36 points in per level."""
        level, mark = item.level, item.number and f"{item.number}."
        if self.style == "word":
            mark_x = LEFT + 18 + 36 * level
            text_x, first_x = mark_x + 18, mark_x + 18
            mark = mark or "\u2022o\u2013"[level % 3]
        elif self.style == "browser":
            text_x = first_x = LEFT + 30 * (level + 1)
            mark_x = text_x - width(f"{mark} ") if mark else 0
        else:
            mark = mark or "-"
            mark_x = text_x = LEFT + 36 * level
            first_x = mark_x + width(f"{mark} ")
        if self.style == "typed":
            lines = wrap(f"{mark} {item.text}", RIGHT - text_x)
            lines[0] = lines[0][len(mark) + 1:]
        else:
            lines = wrap(item.text, RIGHT - text_x)
        if mark:
            self.text(mark_x, mark)
        else:
            y = self.y + SIZE * 0.3
            self.pages[-1].append(_circle(text_x - 12, y, 2.4, "f") if level % 3 == 0 else
                                  f"0.6 w {_circle(text_x - 12, y, 2.1, 'S')}" if level % 3 == 1 else
                                  f"{text_x - 13.5:.2f} {y - 1.5:.2f} 3 3 re f")
        self.text(first_x, lines[0], spacing=self._stretch(lines, 0, first_x))
        self.down(LEADING)
        self.block(lines[1:], text_x)
        if self.style == "typed":
            self.down(PARAGRAPH / 2)

    def _stretch(self, lines: list[str], n: int, x: float) -> float:
        spaces = lines[n].count(" ")
        if not self.justify or not spaces or n == len(lines) - 1:
            return 0.0
        return (RIGHT - x - width(lines[n])) / spaces


def letter_pdf(body: list[Paragraph | Item], style: str = "word", justify: bool = True,
               symbol_bullets: bool = False) -> bytes:
    """A QA Panel letter: the Home Office's letterhead on the right, the address, the date, "Dear ...", the body,
    the sign-off; "OFFICIAL" at the head and the panel's name and "Page N of M" at the foot of every page.
    `symbol_bullets`: the bullet "•" is read as Word's Symbol font gives it, U+F0B7 (a private-use character)."""
    flow = Flow(style, justify)
    flow.text(RIGHT - width("Home Office", 14), "Home Office", 14, "F2")
    flow.down(16)
    for line in ("Public Protection Unit", "2 Marsham Street", "London SW1P 4DF", "T: 020 7035 4848",
                 "www.gov.uk/homeoffice"):
        flow.text(RIGHT - width(line, 9), line, 9)
        flow.down(11)
    flow.down(12)
    for line in ("Shafick Peerbux", "Head of Community Safety", "Kent County Council", "Invicta House",
                 "Maidstone ME14 1XX"):
        flow.text(LEFT, line)
        flow.down(LEADING)
    flow.down(PARAGRAPH)
    flow.paragraph("22 January 2020")
    flow.paragraph("Dear Shafick,")
    listed = False
    for part in body:
        if isinstance(part, Item):
            flow.item(part)
            listed = True
            continue
        if listed:
            flow.down(PARAGRAPH)
            listed = False
        flow.paragraph(part.text)
    if listed:
        flow.down(PARAGRAPH)
    for line in ("Yours sincerely,", "Jane Example", "Chair of the Home Office DHR Quality Assurance Panel"):
        flow.paragraph(line)
    streams = []
    for number, page in enumerate(flow.pages, 1):
        footer = f"Home Office DHR Quality Assurance Panel \u00b7 Page {number} of {len(flow.pages)}"
        furniture = [f"BT /F1 8 Tf {(WIDTH - width('OFFICIAL', 8)) / 2:.2f} 810 Td (OFFICIAL) Tj ET",
                     f"BT /F1 8 Tf {(WIDTH - width(footer, 8)) / 2:.2f} 40 Td {_string(footer).decode('cp1252')} "
                     "Tj ET"]
        streams.append("\n".join(furniture + page).encode("cp1252"))
    return document(streams, symbol_bullets=symbol_bullets)


_SYMBOL_BULLET = (b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /Bullet def\n"
                  b"1 begincodespacerange <00> <FF> endcodespacerange\n1 beginbfchar <95> <F0B7> endbfchar\n"
                  b"endcmap CMapName currentdict /CMap defineresource pop end end")


def document(streams: list[bytes], missing: int = 0, symbol_bullets: bool = False, form: bytes = b"") -> bytes:
    """A PDF of one page per content stream, with Helvetica and Helvetica-Bold, and `form` as a drawing each page
    may place (`/X1 Do`); `missing` more pages are listed in the page tree but their objects are not in the file."""
    to_unicode = b" /ToUnicode 5 0 R" if symbol_bullets else b""
    objects: list[bytes] = [b"<< /Type /Catalog /Pages 2 0 R >>", b"",
                            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding%s >>"
                            % to_unicode,
                            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
                            b"<< /Length %d >>\nstream\n%s\nendstream" % (len(_SYMBOL_BULLET), _SYMBOL_BULLET),
                            b"<< /Type /XObject /Subtype /Form /BBox [0 0 %d %d] /Length %d /Filter /FlateDecode >>\n"
                            b"stream\n%s\nendstream" % (WIDTH, HEIGHT, len(zlib.compress(form)), zlib.compress(form))]
    kids = []
    for stream in streams:
        data = zlib.compress(stream)
        objects.append(b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(data), data))
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Resources << /Font << /F1 3 0 R "
                       b"/F2 4 0 R >> /XObject << /X1 6 0 R >> >> /Contents %d 0 R >>" % (WIDTH, HEIGHT, len(objects)))
        kids.append(b"%d 0 R" % len(objects))
    kids += [b"%d 0 R" % (len(objects) + 10 + n) for n in range(missing)]
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(kids), len(kids))
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def shapes(count: int) -> bytes:
    """`count` small squares, the size of bullets, packed over a page's text area."""
    return "\n".join(f"{57 + n % 480} {100 + (n // 480) % 600} 3 3 re f" for n in range(count)).encode()


def many_shapes(count: int, pages: int = 1, in_form: bool = False) -> bytes:
    """Pages each with "Dear Chair," and `count` small squares, drawn on the page or in a drawing it places."""
    page = b"BT /F1 11 Tf 57 700 Td (Dear Chair,) Tj ET\n" + (b"/X1 Do" if in_form else shapes(count))
    return document([page] * pages, form=shapes(count) if in_form else b"")


def many_characters(count: int, pages: int = 1) -> bytes:
    """Pages each with `count` characters in lines of 1-point type, as densely as a page takes them."""
    line = "(" + "x" * 200 + ") Tj 0 -1 Td\n"
    return document([f"BT /F1 1 Tf 10 830 Td {line * (count // 200)}ET".encode()] * pages)

