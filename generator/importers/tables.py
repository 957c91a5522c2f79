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
import zipfile
from dataclasses import dataclass, field

from .blocks import FileError

MAX_TABLE_ROWS = 20_000  # rows of a file's tables together: a plan has hundreds
MAX_COLUMNS = 200  # columns of a table (Word allows 63): cells further right are listed, not read
MAX_TABLES = 200  # tables of one document read
MAX_ROW_TAGS = 100_000  # XML elements in one row (a row of 63 cells of 30 paragraphs has some 20,000)
MAX_TAGS = 5_000_000  # XML elements in all the tables of a document
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

    def where(self, row: int) -> str:
        """'sheet 'Plan' row 5': where row `row` (an index into rows) is, as the officer finds it."""
        return f"{self.name} row {self.numbers[row]}" if self.name else f"row {self.numbers[row]}"


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


def _outer(row) -> bool:  # type: ignore[no-untyped-def] - lxml elements
    """Whether a row is the outermost table's (through any content controls around it), not a nested one's."""
    parent = row.getparent()
    while parent is not None and parent.tag != W + "tbl":
        parent = parent.getparent()
    return parent is not None and parent.getparent() is not None and parent.getparent().getparent() is None


def _row(row, table: Table, above: dict[int, tuple[str, str]]) -> int:  # type: ignore[no-untyped-def]
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


def _cells(row):  # type: ignore[no-untyped-def] - lxml elements
    """A row's cells, in order, through any content controls or custom XML around them."""
    for child in row:
        if child.tag == W + "tc":
            yield child
        elif child.tag in _CONTAINERS:
            yield from _cells(child)


def _number(element, default: int) -> int:  # type: ignore[no-untyped-def]
    """An element's w:val as a whole number (a span, a count of grid columns), else `default`."""
    value = None if element is None else element.get(W + "val", "")
    return int(value) if value and value.isdigit() and len(value) < 7 else default


def _text(element) -> str:  # type: ignore[no-untyped-def]
    """The text a reader sees in an element: its paragraphs as lines; deleted and hidden runs left out."""
    parts: list[str] = []
    _collect(element, parts)
    return "".join(parts)


def _collect(element, parts: list[str]) -> None:  # type: ignore[no-untyped-def]
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


def _hidden(run) -> bool:  # type: ignore[no-untyped-def]
    """Whether a run is hidden text (w:vanish), which Word does not show or print."""
    vanish = run.find(f"{W}rPr/{W}vanish")
    return vanish is not None and vanish.get(W + "val", "true").lower() not in _OFF
