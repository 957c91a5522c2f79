"""Open data: `reviews.json` (everything public about each review) and `reviews.csv` (a row each)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from functools import lru_cache
from typing import Any

from .model import Chrome, Entry, Review


def _iso(value: dt.date | str | None) -> str | None:
    return value.isoformat() if isinstance(value, dt.date) else value


def review_record(site: Chrome, review: Review) -> dict[str, Any]:
    """One review as plain data, with absolute links."""
    page = site.absolute(review.url)
    return {
        "slug": review.slug,
        "url": page,
        "title": review.title,
        "reference": review.reference,
        "csp": review.csp,
        "published": _iso(review.published),
        "year": review.year,
        "death": review.death,
        "themes": [t.name for t in review.themes],
        "chair": review.chair,
        "author": review.author,
        "documents": [
            {"title": d.title, "kind": d.kind, "url": d.href if d.file is None else page + d.href, "bytes": d.size}
            for d in review.documents
        ],
        "letters": [
            {
                "date": _iso(letter.date),
                "url": f"{page}#{letter.anchor}",
                "panel_date": _iso(letter.panel_date),
                "resubmission": letter.resubmission,
                "outcome": letter.outcome,
                "from": letter.sender,
                "to": letter.to,
                "signed": letter.signed,
                "feedback_points": [{"number": p.number, "text": p.text, "url": f"{page}#{p.anchor}"}
                                    for p in letter.points],
            }
            for letter in review.letters
        ],
    }


@lru_cache(maxsize=1 << 16)
def _review_json(site: Chrome, review: Review) -> str:
    """One review's JSON, kept while the review is unchanged: a rebuild re-encodes only edited reviews."""
    return json.dumps(review_record(site, review), ensure_ascii=False)


def reviews_json(site: Chrome, reviews: tuple[Review, ...]) -> bytes:
    """The site's title, the count, and the reviews, newest first, one per line."""
    head = json.dumps({"title": site.title, "count": len(reviews)}, ensure_ascii=False)[:-1]
    body = ",\n".join(_review_json(site, r) for r in reviews)
    return f'{head}, "reviews": [\n{body}\n]}}\n'.encode()


def list_json(site: Chrome, entries: tuple[Entry, ...]) -> bytes:
    """What the all-reviews page sorts and filters in the browser: a few fields a review."""
    rows = [{"url": e.url, "title": e.title, "csp": e.csp, "year": e.year, "date": e.date.isoformat(),
             "death": e.death, "outcome": e.outcome_label, "themes": e.themes} for e in entries]
    return json.dumps({"reviews": rows}, ensure_ascii=False, separators=(",", ":")).encode()


CSV_COLUMNS = ("slug", "url", "title", "reference", "csp", "published", "year", "death", "themes",
               "letters", "latest_letter", "latest_outcome", "feedback_points", "chair", "author")


def _cell(value: Any) -> str:
    """A CSV cell that a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@lru_cache(maxsize=1 << 16)
def _review_row(site: Chrome, review: Review) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow(_cell(v) for v in (
        review.slug, site.absolute(review.url), review.title, review.reference, review.csp, _iso(review.published),
        review.year, review.death, "; ".join(t.name for t in review.themes), len(review.letters),
        review.latest.date.isoformat(), review.latest.outcome,
        sum(len(letter.points) for letter in review.letters), review.chair, review.author,
    ))
    return out.getvalue()


def reviews_csv(site: Chrome, reviews: tuple[Review, ...]) -> bytes:
    return (",".join(CSV_COLUMNS) + "\r\n" + "".join(_review_row(site, r) for r in reviews)).encode()
