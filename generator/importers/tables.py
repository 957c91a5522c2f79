"""Tables as importers read them, and a Word file's tables read from its XML, bounded whatever the file says.

python-docx is not used for tables: it parses the whole document (millions of empty paragraphs are
gigabytes) and expands a cell's column span (`gridSpan`) into that many cells. Here each table's
bytes are found in `word/document.xml` and parsed alone, row by row; a span, the rows, the cells of a
row and the elements of a row are each bounded, and a file over a bound is refused with the reason.
Merged cells (`vMerge`) take the text of the cell they continue. Deleted text (tracked changes) and
hidden runs (`w:vanish`) are left out; inserted text, content controls and nested tables are kept.
"""

from __future__ import annotations

import io
import itertools
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field

from .blocks import FileError

MAX_TABLE_ROWS = 20_000  # rows of a file's tables together: a plan has hundreds
MAX_COLUMNS = 200  # columns of a table (Word allows 63): cells further right are listed, not read
MAX_TABLES = 200  # tables of one document read
MAX_ROW_TAGS = 100_000  # XML elements in one row (a row of 63 cells of 30 paragraphs has some 20,000)
MAX_TAGS = 5_000_000  # XML elements in all the tables of a document
NOTES_OF_A_KIND = 20  # notes of one kind said in full; the rest are counted in one line
_TRANSITIONAL = b"http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_STRICT = b"http://purl.oclc.org/ooxml/wordprocessingml/main"
W = "{" + _TRANSITIONAL.decode() + "}"
_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_TBL = re.compile(rb"tbl(?=[\s/>])")
_TABLE_TAG = re.compile(rb"<(/?)(?:[\w.-]+:)?tbl(?=[\s/>])")
_ROW_TAG = re.compile(rb"<(?:[\w.-]+:)?tr(?=[\s/>])")
_ROOT = re.compile(rb"<(?![?!])([\w.:-]+)[^>]*>")
_SKIPPED = {W + name for name in ("del", "moveFrom", "rPr", "pPr", "tcPr", "trPr", "tblPr", "sdtPr", "tblGrid")}
_SKIPPED.add(_FALLBACK)  # a drawing's older copy of what its Choice holds
_CONTAINERS = {W + name for name in ("sdt", "sdtContent", "customXml", "smartTag", "ins", "moveTo")}
_OFF = {"0", "false", "off"}
# Characters that may be invisible: all but tab, line breaks, printable ASCII and the Latin, Greek, Cyrillic, Hebrew
# ranges (less the soft hyphen); each found is removed if it is a control, format, private-use or surrogate one.
_SUSPECT = re.compile("[^\t\n\r\x0b\x0c\x20-\x7e\x85\xa0-\xac\xae-\u05ff]")
_INVISIBLE = {"Cc", "Cf", "Co", "Cs"}


@dataclass
class Table:
    """A table's rows of cell texts, and what the file said of its cells (merges, spans, fill colours)."""

    name: str  # as messages name it: "sheet 'Plan'", "table 2"; "" for a CSV file's one table
    rows: list[list[str]] = field(default_factory=list)
    numbers: list[int] = field(default_factory=list)  # each row's number, as the file counts its rows
    copies: set[tuple[int, int]] = field(default_factory=set)  # (row, column): a merged cell's text from above
    spans: dict[tuple[int, int], int] = field(default_factory=dict)  # (row, column): columns spanned, over one
    fills: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, column): fill colour, RRGGBB
    notes: list[str] = field(default_factory=list)  # what was read in a way to know, or left unread

    letters: bool = False  # its columns are named by letter, as Excel names them

    def where(self, row: int) -> str:
        """'sheet 'Plan' row 5': where row `row` (an index into rows) is, as the officer finds it."""
        return f"{self.name} row {self.numbers[row]}" if self.name else f"row {self.numbers[row]}"

    def column(self, column: int, header: list[str]) -> str:
        """"column C 'Action'": a column (an index) as the officer finds it, with its heading where it has one."""
        name = _letters(column + 1) if self.letters else str(column + 1)
        heading = " ".join(header[column].split()) if column < len(header) else ""
        return f"column {name} '{heading}'" if heading else f"column {name}"


def _letters(number: int) -> str:
    """A column's number as Excel names it: 1 is A, 28 is AB."""
    name = ""
    while number:
        number, rest = divmod(number - 1, 26)
        name = chr(65 + rest) + name
    return name


def remove_invisible(table: Table) -> list[tuple[int, int, str]]:
    """Remove from every cell the characters a reader cannot see and `dhr check` refuses or a terminal acts on
    (controls, bidirectional overrides and other format marks, private-use characters, lone surrogates);
    returns (row, column, the characters removed) of each cell changed, its merged copies left out."""
    changed = []
    for index, row in enumerate(table.rows):
        for column, text in enumerate(row):
            if not _SUSPECT.search(text):
                continue
            kept, removed = _visible(text)
            if removed:
                row[column] = kept.strip()
                if (index, column) not in table.copies:
                    changed.append((index, column, removed))
    return changed


def _visible(text: str) -> tuple[str, str]:
    """`text` without its invisible characters, and those removed."""
    removed: list[str] = []

    def keep(found: re.Match[str]) -> str:
        char = found.group()
        if unicodedata.category(char) in _INVISIBLE or char in "\ufffe\uffff":
            removed.append(char)
            return ""
        return char

    return _SUSPECT.sub(keep, text), "".join(removed)


def said_removed(table: Table, changed: list[tuple[int, int, str]], header: list[str]) -> list[str]:
    """A note for each cell `remove_invisible` changed: where it is, what was removed, and its text now."""
    notes = []
    for index, column, removed in changed:
        codes = ", ".join(f"U+{ord(char):04X}" + (f" x{removed.count(char)}" if removed.count(char) > 1 else "")
                          for char in dict.fromkeys(removed))
        text = " ".join(table.rows[index][column].split())
        notes.append(f"{table.where(index)}, {table.column(column, header)}: {len(removed)} invisible character(s) "
                     f"removed ({codes}); it now reads '{text if len(text) <= 60 else text[:57] + '...'}'")
    return capped(notes, "cells had invisible characters removed", [
        f"{table.where(index)} {table.column(column, header)}" for index, column, _ in changed])


def capped(notes: list[str], more: str, places: list[str]) -> list[str]:
    """Notes of one kind: the first NOTES_OF_A_KIND in full, the rest as one line naming where they are (the
    first few of them)."""
    if len(notes) <= NOTES_OF_A_KIND:
        return notes
    rest = places[NOTES_OF_A_KIND:]
    named = "; ".join(rest[:NOTES_OF_A_KIND]) + ("; ..." if len(rest) > NOTES_OF_A_KIND else "")
    return notes[:NOTES_OF_A_KIND] + [f"... and {len(rest):,} more {more}: {named}"]


def word_tables(data: bytes) -> list[Table]:
    """Each outermost table of a Word file's body (a zip already checked for its size), in order."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            xml = archive.read("word/document.xml")
    except KeyError:
        raise FileError("it has no document body (word/document.xml); open it in Word and save it again") from None
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as exc:
        raise FileError(f"it could not be unpacked ({exc}); open it in Word and save it again") from None
    root = _ROOT.search(xml)
    if root is None or b"<!DOCTYPE" in xml[:root.start()] or b"<!ENTITY" in xml[:root.start()]:
        raise FileError("its document body is not a Word document's (or declares entities, which Word never "
                        "does); open it in Word and save it again as .docx")
    spans, count = _table_spans(xml)
    if not spans:
        raise FileError("it has no table: an action plan is read from its table (one row per action); put the "
                        "plan in a Word table, or save it from Excel as .xlsx")
    tables: list[Table] = []
    total = [0, 0]  # rows, elements read so far
    for number, (start, end) in enumerate(spans, 1):
        wrapped = root.group() + xml[start:end] + b"</" + root.group(1) + b">"
        wrapped = wrapped.replace(_STRICT, _TRANSITIONAL)  # Word's "Strict Open XML" names the same elements
        tables.append(_table(wrapped, f"table {number}", total))
    if count > MAX_TABLES:
        tables[-1].notes.append(f"the file has {count} tables; those after table {MAX_TABLES} were not read")
    return tables


def _table_spans(xml: bytes) -> tuple[list[tuple[int, int]], int]:
    """Where the first MAX_TABLES outermost tables' bytes start and end (a table inside a cell is part of its
    outer table), and how many there are. The word "tbl" is looked for first, then the tag around it: a scan for
    every tag would take seconds on a body of millions of empty paragraphs."""
    spans, depth, start, count = [], 0, 0, 0
    for candidate, word in enumerate(_TBL.finditer(xml)):
        if candidate > MAX_TAGS:
            raise FileError("it holds millions of table tags, far more than a plan; it may be damaged or "
                            "malicious, so it was not read")
        opening = xml.rfind(b"<", max(0, word.start() - 64), word.start())
        tag = _TABLE_TAG.match(xml, opening) if opening >= 0 else None
        close = xml.find(b">", word.end())
        if tag is None or tag.end() != word.end() or close < 0:
            continue
        if tag.group(1):
            depth -= 1
            if depth == 0:
                count += 1
                if count <= MAX_TABLES:
                    spans.append((start, close + 1))
            depth = max(depth, 0)
        elif xml[close - 1:close] != b"/":  # <w:tbl/> is empty
            if depth == 0:
                start = tag.start()
            depth += 1
    return spans, count


def _check_bounds(xml: bytes, name: str, total: list[int]) -> None:
    """Refuse a table whose rows, or any one row, hold more elements than a plan could."""
    total[1] += xml.count(b"<")
    if total[1] > MAX_TAGS:
        raise FileError(f"its tables hold more than {MAX_TAGS:,} elements, far more than a plan; it may be "
                        "damaged or malicious, so it was not read")
    before = 0
    for start in itertools.chain((row.start() for row in _ROW_TAG.finditer(xml)), (len(xml),)):
        if xml.count(b"<", before, start) > MAX_ROW_TAGS:
            raise FileError(f"a row of its {name} holds more than {MAX_ROW_TAGS:,} elements, far more than a "
                            "plan's row; it may be damaged or malicious, so it was not read")
        before = start


def _table(xml: bytes, name: str, total: list[int]) -> Table:
    """One table's rows, parsed row by row (each row dropped from memory once read)."""
    from lxml import etree  # python-docx's own XML library

    _check_bounds(xml, name, total)
    table = Table(name)
    above: dict[int, tuple[str, str]] = {}  # column: the text and fill a vertically merged cell continues
    beyond = 0
    parser = etree.iterparse(io.BytesIO(xml), events=("end",), tag=W + "tr", resolve_entities=False,
                             no_network=True, load_dtd=False, huge_tree=False)
    try:
        for _, row in parser:
            if not _outer(row):
                continue  # a row of a table nested in a cell: read with that cell
            if row.find(f"{W}trPr/{W}del") is None:
                total[0] += 1
                if total[0] > MAX_TABLE_ROWS:
                    raise FileError(f"its tables have more than {MAX_TABLE_ROWS:,} rows, far more than a plan; "
                                    "split it, or check it is the right file")
                beyond += _row(row, table, above)
            row.clear()
            while row.getprevious() is not None:
                del row.getparent()[0]
    except etree.XMLSyntaxError as exc:
        table.notes.append(f"{name} could not be read to its end ({exc.msg}); open the file in Word and save it "
                           "again")
    if beyond:
        table.notes.append(f"{name}: {beyond} cells right of column {MAX_COLUMNS} were not read")
    return table


def _outer(row) -> bool:  # lxml elements
    """Whether a row is the outermost table's (through any content controls around it), not a nested one's."""
    parent = row.getparent()
    while parent is not None and parent.tag != W + "tbl":
        parent = parent.getparent()
    return parent is not None and parent.getparent() is not None and parent.getparent().getparent() is None


def _row(row, table: Table, above: dict[int, tuple[str, str]]) -> int:
    """Add one row to `table`; returns how many cells lay beyond MAX_COLUMNS."""
    index = len(table.rows)
    cells: list[str] = []
    column = min(_number(row.find(f"{W}trPr/{W}gridBefore"), 0), MAX_COLUMNS)
    beyond = 0
    for cell in _cells(row):
        if column >= MAX_COLUMNS:
            beyond += 1
            continue
        props = cell.find(W + "tcPr")
        span = max(1, min(_number(None if props is None else props.find(W + "gridSpan"), 1), MAX_COLUMNS - column))
        merge = None if props is None else props.find(W + "vMerge")
        if merge is not None and merge.get(W + "val", "continue") != "restart":
            text, fill = above.get(column, ("", ""))
            table.copies.add((index, column))
        else:
            text = _text(cell).strip()
            shading = None if props is None else props.find(W + "shd")
            fill = "" if shading is None else shading.get(W + "fill", "").upper()
            above[column] = (text, fill)
        cells += [""] * (column - len(cells)) + [text] + [""] * (span - 1)
        if span > 1:
            table.spans[(index, column)] = span
        if re.fullmatch(r"[0-9A-F]{6}", fill):
            table.fills[(index, column)] = fill
        column += span
    table.rows.append(cells)
    table.numbers.append(index + 1)
    return beyond


def _cells(row):  # lxml elements
    """A row's cells, in order, through any content controls or custom XML around them."""
    for child in row:
        if child.tag == W + "tc":
            yield child
        elif child.tag in _CONTAINERS:
            yield from _cells(child)


def _number(element, default: int) -> int:
    """An element's w:val as a whole number (a span, a count of grid columns), else `default`."""
    value = None if element is None else element.get(W + "val", "")
    return int(value) if value and value.isdigit() and len(value) < 7 else default


def _text(element) -> str:
    """The text a reader sees in an element: its paragraphs as lines; deleted and hidden runs left out."""
    parts: list[str] = []
    _collect(element, parts)
    return "".join(parts)


def _collect(element, parts: list[str]) -> None:
    for child in element:
        tag = child.tag
        if not isinstance(tag, str) or tag in _SKIPPED:
            continue
        if tag == W + "t":
            parts.append(child.text or "")
        elif tag in (W + "tab", W + "ptab"):
            parts.append(" ")
        elif tag in (W + "br", W + "cr"):
            parts.append("\n")
        elif tag == W + "noBreakHyphen":
            parts.append("-")
        elif tag == W + "r" and _hidden(child):
            continue
        else:
            _collect(child, parts)
            if tag == W + "p":
                parts.append("\n")


def _hidden(run) -> bool:
    """Whether a run is hidden text (w:vanish), which Word does not show or print."""
    vanish = run.find(f"{W}rPr/{W}vanish")
    return vanish is not None and vanish.get(W + "val", "true").lower() not in _OFF
