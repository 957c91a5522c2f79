"""An action plan kept as a spreadsheet: an Excel workbook (.xlsx, read with openpyxl) or a CSV file, as
tables of rows of cell texts, a merged cell's text in every cell it covers."""

from __future__ import annotations

import csv
import datetime as dt
import io

from .blocks import MAX_BYTES, MAX_ROWS, FileError
from .word import check_zip


def _cell(value: object) -> str:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value).strip()


def read_workbook(data: bytes) -> list[list[list[str]]]:
    """Each sheet's rows (at most MAX_ROWS), as text."""
    import openpyxl  # imported here: `dhr build` never needs it

    check_zip(data, "Excel")
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise FileError(f"it could not be read as an Excel workbook ({type(exc).__name__}); open it in Excel and "
                        "save it again as .xlsx") from None
    tables = []
    for sheet in workbook.worksheets:
        height, width = min(sheet.max_row, MAX_ROWS), min(sheet.max_column, 60)
        rows = [[_cell(sheet.cell(r, c).value) for c in range(1, width + 1)] for r in range(1, height + 1)]
        for merged in sheet.merged_cells.ranges:  # the text is in its top-left cell only
            text = _cell(sheet.cell(merged.min_row, merged.min_col).value)
            for r in range(merged.min_row, min(merged.max_row, height) + 1):
                for c in range(merged.min_col, min(merged.max_col, width) + 1):
                    rows[r - 1][c - 1] = text
        tables.append(rows)
    workbook.close()
    return tables


def read_csv(data: bytes) -> list[list[list[str]]]:
    """The file's rows as one table; its delimiter (comma, semicolon or tab) found from its first lines."""
    if len(data) > MAX_BYTES:
        raise FileError(f"it is {len(data) // 1_000_000} MB; check it is the right file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")  # as Excel saves CSV on Windows
    try:
        dialect = csv.Sniffer().sniff(text[:8192], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel  # type: ignore[assignment]
    rows = []
    for number, row in enumerate(csv.reader(io.StringIO(text), dialect)):
        if number >= MAX_ROWS:
            break
        rows.append([cell.strip() for cell in row])
    return [rows]
