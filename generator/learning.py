"""Stage 3, model (continued): action plans, and the learning gathered across reviews.

A review's action plan is part of its immutable model. The pages across reviews (one per
agency, the recommendations with their filters, the panel's feedback) are lists of
`Item`s: a recommendation or a feedback point, with the review it belongs to. What is overdue
depends on the build date, so it is worked out from `today` here and never stored.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple

from . import schema
from .cache import Packed
from .markup import Point
from .validate import ValidPlan, slugify

STATUS_LABELS = {"planned": "Planned", "in-progress": "In progress", "complete": "Complete",
                 "not-accepted": "Not accepted"}
OVERDUE = "overdue"  # not a status of its own: planned or in progress with its target date passed


@dataclass(frozen=True, slots=True)
class Update(Packed):
    date: dt.date
    text: str


@dataclass(frozen=True, slots=True)
class Recommendation(Packed):
    number: str
    text: str
    scope: str
    agency: str
    actions: tuple[str, ...]
    lead: str | None
    target: dt.date | None
    status: str
    completed: dt.date | None
    updates: tuple[Update, ...]  # oldest first
    evidence: str | None

    @property
    def anchor(self) -> str:
        return "recommendation-" + self.number.replace(".", "-")

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def agency_url(self) -> str:
        return f"/agencies/{slugify(self.agency)}/"

    @property
    def latest(self) -> Update | None:
        return self.updates[-1] if self.updates else None

    def overdue(self, today: dt.date) -> bool:
        return is_overdue(self.status, self.target, today)


def is_overdue(status: str, target: dt.date | None, today: dt.date) -> bool:
    """Work still to do, with its target date passed (a target of today is not yet overdue)."""
    return status in schema.OPEN_STATUSES and target is not None and target < today


@dataclass(frozen=True)
class ActionPlan:
    recommendations: tuple[Recommendation, ...]
    intro_html: str = ""  # the body of action-plan.md

    @property
    def updated(self) -> dt.date | None:
        """The latest date in the plan: of an update or of a completion."""
        dates = [d for r in self.recommendations for d in (r.completed, *(u.date for u in r.updates)) if d]
        return max(dates, default=None)


@dataclass(frozen=True)
class Tally:
    """How many recommendations are in each state, as the summaries show it."""

    total: int
    complete: int
    in_progress: int
    planned: int
    not_accepted: int
    overdue: int

    @classmethod
    def of(cls, recommendations: Iterable[Recommendation], today: dt.date) -> Tally:
        recs = list(recommendations)
        count = Counter([r.status for r in recs])
        return cls(len(recs), count["complete"], count["in-progress"], count["planned"], count["not-accepted"],
                   sum(1 for r in recs if is_overdue(r.status, r.target, today)))


def make_plan(valid: ValidPlan, intro_html: str) -> ActionPlan:
    recs = []
    for v in valid.values["recommendations"]:
        updates = sorted((Update(u["date"], u["text"]) for u in v["updates"] or ()), key=lambda u: u.date)
        recs.append(Recommendation(v["number"], v["text"], v["scope"], v["agency"], tuple(v["actions"] or ()),
                                   v["lead"], v["target"], v["status"], v["completed"], tuple(updates),
                                   v["evidence"]))
    return ActionPlan(tuple(recs), intro_html)


class Item(NamedTuple):
    """A recommendation or a feedback point, with the review (its list entry) it comes from.

    A named tuple rather than a frozen dataclass: a build makes one for every recommendation and
    feedback point, and a tuple is made in half the time.
    """

    entry: Any  # model.Entry
    recommendation: Recommendation | None = None
    point: Point | None = None
    letter: dt.date | None = None  # the date of the point's letter
    key: bytes = b""  # its review's key and its anchor, when the review has a key: it stands for the item

    @property
    def url(self) -> str:
        anchor = self.recommendation.anchor if self.recommendation else self.point.anchor  # type: ignore[union-attr]
        return f"{self.entry.url}#{anchor}"

    def __hash__(self) -> int:
        """By its key where it has one, as a Review is (a list page's fragment cache looks items up)."""
        return hash(self.key) if self.key else tuple.__hash__(self)


@dataclass(frozen=True)
class Facet:
    """Recommendations (or feedback points) sharing an agency, a status, a scope or a theme."""

    kind: str  # "agencies", "status", "scope" or "themes"
    name: str
    items: tuple[Item, ...]
    slug: str = ""

    @property
    def url(self) -> str:
        if self.kind == "agencies":
            return f"/agencies/{self.slug}/"
        return f"/recommendations/{self.kind}/{self.slug}/"

    def tally(self, today: dt.date) -> Tally:
        return Tally.of((i.recommendation for i in self.items if i.recommendation), today)


def facet(kind: str, name: str, items: Iterable[Item], slug: str | None = None) -> Facet:
    return Facet(kind, name, tuple(items), slug or slugify(name))


@dataclass(frozen=True)
class Learning:
    """Everything the pages across reviews show, grouped once per build."""

    recommendations: tuple[Item, ...]  # newest review first, in each plan's order
    agencies: tuple[Facet, ...]  # alphabetical, only those with recommendations
    facets: tuple[tuple[str, str, tuple[Facet, ...]], ...]  # (kind, title, facets) to filter the list by
    feedback: tuple[Item, ...]  # the panel's points, each once: newest review first, in each letter's order


def gather(reviews: Iterable[Any], entries: Iterable[Any], themes: list[str], today: dt.date) -> Learning:
    """Group the published reviews' recommendations and feedback points (reviews newest first, with their
    list entries)."""
    recs: list[Item] = []
    points: list[Item] = []
    for review, entry in zip(reviews, entries, strict=True):  # (Items made positionally: quicker, and a build
        key = review.key  # makes 100,000s)
        for rec in review.plan.recommendations if review.plan else ():
            recs.append(Item(entry, rec, None, None, key and key + rec.anchor.encode()))
        for letter in review.letters:
            points += [Item(entry, None, point, letter.date, key and key + point.anchor.encode())
                       for point in letter.points]
    by_agency: dict[str, list[Item]] = {}
    by: dict[tuple[str, str], list[Item]] = {}  # (facet kind, its slug or name) -> items, in one pass
    for item in recs:
        rec = item.recommendation
        by_agency.setdefault(rec.agency, []).append(item)  # type: ignore[union-attr]
        for key in (("status", rec.status), ("scope", rec.scope),  # type: ignore[union-attr]
                    *(("themes", theme) for theme in item.entry.themes)):
            by.setdefault(key, []).append(item)
        if rec.overdue(today):  # type: ignore[union-attr]
            by.setdefault(("status", OVERDUE), []).append(item)
    agencies = tuple(facet("agencies", name, by_agency[name]) for name in sorted(by_agency, key=str.lower))
    statuses = [facet("status", label, by.get(("status", status), ()), status)
                for status, label in [*STATUS_LABELS.items(), (OVERDUE, "Overdue")]]
    scopes = [facet("scope", scope.capitalize(), by.get(("scope", scope), ()), scope) for scope in schema.SCOPES]
    by_theme = [facet("themes", theme, by.get(("themes", theme), ())) for theme in themes]
    facets = tuple((kind, title, tuple(f for f in group if f.items)) for kind, title, group in (
        ("status", "Status", statuses), ("scope", "Scope", scopes), ("agencies", "Agency", agencies),
        ("themes", "Theme", by_theme)))
    return Learning(tuple(recs), agencies, facets, tuple(points))
