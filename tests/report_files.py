"""Reports as partnerships make them, for the document checks' tests: printed to PDF by a browser (tagged, with a
title and language), exported with the author's name in its properties, a name "redacted" by drawing a black box
over it, white text, a scanned page with no text, encrypted; Word reports with tracked changes, comments, hidden
text, an author and company, a template on someone's C: drive, earlier versions; and hostile files (text off the
page, invisible text, a zip bomb, entities, too many pages). Test-only: the site never depends on this module."""

from __future__ import annotations

import base64
import html
import io
import re
import struct
import zipfile
import zlib
from typing import TYPE_CHECKING

from pdf_files import document

if TYPE_CHECKING:
    from playwright.sync_api import Page

TITLE = "Overview report"
PARAGRAPHS = [
    "This review considers the contact that agencies had with Adult A and Adult B in the three years before Adult "
    "A died, and what could be learned from it.",
    "The panel met six times. Family members were invited to contribute, and the chair met Adult A's sister twice.",
    "Agencies shared information about risk inconsistently. The panel recommends a shared referral pathway.",
]
NAME = "Jane Doe"  # the name a partnership meant to hide
_CSS = ("body{font-family:'DejaVu Sans',sans-serif;font-size:11pt;margin:0}h1{font-size:18pt}"
        ".box{position:relative}.box::after{content:'';position:absolute;left:-2px;right:-2px;top:-1px;bottom:-1px;"
        "background:#000}.white{color:#fff}")


def report_html(body: list[str], title: str | None = TITLE, lang: str | None = "en-GB") -> str:
    """A report as a web page: `body` holds HTML paragraphs (already escaped)."""
    language = f' lang="{lang}"' if lang else ""
    head = f"<title>{html.escape(title)}</title>" if title else ""
    paragraphs = "".join(f"<p>{text}</p>" for text in body)
    return (f"<!doctype html><html{language}><head><meta charset='utf-8'>{head}<style>{_CSS}</style></head><body>"
            f"<h1>{html.escape(title or TITLE)}</h1>{paragraphs}</body></html>")


def printed(page: Page, markup: str, tagged: bool = True) -> bytes:
    """`markup` printed to an A4 PDF by Chromium, backgrounds and all (as a partnership prints a report)."""
    page.set_content(markup)
    return page.pdf(format="A4", tagged=tagged, print_background=True)


def clean_report(page: Page) -> bytes:
    return printed(page, report_html([html.escape(text) for text in PARAGRAPHS]))


def boxed_name(page: Page) -> bytes:
    """A name "redacted" by a black rectangle drawn over it: the text is still under the box."""
    return printed(page, report_html([f"The victim, <span class='box'>{NAME}</span>, lived alone.",
                                      html.escape(PARAGRAPHS[0])]))


def white_text(page: Page) -> bytes:
    return printed(page, report_html([html.escape(PARAGRAPHS[0]), f"<span class='white'>Notes: {NAME}</span>"]))


def scanned(page: Page) -> bytes:
    """A page that is only a picture of a page (a scan): no text layer."""
    image = base64.b64encode(_png(200, 280)).decode()
    return printed(page, f"<!doctype html><html><body style='margin:0'><img alt='' src='data:image/png;base64,"
                         f"{image}' style='width:190mm'></body></html>", tagged=False)


def with_metadata(pdf: bytes, **info: str) -> bytes:
    """`pdf` with its document information set (`Author="..."`), as Word exports the author's name."""
    import pypdf

    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(pdf)))
    writer.add_metadata({f"/{key}": value for key, value in info.items()})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def annotated(pdf: bytes, *, note: bool = False, redact: bool = False, attached: bool = False,
              resaved: bool = False) -> bytes:
    """`pdf` as Acrobat leaves it: a sticky note with its author, a redaction marked over the name but never
    applied, the Word file attached, or a change saved onto the end of the file (the earlier version kept)."""
    import pypdf
    from pypdf.generic import ArrayObject, DictionaryObject, FloatObject, NameObject, TextStringObject

    if resaved:
        writer = pypdf.PdfWriter(io.BytesIO(pdf), incremental=True)
    else:
        writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(pdf)))
    if note:
        from pypdf.annotations import Text

        sticky = Text(rect=(400, 700, 420, 720), text=f"Check with {NAME}'s sister")
        sticky[NameObject("/T")] = TextStringObject("Jo Bloggs")
        writer.add_annotation(0, sticky)
    if redact:
        writer.add_annotation(0, DictionaryObject({
            NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/Redact"),
            NameObject("/Rect"): ArrayObject(FloatObject(v) for v in _box_of(pdf, NAME))}))
    if attached:
        writer.add_attachment("Overview report DRAFT v3.docx", word_report())
    if resaved:
        writer.add_metadata({"/Subject": "Overview report"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _box_of(pdf: bytes, text: str) -> tuple[float, float, float, float]:
    """The box around `text` on the first page, as PDFium finds it."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    textpage = document[0].get_textpage()
    first, count = textpage.search(text).get_next()
    boxes = [textpage.get_charbox(i) for i in range(first, first + count)]
    document.close()
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def encrypted(pdf: bytes, password: str = "secret", copying: bool = True) -> bytes:
    """`pdf` protected with a password to open it (or, with "", with permissions only: without `copying`, its text
    may be neither copied nor extracted for accessibility)."""
    import pypdf
    from pypdf.constants import UserAccessPermissions as Allowed

    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(pdf)))
    allowed = Allowed.all() if copying else Allowed.all() & ~Allowed.EXTRACT & ~Allowed.EXTRACT_TEXT_AND_GRAPHICS
    writer.encrypt(user_password=password, owner_password="owner", algorithm="AES-256", permissions_flag=allowed)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _png(width: int, height: int) -> bytes:
    """A grey page with dark lines where text was scanned."""
    rows = b"".join(b"\x00" + (b"\x30" * width if y % 12 in (4, 5) and 20 < y < height - 20 else b"\xf0" * width)
                    for y in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


# --- PDFs written by hand, for what no browser prints ---

def off_page() -> bytes:
    """A line of text placed to the left of the page, where no reader sees it."""
    return document([f"BT /F1 11 Tf 57 700 Td ({PARAGRAPHS[0][:60]}) Tj ET\nBT /F1 11 Tf -400 650 Td ({NAME}) Tj ET"
                     .encode()])


def invisible(behind: bool = False) -> bytes:
    """Text drawn with no ink (render mode 3); with `behind`, over a grey picture-like area, as a scan's recognised
    text is (which is fine)."""
    area = b"0.5 g 50 600 300 120 re f 0 g\n" if behind else b""
    return document([area + f"BT /F1 11 Tf 57 700 Td ({PARAGRAPHS[0][:60]}) Tj ET\nBT 3 Tr /F1 11 Tf 57 650 Td "
                            f"({NAME}) Tj ET".encode()])


def box_in_form() -> bytes:
    """The name under a black box that a drawing placed on the page (a form XObject) holds."""
    return document([f"BT /F1 11 Tf 57 700 Td ({NAME}) Tj ET\n/X1 Do".encode()], form=b"0 g 50 695 80 16 re f")


def box_behind() -> bytes:
    """A black box drawn before white text on it: a banner, which is fine."""
    return document([f"0 g 50 695 200 20 re f\nBT 1 g /F1 11 Tf 57 700 Td ({TITLE}) Tj ET".encode()])


def typed(*lines: str) -> bytes:
    """A page of plain lines of text, without title, language or tags."""
    return document([b"BT /F1 11 Tf 57 760 Td " + b"".join(b"(%s) Tj 0 -14 Td " % line.encode("cp1252")
                                                          for line in lines) + b"ET"])


def encrypted_word() -> bytes:
    """A Word document saved with a password: an OLE compound file whose directory names its EncryptedPackage."""
    directory = "".join(name.ljust(32, "\0") for name in ("Root Entry", "EncryptedPackage", "EncryptionInfo"))
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + directory.encode("utf-16-le") + bytes(4096)


def many_pages(count: int) -> bytes:
    return document([b"BT /F1 11 Tf 57 700 Td (A page.) Tj ET"] * count)


# --- Word ---

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f'xmlns:w="{W_NS}"'


def word_report(*, title: str = TITLE, language: str | None = "en-GB", author: str = "", company: str = "",
                tracked: bool = False, comment: bool = False, hidden: bool = False, template: bool = False,
                versions: bool = False, pages: int = 1, laid_out: bool = True, extra: str = "",
                footer: str = "") -> bytes:
    """A report as Word saves it: the paragraphs over `pages` pages (where Word last broke them; without
    `laid_out`, as a program that never laid it out writes it, with page breaks only), `extra` text at the end, a
    `footer`, and what an author leaves behind when asked."""
    import docx
    from docx.oxml import parse_xml

    made = docx.Document()
    properties = made.core_properties
    properties.title, properties.author, properties.comments = title, author, ""
    properties.last_modified_by = author
    made.add_heading(title, 1)
    for number in range(pages):
        if number and not laid_out:
            made.add_page_break()
        paragraph = made.add_paragraph()
        if number and laid_out:
            paragraph._p.append(parse_xml(f"<w:r {W}><w:lastRenderedPageBreak/></w:r>"))
        paragraph.add_run(PARAGRAPHS[number % len(PARAGRAPHS)])
    if extra:
        made.add_paragraph(extra)
    if footer:
        made.sections[0].footer.paragraphs[0].text = footer
    if tracked:
        made.paragraphs[1]._p.append(parse_xml(
            f'<w:del {W} w:id="91" w:author="Jo Bloggs"><w:r><w:delText>{NAME} was known to police.</w:delText>'
            f'</w:r></w:del>'))
        made.paragraphs[1]._p.append(parse_xml(f'<w:ins {W} w:id="92" w:author="Jo Bloggs"><w:r><w:t xml:space='
                                               '"preserve"> Adult A was known to police.</w:t></w:r></w:ins>'))
    if comment:
        run = made.paragraphs[1].runs[0]
        made.add_comment(run, text=f"Is {NAME} the right name here?", author="Jo Bloggs", initials="JB")
    if hidden:
        made.paragraphs[1].add_run(f" Real name: {NAME}.").font.hidden = True
    data = io.BytesIO()
    made.save(data)
    return _rewritten(data.getvalue(), language, company, template, versions)


def _rewritten(data: bytes, language: str | None, company: str, template: bool, versions: bool) -> bytes:
    """The saved file with its language, company, attached template and earlier versions set."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            part = source.read(name)
            if name == "word/styles.xml":
                part = part.replace(b'w:val="en-US"', f'w:val="{language}"'.encode()) if language else re.sub(
                    rb"<w:lang [^>]*/>", b"", part)
            elif name == "docProps/app.xml":
                part = part.replace(b"<Company/>", f"<Company>{html.escape(company)}</Company>".encode())
            elif name == "word/settings.xml" and template:
                part = part.replace(b"<w:zoom", b'<w:attachedTemplate r:id="rIdT1"/><w:zoom', 1)
            target.writestr(name, part)
        if template:
            target.writestr("word/_rels/settings.xml.rels", (
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.'
                'openxmlformats.org/package/2006/relationships"><Relationship Id="rIdT1" Type="http://schemas.'
                'openxmlformats.org/officeDocument/2006/relationships/attachedTemplate" Target="file:///C:\\Users\\'
                'jdoe\\AppData\\Roaming\\Microsoft\\Templates\\DHR report.dotx" TargetMode="External"/>'
                "</Relationships>"))
        if versions:
            target.writestr("docProps/custom.xml", (
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Properties xmlns="http://schemas.'
                'openxmlformats.org/officeDocument/2006/custom-properties" xmlns:vt="http://schemas.openxmlformats.'
                'org/officeDocument/2006/docPropsVTypes"><property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" '
                'pid="2" name="_UIVersionString"><vt:lpwstr>4.0</vt:lpwstr></property></Properties>'))
    return out.getvalue()


def zip_bomb(members: int = 1, size: int = 150_000_000) -> bytes:
    """A .docx whose document part unpacks to `size` bytes (or `members` parts that do together)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        target.writestr("[Content_Types].xml", "<Types/>")
        chunk = b" " * 1_000_000
        for number in range(members):
            name = "word/document.xml" if number == 0 else f"word/media/part{number}.xml"
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            with target.open(info, "w") as part:
                for _ in range(size // len(chunk)):
                    part.write(chunk)
    return out.getvalue()


def lying_zip() -> bytes:
    """A .docx whose document part says it unpacks to 1,000 bytes but unpacks to 50 MB."""
    data = bytearray(zip_bomb(size=50_000_000))
    name = b"word/document.xml"
    for signature, name_at, size_at in ((b"PK\x03\x04", 30, 22), (b"PK\x01\x02", 46, 24)):
        at = data.index(signature)
        while data[at + name_at:at + name_at + len(name)] != name:
            at = data.index(signature, at + 1)
        data[at + size_at:at + size_at + 4] = struct.pack("<I", 1000)
    return bytes(data)


def with_part(data: bytes, name: str, content: bytes) -> bytes:
    """A .docx with one part replaced (or added)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.namelist():
            if member != name:
                target.writestr(member, source.read(member))
        target.writestr(name, content)
    return out.getvalue()


def entities() -> bytes:
    """A document part that declares entities (the "billion laughs"), which Word never writes."""
    laughs = "".join(f'<!ENTITY l{n} "{f"&l{n - 1};" * 10 if n else "ha"}">' for n in range(9))
    return with_part(word_report(), "word/document.xml", f'<?xml version="1.0"?><!DOCTYPE d [{laughs}]><w:document '
                     f'{W}><w:body><w:p><w:r><w:t>&l8;</w:t></w:r></w:p></w:body></w:document>'.encode())
