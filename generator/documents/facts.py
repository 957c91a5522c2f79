"""What reading a document finds: its text page by page, its title, language and tagging, and each finding of the
checks with where it is, what is wrong and how to fix it. Plain frozen values, safe to pickle and to cache."""

from __future__ import annotations

import re
from dataclasses import dataclass

CHECKS: dict[str, str] = {
    "redaction": "failed redaction",
    "metadata": "identifying metadata",
    "tracked-changes": "tracked changes",
    "comments": "comments",
    "hidden-text": "hidden text",
    "versions": "earlier versions",
    "pattern": "identifying text",
    "no-text": "no text layer",
    "no-title": "no title",
    "no-language": "no language",
    "untagged": "untagged PDF",
    "type": "wrong file type",
    "encrypted": "encrypted",
    "unreadable": "unreadable",
}
BLOCKING = frozenset({"redaction"})  # the checks whose findings stop the build unless acknowledged

MAX_BYTES = 60 * 1000 * 1000  # a report is refused unread above this (validation refuses 20 MB already)
MAX_PAGES = 2000
MAX_PAGE_CHARS = 200_000  # a dense page holds 5,000; the rest of a page beyond this is not read
MAX_OBJECTS = 50_000  # drawn objects on one page
MAX_FINDINGS = 20  # of one check in one document: the rest are counted in one more finding
MAX_QUOTE = 200
_ADDRESS = re.compile(r"^[a-z][a-z0-9+.-]*:\S*$", re.IGNORECASE)
_FILE_NAME = re.compile(r"^Microsoft Word - |\.(?:docx?|pdf|odt|rtf|txt|html?)$", re.IGNORECASE)


@dataclass(frozen=True)
class Finding:
    """One thing wrong in a document: where ("page 3", "paragraph 12", "metadata", "comments", "file"), which check
    (a key of CHECKS), what is wrong, how to fix it in the document (the build adds how to acknowledge it), and the
    exact text concerned, if any."""

    where: str
    check: str
    message: str
    fix: str
    quote: str = ""

    @property
    def blocking(self) -> bool:
        """A suspected failed redaction: it stops the build unless the review acknowledges it with a reason."""
        return self.check in BLOCKING


@dataclass(frozen=True)
class DocumentFacts:
    """A document as read: its format ("pdf", "docx", or "" when it could not be read), each page's text in order,
    its title and language if it declares them, whether it is tagged (Word: always), and what the checks found."""

    format: str
    pages: tuple[str, ...]
    title: str | None
    language: str | None
    tagged: bool
    findings: tuple[Finding, ...]


def unread(check: str, message: str, fix: str, format: str = "") -> DocumentFacts:
    """A document that could not be read, with the one finding that says why."""
    return DocumentFacts(format, (), None, None, False, (Finding("file", check, message, fix),))


def titled(value: str | None) -> str | None:
    """A document's title, or None where it has none worth announcing: empty, an address ("about:blank", as a
    browser prints a page without a title), or a file's name ("Microsoft Word - report.docx")."""
    title = " ".join((value or "").split())
    if not title or _ADDRESS.match(title) or _FILE_NAME.search(title):
        return None
    return title


def quoted(text: str) -> str:
    """`text` on one line, cut to a length a message can carry."""
    flat = " ".join(text.split())
    return flat if len(flat) <= MAX_QUOTE else flat[:MAX_QUOTE - 1] + "…"


def capped(findings: list[Finding]) -> tuple[Finding, ...]:
    """At most MAX_FINDINGS findings of each check, and for each check cut short one more that counts the rest."""
    kept: list[Finding] = []
    counts: dict[str, int] = {}
    for finding in findings:
        counts[finding.check] = counts.get(finding.check, 0) + 1
        if counts[finding.check] <= MAX_FINDINGS:
            kept.append(finding)
    for check, count in counts.items():
        if count > MAX_FINDINGS:
            first = next(f for f in kept if f.check == check)
            kept.append(Finding("file", check, f"and {count - MAX_FINDINGS:,} more places like those above",
                                first.fix))
    return tuple(kept)
