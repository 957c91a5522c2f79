"""A Word file (.docx): a letter's paragraphs and lists, or an action plan's table.

A .docx is a zip: its sizes are checked before it is opened, so a file that would unpack to far more than it
holds (a zip bomb), or whose text is split into millions of parts, is refused unread. A letter is read from the
document's XML as a stream, in the order Word shows it: tracked insertions, content controls and tables' cells
kept, deleted and hidden text left out, and lists numbered as Word numbers them.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from typing import IO

from lxml import etree

from .blocks import (
    MAX_BYTES,
    MAX_LEVEL,
    MAX_UNZIPPED,
    Block,
    FileError,
    clean,
    join_lines,
    marker,
    number,
    roman,
)
from .tables import Table, word_tables

MAX_PARTS = 1_000_000  # elements of the document's XML; a long letter has tens of thousands
MAX_PARAGRAPHS = 100_000  # a letter has a few hundred, an action plan's table a few tens of thousands
MAX_SMALL_PART = 10_000_000  # styles, numbering, relationships
W_NAMESPACES = ("http://schemas.openxmlformats.org/wordprocessingml/2006/main",
                "http://purl.oclc.org/ooxml/wordprocessingml/main")  # Word's, and the strict form's
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_PARSER = {"resolve_entities": False, "no_network": True, "load_dtd": False, "huge_tree": False}
# Parts of the text Word does not show in its accepted, printed view: deleted and moved-away text, field codes,
# the fallback copy of a drawing's text, phonetic guides.
_LEFT_OUT = {"del", "moveFrom", "delText", "delInstrText", "instrText", "rt", "Fallback"}
_FALSE = ("0", "false", "off")
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
class _Style:
    name: str = ""
    based_on: str = ""
    num_id: str | None = None
    ilvl: str | None = None
    hidden: bool | None = None  # its text hidden (w:vanish), or shown; None: as the style it is based on


@dataclass
class _Level:
    start: int = 1
    format: str = "decimal"
    text: str = ""
    style: str = ""  # the paragraph style this level belongs to, where one does


@dataclass
class _Numbering:
    """The document's lists: each w:num's abstract list and overrides, and the counts so far, as Word keeps them
    (one count for each abstract list, so lists that share one continue each other)."""

    nums: dict[str, tuple[str, dict[int, int]]] = field(default_factory=dict)  # numId: (abstractNumId, starts)
    levels: dict[str, dict[int, _Level]] = field(default_factory=dict)
    links: dict[str, str] = field(default_factory=dict)  # abstract list: the numbering style it stands for
    counts: dict[str, dict[int, int]] = field(default_factory=dict)
    started: set[str] = field(default_factory=set)

    def next(self, num_id: str, ilvl: int, styles: dict[str, _Style]) -> tuple[str, dict[int, _Level]] | None:
        """The number Word shows for the next item of list `num_id` at level `ilvl` ("" for a bullet), counted."""
        abstract, levels = self._abstract(num_id, styles)
        if abstract is None:
            return None
        counts = self.counts.setdefault(abstract, {})
        if num_id not in self.started:  # a list restarted (a w:num's start override) starts at its first item
            self.started.add(num_id)
            for level, start in self.nums[num_id][1].items():
                counts[level] = start - 1
        level = levels.get(ilvl, _Level())
        counts[ilvl] = counts.get(ilvl, level.start - 1) + 1
        for deeper in [n for n in counts if n > ilvl]:
            del counts[deeper]
        if level.format in ("bullet", "none"):
            return "", levels

        def shown(found: re.Match[str]) -> str:
            n = int(found[1]) - 1
            own = levels.get(n, _Level())
            return _numeral(counts.get(n, own.start), own.format)

        return re.sub(r"%([1-9])", shown, level.text).strip(" .():\t"), levels

    def _abstract(self, num_id: str, styles: dict[str, _Style]) -> tuple[str | None, dict[int, _Level]]:
        for _ in range(3):  # a list defined by a numbering style: its style's own list
            if num_id not in self.nums:
                return None, {}
            abstract = self.nums[num_id][0]
            link = self.links.get(abstract)
            style = styles.get(link) if link else None
            if not (style and style.num_id and style.num_id != num_id):
                return abstract, self.levels.get(abstract, {})
            num_id = style.num_id
        return None, {}


def _numeral(n: int, style: str) -> str:
    """A number as Word shows it in a list of `style` (decimal, lower or upper letter or roman)."""
    if style in ("lowerLetter", "upperLetter") and 0 < n <= 780:
        text = chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)  # Word's way: y, z, aa, bb
        return text.upper() if style == "upperLetter" else text
    if style in ("lowerRoman", "upperRoman") and 0 < n < 4000:
        return roman(n) if style == "upperRoman" else roman(n).lower()
    if style == "decimalZero" and 0 <= n < 10:
        return f"0{n}"
    return str(n)


def _int(value: str | None, default: int) -> int:
    try:
        return int(value or "")
    except ValueError:
        return default


def _val(element: etree._Element | None) -> str | None:
    """An element's w:val attribute (None where there is no element)."""
    if element is None:
        return None
    return next((str(v) for k, v in element.attrib.items() if str(k).endswith("}val")), "")


def _child(element: etree._Element | None, name: str) -> etree._Element | None:
    """`element`'s first child in Word's namespace named `name`."""
    if element is None:
        return None
    return next((c for c in element if isinstance(c.tag, str) and c.tag.rpartition("}")[2] == name
                 and c.tag[1:].partition("}")[0] in W_NAMESPACES), None)


def _shown(run_properties: etree._Element | None) -> bool | None:
    """Whether properties hide their text (w:vanish): True hidden, False shown, None where they do not say."""
    vanish = _child(run_properties, "vanish")
    return None if vanish is None else _val(vanish) not in _FALSE


def _attribute(element: etree._Element, name: str) -> str:
    return next((str(v) for k, v in element.attrib.items() if str(k).rpartition("}")[2] == name), "")


def _styles(root: etree._Element | None) -> dict[str, _Style]:
    styles: dict[str, _Style] = {}
    for element in root if root is not None else ():
        if not isinstance(element.tag, str) or element.tag.rpartition("}")[2] != "style":
            continue
        numbering = _child(_child(element, "pPr"), "numPr")
        styles[_attribute(element, "styleId")] = _Style(
            _val(_child(element, "name")) or "", _val(_child(element, "basedOn")) or "",
            _val(_child(numbering, "numId")), _val(_child(numbering, "ilvl")), _shown(_child(element, "rPr")))
    return styles


def _numbering(root: etree._Element | None) -> _Numbering:
    numbering = _Numbering()
    for element in root if root is not None else ():
        name = element.tag.rpartition("}")[2] if isinstance(element.tag, str) else ""
        if name == "abstractNum":
            abstract = _attribute(element, "abstractNumId")
            numbering.levels[abstract] = {
                _int(_attribute(lvl, "ilvl"), 0): _Level(_int(_val(_child(lvl, "start")), 1),
                                                         _val(_child(lvl, "numFmt")) or "decimal",
                                                         _val(_child(lvl, "lvlText")) or "",
                                                         _val(_child(lvl, "pStyle")) or "")
                for lvl in element if isinstance(lvl.tag, str) and lvl.tag.endswith("}lvl")}
            if link := _val(_child(element, "numStyleLink")):
                numbering.links[abstract] = link
        elif name == "num":
            starts = {_int(_attribute(o, "ilvl"), 0): _int(_val(_child(o, "startOverride")), 1)
                      for o in element if isinstance(o.tag, str) and o.tag.endswith("}lvlOverride")
                      and _child(o, "startOverride") is not None}
            numbering.nums[_attribute(element, "numId")] = (_val(_child(element, "abstractNumId")) or "", starts)
    return numbering


def _inherited(styles: dict[str, _Style], style_id: str, name: str) -> object:
    """A style's property, or the one its style is based on gives (a chain of at most 20, cycles ignored)."""
    for _ in range(20):
        style = styles.get(style_id)
        if style is None:
            return None
        if getattr(style, name) is not None:
            return getattr(style, name)
        style_id = style.based_on
    return None


@dataclass
class _Paragraph:
    lines: list[list[str]] = field(default_factory=lambda: [[]])
    style: str = ""
    num_id: str | None = None
    ilvl: str | None = None
    hidden: bool = False  # its style hides its text
    mark_deleted: bool = False  # its paragraph mark is a tracked deletion: it runs on into the next one


class _Reader:
    """The document's paragraphs as blocks, from the stream of its XML's start and end events."""

    def __init__(self, styles: dict[str, _Style], numbering: _Numbering) -> None:
        self.styles, self.numbering = styles, numbering
        self.blocks: list[Block] = []
        self.paragraphs: list[_Paragraph] = []  # open (a text box's paragraphs are inside another's)
        self.runs: list[bool] = []  # of each open run: its text is hidden
        self.rows: list[bool] = []  # of each open table row: it is a tracked deletion
        self.left_out = 0  # the depth inside a part left out (deleted, hidden, a placeholder)
        self.placeholder = False  # the content control open shows its placeholder, not text written
        self.properties = 0  # inside paragraph properties (whose w:tab elements are tab stops, not text)
        self.carried: list[list[str]] = []  # the lines of a paragraph whose mark was deleted

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
            hidden = _shown(element)
            if hidden is None:
                hidden = _inherited(self.styles, _val(_child(element, "rStyle")) or "", "hidden")  # type: ignore
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
            self.rows[-1] = _child(element, "del") is not None
        elif name == "tr" and self.rows:
            self.rows.pop()
        elif name == "sdtPr":
            shows = _child(element, "showingPlcHdr")
            self.placeholder = shows is not None and _val(shows) not in _FALSE

    def _properties(self, paragraph: _Paragraph, element: etree._Element) -> None:
        numbering = _child(element, "numPr")
        paragraph.style = _val(_child(element, "pStyle")) or ""
        paragraph.num_id, paragraph.ilvl = _val(_child(numbering, "numId")), _val(_child(numbering, "ilvl"))
        paragraph.hidden = _inherited(self.styles, paragraph.style, "hidden") is True
        paragraph.mark_deleted = _child(_child(element, "rPr"), "del") is not None

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
        if listed is not None:
            level, mark = listed
            self.blocks.append(Block(" ".join(lines), "li", level, tuple(lines), mark))
        elif len(lines) == 1 and (item := marker(lines[0])):  # a list typed by hand
            self.blocks.append(Block(item[0], "li", item[1], (item[0],), number(lines[0])))
        else:
            self.blocks.append(Block(join_lines(lines), lines=tuple(lines)))  # hyphenated breaks mended

    def _list(self, paragraph: _Paragraph) -> tuple[int, str] | None:
        """(nesting, number as Word shows it) of a paragraph Word numbers or bullets, else None."""
        style = self.styles.get(paragraph.style, _Style())
        num_id = paragraph.num_id if paragraph.num_id is not None else _inherited(self.styles, paragraph.style,
                                                                                     "num_id")
        ilvl = paragraph.ilvl if paragraph.ilvl is not None else _inherited(self.styles, paragraph.style, "ilvl")
        digits = re.fullmatch(r"List (?:Bullet|Number|Continue) ?([2-9])", style.name)
        if not num_id or num_id == "0":  # no list, or its list taken away
            named = num_id is None and re.fullmatch(r"List (?:Bullet|Number)(?: [2-9])?", style.name)
            return (int(digits[1]) - 1 if digits else 0, "") if named else None
        level = min(max(_int(str(ilvl) if ilvl is not None else None, 0), 0), MAX_LEVEL)
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
        styles = _styles(_small_part(archive, next((t for k, t in related.items() if k.endswith("/styles")),
                                                   "word/styles.xml")))
        numbering = _numbering(_small_part(archive, next((t for k, t in related.items()
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
                        element.getparent().remove(before)  # type: ignore[union-attr]
            except etree.XMLSyntaxError as exc:
                raise FileError(f"its text could not be read ({exc}); open it in Word and save it again") from None
            except (zipfile.BadZipFile, OSError, EOFError) as exc:
                raise FileError(f"it is damaged ({exc}); open it in Word and save it again") from None
    return reader.blocks


def read_word_tables(data: bytes) -> list[Table]:
    """Each table of the document, read from its XML by tables.py (python-docx would read the whole document and
    expand a cell's span into that many cells): spans and rows bounded, a vertically merged cell continuing the
    cell above, deleted and hidden text left out."""
    check_zip(data, "Word")
    return word_tables(data)
