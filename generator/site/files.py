"""A review's documents as the site shows them: each file's kind, size and pages, what the document checks found
(build/documents.py), and its text, page by page, for its text version."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ..content import schema
from ..content.kinds import slugify
from ..documents import DocumentFacts, Finding


@dataclass(frozen=True, slots=True)
class Document:
    title: str
    kind: str
    href: str  # encoded: relative to the review's page for a local file
    file: Path | None  # a local file to copy beside the review page
    size: int | None
    local: str | None = None  # where the local file is copied to, relative to the review's page
    format: str = ""  # "pdf" or "docx": a file the document checks read (see build/documents.py)
    pages: int | None = None  # how many pages it has, where the checks could read it
    missing: tuple[str, ...] = ()  # what it lacks for readers (a text layer, a title...), as the page says it
    warnings: int = 0  # the checks' other findings that its review did not acknowledge
    name: str | None = None  # its text version's folder under the review's documents/, where it has text
    text: tuple[tuple[str, ...], ...] = ()  # each page's paragraphs: in the whole model only (Review.lightened)

    @property
    def kind_label(self) -> str:
        return self.kind.replace("-", " ").capitalize()

    @property
    def checked(self) -> bool:
        """Whether the document checks read it."""
        return bool(self.format)

    @property
    def passed(self) -> bool:
        """Read, with accessible text and no warning left."""
        return self.checked and not self.missing and not self.warnings

    @property
    def status(self) -> str:
        """What the checks found, as a reader is told it: "Accessible text, no warnings", or what the file lacks and
        how many warnings are left."""
        if self.passed:
            return "Accessible text, no warnings"
        said = "; ".join([*self.missing, *([f"{self.warnings} warning{'' if self.warnings == 1 else 's'} from the "
                                             "publication checks"] if self.warnings else [])])
        return said[:1].upper() + said[1:]


READER_CHECKS = ("no-text", "no-title", "no-language", "untagged", "encrypted", "type", "unreadable")  # what a
# reader is told a document lacks, acknowledged or not; the other findings are counted as warnings while open
Read = tuple[DocumentFacts, tuple[Finding, ...]]  # a file as the document checks read it, and the findings left open


def documents_of(folder: Path, listed: list[dict[str, Any]], read: dict[str, Read]) -> tuple[Document, ...]:
    """The review's documents, with what the checks read in each file (`read`, by its `file:`), each text version
    in a folder of its own."""
    documents, taken = [], set()
    for values in listed:
        document = _document(folder, values, read.get(values["file"]))
        if document.name:
            name, number = document.name, 1
            while name in taken:
                number += 1
                name = f"{document.name}-{number}"
            taken.add(name)
            document = replace(document, name=name)
        documents.append(document)
    return tuple(documents)


def _document(folder: Path, values: dict[str, Any], read: Read | None) -> Document:
    if not values["file"]:
        return Document(values["title"], values["kind"], values["url"], None, None)
    path, local = folder / values["file"], Path(values["file"]).as_posix()
    document = Document(values["title"], values["kind"], quote(local), path, path.stat().st_size, local)
    if read is None:
        return document
    facts, left = read
    text = tuple(_paragraphs(page) for page in facts.pages)
    return replace(document, format=facts.format, pages=len(facts.pages) if facts.format else None,
                   missing=tuple(dict.fromkeys(schema.DOCUMENT_CHECKS[f.check] for f in facts.findings
                                               if f.check in READER_CHECKS)),
                   warnings=sum(1 for f in left if f.check not in READER_CHECKS),
                   name=slugify(Path(local).stem) or "document" if any(text) else None, text=text)


_CONTROLS = dict.fromkeys([*range(0x20), 0x7F, *range(0x80, 0xA0)], " ")  # never in a page's HTML


def _paragraphs(page: str) -> tuple[str, ...]:
    """A page's text as paragraphs: the lines wrapped within one are joined; a blank line ends one, and so does a
    line well short of the page's longest (the last of a paragraph, a heading, a line of an address). Control
    characters become spaces."""
    lines = [" ".join(line.translate(_CONTROLS).split()) for line in page.splitlines()]
    full = max(map(len, lines), default=0) * 0.7
    paragraphs: list[list[str]] = [[]]
    for line in lines:
        if line:
            paragraphs[-1].append(line)
        if not line or len(line) < full:
            paragraphs.append([])
    return tuple(" ".join(lines) for lines in paragraphs if lines)
