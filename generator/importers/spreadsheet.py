"""An action plan kept as a spreadsheet: an Excel workbook (.xlsx) or a CSV file, as tables of cell texts.

A workbook is read with openpyxl in read-only mode, one row at a time, after its XML has been
measured: more cells, cells in a row or rows than Excel itself allows (or a plan could hold) are
refused before openpyxl sees them. Merged ranges are read here from the sheet's XML and clipped to
the rows the sheet really has, so `A5:XFD1048576` costs no more than the cells it covers: a merged
cell's text is in each row it spans (marked as a copy), and in its first column only.

A CSV file is read as Excel writes it: RFC 4180 quotes (`"`, never a guessed `'`), a byte order
mark, comma, semicolon or tab (the one that splits its first rows most consistently, or Excel's
`sep=` line), and cells as large as the file. A file that is not text (a workbook renamed .csv), a row of
more than MAX_CSV_COLUMNS cells, or a quote never closed is refused with the reason.
"""

from __future__ import annotations

import bisect
import collections
import csv
import datetime as dt
import io
import re
import zipfile

from .blocks import MAX_BYTES, FileError
from .tables import MAX_COLUMNS, MAX_TABLE_ROWS, Table, capped
from .word import check_zip

MAX_CELLS = 500_000  # cells of a workbook's sheets together: a plan of 20,000 rows of 15 columns has 300,000
MAX_TAGS = 6_000_000  # XML elements in all a workbook's parts
MAX_MERGES = 100_000  # merged ranges in one sheet
MAX_PART_TAGS = 200_000  # XML elements of a part other than a sheet or the texts (styles: 35 microseconds each)
MAX_STRINGS = 200_000  # texts a workbook's cells share (25 microseconds each): some 5 seconds at most
MAX_SPREAD = 20_000_000  # the widths of a workbook's rows together (openpyxl makes each row as wide as its last cell)
EXCEL_ROWS, EXCEL_COLUMNS = 1_048_576, 16_384
_TAG = re.compile(rb"<(?:[\w.-]+:)?(row|c)(?=[\s/>])([^>]*)>")
_REF = re.compile(rb"\sr\s*=\s*[\"']([A-Za-z]*)(\d*)[\"']")
_MERGE = re.compile(rb"<(?:[\w.-]+:)?mergeCell\s[^>]*?ref\s*=\s*[\"']"
                    rb"([A-Za-z]{1,3})(\d{1,7})(?::([A-Za-z]{1,3})(\d{1,7}))?")
_STRING = re.compile(rb"<(?:[\w.-]+:)?si(?=[\s/>])")
_DELIMITERS = (",", ";", "\t")
MAX_CSV_COLUMNS = 1_000  # cells in a CSV row: more is refused (those right of MAX_COLUMNS are not read)
_MAGIC = ((b"PK\x03\x04", "zip"), (b"%PDF", "a PDF (.pdf)"),
          (b"\xd0\xcf\x11\xe0", "an old Excel or Word file (.xls or .doc)"), (b"{\\rtf", "a Word file (.rtf)"))
_ZIPPED = ((b"xl/workbook", "an Excel workbook (.xlsx)"), (b"word/document", "a Word file (.docx)"),
           (b"mimetypeapplication/vnd.oasis", "a LibreOffice file (.ods or .odt)"))


def read_workbook(data: bytes) -> list[Table]:
    """Each worksheet as a table (its empty rows left out, each row numbered as Excel numbers it)."""
    import openpyxl  # imported here: `dhr build` never needs it

    check_zip(data, "Excel")
    sheets = _measure(data)
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        tables = [_sheet(sheet, *sheets.get(sheet._worksheet_path.lstrip("/"), ([], 0)))
                  for sheet in workbook.worksheets]
        tables += [Table(f"sheet '{chart.title}'", notes=[f"sheet '{chart.title}' was not imported: it is a chart"])
                   for chart in workbook.chartsheets]
        workbook.close()
    except FileError:
        raise
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise FileError(f"it could not be read as an Excel workbook ({type(exc).__name__}); open it in Excel and "
                        "save it again as .xlsx") from None
    return tables


def _measure(data: bytes) -> dict[str, tuple[list[tuple[int, int, int, int]], int]]:
    """Refuse a workbook whose XML holds more than a plan could; each worksheet's merged ranges and its cells
    right of MAX_COLUMNS, by its part's name."""
    sheets: dict[str, tuple[list[tuple[int, int, int, int]], int]] = {}
    tags, cells = 0, [0, 0]  # cells, and the widths of their rows, so far
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            if not info.filename.endswith((".xml", ".rels")):
                continue
            try:
                xml = archive.read(info)
            except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as exc:
                raise FileError(f"it could not be unpacked ({exc}); open it in Excel and save it again") from None
            tags += xml.count(b"<")
            if tags > MAX_TAGS:
                raise FileError(f"it holds more than {MAX_TAGS:,} XML elements, far more than a plan; it may be "
                                "damaged or malicious, so it was not read")
            if b"<!DOCTYPE" in xml or b"<!ENTITY" in xml:
                raise FileError("it declares XML entities, which Excel never writes; it may be malicious, so it was "
                                "not read")
            if info.filename.startswith("xl/worksheets/"):
                sheets[info.filename] = (_merges(xml), _measure_sheet(xml, cells))
            elif (len(_STRING.findall(xml)) > MAX_STRINGS if info.filename.endswith("sharedStrings.xml")
                  else xml.count(b"<") > MAX_PART_TAGS):
                raise FileError(f"its part {info.filename} holds more than a plan's workbook could (styles, texts); "
                                "it may be damaged or malicious: copy the plan into a new workbook and save that")
    return sheets


def _measure_sheet(xml: bytes, cells: list[int]) -> int:
    """Refuse a sheet with rows out of order or past Excel's last, or more cells than a plan could have (counted
    in `cells` across sheets); returns how many cells with a value lie right of MAX_COLUMNS."""
    row = column = beyond = 0
    for tag in _TAG.finditer(xml):
        ref = _REF.search(tag.group(2))
        if b"&" in tag.group(2) or (ref and (len(ref.group(1)) > 3 or len(ref.group(2)) > 7)):
            raise FileError("a sheet's cell or row has a reference Excel never writes; it is damaged or malicious: "
                            "open it in Excel and save it again")
        if tag.group(1) == b"row":
            number = int(ref.group(2)) if ref and ref.group(2) else row + 1
            if not row < number <= EXCEL_ROWS:
                raise FileError(f"a sheet's rows are out of order or past Excel's last row (row {number} after row "
                                f"{row}); it is damaged: open it in Excel and save it again")
            cells[1] += column
            row, column = number, 0
            continue
        column = _column(ref.group(1)) if ref and ref.group(1) else column + 1
        cells[0] += 1
        if cells[0] > MAX_CELLS or column > EXCEL_COLUMNS or cells[1] > MAX_SPREAD:
            raise FileError(f"it has more than {MAX_CELLS:,} cells, or cells spread over more columns than Excel "
                            "has, far more than a plan; check it is the right file")
        beyond += column > MAX_COLUMNS and not tag.group(2).endswith(b"/")  # <c .../> holds no value
    return beyond


def _merges(xml: bytes) -> list[tuple[int, int, int, int]]:
    """A sheet's merged ranges as (first row, first column, last row, last column), as Excel numbers them."""
    found = []
    for number, merge in enumerate(_MERGE.finditer(xml)):
        if number >= MAX_MERGES:
            raise FileError(f"a sheet has more than {MAX_MERGES:,} merged ranges, far more than a plan; it may be "
                            "damaged or malicious, so it was not read")
        first_col, first_row = _column(merge.group(1)), int(merge.group(2))
        last_col = _column(merge.group(3)) if merge.group(3) else first_col
        last_row = int(merge.group(4)) if merge.group(4) else first_row
        if 1 <= first_row <= last_row and 1 <= first_col <= last_col:
            found.append((first_row, first_col, min(last_row, EXCEL_ROWS), min(last_col, EXCEL_COLUMNS)))
    return found


def _column(letters: bytes) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + letter - 64
    return number


def _sheet(sheet, merges: list[tuple[int, int, int, int]], beyond: int) -> Table:
    """One worksheet's rows of cell texts, its merged ranges applied (clipped to the rows it has)."""
    table = Table(f"sheet '{sheet.title}'", letters=True)
    sheet.reset_dimensions()  # its stated size may be absurd: read the rows it has
    for number, row in enumerate(sheet.iter_rows(), 1):
        if number > EXCEL_ROWS:  # measured before, so never; but openpyxl would go on for as long as a row says
            raise FileError(f"{table.name} goes past Excel's last row; it is damaged: open it in Excel and save it "
                            "again")
        cells = [_text(cell.value) for cell in row[:MAX_COLUMNS]]
        if not any(cells):
            continue
        index = len(table.rows)
        while not cells[-1]:
            cells.pop()
        table.rows.append(cells)
        table.numbers.append(number)
        for column, cell in enumerate(row[:MAX_COLUMNS]):
            if getattr(cell, "has_style", False) and (colour := _fill(cell)):
                table.fills[(index, column)] = colour
    if beyond:
        table.notes.append(f"{table.name}: {beyond} cells right of column {MAX_COLUMNS} were not read")
    _apply(table, merges)
    return table


def _apply(table: Table, merges: list[tuple[int, int, int, int]]) -> None:
    """A merged range's text into each row it spans (a copy there), its first column only; the cells it hides
    emptied. Ranges are clipped to the table's rows and columns first, so their size costs nothing."""
    area = 0
    width = max((len(row) for row in table.rows), default=0)
    clipped = []
    for first_row, first_col, last_row, last_col in merges:
        if first_col > width:
            continue
        start, end = bisect.bisect_left(table.numbers, first_row), bisect.bisect_right(table.numbers, last_row)
        area += (end - start) * (min(last_col, width) - first_col + 1)
        if area > len(table.rows) * width:
            raise FileError(f"{table.name}'s merged ranges overlap; it is damaged: open it in Excel and save it again")
        clipped.append((first_row, first_col - 1, start, end, min(last_col, width) - first_col + 1))
    for first_row, column, start, end, span in clipped:
        origin = start if start < len(table.numbers) and table.numbers[start] == first_row else None
        text = table.rows[origin][column] if origin is not None and column < len(table.rows[origin]) else ""
        fill = table.fills.get((origin, column)) if origin is not None else None
        for index in range(start, end):
            row = table.rows[index]
            row += [""] * (column + span - len(row))
            row[column:column + span] = [text] + [""] * (span - 1)
            if span > 1:
                table.spans[(index, column)] = span
            if index != origin:
                table.copies.add((index, column))
                if fill:
                    table.fills[(index, column)] = fill


def _text(value: object) -> str:
    """A cell's value as text; a date as YYYY-MM-DD (Excel dates are unambiguous)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _fill(cell) -> str:
    """A cell's solid fill colour as RRGGBB, or "" (none, a pattern, or a theme colour)."""
    fill = cell.fill
    colour = getattr(fill, "fgColor", None)
    if getattr(fill, "fill_type", None) != "solid" or colour is None or colour.type != "rgb":
        return ""
    rgb = str(colour.rgb).upper()
    return rgb[-6:] if re.fullmatch(r"[0-9A-F]{6}|[0-9A-F]{8}", rgb) else ""


def read_csv(data: bytes) -> list[Table]:
    """The file's rows as one table; its delimiter (comma, semicolon or tab) found from its first rows."""
    if len(data) > MAX_BYTES:
        raise FileError(f"it is {len(data) // 1_000_000} MB; check it is the right file")
    table = Table("")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16", errors="replace")  # Excel's "Unicode Text"
    else:
        _not_binary(data)
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")  # as Excel saves CSV on Windows
            table.notes.append("the file is not UTF-8: it was read as Windows-1252, as Excel saves CSV on Windows")
    hint = re.match(r"sep=([,;\t|])\r?\n", text)
    delimiter = hint.group(1) if hint else _delimiter(text)
    if hint:
        text = text[hint.end():]
    csv.field_size_limit(MAX_BYTES)  # a cell may be as large as the file
    lines = io.StringIO(text, newline="")
    reader = csv.reader(lines, delimiter=delimiter, quotechar='"', doublequote=True, strict=False)
    beyond, start, number = 0, 0, int(bool(hint))
    try:
        while True:
            before = lines.tell()
            row = next(reader, None)
            if row is None:
                break
            start, number = before, number + 1
            if len(row) > MAX_CSV_COLUMNS:
                raise FileError(f"row {number} has {len(row):,} cells, far more than a plan's columns (at most "
                                f"{MAX_CSV_COLUMNS:,} are read); check it is the right file, or delete the columns "
                                "right of the plan and save it again")
            if not any(cell.strip() for cell in row):
                continue
            if len(table.rows) >= MAX_TABLE_ROWS:
                raise FileError(f"it has more than {MAX_TABLE_ROWS:,} rows, far more than a plan; split it, or "
                                "check it is the right file")
            beyond += sum(1 for cell in row[MAX_COLUMNS:] if cell.strip())
            table.rows.append([cell.strip() for cell in row[:MAX_COLUMNS]])
            table.numbers.append(number)
    except csv.Error as exc:
        raise FileError(f"it could not be read as CSV ({exc}); open it in Excel and save it again as CSV") from None
    if number and _unclosed(lines, start, delimiter):
        raise FileError(f"row {number}: a quote opens here and is never closed, so the rest of the file would be "
                        "read as one cell; check the file in a spreadsheet and save it again as CSV")
    if beyond:
        table.notes.append(f"{beyond} cells right of column {MAX_COLUMNS} were not read")
    table.notes += _ragged(table)
    return [table]


def _not_binary(data: bytes) -> None:
    """Refuse a file that is not text at all (a workbook, a PDF, a Word file renamed .csv), saying what it is."""
    head = data[:65536]
    kind = next((name for magic, name in _MAGIC if head.startswith(magic)), None)
    if kind == "zip":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:  # its list of parts only: nothing is unpacked
                names = "\n".join(archive.namelist()[:1000]).encode() + head[:100]
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            names = head[:100]
        kind = next((name for part, name in _ZIPPED if part in names), "a zip archive")
    elif kind is None and head.count(0) > max(2, len(head) // 100):
        kind = "binary data, not text"
    if kind:
        raise FileError(f"it is not a CSV file: it looks like {kind}; import that file itself (named for what it "
                        "is), or open it in its program and save it again as CSV")


def _unclosed(lines: io.StringIO, start: int, delimiter: str) -> bool:
    """Whether the file's last row (from `start`) has a quote never closed: read strictly, it ends inside a quoted
    cell. Where the strict reading stops earlier (a quote closed in mid-cell), the lenient one is taken as right."""
    lines.seek(start)
    try:
        for _ in csv.reader(lines, delimiter=delimiter, quotechar='"', strict=True):
            pass
    except csv.Error as exc:
        return "unexpected end of data" in str(exc)
    return False


def _delimiter(text: str) -> str:
    """The delimiter that splits the first rows into the same number of cells most often (quotes respected)."""
    sample = text[:65536]
    best, score = ",", (0, 0)
    for delimiter in _DELIMITERS:
        rows = list(csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter, quotechar='"', strict=False))
        widths = collections.Counter(len(row) for row in rows[:50] if len(row) > 1 and any(row))
        if widths:
            width, count = max(widths.items(), key=lambda item: (item[1], item[0]))
            if (count, width) > score:
                best, score = delimiter, (count, width)
    return best


def _ragged(table: Table) -> list[str]:
    """Rows with fewer or more cells than most rows: said, since a CSV writer gives every row the same number."""
    widths = collections.Counter(len(row) for row in table.rows)
    if len(widths) < 2:
        return []
    usual = widths.most_common(1)[0][0]
    notes, places = [], []
    for index, row in enumerate(table.rows):
        if len(row) < usual:
            notes.append(f"{table.where(index)} has {len(row)} cells where most rows have {usual}: the missing cells "
                         "were read as empty")
        elif len(row) > usual and any(row[usual:]):
            notes.append(f"{table.where(index)} has {len(row)} cells where most rows have {usual}")
        else:
            continue
        places.append(table.where(index))
    return capped(notes, f"rows have a number of cells other than {usual}", places)
