"""Stage 2, validate: typed values from front matter, then the rules that span files.

Every problem is recorded (never raised), so one run reports them all. The Home Office
publication rules from SPEC section 3 live here.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..problems import Problem, Problems, display_path
from . import kinds, schema
from .anonymity import IDENTIFYING, IN_LETTERS, scan, scan_nodes
from .kinds import check_slug, slugify
from .load import RawContent, ReviewFolder, SourceFile
from .nodes import Map
from .partnerships import Directory, Naming, Partnership, file_reviews, partnership_list
from .plans import ValidPlan, check_plan

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*\Z")
LETTER_NAME = re.compile(r"^letter-(\d{4}-\d{2}-\d{2})\.md\Z")
RESERVED_REVIEW_SLUGS = {"page"}  # /reviews/page/2/ and on are the all-reviews list
RESERVED_PAGES = {"reviews", "themes", "years", "partnerships", "regions", "counties", "death-years", "search",
                  "assets", "pagefind", "404", "agencies", "recommendations", "learning", "data", "schemas", "gone"}

DOCUMENT_TYPES = {".pdf", ".doc", ".docx", ".odt", ".rtf", ".xls", ".xlsx", ".ods", ".csv", ".txt"}
QUOTED_CHECKS = ("redaction", "pattern")  # a document's findings that are acknowledged only text by text


@dataclass
class ValidLetter:
    source: SourceFile
    values: dict[str, Any]


@dataclass
class ValidReview:
    folder: ReviewFolder
    values: dict[str, Any]
    letters: list[ValidLetter] = field(default_factory=list)
    plan: ValidPlan | None = None

    @property
    def slug(self) -> str:
        return self.folder.slug


@dataclass
class ValidContent:
    root: Path
    site: dict[str, Any]
    pages: list[tuple[SourceFile, dict[str, Any]]]
    reviews: list[ValidReview]
    directory: Directory = field(default_factory=Directory)


Vocabulary = tuple[tuple[str, ...], tuple[str, ...] | None]  # site.yaml's themes and agencies (None: unreadable)


class FieldCache:
    """Each file's typed values and its own problems, kept while the file and the theme list are unchanged.

    The loader hands back the same SourceFile object while a file is unchanged, so a rebuild checks
    again only the files that changed; the rules that span files always run.
    """

    def __init__(self) -> None:
        self._entries: dict[Path, tuple[SourceFile, Vocabulary, dict[str, Any], list[Problem]]] = {}

    def fields(self, source: SourceFile, spec: kinds.Schema, problems: Problems, vocabulary: Vocabulary = ((), None),
               body_check: Callable[[SourceFile, dict[str, Any], Problems], None] | None = None) -> dict[str, Any]:
        entry = self._entries.get(source.path)
        if entry is None or entry[0] is not source or entry[1] != vocabulary:
            found = Problems()
            values = _fields(source, spec, found, vocabulary)
            if body_check is not None:
                body_check(source, values, found)
            entry = self._entries[source.path] = (source, vocabulary, values, found.items)
        problems.items.extend(entry[3])
        return entry[2]

    def keep_only(self, paths: set[Path]) -> None:
        for path in set(self._entries) - paths:
            del self._entries[path]


def validate(raw: RawContent, problems: Problems, today: dt.date, cache: FieldCache | None = None) -> ValidContent:
    """Check everything, as on `today`; the result is only trustworthy when `problems` has no errors."""
    cache = cache or FieldCache()
    site, pages = validate_settings(raw.site, raw.pages, problems, cache)
    vocabulary = vocabulary_of(site)
    reviews = [check_review(folder, vocabulary, problems, cache) for folder in raw.reviews]
    listed = partnership_list(raw.site, site, problems)
    directory = check_across([Facts.of(r) for r in reviews], problems, today, listed)
    sources = [s for r in reviews for s in r.folder.sources]
    cache.keep_only({s.path for s, _ in pages} | {s.path for s in sources})
    return ValidContent(raw.root, site, pages, reviews, directory)


def validate_settings(site_file: SourceFile | None, page_files: list[SourceFile], problems: Problems,
                      cache: FieldCache) -> tuple[dict[str, Any], list[tuple[SourceFile, dict[str, Any]]]]:
    """site.yaml's values and each free page's."""
    site = _site(site_file, problems)
    pages = [(page, cache.fields(page, schema.PAGE, problems)) for page in page_files]
    _check_page_names(pages, problems)
    return site, pages


def vocabulary_of(site: dict[str, Any]) -> Vocabulary:
    """The themes and the agencies that reviews and action plans are checked against."""
    themes = tuple(site["themes"]) if isinstance(site.get("themes"), list) else ()
    agencies = site.get("agencies")
    if agencies is kinds.INVALID:
        return themes, None  # already reported: take any agency rather than report every one
    return themes, tuple(agencies or ())


@dataclass(frozen=True)
class Facts:
    """What the rules that span reviews need from each one."""

    slug: str
    path: str  # its review.md (a string: a build unpickles one for every review)
    status: Any
    csp: Any
    csp_line: int
    aliases: Any
    aliases_line: int
    plan: str | None = None
    dated: tuple[tuple[int, str, dt.date], ...] = ()  # the action plan's dates that must not be in the future

    @classmethod
    def of(cls, review: ValidReview) -> Facts:
        entries = review.folder.review.meta.entries if review.folder.review.meta else {}
        line = {name: entries[name].key_line if name in entries else 1 for name in ("csp", "aliases")}
        plan = review.plan
        return cls(review.slug, str(review.folder.review.path), review.values.get("status"), review.values.get("csp"),
                   line["csp"], review.values.get("aliases"), line["aliases"], str(plan.source.path) if plan else None,
                   plan.dated if plan else ())


def check_across(reviews: list[Facts], problems: Problems, today: dt.date,
                 listed: dict[str, Partnership] | None = None) -> Directory:
    """The rules that span reviews (addresses of reviews, aliases and partnerships), and those that need the date;
    returns the partnership each published review is filed under, given site.yaml's `listed` partnerships."""
    _check_unique_slugs(reviews, problems)
    directory = _file_partnerships([r for r in reviews if r.status == "published"], listed or {}, problems)
    for review in reviews:
        for line, name, date in review.dated:
            if date > today:
                problems.add(review.plan, line, name, f"{date.isoformat()} is in the future (today is "  # type: ignore[arg-type]
                             f"{today.isoformat()})", "give the date it happened; put work still to do under actions "
                             "and its due date under target")
    return directory


def _fields(source: SourceFile, spec: kinds.Schema, problems: Problems,
            vocabulary: Vocabulary = ((), None)) -> dict[str, Any]:
    if source.meta is None:
        return {f.name: kinds.INVALID for f in spec.fields}
    return kinds.read_fields(source.meta, spec, kinds.Context(source.path, problems, *vocabulary))


def _site(source: SourceFile | None, problems: Problems) -> dict[str, Any]:
    if source is None:
        return {}
    values = _fields(source, schema.SITE, problems)
    for name, what in (("themes", "theme"), ("agencies", "agency")):
        names = values.get(name)
        if not isinstance(names, list) or not isinstance(source.meta, Map):
            continue
        line, seen = source.meta.entries[name].key_line, set()
        for item in names:
            if not check_slug(item, source.path, line, name, problems):
                continue
            if slugify(item) in seen:
                problems.add(source.path, line, name, f"'{item}' is listed twice, or would share another "
                             f"{what}'s address /{name}/{slugify(item)}/", "keep one of them")
            seen.add(slugify(item))
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


def check_review(folder: ReviewFolder, vocabulary: Vocabulary, problems: Problems,
                 cache: FieldCache | None = None) -> ValidReview:
    """One review's folder: its fields, its letters, its action plan, its documents and the publication rules."""
    cache = cache or FieldCache()
    review = ValidReview(folder, cache.fields(folder.review, schema.REVIEW, problems, vocabulary, _check_summary))
    if not SLUG.match(folder.slug):
        problems.add(folder.review.path, 1, "folder name", f"'{folder.slug}' cannot be a web address",
                     "rename the folder with lower-case letters, digits and hyphens, "
                     f"e.g. '{slugify(folder.slug) or 'review-name'}'")
    elif folder.slug in RESERVED_REVIEW_SLUGS:
        problems.add(folder.review.path, 1, "folder name", f"'/reviews/{folder.slug}/' is used by the list "
                     "of reviews", f"rename the folder, e.g. '{folder.slug}-review'")
    review.letters = sorted((_letter(source, problems, cache) for source in folder.letters),
                            key=lambda letter: letter.source.path.name)
    if folder.plan is not None:
        review.plan = _plan(folder.plan, vocabulary, problems, cache)
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
    elif date not in (None, kinds.INVALID) and match.group(1) != date.isoformat():
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
        _check_acknowledged(doc, node, path, problems)


def _check_acknowledged(doc: dict[str, Any], node: Map, path: Path, problems: Problems) -> None:
    """A document's acknowledgements: for its file's findings only, and naming the text where the check needs it."""
    given = doc["acknowledge"]
    if not isinstance(given, list):
        return
    line = node.entries["acknowledge"].key_line
    if doc["file"] is None:
        problems.add(path, line, "documents.acknowledge", f"'{doc['title']}' is not checked: only a file in the "
                     "review's folder is", "remove acknowledge, or give the document as file:")
    for acknowledgement, item in zip(given, node.entries["acknowledge"].value.items, strict=True):  # type: ignore[union-attr]
        if acknowledgement["check"] in QUOTED_CHECKS and acknowledgement["text"] is None:
            problems.add(path, item.line, "documents.acknowledge", f"an acknowledgement of {acknowledgement['check']} "
                         "needs the text it accepts", "add text: with the exact text the check quotes")


def _check_local_file(folder: Path, doc: dict[str, Any], line: int, path: Path, problems: Problems) -> None:
    try:
        _check_file_at(folder, doc, (folder / doc["file"]).resolve(), line, path, problems)
    except (OSError, RuntimeError) as error:  # a link that loops, a name the file system refuses
        why = getattr(error, "strerror", None) or error
        problems.add(path, line, "documents.file", f"'{doc['file']}' cannot be read ({why})",
                     "copy the document itself into the review's folder")


def _check_file_at(folder: Path, doc: dict[str, Any], target: Path, line: int, path: Path,
                   problems: Problems) -> None:
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
    if documents is kinds.INVALID:  # already reported; the checklist below would only guess
        return
    listed = {doc["kind"] for doc in documents}
    if "report" not in listed:
        problems.warn(path, status_line, "documents", "a published review lists no report",
                      "add the report under documents, with kind: report")
    if "action-plan" not in listed and review.plan is None:
        problems.warn(path, status_line, "documents", "a published review lists no action plan",
                      "add action-plan.yaml (dhr new action-plan), list the action plan under documents "
                      "(kind: action-plan), or annex it to the report")


def _plan(source: SourceFile, vocabulary: Vocabulary, problems: Problems, cache: FieldCache) -> ValidPlan:
    """An action plan's fields, the rules between a recommendation's fields and its actions (plans.py), and the
    dates that `check_across` holds against the build date."""
    values = cache.fields(source, schema.ACTION_PLAN, problems, vocabulary, scan_nodes)
    return ValidPlan(source, values, check_plan(source, problems))


def _check_letter_text(source: SourceFile, values: dict[str, Any], problems: Problems) -> None:
    if source.meta is not None and not re.sub(r"<!--.*?-->", "", source.body, flags=re.DOTALL).strip():
        problems.warn(source.path, source.body_line, "letter", "the letter has no text",
                      "paste the letter's text below the front matter")
    scan(source, values, "letter", IN_LETTERS, problems)


def _check_summary(source: SourceFile, values: dict[str, Any], problems: Problems) -> None:
    scan(source, values, "summary", IDENTIFYING, problems)


def _check_unique_slugs(reviews: list[Facts], problems: Problems) -> None:
    """Each review and alias needs its own web address."""
    first: dict[str, Facts] = {}
    for review in reviews:
        other = first.setdefault(review.slug.lower(), review)
        if other is not review:
            problems.add(review.path, 1, "folder name", f"'{review.slug}' is also the folder "
                         f"name of {display_path(Path(other.path).parent)}, and each review needs its own web address",
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


def _file_partnerships(reviews: list[Facts], listed: dict[str, Partnership], problems: Problems) -> Directory:
    """The partnership each published review is filed under (see partnerships.py)."""
    namings = [Naming(r.csp, r.path, r.csp_line) for r in reviews
               if isinstance(r.csp, str) and check_slug(r.csp, r.path, r.csp_line, "csp", problems)]
    return file_reviews(listed, namings, problems)
