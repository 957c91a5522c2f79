"""Stage 2, validate: typed values from front matter, then the rules that span files.

Every problem is recorded (never raised), so one run reports them all. The Home Office
publication rules from SPEC section 3 live here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import schema
from .load import Map, RawContent, ReviewFolder, SourceFile
from .problems import Problem, Problems, display_path

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*\Z")
LETTER_NAME = re.compile(r"^letter-(\d{4}-\d{2}-\d{2})\.md\Z")
RESERVED_REVIEW_SLUGS = {"page"}  # /reviews/page/2/ and on are the all-reviews list
RESERVED_PAGES = {"reviews", "themes", "years", "partnerships", "search", "assets", "pagefind", "404"}

_MONTHS = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*"
IDENTIFYING = (
    ("a full date", re.compile(
        rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTHS}\s+\d{{4}}\b|\b{_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}\b"
        r"|\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}/\d{1,2}/\d{2,4}\b", re.IGNORECASE),
     "give the month and year only, or leave the date out"),
    ("an e-mail address", re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), "remove it"),
    ("a phone number", re.compile(r"(?<![\w-])(?:\+44\s?|0)\d{2,4}[\s-]?\d{3,4}[\s-]?\d{3,4}(?![\w-])"),
     "remove it"),
)
IN_LETTERS = (  # letters carry the Home Office's own e-mail addresses and phone numbers, so only these
    ("a postcode", re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s?\d[ABD-HJLNP-UW-Z]{2}\b"), "remove it, or acknowledge it"),
    ("an NHS number", re.compile(r"(?<![\d-])\d{3}[ -]?\d{3}[ -]?\d{4}(?![\d-])"), "remove it"),
)
IDENTIFYING += IN_LETTERS
DOCUMENT_TYPES = {".pdf", ".doc", ".docx", ".odt", ".rtf", ".xls", ".xlsx", ".ods", ".csv", ".txt"}


@dataclass
class ValidLetter:
    source: SourceFile
    values: dict[str, Any]


@dataclass
class ValidReview:
    folder: ReviewFolder
    values: dict[str, Any]
    letters: list[ValidLetter] = field(default_factory=list)

    @property
    def slug(self) -> str:
        return self.folder.slug


@dataclass
class ValidContent:
    root: Path
    site: dict[str, Any]
    pages: list[tuple[SourceFile, dict[str, Any]]]
    reviews: list[ValidReview]


class FieldCache:
    """Each file's typed values and its own problems, kept while the file and the theme list are unchanged.

    The loader hands back the same SourceFile object while a file is unchanged, so a rebuild checks
    again only the files that changed; the rules that span files always run.
    """

    def __init__(self) -> None:
        self._entries: dict[Path, tuple[SourceFile, tuple[str, ...], dict[str, Any], list[Problem]]] = {}

    def fields(self, source: SourceFile, spec: schema.Schema, problems: Problems, themes: tuple[str, ...] = (),
               body_check: Callable[[SourceFile, dict[str, Any], Problems], None] | None = None) -> dict[str, Any]:
        entry = self._entries.get(source.path)
        if entry is None or entry[0] is not source or entry[1] != themes:
            found = Problems()
            values = _fields(source, spec, found, themes)
            if body_check is not None:
                body_check(source, values, found)
            entry = self._entries[source.path] = (source, themes, values, found.items)
        problems.items.extend(entry[3])
        return entry[2]

    def keep_only(self, paths: set[Path]) -> None:
        for path in set(self._entries) - paths:
            del self._entries[path]


def validate(raw: RawContent, problems: Problems, cache: FieldCache | None = None) -> ValidContent:
    """Check everything; the result is only trustworthy when `problems` has no errors."""
    cache = cache or FieldCache()
    site, pages = validate_settings(raw.site, raw.pages, problems, cache)
    themes = themes_of(site)
    reviews = [check_review(folder, themes, problems, cache) for folder in raw.reviews]
    check_across([Facts.of(r) for r in reviews], problems)
    sources = [s for r in reviews for s in (r.folder.review, *r.folder.letters)]
    cache.keep_only({s.path for s, _ in pages} | {s.path for s in sources})
    return ValidContent(raw.root, site, pages, reviews)


def validate_settings(site_file: SourceFile | None, page_files: list[SourceFile], problems: Problems,
                      cache: FieldCache) -> tuple[dict[str, Any], list[tuple[SourceFile, dict[str, Any]]]]:
    """site.yaml's values and each free page's."""
    site = _site(site_file, problems)
    pages = [(page, cache.fields(page, schema.PAGE, problems)) for page in page_files]
    _check_page_names(pages, problems)
    return site, pages


def themes_of(site: dict[str, Any]) -> tuple[str, ...]:
    """The theme vocabulary that reviews are checked against."""
    return tuple(site["themes"]) if isinstance(site.get("themes"), list) else ()


@dataclass(frozen=True)
class Facts:
    """What the rules that span reviews need from each one."""

    slug: str
    path: Path  # its review.md
    status: Any
    csp: Any
    csp_line: int
    aliases: Any
    aliases_line: int

    @classmethod
    def of(cls, review: ValidReview) -> Facts:
        entries = review.folder.review.meta.entries if review.folder.review.meta else {}
        line = {name: entries[name].key_line if name in entries else 1 for name in ("csp", "aliases")}
        return cls(review.slug, review.folder.review.path, review.values.get("status"), review.values.get("csp"),
                   line["csp"], review.values.get("aliases"), line["aliases"])


def check_across(reviews: list[Facts], problems: Problems) -> None:
    """The rules that span reviews: addresses of reviews, aliases and partnerships."""
    _check_unique_slugs(reviews, problems)
    _check_shared_partnerships([r for r in reviews if r.status == "published"], problems)


def _fields(source: SourceFile, spec: schema.Schema, problems: Problems,
            themes: tuple[str, ...] = ()) -> dict[str, Any]:
    if source.meta is None:
        return {f.name: schema.INVALID for f in spec.fields}
    return schema.read_fields(source.meta, spec, schema.Context(source.path, problems, themes))


def _site(source: SourceFile | None, problems: Problems) -> dict[str, Any]:
    if source is None:
        return {}
    values = _fields(source, schema.SITE, problems)
    themes = values.get("themes")
    if isinstance(themes, list) and isinstance(source.meta, Map):
        line = source.meta.entries["themes"].key_line
        seen: set[str] = set()
        for theme in themes:
            if slugify(theme) in seen:
                problems.add(source.path, line, "themes", f"'{theme}' is listed twice, or would share another "
                             f"theme's address /themes/{slugify(theme)}/", "keep one of them")
            seen.add(slugify(theme))
    return values


def _check_page_names(pages: list[tuple[SourceFile, dict[str, Any]]], problems: Problems) -> None:
    for page, _ in pages:
        slug = page.path.stem
        if not SLUG.match(slug):
            problems.add(page.path, 1, "file name", f"'{slug}' cannot be a web address",
                         "rename the file with lower-case letters, digits and hyphens, e.g. about.md")
        elif slug in RESERVED_PAGES:
            problems.add(page.path, 1, "file name", f"'/{slug}/' is already used by the site",
                         "rename the page")


def check_review(folder: ReviewFolder, themes: tuple[str, ...], problems: Problems,
                 cache: FieldCache | None = None) -> ValidReview:
    """One review's folder: its fields, its letters, its documents and the publication rules."""
    cache = cache or FieldCache()
    review = ValidReview(folder, cache.fields(folder.review, schema.REVIEW, problems, themes, _check_summary))
    if not SLUG.match(folder.slug):
        problems.add(folder.review.path, 1, "folder name", f"'{folder.slug}' cannot be a web address",
                     "rename the folder with lower-case letters, digits and hyphens, "
                     f"e.g. '{slugify(folder.slug) or 'review-name'}'")
    elif folder.slug in RESERVED_REVIEW_SLUGS:
        problems.add(folder.review.path, 1, "folder name", f"'/reviews/{folder.slug}/' is used by the list "
                     "of reviews", f"rename the folder, e.g. '{folder.slug}-review'")
    review.letters = sorted((_letter(source, problems, cache) for source in folder.letters),
                            key=lambda letter: letter.source.path.name)
    _check_documents(review, problems)
    if review.values.get("status") == "published":
        _check_publishable(review, problems)
    return review


def _letter(source: SourceFile, problems: Problems, cache: FieldCache) -> ValidLetter:
    values = cache.fields(source, schema.LETTER, problems, body_check=_check_letter_text)
    match = LETTER_NAME.match(source.path.name)
    date = values.get("date")
    if not match:
        problems.add(source.path, 1, "file name", f"'{source.path.name}' is not named letter-YYYY-MM-DD.md",
                     "name the file after the letter's date, e.g. letter-2024-08-07.md")
    elif date not in (None, schema.INVALID) and match.group(1) != date.isoformat():
        line = source.meta.entries["date"].key_line if source.meta else 1
        problems.add(source.path, line, "date", f"{date.isoformat()} differs from the date in the file "
                     f"name ({match.group(1)})", "make the file name and the date field agree")
    return ValidLetter(source, values)


def _check_documents(review: ValidReview, problems: Problems) -> None:
    documents = review.values.get("documents")
    meta = review.folder.review.meta
    if not isinstance(documents, list) or meta is None:
        return
    items = meta.entries["documents"].value.items  # type: ignore[union-attr]
    path = review.folder.review.path
    for doc, node in zip(documents, items, strict=True):
        if (doc["file"] is None) == (doc["url"] is None):
            problems.add(path, node.line, "documents", f"'{doc['title']}' needs either file or url, not "
                         f"{'both' if doc['file'] else 'neither'}",
                         "give file: for a PDF in the review's folder, or url: for one published elsewhere")
        elif doc["file"] is not None:
            _check_local_file(review.folder.path, doc, node.line, path, problems)


def _check_local_file(folder: Path, doc: dict[str, Any], line: int, path: Path, problems: Problems) -> None:
    target = (folder / doc["file"]).resolve()
    if Path(doc["file"]).suffix.lower() not in DOCUMENT_TYPES:
        problems.add(path, line, "documents.file", f"'{doc['file']}' is not a document type the site publishes",
                     "give a PDF, Word, OpenDocument, spreadsheet, CSV or text file")
    elif not target.is_relative_to(folder.resolve()):
        problems.add(path, line, "documents.file", f"'{doc['file']}' is outside the review's folder",
                     "put the document in the review's folder and give its file name")
    elif not target.is_file():
        problems.add(path, line, "documents.file", f"'{doc['file']}' does not exist in {folder.name}/",
                     "check the spelling, or copy the document into the review's folder")
    elif doc["kind"] == "report" and target.stat().st_size >= schema.MAX_REPORT_BYTES:
        size = target.stat().st_size / 1e6
        problems.add(path, line, "documents.file", f"the report is {size:.1f} MB; the Home Office asks for "
                     "less than 20 MB", "compress the PDF (for example, reduce image resolution)")


def _check_publishable(review: ValidReview, problems: Problems) -> None:
    path = review.folder.review.path
    status_line = review.folder.review.meta.entries["status"].key_line if review.folder.review.meta else 1
    if not review.letters:
        problems.add(path, status_line, "status", "a published review needs its QA Panel letter",
                     "add the letter as letter-YYYY-MM-DD.md in this folder (dhr new letter), or set status: submitted")
        return
    latest = review.letters[-1]
    if latest.values.get("outcome") == "resubmit":
        problems.add(path, status_line, "status", f"the latest QA letter ({latest.source.path.name}) asks for "
                     "the report to be resubmitted", "resubmit the report and add the panel's new letter, "
                     "or set status: submitted")
    documents = review.values.get("documents") or []
    if documents is schema.INVALID:  # already reported; the checklist below would only guess
        return
    kinds = {doc["kind"] for doc in documents}
    if "report" not in kinds:
        problems.warn(path, status_line, "documents", "a published review lists no report",
                      "add the report under documents, with kind: report")
    if "action-plan" not in kinds:
        problems.warn(path, status_line, "documents", "a published review lists no action plan",
                      "list the action plan under documents (kind: action-plan), or annex it to the report")


def _check_letter_text(source: SourceFile, values: dict[str, Any], problems: Problems) -> None:
    if source.meta is not None and not re.sub(r"<!--.*?-->", "", source.body, flags=re.DOTALL).strip():
        problems.warn(source.path, source.body_line, "letter", "the letter has no text",
                      "paste the letter's text below the front matter")
    _scan(source, values, "letter", IN_LETTERS, problems)


def _check_summary(source: SourceFile, values: dict[str, Any], problems: Problems) -> None:
    _scan(source, values, "summary", IDENTIFYING, problems)


def _scan(source: SourceFile, values: dict[str, Any], field: str,
          patterns: tuple[tuple[str, re.Pattern[str], str], ...], problems: Problems) -> None:
    """Warn about what could identify people, unless the file acknowledges that exact text with a reason."""
    given = values.get("acknowledge")
    acknowledged = {a["text"] for a in given if isinstance(a, dict)} if isinstance(given, list) else set()
    for offset, line in enumerate(source.body.split("\n")):
        for what, pattern, fix in patterns:
            for match in pattern.finditer(line):
                if match.group(0) not in acknowledged:
                    problems.warn(source.path, source.body_line + offset, field,
                                  f"'{match.group(0)}' looks like {what}, which could identify people",
                                  f"{fix}; if it must stay, acknowledge it in the front matter with a reason")


def _check_unique_slugs(reviews: list[Facts], problems: Problems) -> None:
    """Each review and alias needs its own web address."""
    first: dict[str, Facts] = {}
    for review in reviews:
        other = first.setdefault(review.slug.lower(), review)
        if other is not review:
            problems.add(review.path, 1, "folder name", f"'{review.slug}' is also the folder "
                         f"name of {display_path(other.path.parent)}, and each review needs its own web address",
                         "rename one of the two folders")
    taken = {r.slug.lower() for r in reviews}
    for review in reviews:
        for alias in review.aliases if isinstance(review.aliases, list) else ():
            if not SLUG.match(alias) or alias in RESERVED_REVIEW_SLUGS:
                problems.add(review.path, review.aliases_line, "aliases", f"'{alias}' cannot be a review's address",
                             "give the review's earlier folder name: lower-case letters, digits and hyphens")
            elif alias.lower() in taken:
                problems.add(review.path, review.aliases_line, "aliases", f"'/reviews/{alias}/' is already the "
                             "address of a review or another alias", "remove it, or rename one of the two")
            taken.add(alias.lower())


def slugify(name: str) -> str:
    """The part of a web address a name becomes: 'Children's services' -> 'childrens-services'."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower().replace("'", "").replace("\u2019", "")).strip("-")


def _check_shared_partnerships(reviews: list[Facts], problems: Problems) -> None:
    """Names that differ only in case or punctuation would share one address: ask for one spelling."""
    seen: dict[str, str] = {}
    for review in reviews:
        if not isinstance(review.csp, str):
            continue
        other = seen.setdefault(slugify(review.csp), review.csp)
        if other != review.csp:
            problems.add(review.path, review.csp_line, "csp", f"'{review.csp}' and '{other}' would share the address "
                         f"/partnerships/{slugify(review.csp)}/", f"spell it the same way in every review: '{other}'")
