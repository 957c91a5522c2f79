"""Open data: `reviews.json` and a CSV file per entity.

The shape of every record is declared once below, as a `kinds.Schema` whose fields are, where
the value comes from the content, the very fields that validate the content files (so their
kinds and their documentation are the same). `json_schemas.py` makes each file's JSON Schema from
those declarations, and the tests hold the files to them.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
from collections.abc import Callable, Iterator
from typing import Any, Protocol

from ..content import kinds, schema, validate
from ..content.kinds import Field, ListOf, Record, Schema, Text
from ..content.partnerships import Partnership
from ..content.schema import PARTNERSHIP, REVIEW
from .learning import Update
from .model import Chrome, Entry, Review


class Integer(kinds.Kind):
    label = "whole number"


def _from(spec: Schema, name: str, doc: str | None = None, required: bool | None = None) -> Field:
    """A field of the content model, as the data files carry it."""
    f = spec.field(name)
    return Field(name, f.kind, doc or f.doc, f.required if required is None else required)


URL = Field("url", kinds.Url(), "its address on this site", True)
SLUG = Field("review", kinds.Pattern("review's folder name", validate.SLUG.pattern, "", ""),
             "the review's folder name, which links the tables", True)
POINT = Schema("feedback point", "A point the QA Panel's letter asked the partnership to look at.", (
    Field("number", Integer(), "its place in the letter's list, from 1", True),
    Field("text", Text(), "the point, as the letter words it, without the points nested in it", True),
    Field("parent", Integer(), "the number of the point it is nested under in the letter's list; 0 at the top", True),
    URL))
LETTER = Schema("letter", "A Home Office QA Panel letter about the review.", (
    _from(schema.LETTER, "date"), URL, *(_from(schema.LETTER, n) for n in ("panel_date", "resubmission", "outcome",
                                                                          "from", "to", "signed")),
    Field("feedback_points", ListOf(Record(POINT)), "the points the letter lists", True)))
UPDATE = Schema("update", schema.UPDATE.doc, tuple(_from(schema.UPDATE, n) for n in ("date", "text")))
AGENCIES = Field("agencies", ListOf(kinds.Agency()), "the agencies it is addressed to", True)
ACTION = Schema("action", "An action agreed for a recommendation. Each value is the action's own or, where the plan "
                "gives it none, its recommendation's (its updates and evidence are its own only).", (
    Field("number", Integer(), "its place in the recommendation's list of actions, from 1", True),
    _from(schema.ACTION, "text"), AGENCIES, *(_from(schema.ACTION, n) for n in ("lead", "target")),
    _from(schema.ACTION, "status", required=True), _from(schema.ACTION, "completed"),
    Field("updates", ListOf(Record(UPDATE)), "its own dated progress updates, oldest first", True),
    _from(schema.ACTION, "evidence")))
RECOMMENDATION = Schema("recommendation", schema.RECOMMENDATION.doc, (
    _from(schema.RECOMMENDATION, "number"), URL, *(_from(schema.RECOMMENDATION, n) for n in ("text", "scope")),
    Field("agencies", AGENCIES.kind, "every agency it is addressed to: its own, then its actions'", True),
    Field("actions", ListOf(Record(ACTION)), "the actions agreed", True), _from(schema.RECOMMENDATION, "lead"),
    Field("target", kinds.Date(), "when its actions are due: its own date, or the latest of its actions'"),
    Field("status", schema.RECOMMENDATION.field("status").kind, "where the work is: from its actions, complete only "
          "when all are", True),
    Field("completed", kinds.Date(), "when it was completed: its own date, or when its last action was"),
    Field("updates", ListOf(Record(UPDATE)), "dated progress updates, oldest first", True),
    _from(schema.RECOMMENDATION, "evidence")))
PLAN = Schema("action plan", "The review's recommendations, a live document.", (
    Field("updated", kinds.Date(), "the latest date of an update or a completion"),
    Field("recommendations", ListOf(Record(RECOMMENDATION)), "its recommendations", True)))
DOCUMENT = Schema("document", schema.DOCUMENT.doc, (
    _from(schema.DOCUMENT, "title"), _from(schema.DOCUMENT, "kind"),
    Field("url", kinds.Url(), "where to download it", True),
    Field("bytes", Integer(), "its size, for a file published on this site"),
    Field("pages", Integer(), "how many pages it has, for a PDF or Word file published on this site that the "
          "publication checks could read"),
    Field("status", Text(), "what the publication checks found in a PDF or Word file published on this site, as its "
          "review's page says it: 'Accessible text, no warnings', or what it lacks and how many warnings are left"),
    Field("text_url", kinds.Url(), "its text on this site, page by page, where the file has text")))
FILED = (  # where a review is filed, beside `csp`, the partnership as the review writes it
    Field("partnership", Text(), "the partnership it is filed under: the name site.yaml lists for the one the review "
          "writes (`csp`), or that name where it is not listed", True),
    _from(PARTNERSHIP, "region", "the partnership's region, as site.yaml lists it"),
    _from(PARTNERSHIP, "county", "the partnership's county, as site.yaml lists it"))
CSP = _from(REVIEW, "csp", "the commissioning Community Safety Partnership, as the review writes it")
YEAR = Field("year", Integer(), "the year published; empty where the publication date is not recorded")
REVIEW_DATA = Schema("review", "A published Domestic Homicide Review.", (
    Field("slug", SLUG.kind, "the review's folder name, the last part of its address", True), URL,
    *(_from(REVIEW, n) for n in ("title", "reference")), CSP, *FILED, _from(REVIEW, "published"),
    _from(REVIEW, "type", required=True), YEAR,
    _from(REVIEW, "death"), _from(REVIEW, "themes", required=True), _from(REVIEW, "chair"), _from(REVIEW, "author"),
    Field("documents", ListOf(Record(DOCUMENT)), "its documents", True),
    Field("letters", ListOf(Record(LETTER)), "the QA Panel's letters, oldest first", True),
    Field("action_plan", Record(PLAN), "its recommendations and their implementation, where published")))
REVIEWS_JSON = Schema("reviews.json", "Every published review, newest first.", (
    Field("title", Text(), "the site's name", True), Field("count", Integer(), "how many reviews", True),
    Field("reviews", ListOf(Record(REVIEW_DATA)), "the reviews", True)))

TABLES: dict[str, Schema] = {  # CSV file name -> one row's fields
    "reviews.csv": Schema("reviews.csv", "A row per published review.", (
        REVIEW_DATA.field("slug"), URL, *(_from(REVIEW, n) for n in ("title", "reference")), CSP, *FILED,
        _from(REVIEW, "published"), REVIEW_DATA.field("type"), YEAR, _from(REVIEW, "death"),
        Field("themes", Text(), "its themes, separated by '; '"),
        Field("letters", Integer(), "how many QA Panel letters", True),
        Field("latest_letter", kinds.Date(), "the date of the latest letter", True),
        Field("latest_outcome", schema.LETTER.field("outcome").kind, "the latest letter's outcome", True),
        Field("feedback_points", Integer(), "how many feedback points its letters list", True),
        _from(REVIEW, "chair"), _from(REVIEW, "author"),
        Field("recommendations", Integer(), "how many recommendations its action plan lists", True),
        Field("plan_updated", kinds.Date(), "when its action plan was last updated"))),
    "letters.csv": Schema("letters.csv", "A row per QA Panel letter.", (
        SLUG, *(f for f in LETTER.fields if f.name != "feedback_points"),
        Field("feedback_points", Integer(), "how many points the letter lists", True))),
    "feedback-points.csv": Schema("feedback-points.csv", "A row per feedback point of a letter.", (
        SLUG, Field("letter", kinds.Date(), "the date of its letter", True), *POINT.fields,
        Field("themes", Text(), "the review's themes, separated by '; '"))),
    "recommendations.csv": Schema("recommendations.csv", "A row per recommendation of an action plan.", (
        SLUG, *RECOMMENDATION.fields[:4], Field("agencies", Text(), "every agency it is addressed to, separated by "
                                                "'; '", True),
        *(RECOMMENDATION.field(n) for n in ("lead", "target", "status", "completed")),
        Field("actions", Text(), "the actions agreed, one a line (actions.csv has their details)"),
        Field("updates", Integer(), "how many progress updates, its own and its actions'", True),
        Field("latest_update", kinds.Date(), "the date of the latest update, its own or an action's"),
        _from(schema.RECOMMENDATION, "evidence"))),
    "actions.csv": Schema("actions.csv", "A row per action of a recommendation. " + ACTION.doc, (
        SLUG, Field("recommendation", schema.RECOMMENDATION.field("number").kind, "the recommendation's number",
                    True), *ACTION.fields[:2],
        Field("agencies", Text(), "the agencies it is addressed to, separated by '; '", True),
        *(ACTION.field(n) for n in ("lead", "target", "status", "completed")),
        Field("updates", Integer(), "how many progress updates of its own", True),
        Field("latest_update", kinds.Date(), "the date of its latest update"), _from(schema.ACTION, "evidence"))),
    "updates.csv": Schema("updates.csv", "A row per progress update on a recommendation or one of its actions.", (
        SLUG, Field("recommendation", schema.RECOMMENDATION.field("number").kind, "the recommendation's number",
                    True), Field("action", Integer(), "the action's number, for an update on an action"),
        *UPDATE.fields)),
}


def _iso(value: dt.date | str | None) -> str | None:
    return value.isoformat() if isinstance(value, dt.date) else value


def _updates(updates: tuple[Update, ...]) -> list[dict[str, Any]]:
    return [{"date": _iso(u.date), "text": u.text} for u in updates]


Filed = tuple[Review, Partnership]  # a review and the partnership it is filed under: what a data file holds


def filed(review: Review, partnership: Partnership) -> dict[str, Any]:
    """The fields FILED and `csp`: the partnership as filed and as written."""
    return {"csp": review.csp, "partnership": partnership.name, "region": partnership.region,
            "county": partnership.county}


def review_record(site: Chrome, review: Review, partnership: Partnership) -> dict[str, Any]:
    """One review, filed under `partnership`, as plain data, with absolute links, in the shape of REVIEW_DATA."""
    page = site.absolute(review.url)
    plan = review.plan
    return {
        "slug": review.slug, "url": page, "title": review.title, "reference": review.reference,
        **filed(review, partnership),
        "published": _iso(review.published), "type": review.type, "year": review.year, "death": review.death,
        "themes": [t.name for t in review.themes], "chair": review.chair, "author": review.author,
        "documents": [{"title": d.title, "kind": d.kind, "url": d.href if d.file is None else page + d.href,
                       "bytes": d.size, "pages": d.pages, "status": d.status if d.checked else None,
                       "text_url": d.name and f"{page}documents/{d.name}/"} for d in review.documents],
        "letters": [{
            "date": _iso(letter.date), "url": f"{page}#{letter.anchor}", "panel_date": _iso(letter.panel_date),
            "resubmission": letter.resubmission, "outcome": letter.outcome, "from": letter.sender, "to": letter.to,
            "signed": letter.signed,
            "feedback_points": [{"number": p.number, "text": p.text, "parent": p.parent, "url": f"{page}#{p.anchor}"}
                                for p in letter.points],
        } for letter in review.letters],
        "action_plan": plan and {"updated": _iso(plan.updated), "recommendations": [{
            "number": r.number, "url": f"{page}#{r.anchor}", "text": r.text, "scope": r.scope,
            "agencies": list(r.agencies), "actions": [{
                "number": n, "text": a.text, "agencies": list(a.agencies), "lead": a.lead, "target": _iso(a.target),
                "status": a.status, "completed": _iso(a.completed), "updates": _updates(a.updates),
                "evidence": a.evidence} for n, a in enumerate(r.actions, 1)],
            "lead": r.lead, "target": _iso(r.target), "status": r.status, "completed": _iso(r.completed),
            "updates": _updates(r.updates), "evidence": r.evidence,
        } for r in plan.recommendations]},
    }


class ValueStore(Protocol):
    """Where parts are kept between builds by their key (the build cache's store, see output/cache.py)."""

    def get(self, key: bytes) -> bytes | None: ...
    def put(self, key: bytes, value: bytes) -> None: ...


class Parts:
    """Each review's part of a data file (its JSON, its rows of a table), kept by the review's key between builds.

    A data file holds every review, but a rebuild after one edit encodes only the edited review's
    part; the others are read from the store (the build cache's, see cache.py) one by one, as
    the file is written. `used` holds the digest of each part each file was last made of: a file
    whose parts are all as they were (an edit to a letter's text, which no data file holds) is
    not made again, and the store can drop the parts no file uses. A review without a key (one
    not built from a record) is always encoded afresh.
    """

    AHEAD = 100  # parts of a file made before the file is known to change (see `digest`)

    def __init__(self, store: ValueStore | None = None) -> None:
        self.store = store  # None: every part is made afresh
        self.used: dict[str, dict[bytes, bytes]] = {}  # file -> the store key of each part -> its digest

    def digest(self, name: str, site: Chrome, reviews: tuple[Filed, ...]) -> bytes | None:
        """A digest of file `name`'s parts, in order, or None when more than AHEAD are not known.

        Those few are made (and stored) now; many (a first build) are made as the file is written,
        while the workers render pages, and known after.
        """
        keys = self._keys(name, site, reviews)
        known = self.used.get(name, {})
        if sum(1 for key in keys if key not in known) > self.AHEAD:
            return None
        digests = [known[key] if key in known else self._make(name, site, review, key)[1]
                   for key, review in zip(keys, reviews, strict=True)]
        self.used[name] = {key: digest for key, digest in zip(keys, digests, strict=True) if key}
        return hashlib.blake2b(name.encode() + b"".join(digests), digest_size=20).digest()

    def each(self, name: str, site: Chrome, reviews: tuple[Filed, ...]) -> Iterator[bytes]:
        """The part of file `name` for each review, encoded, made only where the store lacks it."""
        known, used = self.used.get(name, {}), {}
        for key, review in zip(self._keys(name, site, reviews), reviews, strict=True):
            part = self.store.get(key) if key in known and self.store else None
            if part is None:
                part, used[key] = self._make(name, site, review, key)
            else:
                used[key] = known[key]
            yield part
        self.used[name] = {key: digest for key, digest in used.items() if key}

    @staticmethod
    def _keys(name: str, site: Chrome, reviews: tuple[Filed, ...]) -> list[bytes]:
        """Each review's key, with its partnership's values the files hold: a partnership's region or county
        changes in site.yaml, not in the review's files."""
        prefix = f"part\0{name}\0{site.base_url}\0".encode()
        places: dict[Partnership, bytes] = {}
        for _, p in reviews:
            if p not in places:
                places[p] = repr((p.name, p.region, p.county)).encode()
        return [prefix + review.key + places[p] if review.key else b"" for review, p in reviews]

    def _make(self, name: str, site: Chrome, review: Filed, key: bytes) -> tuple[bytes, bytes]:
        """A review's part, encoded (and stored when it has a key), and its digest."""
        part = PART_MAKERS[name](site, *review).encode()
        if key and self.store:
            self.store.put(key, part)
        return part, hashlib.blake2b(part, digest_size=20).digest()


def reviews_json(site: Chrome, reviews: tuple[Filed, ...], parts: Parts | None = None) -> Iterator[bytes]:
    """The site's title, the count, and the reviews, newest first, one per line (in pieces, as written)."""
    head = json.dumps({"title": site.title, "count": len(reviews)}, ensure_ascii=False)[:-1]
    yield f'{head}, "reviews": [\n'.encode()
    for number, part in enumerate((parts or Parts()).each("reviews.json", site, reviews)):
        yield b",\n" + part if number else part
    yield b"\n]}\n"


def list_json(site: Chrome, entries: tuple[Entry, ...]) -> bytes:
    """What the lists of reviews sort and filter in the browser: a few fields a review, `dates` as lists show them."""
    rows = [{"url": e.url, "title": e.title, "csp": e.csp, "region": e.region, "county": e.county, "year": e.year,
             "date": e.date.isoformat(), "death": e.death, "dates": e.dates, "outcome": e.outcome_label,
             "themes": e.themes} for e in entries]
    return json.dumps({"reviews": rows}, ensure_ascii=False, separators=(",", ":")).encode()


def _rows(table: str, site: Chrome, review: Review, partnership: Partnership) -> Iterator[dict[str, Any]]:
    """One review's rows of a CSV table (filed under `partnership`), as values keyed by column."""
    page, themes = site.absolute(review.url), "; ".join(t.name for t in review.themes)
    recs = review.plan.recommendations if review.plan else ()
    if table == "reviews.csv":
        yield {"slug": review.slug, "url": page, "title": review.title, "reference": review.reference,
               **filed(review, partnership), "published": review.published, "type": review.type, "year": review.year,
               "death": review.death,
               "themes": themes, "letters": len(review.letters), "latest_letter": review.latest.date,
               "latest_outcome": review.latest.outcome,
               "feedback_points": sum(len(letter.points) for letter in review.letters), "chair": review.chair,
               "author": review.author, "recommendations": len(recs),
               "plan_updated": review.plan and review.plan.updated}
    for letter in review.letters if table in ("letters.csv", "feedback-points.csv") else ():
        if table == "letters.csv":
            yield {"review": review.slug, "date": letter.date, "url": f"{page}#{letter.anchor}",
                   "panel_date": letter.panel_date, "resubmission": letter.resubmission, "outcome": letter.outcome,
                   "from": letter.sender, "to": letter.to, "signed": letter.signed,
                   "feedback_points": len(letter.points)}
        for p in letter.points if table == "feedback-points.csv" else ():
            yield {"review": review.slug, "letter": letter.date, "number": p.number, "text": p.text,
                   "parent": p.parent, "url": f"{page}#{p.anchor}", "themes": themes}
    for r in recs if table in ("recommendations.csv", "actions.csv", "updates.csv") else ():
        if table == "recommendations.csv":
            yield {"review": review.slug, "number": r.number, "url": f"{page}#{r.anchor}", "text": r.text,
                   "scope": r.scope, "agencies": "; ".join(r.agencies), "lead": r.lead, "target": r.target,
                   "status": r.status, "completed": r.completed, "actions": "\n".join(a.text for a in r.actions),
                   "updates": len(r.updates) + sum(len(a.updates) for a in r.actions),
                   "latest_update": r.latest and r.latest.date, "evidence": r.evidence}
        for n, a in enumerate(r.actions if table == "actions.csv" else (), 1):
            yield {"review": review.slug, "recommendation": r.number, "number": n, "text": a.text,
                   "agencies": "; ".join(a.agencies), "lead": a.lead, "target": a.target, "status": a.status,
                   "completed": a.completed, "updates": len(a.updates),
                   "latest_update": a.updates[-1].date if a.updates else None, "evidence": a.evidence}
        for u in r.updates if table == "updates.csv" else ():
            yield {"review": review.slug, "recommendation": r.number, "action": None, "date": u.date, "text": u.text}
        for n, a in enumerate(r.actions if table == "updates.csv" else (), 1):
            for u in a.updates:
                yield {"review": review.slug, "recommendation": r.number, "action": n, "date": u.date, "text": u.text}


FORMULA_STARTS = frozenset("=+-@\t\r")


def _cell(value: Any) -> str:
    """A CSV cell that a spreadsheet will not run as a formula."""
    if value.__class__ is not str:
        if isinstance(value, bool):
            return "true" if value else "false"
        value = "" if value is None else _iso(value) if isinstance(value, dt.date) else str(value)
    return "'" + value if value[:1] in FORMULA_STARTS else value


def _csv_rows(table: str, site: Chrome, review: Review, partnership: Partnership) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    columns = [f.name for f in TABLES[table].fields]
    for row in _rows(table, site, review, partnership):
        writer.writerow([_cell(row[c]) for c in columns])
    return out.getvalue()


def table_csv(table: str) -> Callable[..., Iterator[bytes]]:
    """The producer of one CSV file: its header, then each review's rows, newest review first."""
    def produce(site: Chrome, reviews: tuple[Filed, ...], parts: Parts | None = None) -> Iterator[bytes]:
        yield (",".join(f.name for f in TABLES[table].fields) + "\r\n").encode()
        yield from (parts or Parts()).each(table, site, reviews)
    produce.__name__ = produce.__qualname__ = "csv_" + table.replace("-", "_").removesuffix(".csv")
    return produce


PART_MAKERS: dict[str, Callable[[Chrome, Review, Partnership], str]] = {  # each data file's part for one review
    "reviews.json": lambda site, review, p: json.dumps(review_record(site, review, p), ensure_ascii=False),
    **{table: lambda site, review, p, table=table: _csv_rows(table, site, review, p) for table in TABLES},  # type: ignore[misc]
}
