"""Importing action plans: the same plan as Excel, Word and CSV (as Excel saves it, in three locales) gives the
same recommendations, every row an action and every cell read or named; hostile cells reach the YAML only as
values; hostile files are refused with one line, in bounded time and memory."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from conftest import REPO
from plan_files import AGENCIES, plan_csv, plan_document, plan_workbook

from generator.importers.blocks import FileError
from generator.importers.plan import Plan, plan_from_tables
from generator.importers.plan_columns import read_date, read_status
from generator.importers.plan_yaml import plan_yaml
from generator.importers.spreadsheet import read_csv, read_workbook
from generator.importers.tables import Table
from generator.importers.word import read_word_tables

TODAY = dt.date(2025, 10, 15)
READERS: dict[str, Callable[[bytes], list[Table]]] = {"xlsx": read_workbook, "docx": read_word_tables,
                                                       "csv": read_csv}
FILES = {"xlsx": plan_workbook, "docx": plan_document, "csv": plan_csv, "csv-semicolon": lambda: plan_csv(";"),
         "csv-tab": lambda: plan_csv("\t")}
RECOMMENDATION_1 = {
    "number": "1",
    "text": "Review the MARAC referral pathway so that repeat victims are referred, and record each referral.",
    "scope": "local",
    "actions": [
        {"text": "Audit referrals from 2023", "agency": "Test Police", "lead": "Head of Safeguarding",
         "target": dt.date(2025, 3, 31), "status": "complete", "completed": dt.date(2025, 2, 12),
         "updates": [{"date": dt.date(2025, 2, 12), "text": "Audit completed and reported to the board"}]},
        {"text": "Train call handlers on repeat-victim flags", "agency": "Test County Council",
         "lead": "Training Manager", "target": dt.date(2025, 9, 30), "status": "in-progress",
         "updates": [{"date": dt.date(2025, 9, 1), "text": "two of five sessions held\nthree more booked"}]},
    ],
}
RECOMMENDATION_2 = {
    "number": "2", "text": "Share safeguarding concerns with GPs within 48 hours.", "scope": "regional",
    "agency": "Test Cownty Council",
    "actions": [{"text": "Agree an information-sharing protocol"}, {"text": "Publish it to practitioners"}],
    "lead": "Director of Adult Services", "target": dt.date(2026, 6, 30), "status": "in-progress",
    "updates": [{"text": "Draft protocol circulated"}],  # its date left as a commented line to fill in
}


def imported(kind: str, data: bytes) -> Plan:
    return plan_from_tables(READERS[kind.split("-")[0]](data), AGENCIES, TODAY)


@pytest.mark.parametrize("kind", list(FILES))
def test_the_same_plan_as_excel_word_or_csv_gives_the_same_recommendations(kind: str) -> None:
    plan = imported(kind, FILES[kind]())
    recommendations = yaml.safe_load(plan.yaml)["recommendations"]
    assert recommendations[:2] == [RECOMMENDATION_1, RECOMMENDATION_2]
    third = recommendations[2]
    assert third["actions"] == [{"text": "Write and circulate a briefing"}]
    assert third["completed"] == dt.date(2025, 1, 20)
    assert third["updates"] == [{"date": dt.date(2025, 1, 20), "text": "briefing sent, 212 partners"}]
    # the empty RAG cell is coloured green in Excel and Word; a CSV file has no colours, so it is left to fill in
    assert third.get("status") == (None if kind.startswith("csv") else "complete")
    said = "\n".join(plan.notes)
    where = {"xlsx": "sheet 'Local plan' row", "docx": "table 1 row"}.get(kind, "row")
    assert f"{where} 3: status 'Green' (RAG) read as complete" in said
    assert f"{where} 5: target 'June 2026' read as its last day, 2026-06-30" in said
    assert f"{where} 5: agency 'Test Cownty Council' is not in site.yaml's list of agencies: did you mean 'Test " \
           "County Council'?" in said
    assert f"{where} 3: 'Notes for the board' was not imported: Board in March, see the minutes" in said
    assert f"{where} 1, above the headings, was not imported: 'Domestic Homicide Review 'Alice'" in said
    assert f"{where} 5: the action cell's 2 lines read as 2 actions" in said
    assert "# date: YYYY-MM-DD (the plan gives none: when was this reported?)\n      - text: Draft protocol" \
           in plan.yaml
    if not kind.startswith("csv"):
        assert f"{where} 6: the status cell, coloured #00B050 (RAG), read as complete" in said


def test_a_second_action_row_keeps_its_own_lead_target_and_status_so_the_recommendation_is_not_complete() -> None:
    [first] = [r for r in yaml.safe_load(imported("xlsx", plan_workbook()).yaml)["recommendations"]
               if r["number"] == "1"]
    assert "status" not in first and [a["status"] for a in first["actions"]] == ["complete", "in-progress"]
    assert [a["lead"] for a in first["actions"]] == ["Head of Safeguarding", "Training Manager"]


def test_a_second_sheet_is_appended_with_a_number_of_its_own_and_a_sheet_that_is_no_plan_is_named() -> None:
    plan = imported("xlsx", plan_workbook())
    national = yaml.safe_load(plan.yaml)["recommendations"][3]
    assert national == {"number": "4", "text": "The Home Office should update the statutory guidance on repeat "
                        "victims.", "agency": "Home Office",
                        "actions": [{"text": "Raise at the national DHR oversight board"}],
                        "target": dt.date(2026, 3, 31), "status": "planned"}
    assert "# scope: local, regional or national (not in the file: fill it in)" in plan.yaml
    assert "sheet 'National' row 2: recommendation 1 is already a different recommendation (sheet 'Local plan' " \
           "row 3), so this one was numbered 4; correct it" in plan.notes
    assert any(n.startswith("sheet 'Lists' was not imported: none of its first rows names the columns")
               for n in plan.notes)
    assert (plan.recommendations, plan.actions) == (4, 6)  # a cell of two lines is two actions


def test_word_leaves_out_deleted_and_hidden_text_and_names_a_table_that_is_no_plan() -> None:
    plan = imported("docx", plan_document())
    assert "surgery" not in plan.yaml and "ICB" not in plan.yaml
    assert any(n.startswith("table 2 was not imported: none of its first rows") for n in plan.notes)


def test_a_recommendation_given_again_on_another_sheet_gains_the_rows_there() -> None:
    header = ["No", "Recommendation", "Agency", "Action"]
    tables = [Table("sheet 'Police'", [header, ["1", "Share records.", "Test Police", "Audit"]], [1, 2]),
              Table("sheet 'Council'", [header, ["1", "Share records.", "Test County Council", "Train"]], [1, 2])]
    plan = plan_from_tables(tables, AGENCIES, TODAY)
    [only] = yaml.safe_load(plan.yaml)["recommendations"]
    assert only["actions"] == [{"text": "Audit", "agency": "Test Police"},
                               {"text": "Train", "agency": "Test County Council"}]
    assert "sheet 'Council' row 2 continues recommendation 1 (sheet 'Police' row 2): its rows were added to it" \
           in plan.notes


HOSTILE = [
    "Line one\nscope: national\nstatus: complete",
    "# not a comment",
    "'single' and \"double\" quotes",
    "---",
    "!!python/object/apply:os.system ['echo owned']",
    "key: value",
    "&anchor *alias",
    "- item",
    "{flow: map}",
    "%YAML 1.2",
    "...",
    "null",
    "2025-01-01",
    "@at `back`",
]


def test_hostile_cells_reach_the_yaml_only_as_the_values_they_are() -> None:
    rows = [["No", "Recommendation", "Agency", "Action", "Lead", "Progress"]]
    for number, text in enumerate(HOSTILE, 1):
        rows.append([str(number), f"Rec {text}", "Test Police\x00\x1b[31m", text, f"Lead {text}\x07",
                     f"01/02/2025: {text}\u2028more"])
    data = "\r\n".join(",".join('"' + cell.replace('"', '""') + '"' for cell in row) for row in rows).encode()
    plan = imported("csv", data)
    written = yaml.safe_load(plan.yaml)["recommendations"]
    assert len(written) == len(HOSTILE)
    for number, (recommendation, text) in enumerate(zip(written, HOSTILE, strict=True), 1):
        one = " ".join(text.split())
        assert recommendation == {  # scope, target and status: commented lines to fill in; texts keep their lines
            "number": str(number), "text": f"Rec {text}", "agency": "Test Police[31m",
            "actions": [{"text": text.removeprefix("- ")}],  # an action's bullet is dropped
            "lead": f"Lead {one}", "updates": [{"date": dt.date(2025, 2, 1), "text": f"{text}\nmore"}]}
    assert all(line.startswith(("#", "recommendations:", " ")) for line in plan.yaml.splitlines())
    invisible = [note for note in plan.notes if "invisible" in note]
    assert invisible[0] == "row 2, column 3 'Agency': 2 invisible character(s) removed (U+0000, U+001B); it now " \
                           "reads 'Test Police[31m'"
    assert len(invisible) == 21 and invisible[-1].startswith("... and 8 more cells had invisible characters removed")
    comments = [line.strip() for line in plan.yaml.splitlines() if line.strip().startswith("#")]
    assert all(not any(text in comment for text in ("owned", "flow", "anchor")) for comment in comments)


def test_a_csv_is_read_with_double_quotes_only_whatever_its_apostrophes() -> None:
    data = ("\ufeffDHR 'Alice' - the partnership's plan, as agreed,,\r\n"
            "No,Recommendation,Agency,Action\r\n"
            "1,\"Review the family's contact, and the GP's, with 'care'\",Test Police,\"Audit it\nthen report\"\r\n"
            "2,Train staff,Test Police,Train\r\n").encode()
    plan = imported("csv", data)
    written = yaml.safe_load(plan.yaml)["recommendations"]
    assert [r["text"] for r in written] == ["Review the family's contact, and the GP's, with 'care'", "Train staff"]
    assert written[0]["actions"] == [{"text": "Audit it\nthen report"}]  # a lower-case line: the same action


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_the_delimiter_is_the_one_that_splits_the_rows_alike(delimiter: str) -> None:
    rows = [["Title, with; a comma", "", ""], ["No", "Recommendation", "Action"],
            ["1", "Share records; then review, yearly", "Audit\tit"], ["2", "Train", "Train, twice; yearly"]]
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    written = yaml.safe_load(imported("csv", out.getvalue().encode()).yaml)["recommendations"]
    assert [r["text"] for r in written] == ["Share records; then review, yearly", "Train"]


def test_no_csv_row_is_dropped_and_too_many_are_refused_with_one_line() -> None:
    body = "".join(f"{n},Recommendation {n},Audit {n}\r\n" for n in range(1, 2201))
    plan = imported("csv", ("No,Recommendation,Action\r\n" + body).encode())
    assert plan.recommendations == 2200
    too_many = "".join(f"{n},R{n},A\r\n" for n in range(1, 20_002))
    with pytest.raises(FileError, match=r"^it has more than 20,000 rows"):
        imported("csv", ("No,Recommendation,Action\r\n" + too_many).encode())


def test_a_cell_larger_than_the_csv_modules_default_limit_is_read_whole() -> None:
    big = "word " * 60_000  # 300 KB, over csv's 128 KiB
    plan = imported("csv", f'No,Recommendation,Action\r\n1,"{big}",Audit\r\n'.encode())
    assert yaml.safe_load(plan.yaml)["recommendations"][0]["text"] == big.strip()


def test_short_rows_and_extra_cells_are_reported_not_crashed_on() -> None:
    data = b"No,Recommendation,Agency,Action\r\n1,Share records\r\n2,Train,Test Police,Train,extra cell\r\n" \
           b"3,Review,Test Police,Audit\r\n"
    plan = imported("csv", data)
    assert plan.recommendations == 3
    assert "row 2 has 2 cells where most rows have 4: the missing cells were read as empty" in plan.notes
    assert "row 3: column 5 (no heading) was not imported: extra cell" in plan.notes


def test_a_csv_with_a_quote_never_closed_is_refused_naming_the_row_it_opens_in() -> None:
    with pytest.raises(FileError, match=r"^row 3: a quote opens here and is never closed, so the rest of the file "
                                        r"would be read as one cell; check the file in a spreadsheet"):
        imported("csv", b'No,Recommendation,Action\r\n1,Train,Train\r\n2,"Share records,Audit\r\n3,Train,x\r\n')
    data = b'No,Recommendation,Action\r\n1,"Share ""all"" records\r\nyearly",Audit\r\n2,The 5" form,Train'
    assert yaml.safe_load(imported("csv", data).yaml)["recommendations"][1]["text"] == 'The 5" form'  # not a quote


def test_invisible_characters_are_removed_and_each_cell_changed_is_named_with_its_sheet_row_and_column() -> None:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Plan"
    sheet.append(["No", "Recommendation", "Agency", "Action"])
    sheet.append([1, "Share records", "Test Police", "Audit\u202eevil\u202c"])
    sheet.append([2, "Train\u200b staff", "Test Police", "Train"])
    out = io.BytesIO()
    workbook.save(out)
    plan = imported("xlsx", out.getvalue())
    written = yaml.safe_load(plan.yaml)["recommendations"]
    assert [written[0]["actions"], written[1]["text"]] == [[{"text": "Auditevil"}], "Train staff"]
    assert plan.notes[:2] == [
        "sheet 'Plan' row 2, column D 'Action': 2 invisible character(s) removed (U+202E, U+202C); it now reads "
        "'Auditevil'",
        "sheet 'Plan' row 3, column B 'Recommendation': 1 invisible character(s) removed (U+200B); it now reads "
        "'Train staff'"]
    many = "No,Recommendation,Action\r\n" + "".join(f"{n},Rec\x07 {n},Audit\r\n" for n in range(1, 31))
    notes = [n for n in imported("csv", many.encode()).notes if "invisible" in n]
    assert len(notes) == 21 and notes[-1].startswith("... and 10 more cells had invisible characters removed: "
                                                     "row 22 column 2 'Recommendation'; row 23 column 2")


def test_a_text_of_several_lines_keeps_them_as_a_block_and_reads_back_the_same() -> None:
    data = (b'No,Recommendation,Agency,Action,Progress,Evidence\r\n'
            b'1,"Kent Police should:\n- review flags\nstatus: complete","Test Police","Audit\nthen report",'
            b'"01/02/2025: Audit done\n# all of it","Report\n---\n..."\r\n')
    plan = imported("csv", data)
    [rec] = yaml.safe_load(plan.yaml)["recommendations"]
    assert rec["text"] == "Kent Police should:\n- review flags\nstatus: complete"
    assert rec["actions"] == [{"text": "Audit\nthen report"}] and rec["evidence"] == "Report\n---\n..."
    assert rec["updates"] == [{"date": dt.date(2025, 2, 1), "text": "Audit done\n# all of it"}]
    assert "    text: |-\n      Kent Police should:\n      - review flags\n      status: complete\n" in plan.yaml
    fields = [("number", "1"), ("text", " starts with a space\nand ends with one \nthen"),
              ("actions", [[("text", "one\ntwo"), ("lead", "x")], "three\nfour"])]
    assert yaml.safe_load(plan_yaml([fields], TODAY))["recommendations"] == [
        {"number": "1", "text": " starts with a space\nand ends with one \nthen",
         "actions": [{"text": "one\ntwo", "lead": "x"}, "three\nfour"]}]


def test_notes_of_one_kind_are_said_for_twenty_places_then_counted() -> None:
    heading = ",".join(f"Extra {n}" for n in range(1, 41))
    body = "".join(f"{n},Rec {n},Audit,Red,{','.join('x' * 40)}\r\n" for n in range(1, 31))
    notes = imported("csv", f"No,Recommendation,Action,RAG,{heading}\r\n{body}".encode()).notes
    columns = [n for n in notes if "heading is not one dhr knows" in n or "more columns not imported" in n]
    assert len(columns) == 21 and columns[0] == "column 5 'Extra 1' was not imported: its heading is not one dhr knows"
    assert columns[-1].startswith("... and 20 more columns not imported: 'Extra 21'; 'Extra 22'")
    assert sum("not imported: x" in n for n in notes) == 20
    assert any(n.startswith("... and 1,180 more cells not imported: row 2 column 25 'Extra 21'") for n in notes)
    red = [n for n in notes if "(RAG) read as planned" in n]
    assert len(red) == 21 and red[-1] == "... and 10 more rows: status 'Red' (RAG) read as planned: row 22; row 23; " \
                                         "row 24; row 25; row 26; row 27; row 28; row 29; row 30; row 31"


def test_a_csv_far_too_wide_is_refused_and_cells_right_of_column_200_are_said_not_read() -> None:
    with pytest.raises(FileError, match=r"^row 1 has 1,005 cells, far more than a plan's columns"):
        imported("csv", ("No,Recommendation,Action," + ",".join(["x"] * 1002) + "\r\n").encode())
    plan = imported("csv", ("No,Recommendation,Action\r\n1,Train,Train" + ",x" * 300 + "\r\n").encode())
    assert "103 cells right of column 200 were not read" in plan.notes and plan.recommendations == 1


@pytest.mark.parametrize(("make", "said"), [
    (plan_workbook, "an Excel workbook (.xlsx)"), (plan_document, "a Word file (.docx)"),
    (lambda: b"%PDF-1.7\n%\xe2\xe3\n1 0 obj", "a PDF (.pdf)"),
    (lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500), "an old Excel or Word file (.xls or .doc)"),
    (lambda: b"\x89PNG\r\n\x1a\n" + bytes(2000), "binary data, not text"),
])
def test_a_file_that_is_not_text_given_as_csv_is_named_for_what_it_is(make: Callable[[], bytes], said: str) -> None:
    with pytest.raises(FileError, match=rf"^it is not a CSV file: it looks like {re.escape(said)}; import that file"):
        read_csv(make())


@pytest.mark.parametrize(("text", "date", "how"), [
    ("2025-03-31", dt.date(2025, 3, 31), ""),
    ("31/03/2025", dt.date(2025, 3, 31), ""),
    ("03/04/2025", dt.date(2025, 4, 3), "'03/04/2025' read as 2025-04-03 (day first)"),
    ("31.03.25", dt.date(2025, 3, 31), ""),
    ("31st March 2025", dt.date(2025, 3, 31), ""),
    ("31-Mar-25", dt.date(2025, 3, 31), ""),
    ("March 2025", dt.date(2025, 3, 31), "'March 2025' read as its last day, 2025-03-31"),
    ("Sept 2025", dt.date(2025, 9, 30), "'Sept 2025' read as its last day, 2025-09-30"),
    ("Feb-24", dt.date(2024, 2, 29), "'Feb-24' read as its last day, 2024-02-29"),
    ("45747", dt.date(2025, 3, 31), "the Excel date number 45747 read as 2025-03-31"),
    ("By 30/06/2025 (revised)", dt.date(2025, 6, 30), "'30/06/2025' read as 2025-06-30"),
    ("Ongoing", None, ""),
    ("TBC", None, ""),
    ("12345", None, ""),
    ("31/02/2025", None, ""),
])
def test_dates_are_read_day_first_and_a_month_as_its_last_day(text: str, date: dt.date | None, how: str) -> None:
    read, said, _ = read_date(text)
    assert (read, said) == (date, how)


@pytest.mark.parametrize(("text", "status"), [
    ("Green", "complete"), ("G", "complete"), ("Blue - closed", "complete"), ("Amber", "in-progress"),
    ("Red", "planned"), ("Complete", "complete"), ("Partially complete", "in-progress"),
    ("Not yet complete", "in-progress"), ("Not started", "planned"), ("Not accepted", "not-accepted"),
    ("Amber - complete", None), ("Training will be completed by June once the budget is agreed", None),
    ("Unknown", None),
])
def test_statuses_and_rag_colours_never_read_complete_when_the_cell_does_not_say_so(text: str,
                                                                                     status: str | None) -> None:
    assert read_status(text)[0] == status


def test_a_word_file_without_a_table_is_one_clear_line() -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("Our action plan is attached separately.")
    out = io.BytesIO()
    document.save(out)
    with pytest.raises(FileError, match=r"^it has no table: an action plan is read from its table"):
        read_word_tables(out.getvalue())


# Hostile files: each read in a process of its own, its time and peak memory measured.

MEASURE = """
import json, sys, time
from generator.importers.blocks import FileError
from generator.importers.plan import plan_from_tables
from generator.importers.spreadsheet import read_csv, read_workbook
from generator.importers.word import read_word_tables
data = open(sys.argv[1], "rb").read()
reader = {"xlsx": read_workbook, "docx": read_word_tables, "csv": read_csv}[sys.argv[1].rsplit(".", 1)[1]]
started = time.perf_counter()
try:
    plan = plan_from_tables(reader(data), (), __import__("datetime").date(2025, 10, 15))
    said = {"recommendations": plan.recommendations, "notes": plan.notes[:5]}
except FileError as exc:
    said = {"error": str(exc)}
peak = next(line for line in open("/proc/self/status") if line.startswith("VmHWM:"))  # this process's peak
said |= {"seconds": time.perf_counter() - started, "peak_mb": int(peak.split()[1]) / 1024}
print(json.dumps(said))
"""


def _zip_with(base: bytes, changes: dict[str, Callable[[bytes], bytes]]) -> bytes:
    """A copy of a zip (an .xlsx or .docx) with some parts rewritten."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            target.writestr(info.filename, changes[info.filename](data) if info.filename in changes else data)
    return out.getvalue()


def _sheet(change: Callable[[bytes], bytes]) -> bytes:
    return _zip_with(plan_workbook(), {"xl/worksheets/sheet1.xml": change})


def _body(change: Callable[[bytes], bytes]) -> bytes:
    return _zip_with(plan_document(), {"word/document.xml": change})


HOSTILE_FILES: dict[str, tuple[str, Callable[[], bytes], str]] = {
    "merged A5:XFD1048576": ("xlsx", lambda: _sheet(lambda x: x.replace(
        b'<mergeCell ref="A1:K1"/>', b'<mergeCell ref="A1:K1"/><mergeCell ref="A5:XFD1048576"/>').replace(
        b'<mergeCells count="4">', b'<mergeCells count="5">')), "recommendations"),
    "an absurd dimension and a cell at XFD1048576": ("xlsx", lambda: _sheet(lambda x: re.sub(
        rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:XFD1048576"/>', x).replace(
        b"</sheetData>", b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>far</t></is></c></row>'
        b"</sheetData>")), "recommendations"),
    "a row past Excel's last": ("xlsx", lambda: _sheet(lambda x: x.replace(
        b"</sheetData>", b'<row r="2000000"><c t="inlineStr"><is><t>x</t></is></c></row></sheetData>')),
        "past Excel's last row"),
    "a row number hidden in character references": ("xlsx", lambda: _sheet(lambda x: x.replace(
        b"</sheetData>", b'<row r="&#57;&#57;&#57;&#57;&#57;&#57;&#57;&#57;"><c t="inlineStr"><is><t>x</t></is></c>'
        b"</row></sheetData>")), "a reference Excel never writes"),
    "a million cell styles": ("xlsx", lambda: _zip_with(plan_workbook(), {"xl/styles.xml": lambda x: re.sub(
        rb'<cellXfs count="\d+">', lambda m: m.group() + b'<xf numFmtId="0" fontId="0"/>' * 1_000_000, x)}),
        "holds more than a plan's workbook could"),
    "two million empty cells in a row": ("xlsx", lambda: _sheet(lambda x: x.replace(
        b"</sheetData>", b'<row r="900">' + b"<c/>" * 2_000_000 + b"</row></sheetData>")), "cells"),
    "a cell spanning 50 million columns": ("docx", lambda: _body(lambda x: x.replace(
        b"<w:tcPr>", b'<w:tcPr><w:gridSpan w:val="50000000"/>', 1)), "recommendations"),
    "a row of a million cells": ("docx", lambda: _body(lambda x: x.replace(
        b"</w:tr>", b"<w:tc/>" * 1_000_000 + b"</w:tr>", 1)), "elements"),
    "fifteen million empty paragraphs and the plan": ("docx", lambda: _body(lambda x: x.replace(
        b"<w:body>", b"<w:body>" + b"<w:p/>" * 15_000_000)), "recommendations"),
    "a Word file without a table": ("docx", lambda: _body(lambda x: re.sub(rb"<w:tbl>.*</w:tbl>", b"", x,
                                                                          flags=re.DOTALL)), "it has no table"),
    "short CSV rows": ("csv", lambda: b"No,Recommendation,Action\r\n1\r\n2,Train\r\n" * 2, "recommendations"),
    "a CSV of 200,000 columns": ("csv", lambda: ",".join(["No", "Recommendation", "Action"] + [
        f"col{n}" for n in range(200_000)]).encode() + b"\r\n1,Train,Train\r\n", "far more than a plan's columns"),
    "a CSV quote never closed, 20 MB after it": ("csv", lambda: b'No,Recommendation,Action\r\n1,"Train,x\r\n'
                                                + b"x,x,x\r\n" * 3_000_000, "never closed"),
}


@pytest.mark.slow
@pytest.mark.parametrize("name", list(HOSTILE_FILES))
def test_a_hostile_plan_is_refused_or_read_in_bounded_time_and_memory(name: str, tmp_path: Path) -> None:
    kind, make, expected = HOSTILE_FILES[name]
    path = tmp_path / f"plan.{kind}"
    path.write_bytes(make())
    result = subprocess.run([sys.executable, "-c", MEASURE, str(path)], cwd=REPO, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0 and not result.stderr, result.stderr
    said = json.loads(result.stdout)
    print(f"{name}: {path.stat().st_size // 1024} KB, {said['seconds']:.2f} s, {said['peak_mb']:.0f} MB peak: "
          f"{said.get('error') or said['recommendations']}")
    assert said["seconds"] < 20 and said["peak_mb"] < 600
    assert expected in json.dumps(said), said
    assert "error" not in said or "\n" not in said["error"]
