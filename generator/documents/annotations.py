"""What a PDF carries beside what its pages draw: comments (annotations with an author or text), redaction marks
never applied, files attached to it, and earlier versions kept by saving changes onto the end of the file."""

from __future__ import annotations

import ctypes
import re
from typing import Any

import pypdfium2.raw as raw

from .facts import Finding, quoted

MAX_ANNOTATIONS = 1000  # on one page
_COMMENTS = {raw.FPDF_ANNOT_TEXT: "a note", raw.FPDF_ANNOT_FREETEXT: "a text box", raw.FPDF_ANNOT_HIGHLIGHT:
             "a highlight", raw.FPDF_ANNOT_UNDERLINE: "an underline", raw.FPDF_ANNOT_SQUIGGLY: "an underline",
             raw.FPDF_ANNOT_STRIKEOUT: "a strike-through", raw.FPDF_ANNOT_CARET: "an insertion mark",
             raw.FPDF_ANNOT_INK: "a drawing", raw.FPDF_ANNOT_STAMP: "a stamp", raw.FPDF_ANNOT_SQUARE: "a shape",
             raw.FPDF_ANNOT_CIRCLE: "a shape", raw.FPDF_ANNOT_LINE: "a line", raw.FPDF_ANNOT_POLYGON: "a shape",
             raw.FPDF_ANNOT_POLYLINE: "a line"}
_FIX_COMMENTS = ("delete the comments (Acrobat: Comment > the list's options > Delete all; or export the PDF again "
                 "from the document without comments)")
_FIX_ATTACHED = ("remove the attached file (Acrobat: Attachments panel > Delete), or export the PDF again without "
                 "it")
_EOF = re.compile(rb"%%EOF")


def comments_and_marks(page: Any, textpage: Any, where: str) -> list[Finding]:
    """The page's comments, redaction marks never applied (quoting the text they were meant to remove), and files
    attached as annotations."""
    found = []
    for index in range(min(raw.FPDFPage_GetAnnotCount(page.raw), MAX_ANNOTATIONS)):
        annot = raw.FPDFPage_GetAnnot(page.raw, index)
        if not annot:
            continue
        try:
            kind = raw.FPDFAnnot_GetSubtype(annot)
            author, text = _string(annot, b"T"), _string(annot, b"Contents")
            if kind == raw.FPDF_ANNOT_REDACT:
                rect = raw.FS_RECTF()
                raw.FPDFAnnot_GetRect(annot, rect)
                words = quoted(textpage.get_text_bounded(rect.left, rect.bottom, rect.right, rect.top))
                found.append(Finding(where, "redaction", f"a redaction mark was never applied: the text '{words}' "
                                     "is still there", "apply the redactions (Acrobat: Redact > Apply), then save "
                                     "the PDF again", words))
            elif kind == raw.FPDF_ANNOT_FILEATTACHMENT:
                found.append(Finding(where, "versions", "a file is attached to the page, which may be an earlier "
                                     "draft or the source document", _FIX_ATTACHED, quoted(text)))
            elif kind in _COMMENTS and (author or text):
                by = f" by '{quoted(author)}'" if author else ""
                said = f": '{quoted(text)}'" if text else ""
                found.append(Finding(where, "comments", f"a comment ({_COMMENTS[kind]}{by}) remains{said}",
                                     _FIX_COMMENTS, quoted(text or author)))
        finally:
            raw.FPDFPage_CloseAnnot(annot)
    return found


def attachments_and_versions(pdf: Any, data: bytes) -> list[Finding]:
    """Files attached to the document, and earlier versions kept where changes were saved onto the file's end
    (more ends of file than the one, or two for a linearized file, that a fresh save makes)."""
    found = []
    for index in range(min(pdf.count_attachments(), MAX_ANNOTATIONS)):
        name = pdf.get_attachment(index).get_name()
        found.append(Finding("file", "versions", f"the file '{quoted(name)}' is attached to it, which may be an "
                             "earlier draft or the source document", _FIX_ATTACHED, quoted(name)))
    ends = len(_EOF.findall(data))
    fresh = 2 if b"/Linearized" in data[:1024] else 1
    if ends > fresh:
        times = "once more" if ends - fresh == 1 else f"{ends - fresh} more times"
        found.append(Finding("file", "versions", f"it was changed and saved {times} by adding to the end of the "
                             "file, so its earlier versions, with whatever was removed from them, are still inside it",
                             "save it as a new file with the earlier versions dropped (Acrobat: File > Save As "
                             "Other > Optimized PDF; or export it again from the source document)"))
    return found


def _string(annot: Any, key: bytes) -> str:
    size = raw.FPDFAnnot_GetStringValue(annot, key, None, 0)
    if size <= 2:
        return ""
    buffer = (ctypes.c_ushort * (size // 2))()
    raw.FPDFAnnot_GetStringValue(annot, key, buffer, size)
    return bytes(buffer).decode("utf-16-le", "replace").rstrip("\x00").strip()
