"""Action plans made as partnerships make them: an Excel workbook (a merged title row, a recommendation merged
over its two action rows, Excel dates, RAG fill colours, a second plan sheet and a sheet of drop-down lists),
the same plan as a Word table (cells merged down with vMerge, a title row spanning the table, shading, a
tracked deletion and hidden text, a glossary table after it), and as CSV as Excel's "Save as" writes it (a
byte order mark, CRLF, quoted cells holding line breaks and commas; the semicolon and tab variants)."""

from __future__ import annotations

import csv
import datetime as dt
import io

AGENCIES = ("Test Police", "Test County Council", "Home Office")
TITLE = "Domestic Homicide Review 'Alice': the partnership's action plan"
HEADINGS = ["Rec No.", "Recommendation", "Scope", "Lead Agency", "Action to take", "Lead Officer", "Target Date",
            "RAG", "Date completed", "Progress update", "Notes for the board"]
D = dt.datetime
# Recommendation 1 is merged over its two action rows (None: the cell is covered by the merge above); its second
# action has its own agency, lead, target and status. An empty RAG cell coloured green stands for "complete".
ROWS: list[list[object]] = [
    ["1", "Review the MARAC referral pathway so that repeat victims are referred, and record each referral.",
     "Local", "Test Police", "Audit referrals from 2023", "Head of Safeguarding", D(2025, 3, 31), "Green",
     D(2025, 2, 12), "12/02/2025: Audit completed and reported to the board", "Board in March, see the minutes"],
    [None, None, None, "Test County Council", "Train call handlers on repeat-victim flags", "Training Manager",
     D(2025, 9, 30), "Amber", None, "01/09/2025: two of five sessions held\nthree more booked", ""],
    ["2", "Share safeguarding concerns with GPs within 48 hours.", "Regional", "Test Cownty Council",
     "Agree an information-sharing protocol\n\u2022 Publish it to practitioners", "Director of Adult Services",
     "June 2026", "Amber", None, "Draft protocol circulated", ""],
    ["3", "Publish the learning briefing to all partners; the family's views included.", "Local", "Home Office",
     "Write and circulate a briefing", "DHR Coordinator", D(2025, 1, 31), "", D(2025, 1, 20),
     "20/01/2025 - briefing sent, 212 partners", ""],
]
FILLS = {(0, 7): "FF00B050", (1, 7): "FFFFC000", (2, 7): "FFFFC000", (3, 7): "FF00B050"}  # (row, column): ARGB
NATIONAL_HEADINGS = ["No", "Recommendation", "Agency", "Action", "Status", "Target"]
NATIONAL = [["1", "The Home Office should update the statutory guidance on repeat victims.", "Home Office",
             "Raise at the national DHR oversight board", "Not started", "March 2026"]]
LISTS = [["RAG"], ["Red"], ["Amber"], ["Green"]]


def _shown(value: object, european: bool = False) -> str:
    """A cell as Excel shows it (and writes it to CSV): dates as dd/mm/yyyy (dd.mm.yyyy in much of Europe)."""
    if isinstance(value, dt.datetime):
        return value.strftime("%d.%m.%Y" if european else "%d/%m/%Y")
    return "" if value is None else str(value)


def plan_workbook() -> bytes:
    """The plan as Excel keeps it: merged title, headings, merged recommendation 1, dates as date cells with a
    day-first number format, RAG colours; a second sheet of national recommendations; a sheet of lists."""
    import openpyxl
    from openpyxl.styles import Alignment, Font, PatternFill

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Local plan"
    sheet.append([TITLE])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADINGS))
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(HEADINGS)
    for row in ROWS:
        sheet.append(row)
    for column in (1, 2, 3):  # recommendation 1 over rows 3 and 4
        sheet.merge_cells(start_row=3, start_column=column, end_row=4, end_column=column)
    for (row, column), colour in FILLS.items():
        sheet.cell(row + 3, column + 1).fill = PatternFill("solid", fgColor=colour)
    for cells in sheet.iter_rows(min_row=3):
        for cell in cells:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if isinstance(cell.value, dt.datetime):
                cell.number_format = "dd/mm/yyyy"
    national = workbook.create_sheet("National")
    for row in [NATIONAL_HEADINGS, *NATIONAL]:
        national.append(row)
    lists = workbook.create_sheet("Lists")
    for row in LISTS:
        lists.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def plan_csv(delimiter: str = ",") -> bytes:
    """The plan's first sheet saved from Excel: "CSV UTF-8" (a byte order mark, commas), or as much of Europe
    saves it (semicolons, day.month.year, Windows-1252), or "Text (Tab delimited)". Merged cells are written in
    their first cell only, the other cells they cover left empty, and every row as wide as the sheet."""
    european = delimiter == ";"
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow([TITLE] + [""] * (len(HEADINGS) - 1))
    writer.writerow(HEADINGS)
    for row in ROWS:
        writer.writerow([_shown(value, european) for value in row])
    text = out.getvalue()
    return b"\xef\xbb\xbf" + text.encode() if delimiter == "," else text.encode("cp1252")


def plan_document() -> bytes:
    """The plan as a Word table: a title row spanning the table, headings, recommendation 1's cells merged down
    over its two actions (vMerge), RAG shading; a deleted word and a hidden note in it; a glossary table after."""
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    document = docx.Document()
    document.add_heading("Action plan", 1)
    document.add_paragraph("The recommendations of the review and the partnership's actions.")
    table = document.add_table(rows=2 + len(ROWS), cols=len(HEADINGS))
    table.style = "Table Grid"
    title = table.cell(0, 0).merge(table.cell(0, len(HEADINGS) - 1))
    title.text = TITLE
    for column, heading in enumerate(HEADINGS):
        table.cell(1, column).text = heading
    for number, row in enumerate(ROWS):
        for column, value in enumerate(row):
            if value is not None:
                lines = _shown(value).split("\n")
                cell = table.cell(number + 2, column)
                cell.text = lines[0]
                for line in lines[1:]:
                    cell.add_paragraph(line)
            if (number, column) in FILLS:
                shading = OxmlElement("w:shd")
                shading.set(qn("w:val"), "clear")
                shading.set(qn("w:fill"), FILLS[(number, column)][2:])
                table.cell(number + 2, column)._tc.get_or_add_tcPr().append(shading)
    for column in (0, 1, 2):
        table.cell(2, column).merge(table.cell(3, column))
    action = table.cell(4, 4).paragraphs[0]  # recommendation 2's action: a tracked deletion and a hidden note
    deleted = OxmlElement("w:del")
    deleted.set(qn("w:id"), "1")
    deleted.set(qn("w:author"), "Officer")
    run = OxmlElement("w:r")
    text = OxmlElement("w:delText")
    text.text = " with every surgery"
    run.append(text)
    deleted.append(run)
    action._p.append(deleted)
    hidden = action.add_run(" (draft: check with the ICB)")
    hidden.font.hidden = True
    document.add_paragraph("Glossary")
    glossary = document.add_table(rows=2, cols=2)
    for column, text in enumerate(["Term", "Meaning"]):
        glossary.cell(0, column).text = text
    for column, text in enumerate(["MARAC", "Multi-Agency Risk Assessment Conference"]):
        glossary.cell(1, column).text = text
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
