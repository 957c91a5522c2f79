"""Letters as officers receive them, for the Word, web page, pasted text and e-mail readers' tests: a Word letter
edited with tracked changes, content controls, a table, hidden text and Word's own numbered lists; a council's
web page with its cookie banner, skip link, logo, breadcrumbs, title, feedback form and footer; the text an
officer copies from that page; the letter e-mailed (multipart, quoted-printable and base64)."""

from __future__ import annotations

import html
import io
from email.message import EmailMessage

LETTERHEAD = ["Home Office", "Interpersonal Abuse Unit", "2 Marsham Street", "London SW1P 4DF"]
ADDRESS = ["Cllr Jo Bloggs", "Chair, Exampleshire Community", "Safety Partnership", "County Hall",
           "Exampleton EX1 2AB"]
DATE = "31st October 2022"
OPENING = ("The report was considered at the QA Panel meeting on 28th September. The Home Office is content that on "
           "completion of these changes, the DHR may be published.")
# The areas the panel numbered, each with its points: (number, text, [(letter, text, [(numeral, text)])])
AREAS = [
    ("1", "Terms of reference", [("a", "Explain why the review period starts in 2019.", [
        ("i", "Say who set the period."), ("ii", "Say when it was agreed.")]),
        ("b", "Name the agencies asked for chronologies.", [])]),
    ("2", "Family involvement", [("a", "Say how the family were told of the review.", [])]),
    ("3", "Equality and diversity", []),
    ("4", "Action plan", [("a", "Give each action a target date.", [])]),
]
CLOSING = "On behalf of the QA Panel, I would like to thank you for the considerable work on this review."
SIGNATURE = ["Yours sincerely,", "A. Chairperson", "Chair of the Home Office DHR Quality Assurance Panel"]


def items() -> list[tuple[int, str, str]]:
    """The letter's list as (level, number, text), as every format must give it."""
    found = []
    for number, text, points in AREAS:
        found.append((0, number, text))
        for letter, point, details in points:
            found.append((1, letter, point))
            found.extend((2, numeral, detail) for numeral, detail in details)
    return found


# --- Word ---

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
MC = ('xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
      'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
      'xmlns:v="urn:schemas-microsoft-com:vml"')


def _run(text: str, extra: str = "") -> str:
    return f'<w:r>{f"<w:rPr>{extra}</w:rPr>" if extra else ""}<w:t xml:space="preserve">{html.escape(text)}</w:t></w:r>'


def _paragraph(content: str, properties: str = "") -> str:
    return f"<w:p {W} {MC}>{f'<w:pPr>{properties}</w:pPr>' if properties else ''}{content}</w:p>"


def _lines(lines: list[str]) -> str:
    return "<w:r><w:br/></w:r>".join(_run(line) for line in lines)


def word_letter(list_level: int | None = None, span: int | None = None, empty_paragraphs: int = 0) -> bytes:
    """The letter as a Word file an officer was sent: a letterhead in a text box (with Word's fallback copy of
    it) and a footer with page numbers; the address in a content control; the date in a date picker; a sentence
    edited with tracked changes; a hidden note; the areas numbered 1, a, i by Word's multilevel list; a table;
    bullets in List Bullet styles. `list_level`, `span` and `empty_paragraphs` make it hostile."""
    import docx
    from docx.oxml import parse_xml

    document = docx.Document()
    document.sections[0].footer.paragraphs[0].text = "OFFICIAL - Page 1 of 2"
    body = document.element.body
    numbering = document.part.numbering_part.element
    levels = "".join(f'<w:lvl w:ilvl="{n}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/><w:lvlText w:val="{text}"/>'
                     f'<w:lvlJc w:val="left"/><w:pPr><w:ind w:left="{360 * (n + 1)}" w:hanging="360"/></w:pPr></w:lvl>'
                     for n, (fmt, text) in enumerate([("decimal", "%1."), ("lowerLetter", "(%2)"),
                                                      ("lowerRoman", "%3.")]))
    numbering.insert(0, parse_xml(f'<w:abstractNum {W} w:abstractNumId="90"><w:multiLevelType w:val="multilevel"/>'
                                  f"{levels}</w:abstractNum>"))
    numbering.append(parse_xml(f'<w:num {W} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    box = f'<w:txbxContent><w:p><w:pPr><w:jc w:val="right"/></w:pPr>{_lines(LETTERHEAD)}</w:p></w:txbxContent>'
    parts = [
        _paragraph('<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wps:txbx>'
                   f'{box}</wps:txbx></w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape><v:textbox>{box}'
                   '</v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>'),
        f'<w:sdt {W}><w:sdtPr><w:alias w:val="Addressee"/></w:sdtPr><w:sdtContent>'
        f'{_paragraph(_lines(ADDRESS))}</w:sdtContent></w:sdt>',
        _paragraph('<w:sdt><w:sdtPr><w:date w:fullDate="2022-10-31T00:00:00Z"/></w:sdtPr><w:sdtContent>'
                   f'{_run(DATE)}</w:sdtContent></w:sdt>'),
        f'<w:sdt {W}><w:sdtPr><w:showingPlcHdr/></w:sdtPr><w:sdtContent>'
        f'{_paragraph(_run("Click or tap here to enter text."))}</w:sdtContent></w:sdt>',
        _paragraph(_run("Dear Cllr Bloggs,")),
        _paragraph(_run("The report was considered at the QA Panel meeting on ")
                   + '<w:del w:id="1" w:author="QA Panel"><w:r><w:delText>14th</w:delText></w:r></w:del>'
                   + f'<w:ins w:id="2" w:author="QA Panel">{_run("28th")}</w:ins>'
                   + _run(" September. The Home Office is content that on completion of these changes, the DHR may "
                          "be published.")
                   + _run(" Note to self: check with legal before sending.", "<w:vanish/>")),
        _paragraph(_run("This paragraph was removed.") + "", '<w:rPr><w:del w:id="3" w:author="QA Panel"/></w:rPr>')
        .replace(_run("This paragraph was removed."), '<w:del w:id="4" w:author="QA Panel"><w:r><w:delText>This '
                 'paragraph was removed.</w:delText></w:r></w:del>'),
        _paragraph(_run("Areas for final development:")),
    ]
    level_of = {0: "0", 1: "1", 2: "2"}
    for level, _, text in items():
        shown = str(list_level) if list_level is not None and level == 2 else level_of[level]
        parts.append(_paragraph(_run(text), f'<w:pStyle w:val="ListParagraph"/><w:numPr><w:ilvl w:val="{shown}"/>'
                                            '<w:numId w:val="90"/></w:numPr>'))
    spans = f'<w:tcPr><w:gridSpan w:val="{span}"/></w:tcPr>' if span else ""
    cells = [("Area", "Summary"), ("Chronology", "Clear and well sourced."), ("Analysis", "Needs more depth.")]
    rows = "".join(f"<w:tr><w:tc>{spans if n == 1 else ''}{_paragraph(_run(a))}</w:tc><w:tc>{_paragraph(_run(b))}"
                   "</w:tc></w:tr>" for n, (a, b) in enumerate(cells))
    parts.append(f'<w:tbl {W}><w:tblPr><w:tblStyle w:val="TableGrid"/></w:tblPr><w:tblGrid><w:gridCol/><w:gridCol/>'
                 f"</w:tblGrid>{rows}</w:tbl>")
    parts.append(_paragraph(_run("Please also note:")))
    parts.append(_paragraph(_run("Send the final report to the Home Office."), '<w:pStyle w:val="ListBullet"/>'))
    parts.append(_paragraph(_run("Include the action plan as an annex."), '<w:pStyle w:val="ListBullet2"/>'))
    parts.append(_paragraph(_run(CLOSING)))
    parts.extend(_paragraph(_run(line)) for line in SIGNATURE)
    for part in parts:
        body.insert(len(body) - 1, parse_xml(part))
    out = io.BytesIO()
    document.save(out)
    data = out.getvalue()
    if empty_paragraphs:
        data = _with_empty_paragraphs(data, empty_paragraphs)
    return data


def _with_empty_paragraphs(data: bytes, count: int) -> bytes:
    """The file with `count` empty paragraphs added after its text (held back with the Enter key)."""
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "word/document.xml":
                content = content.replace(b"<w:sectPr", b"<w:p/>" * count + b"<w:sectPr", 1)
            target.writestr(info.filename, content, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    return out.getvalue()


# --- the council's web page, and its text pasted ---

PAGE_TITLE = "Domestic Homicide Review: Home Office QA Panel letter"
INTRO = "This is the letter the Home Office sent us about the review."


def _html_list() -> str:
    out = ["<ol>"]
    for _, text, points in AREAS:
        out.append(f"<li><strong>{html.escape(text)}</strong>")
        if points:
            out.append('<ol type="a">')
            for _, point, details in points:
                out.append(f"<li>{html.escape(point)}")
                if details:
                    out.append('<ol type="i">' + "".join(f"<li>{html.escape(d)}</li>" for _, d in details) + "</ol>")
                out.append("</li>")
            out.append("</ol>")
        out.append("</li>")
    return "".join(out) + "</ol>"


def council_page() -> bytes:
    """The letter as a council's website publishes it, with everything a real page has around it."""
    br = "<br>\n"
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{PAGE_TITLE} - Exampleshire County Council</title>
<style>.js-only {{ display: none; }} .letter p {{ margin: 0 0 1em; }}</style>
<script>window.dataLayer = [];</script></head>
<body>
<div class="govuk-cookie-banner" role="region" aria-label="Cookies on Exampleshire.gov.uk">
<h2>Cookies on Exampleshire.gov.uk</h2><p>We use some essential cookies to make this website work.</p>
<button>Accept additional cookies</button> <button>Reject additional cookies</button>
<a href="/cookies">View cookies</a>
</div>
<a href="#main-content" class="govuk-skip-link">Skip to main content</a>
<header class="site-header"><a href="/"><img src="/logo.svg" alt="Home Office Logo"></a>
<form action="/search"><label for="q">Search</label><input id="q" name="q"></form></header>
<nav aria-label="Main menu"><ul><li><a href="/">Home</a></li><li><a href="/community-safety">Community safety</a>
</li></ul></nav>
<div class="govuk-width-container">
<nav class="govuk-breadcrumbs" aria-label="Breadcrumb"><ol><li><a href="/">Home</a></li>
<li><a href="/community-safety">Community safety</a></li><li>Domestic homicide reviews</li></ol></nav>
<main id="main-content" role="main">
<h1 class="govuk-heading-xl">{PAGE_TITLE}</h1>
<p class="summary">{INTRO}</p>
<p class="js-only">Print this letter</p>
<div class="letter">
<p>{br.join(LETTERHEAD)}</p>
<p>{br.join(html.escape(line) for line in ADDRESS)}</p>
<p>{DATE}</p>
<p>Dear Cllr Bloggs,</p>
<p>{OPENING}<span style="display: none"> Draft: do not publish.</span></p>
<div hidden><p>An earlier draft of this letter said the report may not be published.</p></div>
<p>Areas for final development:<span aria-hidden="true"> &#9660;</span></p>
{_html_list()}
<p>{CLOSING} <span class="govuk-visually-hidden">(opens in a new tab)</span></p>
<p>{SIGNATURE[0]}</p><p aria-hidden="true"><img src="sig.png" alt="signature"> ~~~</p>
<p>{SIGNATURE[1]}<br>{SIGNATURE[2]}</p>
</div>
<p class="govuk-body-s">Page last updated: 2 November 2022</p>
<div class="gem-c-feedback"><h2>Is this page useful?</h2><form><button>Yes</button><button>No</button></form></div>
</main></div>
<footer class="govuk-footer"><p>Accessibility statement</p><p>&copy; Exampleshire County Council 2022</p></footer>
</body></html>""".encode()


def pasted_text() -> bytes:
    """What an officer gets by selecting the whole page and pasting it into `dhr import --from-stdin`."""
    lines = ["Cookies on Exampleshire.gov.uk", "We use some essential cookies to make this website work.",
             "Accept additional cookies", "Reject additional cookies", "View cookies", "Skip to main content",
             "Home Office Logo", "Search", "Home", "Community safety", "Home > Community safety > Domestic homicide "
             "reviews", "", PAGE_TITLE, INTRO, "", *LETTERHEAD, "", *ADDRESS, "", DATE, "", "Dear Cllr Bloggs,", "",
             OPENING, "", "Areas for final development:", ""]
    for level, number, text in items():
        lines.append("    " * level + f"{number}{'.' if level != 1 else ')'} {text}")
    lines += ["", CLOSING, "", SIGNATURE[0], "", SIGNATURE[1], SIGNATURE[2], "", "Page last updated: 2 November 2022",
              "", "Is this page useful?", "Yes", "No", "", "Accessibility statement",
              "\u00a9 Exampleshire County Council 2022", ""]
    return "\r\n".join(lines).encode("utf-8")


def browser_copy(letter_only: bool = False) -> str:
    """What Chromium's select-all copy of the page gives (as `Selection.toString()`): the breadcrumbs one a line,
    the page's title and introduction, a paragraph ended by a blank line, a list item by a line break only, and
    the items' numbers left out; the signature image's aria-hidden stand-in ("~~~") copied too."""
    top = ["Cookies on Exampleshire.gov.uk", "We use some essential cookies to make this website work.", "",
           "Accept additional cookies Reject additional cookies View cookies", "Skip to main content", "", "Home",
           "Community safety", "SearchSearch", "Home", "Community safety", "Domestic homicide reviews", PAGE_TITLE,
           INTRO, "", ""]
    letter = ["\n".join(LETTERHEAD), "\n".join(ADDRESS), DATE, "Dear Cllr Bloggs,", OPENING,
              "Areas for final development:", "\n".join([*(text for _, _, text in items()), CLOSING]), SIGNATURE[0],
              " ~~~", "\n".join(SIGNATURE[1:])]
    bottom = ["Share this pageFacebook X", "Page last updated: 2 November 2022"]
    text = "\n\n".join(letter)
    return text if letter_only else "\n".join(top) + text + "\n\n" + "\n".join(bottom)


# --- e-mail ---

def letter_email(parts: str = "plain+html") -> bytes:
    """The letter e-mailed from the panel's mailbox: multipart/alternative, its text quoted-printable and its HTML
    base64 (`parts`: "plain+html", "plain", "html", "browser" for a copy of the page as its text beside its
    HTML, "attachment" for a letter only attached, "covering" for one attached to a note starting 'Dear', "none"
    for no text)."""
    message = EmailMessage()
    message["From"] = "DHR Enquiries <DHREnquiries@homeoffice.gov.uk>"
    message["To"] = "Jo Bloggs <jo.bloggs@exampleshire.gov.uk>"
    message["Subject"] = "DHR Exampleshire: Home Office QA Panel letter"
    message["Date"] = "Mon, 31 Oct 2022 10:15:00 +0000"
    text = "\n".join([*LETTERHEAD, "", *ADDRESS, "", DATE, "", "Dear Cllr Bloggs,", "", OPENING + " \u2013 \u00a3",
                      "", "Areas for final development:", "",
                      *("    " * level + f"{number}. {text}" for level, number, text in items()), "", CLOSING, "",
                      *SIGNATURE, ""])
    page = council_page().decode()
    if parts in ("plain+html", "plain", "browser"):
        message.set_content(browser_copy(letter_only=True) if parts == "browser" else text, cte="quoted-printable")
        if parts != "plain":
            message.add_alternative(page, subtype="html", cte="base64")
    elif parts == "html":
        message.set_content(page, subtype="html", cte="base64")
    elif parts in ("attachment", "covering"):
        message.set_content("Dear colleague,\n\nPlease find attached the QA Panel's letter on the review.\n\n"
                            "Kind regards,\nDHR Team\n" if parts == "covering" else
                            "Please find the panel's letter attached.\n\nDHR Enquiries")
        message.add_attachment(b"%PDF-1.7 ...", maintype="application", subtype="pdf", filename="QA letter.pdf")
    else:
        message.set_content(b"\x89PNG...", maintype="image", subtype="png", filename="scan.png")
    return message.as_bytes()


def word_table_letter() -> bytes:
    """The letter as a council's own Word template sets it: the addressee and the sender side by side in a table
    of two columns, one paragraph a line; the areas typed "1.<tab>" under a hanging indent and their points
    "\u2022<tab>" under a deeper one (no Word list)."""
    import docx
    from docx.shared import Pt

    document = docx.Document()
    addressee, sender = document.add_table(rows=1, cols=2).rows[0].cells
    for cell, lines in ((addressee, ADDRESS), (sender, LETTERHEAD)):
        cell.paragraphs[0].text = lines[0]
        for line in lines[1:]:
            cell.add_paragraph(line)
    for text in (DATE, "Dear Cllr Bloggs,", OPENING, "Areas for final development:"):
        document.add_paragraph(text)
    for n, (_, text, points) in enumerate(AREAS, 1):
        area = document.add_paragraph(f"{n}.\t{text}").paragraph_format
        area.left_indent, area.first_line_indent = Pt(28), Pt(-28)
        for _, point, _ in points:
            under = document.add_paragraph(f"\u2022\t{point}").paragraph_format
            under.left_indent, under.first_line_indent = Pt(56), Pt(-14)
    for text in (CLOSING, *SIGNATURE):
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def png_named_html() -> bytes:
    """A screenshot of the letter saved with the page's name (.html): a PNG's signature and chunks."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    pixels = zlib.compress(b"\0" + b"\xff" * 3 * 64)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 64, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", pixels) + chunk(b"IEND", b""))
