"""Realistic files made from the seed letters, for the importer tests: as the Home Office's letter looks
printed to PDF and saved as Word (letterhead, address block, date line, numbered and bulleted lists, a
footer with page numbers), and as a council's web page (navigation, logo, title, scripts)."""

from __future__ import annotations

import html
import io
import re
from dataclasses import dataclass
from pathlib import Path

SEEDS = Path(__file__).resolve().parent / "fixtures" / "seeds"  # copies of ../shared/seeds
SLUGS = {"000": "salome", "001": "safta", "002": "dhr15", "003": "diana", "004": "mary"}  # the shipped reviews


@dataclass
class Seed:
    slug: str
    letterhead: list[str]
    address: list[str]
    date: str
    body: list[tuple[str, str]]  # ("p" | "li", text)
    path: Path  # the seed's text


def _split_address(line: str) -> list[str]:
    """A one-line address as the lines a letter prints it on: before each organisation, building and town."""
    parts = re.split(r"\s+(?=(?:Kent County Council|Sessions House|County Hall|Maidstone|Head of|Public Protection"
                     r"|First Floor|Invicta House|2 Marsham Street|London|Tel:|T:|www\.))", line)
    return [p.strip() for p in parts if p.strip()]


def seeds() -> list[Seed]:
    found = []
    for path in sorted(SEEDS.glob("00*.txt")):
        lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
        lines = [line for line in lines if line]
        letterhead, address, date, rest = lines[0], lines[1], lines[2], lines[3:]
        body = [("li", line[2:]) if line.startswith("- ") else ("p", re.sub(r"^#+\s*|</?u>", "", line))
                for line in rest]
        found.append(Seed(SLUGS[path.name[:3]], _split_address(letterhead), _split_address(address), date, body,
                          path))
    return found


CSS = """body { font-family: Arial, sans-serif; font-size: 11pt; margin: 0; }
.letterhead { text-align: right; font-size: 9pt; margin-bottom: 2em; }
.crest { font-weight: bold; font-size: 14pt; }
.address { margin-bottom: 1.5em; } .date { margin-bottom: 1.5em; } p { margin: 0 0 0.8em; text-align: justify; }
ul { margin: 0 0 0.8em 1.5em; }"""


def letter_html(seed: Seed, numbered: bool = False) -> str:
    """The letter as the Home Office prints it: a page to print to PDF."""
    parts = [f"<!doctype html><html lang='en'><head><meta charset='utf-8'><style>{CSS}</style></head><body>",
             "<div class='letterhead'><div class='crest'>Home Office</div>",
             *(f"<div>{html.escape(line)}</div>" for line in seed.letterhead), "</div>",
             "<div class='address'>", *(f"<div>{html.escape(line)}</div>" for line in seed.address), "</div>",
             f"<div class='date'>{html.escape(seed.date)}</div>"]
    in_list = False
    tag = "ol" if numbered else "ul"
    for kind, text in seed.body:
        if kind == "li" and not in_list:
            parts.append(f"<{tag}>")
        if kind != "li" and in_list:
            parts.append(f"</{tag}>")
        in_list = kind == "li"
        parts.append(f"<li>{_inline(text)}</li>" if kind == "li" else f"<p>{_inline(text)}</p>")
    parts.append(f"</{tag}>" if in_list else "")
    return "".join(parts) + "</body></html>"


def _inline(text: str) -> str:
    """A seed's text as HTML, its *emphasis* in italics as the letter sets it."""
    return re.sub(r"\*([^*]+)\*", r"<em>\1</em>", html.escape(text))


def letter_txt(seed: Seed) -> bytes:
    """The letter as text copied out of the letter (its emphasis is lost, as copying loses it)."""
    lines = [*seed.letterhead, "", *seed.address, "", seed.date, ""]
    for n, (kind, text) in enumerate(seed.body):
        ends_list = kind == "li" and (n + 1 == len(seed.body) or seed.body[n + 1][0] != "li")
        lines.append(("- " if kind == "li" else "") + text.replace("*", "") + ("" if kind == "li" and not ends_list
                                                                                 else "\n"))
    return "\n".join(lines).encode()


FOOTER = ("<div style='font-size:8pt; width:100%; text-align:center; font-family:Arial'>Home Office DHR Quality "
          "Assurance Panel &middot; Page <span class='pageNumber'></span> of <span class='totalPages'></span></div>")


def letter_pdf(seed: Seed, page, numbered: bool = False) -> bytes:  # type: ignore[no-untyped-def] - Playwright's
    """The letter printed to PDF by Chromium, with a running footer and page numbers."""
    page.set_content(letter_html(seed, numbered))
    return page.pdf(format="A4", margin={"top": "20mm", "bottom": "25mm", "left": "20mm", "right": "20mm"},
                    display_header_footer=True, header_template="<span></span>", footer_template=FOOTER)


def letter_docx(seed: Seed) -> bytes:
    """The letter as a Word file: letterhead and address blocks, the date, paragraphs, a bulleted list, and a
    footer with a page number field."""
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    document = docx.Document()
    footer = document.sections[0].footer.paragraphs[0]
    footer.text = "Home Office DHR Quality Assurance Panel - Page "
    run = footer.add_run()
    for kind, text in (("begin", None), ("instr", "PAGE"), ("end", None)):
        if kind == "instr":
            element = OxmlElement("w:instrText")
            element.text = text
        else:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        run._r.append(element)
    head = document.add_paragraph()
    head.add_run("Home Office").bold = True
    for line in seed.letterhead:
        head.add_run().add_break()
        head.add_run(line)
    document.add_paragraph("\n".join(seed.address))
    document.add_paragraph(seed.date)
    for kind, text in seed.body:
        paragraph = document.add_paragraph(style="List Bullet" if kind == "li" else None)
        for n, part in enumerate(text.split("*")):  # *emphasis* in italics
            paragraph.add_run(part).italic = n % 2 == 1
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def council_page(seed: Seed) -> bytes:
    """The letter as a council publishes it on its website: navigation, a logo, the page's title, a cookie
    banner's script, the letter in <main>, a footer."""
    letter = letter_html(seed).split("<body>", 1)[1].rsplit("</body>", 1)[0]
    return (f"<!doctype html><html><head><title>DHR {seed.slug} - QA Panel letter - Kent County Council</title>"
            "<script>document.cookie='tracking=1'; alert('x')</script><style>nav{color:red}</style></head><body>"
            "<header><img src='logo.png' alt='Kent County Council logo'><a href='/'>Home</a></header>"
            "<nav><ul><li><a href='/a'>Community safety</a></li><li><a href='/b'>Domestic abuse</a></li></ul></nav>"
            f"<main><h1>Home Office QA Panel letter</h1>{letter}</main>"
            "<footer><p>Kent County Council, Sessions House. Cookies. Accessibility.</p></footer>"
            "</body></html>").encode()


PLAN_HEADINGS = ["Rec No.", "Recommendation", "Agency", "Action", "Lead Officer", "Target Date", "Progress/RAG",
                 "Progress update", "Notes for the board"]
PLAN_ROWS = [  # two actions under recommendation 1 (merged cells in the file), an unknown agency, RAG colours
    ["1", "Review the MARAC referral pathway so that repeat victims are referred.", "Test Police",
     "Audit referrals from 2023", "Head of Safeguarding", "31/03/2025", "Green",
     "12/02/2025: Audit completed and reported to the board", "board in March"],
    ["1", "Review the MARAC referral pathway so that repeat victims are referred.", "Test Police",
     "Train call handlers on repeat-victim flags", "Head of Safeguarding", "31/03/2025", "Green", "", ""],
    ["2", "Share safeguarding concerns with GPs within 48 hours.", "Test Cownty Council",
     "Agree an information-sharing protocol\nPublish it to practitioners", "Director of Adult Services",
     "June 2026", "Amber", "Draft protocol circulated", ""],
    ["3", "Publish the learning briefing to all partners.", "Home Office", "Write and circulate a briefing",
     "DHR Coordinator", "2026-09-30", "Not started", "", ""],
]


def plan_workbook() -> bytes:
    """The plan as an Excel sheet: a title row above the headings, recommendation 1's cells merged over its two
    actions."""
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["DHR Alice: action plan (updated February 2025)"])
    sheet.append(PLAN_HEADINGS)
    for row in PLAN_ROWS:
        sheet.append(row)
    for column in "ABCEFG":  # recommendation 1 spans rows 3 and 4
        sheet.merge_cells(f"{column}3:{column}4")
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def plan_document() -> bytes:
    """The plan as a Word table, recommendation 1's cells merged down over its two actions; no scope column."""
    import docx

    document = docx.Document()
    document.add_paragraph("Action plan")
    table = document.add_table(rows=1 + len(PLAN_ROWS), cols=len(PLAN_HEADINGS))
    for column, heading in enumerate(PLAN_HEADINGS):
        table.cell(0, column).text = heading
    for row_number, row in enumerate(PLAN_ROWS, 1):
        for column, text in enumerate(row):
            if row_number == 2 and column in (0, 1, 2, 4, 5, 6):
                continue
            table.cell(row_number, column).text = text
    for column in (0, 1, 2, 4, 5, 6):
        table.cell(1, column).merge(table.cell(2, column))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
