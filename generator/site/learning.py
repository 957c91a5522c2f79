"""Stage 3, model (continued): action plans, and the learning gathered across reviews.

A review's action plan is part of its immutable model: each action with its values as shown (its
own, or its recommendation's), each recommendation with what its actions give it (its status,
target, completion and agencies: see plans.py). The pages across reviews (one per agency, the
recommendations with their filters, the panel's feedback) are lists of `Item`s: a recommendation
or a feedback point, with the review it belongs to. What is overdue depends on the build date, so
it is worked out from `today` here and never stored.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple

from ..content import schema
from ..content.kinds import slugify
from ..content.plans import ValidPlan, agencies, completed_of, due_of, status_of, work
from .markup import Point

STATUS_LABELS = {"planned": "Planned", "in-progress": "In progress", "complete": "Complete",
                 "not-accepted": "Not accepted"}
OVERDUE = "overdue"  # not a status of its own: planned or in progress with its target date passed


@dataclass(frozen=True, slots=True)
class Update:
    date: dt.date
    text: str


class _Work:
    """What an action and a recommendation show alike: their status in words, their agencies' pages."""

    __slots__ = ()
    status: str
    agencies: tuple[str, ...]

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def agency_links(self) -> tuple[tuple[str, str], ...]:
        return tuple((name, agency_url(name)) for name in self.agencies)


@dataclass(frozen=True, slots=True)
class Action(_Work):
    """An action agreed: its own values, or its recommendation's where it gives none (see plans.work)."""

    text: str
    own: tuple[str, ...]  # the fields it gives itself: none for an action written as its text alone
    agencies: tuple[str, ...]
    lead: str | None
    target: dt.date | None
    status: str
    completed: dt.date | None
    updates: tuple[Update, ...]  # its own, oldest first
    evidence: str | None

    def overdue(self, today: dt.date) -> bool:
        return is_overdue(self.status, self.target, today)


@dataclass(frozen=True, slots=True)
class Recommendation(_Work):
    number: str
    text: str
    scope: str
    agencies: tuple[str, ...]  # every agency it is addressed to: its own, then its actions', each once
    actions: tuple[Action, ...]
    lead: str | None
    target: dt.date | None  # its own, or the latest of its actions'
    status: str  # from its actions where they give their own (see plans.derived_status)
    completed: dt.date | None  # its own, or when its last action was completed
    updates: tuple[Update, ...]  # oldest first
    evidence: str | None
    due: dt.date | None = None  # the earliest target of its open actions (or its own): past it, it is overdue

    @property
    def anchor(self) -> str:
        return "recommendation-" + self.number.replace(".", "-")

    def with_actions(self) -> tuple[Recommendation | Action, ...]:
        """Itself, then each of its actions: each has its own updates and completion."""
        return (self, *self.actions)

    @property
    def latest(self) -> Update | None:
        """Its latest update, or its actions'."""
        updates = [u for item in self.with_actions() for u in item.updates[-1:]]
        return max(updates, key=lambda u: u.date) if updates else None

    def overdue(self, today: dt.date) -> bool:
        """Any of its open actions (or itself, without actions) is past its target date."""
        return self.due is not None and self.due < today

    def work(self) -> tuple[Action, ...]:
        """Its actions, or where it lists none, itself as its one action (what an agency's count counts)."""
        return self.actions or (Action(self.text, (), self.agencies, self.lead, self.target, self.status,
                                       self.completed, (), None),)


def agency_url(name: str) -> str:
    return f"/agencies/{slugify(name)}/"


def is_overdue(status: str, target: dt.date | None, today: dt.date) -> bool:
    """Work still to do, with its target date passed (a target of today is not yet overdue)."""
    return status in schema.OPEN_STATUSES and target is not None and target < today


@dataclass(frozen=True)
class ActionPlan:
    recommendations: tuple[Recommendation, ...]
    intro_html: str = ""  # the body of action-plan.md

    @property
    def updated(self) -> dt.date | None:
        """The latest date in the plan: of an update or of a completion, of a recommendation or an action."""
        dates = [d for r in self.recommendations for item in r.with_actions()
                 for d in (item.completed, *(u.date for u in item.updates)) if d]
        return max(dates, default=None)


@dataclass(frozen=True)
class Tally:
    """How many recommendations (or actions) are in each state, as the summaries show it."""

    total: int
    complete: int
    in_progress: int
    planned: int
    not_accepted: int
    overdue: int
    recommendations: int = 0  # of a tally of actions: the recommendations they belong to

    @classmethod
    def of(cls, recommendations: Iterable[Recommendation], today: dt.date) -> Tally:
        recs = list(recommendations)
        count = Counter([r.status for r in recs])
        return cls(len(recs), count["complete"], count["in-progress"], count["planned"], count["not-accepted"],
                   sum(1 for r in recs if r.overdue(today)), len(recs))

    @classmethod
    def by_agency(cls, recommendations: Iterable[Recommendation], today: dt.date) -> dict[str, Tally]:
        """Each agency's actions (a recommendation without actions counts as one), in one pass: the actions of text
        alone of a recommendation share its agencies, and are counted once for all of them."""
        counts: dict[str, list[int]] = {}  # agency -> [actions, complete, in progress, planned, not accepted,
        # overdue, recommendations]
        for rec in recommendations:
            shared: dict[int, tuple[tuple[str, ...], list[int]]] = {}  # the agencies' identity -> them, the counts
            for action in rec.work():
                count = shared.setdefault(id(action.agencies), (action.agencies, [0] * 7))[1]
                count[0] += 1
                count[_PLACE[action.status]] += 1
                count[5] += action.overdue(today)
            for agency in rec.agencies:
                counts.setdefault(agency, [0] * 7)[6] += 1
            for names, count in shared.values():
                for agency in names:
                    counts[agency][:6] = [a + b for a, b in zip(counts[agency][:6], count[:6], strict=True)]
        return {agency: cls(*count) for agency, count in counts.items()}


_PLACE = {"complete": 1, "in-progress": 2, "planned": 3, "not-accepted": 4}  # a status's place in Tally


def _updates(values: Any) -> tuple[Update, ...]:
    return tuple(sorted((Update(u["date"], u["text"]) for u in values or ()), key=lambda u: u.date))


def make_plan(valid: ValidPlan, intro_html: str) -> ActionPlan:
    """A validated plan's model: each action with its values, each recommendation with what its actions give it."""
    recs = []
    for v in valid.values["recommendations"]:
        own = agencies(v["agency"])
        listed = [work(v, action, own) for action in v["actions"] or ()]
        actions = tuple(Action(w.text, w.own, w.agencies, w.lead, w.target, w.status, w.completed,
                               _updates(w.updates), w.evidence) for w in listed)
        units = listed or [work(v, v["text"], own)]
        status = status_of(v, units)
        named = tuple(dict.fromkeys((*own, *(a for w in listed if w.agencies is not own for a in w.agencies))))
        target = v["target"] or max((w.target for w in listed if w.target), default=None)
        recs.append(Recommendation(v["number"], v["text"], v["scope"], named, actions, v["lead"], target, status,
                                   completed_of(v, units, status), _updates(v["updates"]), v["evidence"],
                                   due_of(units)))
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

    actions: Tally | None = None  # an agency's: the actions addressed to it

    def tally(self, today: dt.date) -> Tally:
        """Its recommendations', or for an agency, the actions addressed to it."""
        return self.actions or Tally.of((i.recommendation for i in self.items if i.recommendation), today)


def facet(kind: str, name: str, items: Iterable[Item], slug: str | None = None, actions: Tally | None = None) -> Facet:
    return Facet(kind, name, tuple(items), slug or slugify(name), actions)


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
        for agency in rec.agencies:  # type: ignore[union-attr]
            by_agency.setdefault(agency, []).append(item)
        for key in (("status", rec.status), ("scope", rec.scope),  # type: ignore[union-attr]
                    *(("themes", theme) for theme in item.entry.themes)):
            by.setdefault(key, []).append(item)
        if rec.overdue(today):  # type: ignore[union-attr]
            by.setdefault(("status", OVERDUE), []).append(item)
    tallies = Tally.by_agency((item.recommendation for item in recs), today)  # type: ignore[misc]
    agencies = tuple(facet("agencies", name, by_agency[name], actions=tallies[name])
                     for name in sorted(by_agency, key=str.lower))
    statuses = [facet("status", label, by.get(("status", status), ()), status)
                for status, label in [*STATUS_LABELS.items(), (OVERDUE, "Overdue")]]
    scopes = [facet("scope", scope.capitalize(), by.get(("scope", scope), ()), scope) for scope in schema.SCOPES]
    by_theme = [facet("themes", theme, by.get(("themes", theme), ())) for theme in themes]
    facets = tuple((kind, title, tuple(f for f in group if f.items)) for kind, title, group in (
        ("status", "Status", statuses), ("scope", "Scope", scopes), ("agencies", "Agency", agencies),
        ("themes", "Theme", by_theme)))
    return Learning(tuple(recs), agencies, facets, tuple(points))
