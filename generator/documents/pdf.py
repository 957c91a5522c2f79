"""A PDF read with PDFium, within limits: each page's text, the title, language and tagging, and what the checks
find: text hidden under a shape drawn over it, off the page, invisible or white on white (a failed redaction, in
`layers`); comments, attachments and earlier versions (`annotations`); metadata that names someone; no text layer;
no title, language or tags; encryption. Run in a bounded child."""

from __future__ import annotations

import ctypes
import re
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as raw

from . import metadata
from .annotations import attachments_and_versions, comments_and_marks
from .facts import MAX_OBJECTS, MAX_PAGE_CHARS, MAX_PAGES, DocumentFacts, Finding, quoted, titled, unread
from .layers import Layers

_XMP_CREATOR = re.compile(rb"<dc:creator>\s*<rdf:Seq>\s*<rdf:li>([^<]{1,200})</rdf:li>")
_EXTRACT = 0x10 | 0x200  # the permissions to copy text, and to extract it for accessibility


def read_pdf(data: bytes) -> DocumentFacts:
    """The facts of a PDF; never raises for its content (PDFium's own failures end the bounded child)."""
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if getattr(exc, "err_code", None) == raw.FPDF_ERR_PASSWORD:
            return unread("encrypted", "it is encrypted with a password, so it cannot be checked or searched, and "
                          "screen readers may not open it", "publish it without a password", "pdf")
        return unread("unreadable", f"it cannot be read as a PDF ({exc}); it may be damaged",
                      "open it and export or print it to PDF again", "pdf")
    try:
        return _facts(pdf, data)
    finally:
        pdf.close()


def _facts(pdf: Any, data: bytes) -> DocumentFacts:
    findings: list[Finding] = []
    pages: list[str] = []
    count = len(pdf)
    if count > MAX_PAGES:
        findings.append(Finding("file", "unreadable", f"it has {count:,} pages; only the first {MAX_PAGES:,} were "
                                "read and checked", "split it into documents of fewer pages"))
    for number in range(min(count, MAX_PAGES)):
        text, found = _page(pdf, number)
        pages.append(text)
        findings += found
    meta = pdf.get_metadata_dict()
    title = titled(meta.get("Title"))
    language = _language(pdf)
    tagged = bool(raw.FPDFCatalog_IsTagged(pdf.raw))
    findings += _metadata(meta, data)
    findings += attachments_and_versions(pdf, data)
    if raw.FPDF_GetSecurityHandlerRevision(pdf.raw) != -1 and not raw.FPDF_GetDocPermissions(pdf.raw) & _EXTRACT:
        findings.append(Finding("file", "encrypted", "its security settings forbid copying its text, which screen "
                                "readers and search need", "publish it without security settings"))
    if pages and not any(page.strip() for page in pages):
        findings.append(Finding("file", "no-text", "it has no text layer: it looks like a scan, which screen readers "
                                "cannot read and search cannot find", "publish the document exported from the "
                                "program that made it, or run text recognition (OCR) on it"))
    if title is None:
        findings.append(Finding("metadata", "no-title", "it has no document title, which screen readers announce",
                                "set its Title in the program that made it (Word: File > Info > Properties) and "
                                "export it again"))
    if language is None:
        findings.append(Finding("metadata", "no-language", "it declares no language, so screen readers may read it "
                                "in the wrong voice", "set the document's language (Word: Review > Language) and "
                                "export it again"))
    if not tagged:
        findings.append(Finding("file", "untagged", "it is not a tagged PDF: screen readers cannot tell its headings, "
                                "lists and tables apart", "export it again with tags (Word: Save as PDF > Options > "
                                "Document structure tags for accessibility)"))
    return DocumentFacts("pdf", tuple(pages), title, language, tagged, tuple(findings))


def _language(pdf: Any) -> str | None:
    size = raw.FPDFCatalog_GetLanguage(pdf.raw, None, 0)
    if size <= 2:
        return None
    buffer = (ctypes.c_ushort * (size // 2))()
    raw.FPDFCatalog_GetLanguage(pdf.raw, buffer, size)
    return bytes(buffer).decode("utf-16-le", "replace").rstrip("\x00").strip() or None


def _metadata(meta: dict[str, str], data: bytes) -> list[Finding]:
    """The document information's Author (whatever it holds), the other fields that name someone, and XMP's creator
    (uncompressed, as programs write it) where it is not the Author again."""
    found = [metadata.finding("Author", meta.get("Author", ""), True)]
    found += [metadata.finding(key, meta.get(key, ""), False) for key in ("Title", "Subject", "Keywords", "Creator",
                                                                           "Producer")]
    creator = _XMP_CREATOR.search(data)
    if creator:
        name = creator.group(1).decode("utf-8", "replace").strip()
        if name != meta.get("Author", "").strip():
            found.append(metadata.finding("XMP creator", name, True))
    return [f for f in found if f is not None]


def _page(pdf: Any, number: int) -> tuple[str, list[Finding]]:
    """The text of a page, and its findings: hidden text, comments and redaction marks, a limit reached."""
    page = pdf[number]
    where = f"page {number + 1}"
    findings: list[Finding] = []
    try:
        textpage = page.get_textpage()
        chars = textpage.count_chars()
        if chars > MAX_PAGE_CHARS:
            findings.append(Finding(where, "unreadable", f"the page holds {chars:,} characters; only the first "
                                    f"{MAX_PAGE_CHARS:,} were read", "check that the page is what it should be"))
            chars = MAX_PAGE_CHARS
        text = textpage.get_text_range(0, chars) if chars else ""
        layers = Layers(page, textpage)
        if not layers.complete:
            findings.append(Finding(where, "unreadable", f"the page draws more than {MAX_OBJECTS:,} objects; only "
                                    "the first were checked", "check that the page is what it should be"))
        findings += _hidden(textpage, chars, layers, where)
        findings += comments_and_marks(page, textpage, where)
        textpage.close()
    finally:
        page.close()
    return text.replace("\r\n", "\n"), findings


def _hidden(textpage: Any, chars: int, layers: Layers, where: str) -> list[Finding]:
    """Runs of characters that a reader cannot see but the text layer holds, each quoted in one finding."""
    runs: list[tuple[str, int, int]] = []  # (why, first, last)
    for index in range(chars if layers.suspects else 0):
        why = layers.why(textpage, index)
        if why is None:
            continue
        code = raw.FPDFText_GetUnicode(textpage.raw, index)
        if code <= 32 or chr(code).isspace():
            continue
        if runs and runs[-1][0] == why and _only_space(textpage, runs[-1][2] + 1, index):
            runs[-1] = (why, runs[-1][1], index)
        else:
            runs.append((why, index, index))
    findings = []
    for why, first, last in runs:
        words = quoted(textpage.get_text_range(first, last - first + 1))
        if not any(c.isalnum() for c in words):
            continue  # a stop or comma that a box's edge overlaps
        findings.append(Finding(where, "redaction", f"the text '{words}' is {_WHY[why]}, but it is still in the "
                                "file: anyone can copy it or find it by searching", _FIX, words))
    return findings


_WHY = {"under": "hidden under a shape drawn over it", "off": "outside the page",
        "invisible": "invisible (drawn with no ink)", "white": "white on a white background"}
_FIX = ("redact it properly: remove the text itself (Word: delete it and type [redacted]; Acrobat: Redact, then "
        "Apply), then export the PDF again")


def _only_space(textpage: Any, first: int, last: int) -> bool:
    return all(chr(raw.FPDFText_GetUnicode(textpage.raw, i)).isspace() or raw.FPDFText_GetUnicode(textpage.raw, i)
               < 32 for i in range(first, last))
