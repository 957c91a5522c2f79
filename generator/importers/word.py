"""A Word file (.docx): a letter's paragraphs and lists, or an action plan's table.

A .docx is a zip: its sizes are checked before it is opened, so a file that would unpack to far more than it
holds (a zip bomb), or whose text is split into millions of parts, is refused unread. A letter is read from the
document's XML as a stream, in the order Word shows it: tracked insertions, content controls and tables' cells
kept, deleted and hidden text left out, and lists numbered as Word numbers them.
"""

from __future__ import annotations

import io
import itertools
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from typing import IO

from lxml import etree

from .blocks import MAX_BYTES, MAX_LEVEL, MAX_UNZIPPED, Block, FileError, clean, join_lines, marker, number
from .letter import LETTERHEAD_LINE
from .tables import Table, word_tables
from .text import DEAR, after_sign_off
from .word_styles import (
    FALSE,
    W_NAMESPACES,
    Numbering,
    Style,
    child,
    indent,
    inherited,
    integer,
    read_numbering,
    read_styles,
    val,
    vanished,
)

MAX_PARTS = 1_000_000  # elements of the document's XML; a long letter has tens of thousands
MAX_PARAGRAPHS = 100_000  # a letter has a few hundred, an action plan's table a few tens of thousands
MAX_SMALL_PART = 10_000_000  # styles, numbering, relationships
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_PARSER = {"resolve_entities": False, "no_network": True, "load_dtd": False, "huge_tree": False}
# Parts of the text Word does not show in its accepted, printed view: deleted and moved-away text, field codes,
# the fallback copy of a drawing's text, phonetic guides.
_LEFT_OUT = {"del", "moveFrom", "delText", "delInstrText", "instrText", "rt", "Fallback"}
# Parts read whole when they end, to be let go of then with the parts before them (never a paragraph's or a run's
# properties, read by the paragraph or run they belong to).
_DONE = {"r", "p", "tbl", "tr", "tc", "sdt", "ins", "moveTo", "moveFrom", "hyperlink", "smartTag", "customXml",
         "fldSimple", "Fallback"}


def check_zip(data: bytes, what: str) -> None:
    """Refuse a file that is not a zip, or one that would unpack to more than MAX_UNZIPPED bytes."""
    if len(data) > MAX_BYTES:
        raise FileError(f"it is {len(data) // 1_000_000} MB; check it is the right file")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise FileError(f"it is not a {what} file, or it is damaged ({exc}); open it in {what} and save it "
                        "again") from None
    total = sum(info.file_size for info in infos)
    if total > MAX_UNZIPPED:
        raise FileError(f"it would unpack to {total // 1_000_000} MB, far more than a {what} file of its size "
                        "holds; it may be malicious, so it was not opened")
    if any(info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) for info in infos):
        raise FileError(f"it is compressed in a way {what} never uses; it may be damaged or malicious: open it in "
                        f"{what} and save it again")


def _main_part(archive: zipfile.ZipFile) -> str:
    """The name of the document's main part (word/document.xml, unless the package says otherwise)."""
    for relation in _relations(archive, "_rels/.rels"):
        if relation[0].endswith("/officeDocument"):
            return relation[1]
    return "word/document.xml"


def _relations(archive: zipfile.ZipFile, name: str) -> list[tuple[str, str]]:
    """(type, the part's name) of each relationship in a .rels part."""
    root = _small_part(archive, name)
    if root is None:
        return []
    base = posixpath.dirname(posixpath.dirname(name))
    return [(str(r.get("Type", "")), posixpath.normpath(posixpath.join(base, str(r.get("Target", ""))).lstrip("/")))
            for r in root if r.get("TargetMode") != "External"]


def _small_part(archive: zipfile.ZipFile, name: str) -> etree._Element | None:
    """A small part of the package, parsed; None where it is missing."""
    try:
        info = archive.getinfo(name)
    except KeyError:
        return None
    if info.file_size > MAX_SMALL_PART:
        raise FileError(f"its part {name} is {info.file_size // 1_000_000} MB, far larger than Word makes it; it "
                        "may be damaged or malicious: open it in Word and save it again")
    try:
        return etree.fromstring(archive.read(name), etree.XMLParser(**_PARSER))
    except (etree.XMLSyntaxError, zipfile.BadZipFile, ValueError, OSError) as exc:
        raise FileError(f"its part {name} could not be read ({exc}); open it in Word and save it again") from None


def _check_size(stream: IO[bytes]) -> None:
    """Refuse a document whose text is split into far more paragraphs or parts than any letter or plan (millions
    of empty paragraphs fit in a small file): counted in a pass over the stream, before anything is built."""
    paragraphs = parts = 0
    while chunk := stream.read(1 << 20):
        parts += chunk.count(b"<") - chunk.count(b"</")
        paragraphs += chunk.count(b"<w:p>") + chunk.count(b"<w:p ") + chunk.count(b"<w:p/>")
    if paragraphs > MAX_PARAGRAPHS:
        raise FileError(f"it holds {paragraphs:,} paragraphs, far more than a letter or an action plan (a few "
                        "hundred): it may be damaged or made to harm readers, so it was not read; remove the empty "
                        "paragraphs in Word and save it again")
    if parts > MAX_PARTS:
        raise FileError(f"its text is split into {parts:,} parts, far more than a letter or an action plan: it may "
                        "be damaged or made to harm readers, so it was not read; open it in Word and save it again")


def _open_checked(archive: zipfile.ZipFile, name: str) -> IO[bytes]:
    """The part `name`, checked by `_check_size` and opened again to be read from its start."""
    try:
        with archive.open(name) as stream:
            _check_size(stream)
        return archive.open(name)
    except KeyError:
        raise FileError("it has no document inside it: it is not a Word document; open it in Word and save it "
                        "again as .docx") from None
    except (zipfile.BadZipFile, OSError, EOFError) as exc:  # a damaged zip, or a stream cut short
        raise FileError(f"it is damaged ({exc}); open it in Word and save it again") from None


@dataclass
class _Paragraph:
    lines: list[list[str]] = field(default_factory=lambda: [[]])
    style: str = ""
    num_id: str | None = None
    ilvl: str | None = None
    hidden: bool = False  # its style hides its text
    indent: int = 0  # where its first line starts, in twips
    mark_deleted: bool = False  # its paragraph mark is a tracked deletion: it runs on into the next one


class _Reader:
    """The document's paragraphs as blocks, from the stream of its XML's start and end events."""

    def __init__(self, styles: dict[str, Style], numbering: Numbering) -> None:
        self.styles, self.numbering = styles, numbering
        self.blocks: list[Block] = []
        self.paragraphs: list[_Paragraph] = []  # open (a text box's paragraphs are inside another's)
        self.runs: list[bool] = []  # of each open run: its text is hidden
        self.rows: list[bool] = []  # of each open table row: it is a tracked deletion
        self.left_out = 0  # the depth inside a part left out (deleted, hidden, a placeholder)
        self.placeholder = False  # the content control open shows its placeholder, not text written
        self.properties = 0  # inside paragraph properties (whose w:tab elements are tab stops, not text)
        self.carried: list[list[str]] = []  # the lines of a paragraph whose mark was deleted
        self.cells: list[list[int]] = []  # of each open table row: the index of each of its cells' first block
        self.typed: list[int] = []  # the indents of the items typed by hand ("1.<tab>", "•<tab>") open
        self.dear = False  # 'Dear ...' has been read

    def start(self, name: str) -> None:
        if self.left_out:
            self.left_out += 1
        elif (name in _LEFT_OUT or (name == "sdtContent" and self.placeholder)
              or (name == "tc" and self.rows and self.rows[-1])):
            self.left_out = 1
        elif name == "p":
            self.paragraphs.append(_Paragraph())
        elif name == "r":
            self.runs.append(bool(self.paragraphs and self.paragraphs[-1].hidden))
        elif name == "tr":
            self.rows.append(False)
            self.cells.append([])
        elif name == "tc" and self.cells:
            self.cells[-1].append(len(self.blocks))
        elif name == "pPr":
            self.properties += 1
        if name == "sdtContent":
            self.placeholder = False

    def end(self, name: str, element: etree._Element) -> None:
        if self.left_out:
            self.left_out -= 1
            return
        paragraph = self.paragraphs[-1] if self.paragraphs else None
        if name == "t" and self.runs and not self.runs[-1] and paragraph:
            paragraph.lines[-1].append(element.text or "")
        elif name in ("tab", "ptab") and self.runs and not self.runs[-1] and paragraph and not self.properties:
            paragraph.lines[-1].append(" ")
        elif name in ("br", "cr") and self.runs and not self.runs[-1] and paragraph:
            paragraph.lines.append([])
        elif name == "noBreakHyphen" and self.runs and not self.runs[-1] and paragraph:
            paragraph.lines[-1].append("-")
        elif name == "rPr" and self.runs and element.getparent() is not None and \
                str(element.getparent().tag).endswith("}r"):
            hidden = vanished(element)
            if hidden is None:
                hidden = inherited(self.styles, val(child(element, "rStyle")) or "", "hidden")  # type: ignore
            if hidden is not None:
                self.runs[-1] = bool(hidden)
        elif name == "r" and self.runs:
            self.runs.pop()
        elif name == "pPr" and paragraph:
            self.properties -= 1
            self._properties(paragraph, element)
        elif name == "p" and paragraph:
            self.paragraphs.pop()
            self._paragraph(paragraph)
        elif name == "trPr" and self.rows:
            self.rows[-1] = child(element, "del") is not None
        elif name == "tr" and self.rows:
            self.rows.pop()
            cells = self.cells.pop()
            if not self.rows and not self.dear and cells:
                self._letterhead_first(cells)
        elif name == "sdtPr":
            shows = child(element, "showingPlcHdr")
            self.placeholder = shows is not None and val(shows) not in FALSE

    def _properties(self, paragraph: _Paragraph, element: etree._Element) -> None:
        numbering = child(element, "numPr")
        paragraph.style = val(child(element, "pStyle")) or ""
        paragraph.num_id, paragraph.ilvl = val(child(numbering, "numId")), val(child(numbering, "ilvl"))
        paragraph.hidden = inherited(self.styles, paragraph.style, "hidden") is True
        own = indent(element)
        paragraph.indent = own if own is not None else inherited(self.styles, paragraph.style, "indent") or 0  # type: ignore
        paragraph.mark_deleted = child(child(element, "rPr"), "del") is not None

    def _paragraph(self, paragraph: _Paragraph) -> None:
        parts = paragraph.lines
        if self.carried:  # the paragraph before ran on into this one
            parts = [*self.carried[:-1], self.carried[-1] + parts[0], *parts[1:]]
            self.carried = []
        if paragraph.mark_deleted:
            self.carried = parts
            return
        lines = [line for line in (clean("".join(p)) for p in parts) if line]
        if not lines:
            return
        listed = self._list(paragraph)
        self.dear = self.dear or bool(DEAR.match(lines[0]))
        if listed is not None:
            level, mark = listed
            self.blocks.append(Block(" ".join(lines), "li", level, tuple(lines), mark))
        elif len(lines) == 1 and (item := marker(lines[0])):  # a list typed by hand: nested as it is indented
            while self.typed and self.typed[-1] > paragraph.indent:
                self.typed.pop()
            if not self.typed or self.typed[-1] < paragraph.indent:
                self.typed.append(paragraph.indent)
            level = min(max(len(self.typed) - 1, item[1]), MAX_LEVEL)
            self.blocks.append(Block(item[0], "li", level, (item[0],), number(lines[0])))
            return
        else:
            self.blocks.append(Block(join_lines(lines), lines=tuple(lines)))  # hyphenated breaks mended
        self.typed.clear()

    def _letterhead_first(self, cells: list[int]) -> None:
        """A row of a table above 'Dear' that sets the addressee and the sender side by side: each cell a block
        of its own, its paragraphs its lines, and the cell naming the sender (the Home Office, its address, a
        phone) first, as a letterhead comes before the address."""
        bounds = [*cells, len(self.blocks)]
        parts = [self.blocks[a:b] for a, b in itertools.pairwise(bounds)]
        parts.sort(key=lambda part: not any(LETTERHEAD_LINE.search(b.text) for b in part))
        texts = [[line for b in part for line in b.lines] for part in parts if part]
        self.blocks[cells[0]:] = [Block(" ".join(lines), lines=tuple(lines)) for lines in texts]

    def _list(self, paragraph: _Paragraph) -> tuple[int, str] | None:
        """(nesting, number as Word shows it) of a paragraph Word numbers or bullets, else None."""
        style = self.styles.get(paragraph.style, Style())
        num_id = paragraph.num_id if paragraph.num_id is not None else inherited(self.styles, paragraph.style,
                                                                                     "num_id")
        ilvl = paragraph.ilvl if paragraph.ilvl is not None else inherited(self.styles, paragraph.style, "ilvl")
        digits = re.fullmatch(r"List (?:Bullet|Number|Continue) ?([2-9])", style.name)
        if not num_id or num_id == "0":  # no list, or its list taken away
            named = num_id is None and re.fullmatch(r"List (?:Bullet|Number)(?: [2-9])?", style.name)
            return (int(digits[1]) - 1 if digits else 0, "") if named else None
        level = min(max(integer(str(ilvl) if ilvl is not None else None, 0), 0), MAX_LEVEL)
        shown = self.numbering.next(str(num_id), level, self.styles)
        if shown is None:
            return None
        mark, levels = shown
        if level == 0 and ilvl is None:
            level = next((n for n, lvl in levels.items() if lvl.style == paragraph.style and paragraph.style), 0)
            if level == 0 and digits and len(levels) <= 1:  # "List Bullet 2": a list of its own, one level in
                level = int(digits[1]) - 1
        return min(max(level, 0), MAX_LEVEL), mark


def read_word(data: bytes) -> list[Block]:
    """The body's paragraphs in the order Word shows them, lists as items (headers and footers, with their page
    numbers, left out)."""
    check_zip(data, "Word")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        main = _main_part(archive)
        related = dict(_relations(archive, posixpath.join(posixpath.dirname(main), "_rels",
                                                          posixpath.basename(main) + ".rels")))
        styles = read_styles(_small_part(archive, next((t for k, t in related.items() if k.endswith("/styles")),
                                                   "word/styles.xml")))
        numbering = read_numbering(_small_part(archive, next((t for k, t in related.items()
                                                          if k.endswith("/numbering")), "word/numbering.xml")))
        reader = _Reader(styles, numbering)
        with _open_checked(archive, main) as stream:
            try:
                for event, element in etree.iterparse(stream, events=("start", "end"), **_PARSER):
                    tag = element.tag if isinstance(element.tag, str) else ""
                    namespace, _, name = tag[1:].partition("}")
                    if namespace not in W_NAMESPACES:  # a drawing's parts, or its text's fallback copy
                        name = "Fallback" if tag == f"{MC}Fallback" else ""
                    if event == "start":
                        reader.start(name)
                        continue
                    reader.end(name, element)
                    if name not in _DONE:
                        continue
                    element.clear()  # what has been read is let go: memory stays small, however long the file
                    while (before := element.getprevious()) is not None:
                        element.getparent().remove(before)
            except etree.XMLSyntaxError as exc:
                raise FileError(f"its text could not be read ({exc}); open it in Word and save it again") from None
            except (zipfile.BadZipFile, OSError, EOFError) as exc:
                raise FileError(f"it is damaged ({exc}); open it in Word and save it again") from None
    return after_sign_off(reader.blocks)


def read_word_tables(data: bytes) -> list[Table]:
    """Each table of the document, read from its XML by tables.py (python-docx would read the whole document and
    expand a cell's span into that many cells): spans and rows bounded, a vertically merged cell continuing the
    cell above, deleted and hidden text left out."""
    check_zip(data, "Word")
    return word_tables(data)
