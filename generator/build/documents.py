"""The document checks in the build: every local PDF or Word file a published review lists is read once for its
bytes, and what the checks find is reported as content problems are, all in one run.

Each finding is a problem at the line of review.md that names the file (`file:`), where an
acknowledgement would go: `review.md:14: documents.file: report.pdf, page 3: ...; fix`. A suspected
failed redaction is an error, so it stops the build; every other finding is a warning (an error
with --strict). A finding is set aside when the document's entry acknowledges it with a reason
(`acknowledge: [{check: redaction, text: "...", reason: "..."}]`, the text being exactly what the
finding quotes; without text, every finding of that check in that file), or, for an identifying
pattern, when the review's own `acknowledge` names that text.

What reading found is kept in the build's store under the digest of the file's bytes
(`document_key`; the store is named by the generator's version, which covers the PDF reader's), so
an unchanged report is never read again, whatever else in its review changes; a stored value is
verified by its digest before it is unpickled, and one that fails is read afresh. Drafts, submitted
and withdrawn reviews' files are never opened.
"""

from __future__ import annotations

import json
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..content.nodes import Map
from ..content.validate import QUOTED_CHECKS, ValidReview
from ..documents import DocumentFacts, Finding, inspect
from ..output.write import readable_digest
from ..problems import ERROR, WARNING, Problem, Problems
from ..site.files import Read
from ..workers import fork_map

INSPECTED = {".pdf", ".docx"}  # the formats the checks read; other files are published as they are
Known = Callable[[bytes], bytes | None]  # the store's lookup: a value's bytes by its key, or None


def document_key(digest: bytes) -> bytes:
    """Where the facts of a document whose bytes have `digest` are kept in the store (the store is the build
    cache's, named by the generator's version, which covers the PDF reader's and PDFium's: cache.SHIPPED)."""
    return b"document\0" + digest


def check_listed(review: ValidReview, stamps: dict[str, bytes | None], known: Known,
                 problems: Problems) -> tuple[dict[str, Read], dict[bytes, bytes]]:
    """Read (or recall) each PDF and Word file a published `review` lists and report what the checks found.

    `stamps`: each listed file's path (as records.py names it) -> the digest of its bytes, None when it
    cannot be read. Returns each file read, by its `file:` value, with the findings its review did not
    acknowledge; and the facts read anew, pickled by their store key, for the caller to store.
    """
    if review.values.get("status") != "published" or not isinstance(review.values.get("documents"), list):
        return {}, {}
    checked: dict[str, Read] = {}
    fresh: dict[bytes, bytes] = {}
    for doc, node in _listed(review):
        digest = stamps.get(str(review.folder.path / doc["file"]))
        if digest is None:  # missing or unreadable: validation has said so
            continue
        facts, pickled = _facts(review.folder.path / doc["file"], digest, lambda key: fresh.get(key) or known(key))
        if pickled is not None:
            fresh[document_key(digest)] = pickled
        checked[doc["file"]] = (facts, _report(review, doc, node, facts, problems))
    return checked, fresh


def check_all(reviews: list[ValidReview], problems: Problems) -> None:
    """`dhr check`: every published review's files read and reported, with no build cache (on both cores)."""
    listing = [r for r in reviews if r.values.get("status") == "published" and _listed(r)]

    def one(number: int) -> list[Problem]:  # the review's number crosses to the worker, not the review
        review, found = listing[number], Problems()
        stamps = {str(review.folder.path / doc["file"]): readable_digest(review.folder.path / doc["file"])
                  for doc, _ in _listed(review)}
        check_listed(review, stamps, lambda key: None, found)
        return found.items

    with fork_map(one, range(len(listing)), chunksize=1) as found:
        for items in found:
            problems.items.extend(items)


def _listed(review: ValidReview) -> list[tuple[dict[str, Any], Map]]:
    """The documents of `review` given by a file the checks read, each with its node in review.md."""
    documents = review.values.get("documents")
    meta = review.folder.review.meta
    if not isinstance(documents, list) or meta is None:
        return []
    folder = review.folder.path.resolve()
    found = []
    for doc, node in zip(documents, meta.entries["documents"].value.items, strict=True):  # type: ignore[union-attr]
        name = doc.get("file")
        if not isinstance(name, str) or Path(name).suffix.lower() not in INSPECTED:
            continue
        try:
            inside = (folder / name).resolve().is_relative_to(folder)
        except (OSError, RuntimeError):  # a link that loops: validation has said so
            inside = False
        if inside:
            found.append((doc, node))
    return found


def _facts(path: Path, digest: bytes, known: Known) -> tuple[DocumentFacts, bytes | None]:
    """The file's facts from the store, else read now: with their pickle when read now and the file's bytes did
    not change while it was read (else they are not kept)."""
    data = known(document_key(digest))
    if data is not None:
        try:  # verified bytes, written by this same code (the store's digest and the build cache's name)
            facts = pickle.loads(data)
        except Exception:  # a value this version cannot read is read afresh
            facts = None
        if isinstance(facts, DocumentFacts):
            return facts, None
    facts = inspect(path)
    return facts, pickle.dumps(facts, protocol=pickle.HIGHEST_PROTOCOL) if readable_digest(path) == digest else None


def _report(review: ValidReview, doc: dict[str, Any], node: Map, facts: DocumentFacts,
            problems: Problems) -> tuple[Finding, ...]:
    """Each finding that the document's entry (or, for a pattern, the review) does not acknowledge, as a problem at
    its `file:` line; returns them. An acknowledgement that names no finding is a warning at its own line."""
    path, name, line = review.folder.review.path, doc["file"], node.entries["file"].key_line
    given = doc.get("acknowledge") or []
    in_review = {a["text"] for a in review.values.get("acknowledge") or () if isinstance(a, dict)}
    used: set[int] = set()
    left = []
    for finding in facts.findings:
        matching = [n for n, a in enumerate(given) if _covers(a, finding)]
        used.update(matching)
        if matching or (finding.check == "pattern" and finding.quote in in_review):
            continue
        left.append(finding)
        text = f", text: {json.dumps(finding.quote, ensure_ascii=False)}" if finding.quote else ""
        problems.add(path, line, "documents.file", f"{name}, {finding.where}: {finding.message}",
                     f"{finding.fix}; if it must stay, add under this document: "
                     f"acknowledge: [{{check: {finding.check}{text}, reason: why it may stay}}]",
                     ERROR if finding.blocking else WARNING)
    if facts.format:  # what was acknowledged is known only of a file that could be read
        items = node.entries["acknowledge"].value.items if given else []  # type: ignore[union-attr]
        for number, (acknowledgement, item) in enumerate(zip(given, items, strict=True)):
            if number not in used and (acknowledgement["text"] or acknowledgement["check"] not in QUOTED_CHECKS):
                problems.warn(path, item.line, "documents.acknowledge", f"{name}: the acknowledgement of "
                              f"{acknowledgement['check']}" + (f" '{acknowledgement['text']}'"
                                                               if acknowledgement.get("text") else "")
                              + " matches nothing the checks found", "remove it, or give the exact text quoted")
    return tuple(left)


def _covers(acknowledgement: dict[str, Any], finding: Finding) -> bool:
    """Whether an acknowledgement names this finding: its check, and exactly the text it quotes where it gives one."""
    text = acknowledgement.get("text")
    return acknowledgement.get("check") == finding.check and \
        (text is None or " ".join(text.split()) == " ".join(finding.quote.split()))

