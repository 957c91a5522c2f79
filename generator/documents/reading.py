"""`inspect`: a document's facts, read in a bounded child process; whatever the file holds, it returns, never
raises: a file that is not what its name says, is encrypted or cannot be read is a finding."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..content.anonymity import identifying
from ..isolate import ReadError, run_bounded
from .facts import MAX_BYTES, DocumentFacts, Finding, capped, unread
from .pdf import read_pdf
from .word import read_word

READERS: dict[str, Callable[[bytes], DocumentFacts]] = {"pdf": read_pdf, "docx": read_word}
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_NAMES = {"pdf": "a PDF", "docx": "a Word document (.docx)", "ole": "an old-format Office file (such as .doc)",
          "": "neither a PDF nor a Word document"}


def inspect(path: Path) -> DocumentFacts:
    """The facts of the PDF or Word document at `path` (other kinds of file are not read: format "")."""
    named = path.suffix.lower().lstrip(".")
    if named not in READERS:
        return DocumentFacts("", (), None, None, False, ())
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        return unread("unreadable", f"it cannot be opened ({exc.strerror or exc})",
                      "check that the file is there and can be read")
    if len(data) > MAX_BYTES:
        return unread("unreadable", f"it is larger than {MAX_BYTES // 1_000_000} MB, far larger than a report",
                      "check it is the right file, or publish it in parts")
    actual = sniff(data)
    if actual == "ole" and "EncryptedPackage".encode("utf-16-le") in data:
        return unread("encrypted", "it is a Word document encrypted with a password, so it cannot be checked or "
                      "searched, and readers may not open it", "save it without a password (File > Info > Protect "
                      "Document)", named)
    if actual not in READERS:
        return unread("type", f"it is named .{named} but is {_NAMES[actual]}",
                      f"save or export it as {_NAMES[named]} and list that file")
    try:
        facts: DocumentFacts = run_bounded(lambda data: with_patterns(READERS[actual](data)), data)
    except ReadError as exc:
        return unread("unreadable", str(exc), "open it in the program that made it, and save or export it again",
                      actual)
    if actual != named:
        wrong = Finding("file", "type", f"it is named .{named} but is {_NAMES[actual]}, so readers' programs may "
                        "not open it", f"rename it to .{actual}, or save or export it as {_NAMES[named]}")
        facts = DocumentFacts(facts.format, facts.pages, facts.title, facts.language, facts.tagged,
                              (wrong, *facts.findings))
    return facts


def with_patterns(facts: DocumentFacts) -> DocumentFacts:
    """`facts` with a finding for each identifying pattern (the content scans' own) on each page, quoting it."""
    found = [Finding(f"page {number}", "pattern", f"'{text}' looks like {what}, which could identify people",
                     f"{fix}, then export the document again", text)
             for number, page in enumerate(facts.pages, 1) for text, what, fix in identifying(page)]
    return DocumentFacts(facts.format, facts.pages, facts.title, facts.language, facts.tagged,
                         capped([*facts.findings, *found]))


def sniff(data: bytes) -> str:
    """What the bytes are: "pdf", "docx" (a zip, which the Word reader checks further), "ole", or ""."""
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "docx"
    if data.startswith(_OLE):
        return "ole"
    return ""
