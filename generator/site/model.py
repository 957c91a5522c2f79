"""Stage 3, model: validated values become the site's immutable objects, with Markdown rendered.

Only `published` reviews enter the model, so no later stage can leak a draft, a submitted
or a withdrawn review. Every object is a frozen value: pages are rendered from them, and an
incremental rebuild compares them to decide what must be rendered again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field, fields, replace
from typing import Any

from ..content import schema
from ..content.kinds import slugify
from ..content.load import SourceFile
from ..content.partnerships import Directory, Partnership, plain
from ..content.schema import REGIONS
from ..content.validate import ValidContent, ValidLetter, ValidReview
from . import markup
from .files import Document, Read, documents_of
from .learning import Action, ActionPlan, Learning, Recommendation, Update, gather, make_plan

_MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
                "September", "October", "November", "December")


def month_name(value: str) -> str:
    """'2023-05' -> 'May 2023'; '2023' -> '2023'."""
    year, _, month = value.partition("-")
    return f"{_MONTH_NAMES[int(month) - 1]} {year}" if month else year


def long_date(value: dt.date | str | None) -> str:
    """7 August 2024; a month-only value as 'June 2024'."""
    if value is None:
        return ""
    if isinstance(value, str):
        return month_name(value)
    return f"{value.day} {_MONTH_NAMES[value.month - 1]} {value.year}"


@dataclass(frozen=True, slots=True)
class Link:
    name: str
    url: str


@dataclass(frozen=True, slots=True)
class Letter:
    date: dt.date
    panel_date: dt.date | str | None
    resubmission: bool
    outcome: str
    sender: str | None
    to: str | None
    signed: str | None
    html: str
    points: tuple[markup.Point, ...]

    @property
    def anchor(self) -> str:
        return f"letter-{self.date.isoformat()}"

    @property
    def outcome_label(self) -> str:
        return schema.OUTCOMES[self.outcome]


@dataclass(frozen=True, slots=True)
class Entry:
    """A review as lists, browse pages and the feed show it."""

    url: str
    title: str
    csp: str  # the partnership it is filed under
    region: str | None
    county: str | None
    year: int | None  # of publication; None where that is not recorded
    date: dt.date  # to sort by: when published, or where that is not recorded, the latest letter's date
    published: dt.date | str | None  # as recorded: a date, a month (YYYY-MM) or a year
    death: str | None
    outcome_label: str
    themes: tuple[str, ...]
    letters: int
    key: bytes = b""  # a digest of the values above, which stands for them (see renderer.context_digest)

    @property
    def death_year(self) -> str | None:
        return self.death[:4] if self.death else None

    @property
    def dates(self) -> str:
        """'Published 1 October 2024 · Month of death: May 2021', as a list shows them."""
        shown = f"Published {long_date(self.published)}" if self.published else \
            f"Publication date not recorded (panel's latest letter {long_date(self.date)})"
        if self.death:
            shown += f" \u00b7 {'Month' if '-' in self.death else 'Year'} of death: {month_name(self.death)}"
        return shown


def make_entry(review: Review, partnership: Partnership) -> Entry:
    """A review's list entry, filed under `partnership`."""
    values = (review.url, review.title, partnership.name, partnership.region, partnership.county, review.year,
              review.date, review.published, review.death, review.latest.outcome_label,
              tuple(t.name for t in review.themes), len(review.letters))
    return Entry(*values, hashlib.blake2b(repr(values).encode(), digest_size=20).digest())


SMALL_VALUES = (Link, Document, Letter, Entry, Update, Action, Recommendation, markup.Point)  # made by the 100,000
# in a build, and pickled as their class and values (registered from the cache's side: output.cache.compact)


@dataclass(frozen=True)
class Review:
    slug: str
    title: str
    reference: str | None
    csp: str
    type: str  # a key of schema.REVIEW_TYPES
    published: dt.date | str | None  # a date, a month (YYYY-MM) or a year
    death: str | None
    themes: tuple[Link, ...]
    documents: tuple[Document, ...]
    chair: str | None
    author: str | None
    summary_html: str
    letters: tuple[Letter, ...]
    aliases: tuple[str, ...] = ()  # earlier folder names, redirected here
    plan: ActionPlan | None = None
    key: bytes = b""  # a digest of its source files, when built from a record (see records.py)
    light: bool = False  # without its rendered text (see `lightened`)

    @property
    def url(self) -> str:
        return f"/reviews/{self.slug}/"

    @property
    def type_label(self) -> str:
        return schema.REVIEW_TYPES[self.type]

    def __hash__(self) -> int:
        """By its key where it has one: hashing every field of every review cost a third of a rebuild."""
        return hash(self.key) if self.key else hash(tuple(getattr(self, f.name) for f in fields(self)))

    @property
    def date(self) -> dt.date:
        """When it was published (a month or year as its first day), or where that is not recorded, the date of
        its latest QA letter."""
        if isinstance(self.published, str):
            year, _, month = self.published.partition("-")
            return dt.date(int(year), int(month or 1), 1)
        return self.published or self.letters[-1].date

    @property
    def year(self) -> int | None:
        """The year published; None where that is not recorded (never the year of a letter)."""
        return self.date.year if self.published else None

    @property
    def latest(self) -> Letter:
        return self.letters[-1]

    def lightened(self) -> Review:
        """This review without the rendered text only its own page shows: what a build holds of every review.

        The lists, the feed and the data files need the rest; the page is rendered from the whole review.
        """
        return replace(self, summary_html="", letters=tuple(replace(letter, html="") for letter in self.letters),
                       documents=tuple(replace(document, text=()) for document in self.documents),
                       plan=self.plan and replace(self.plan, intro_html=""), light=True)


@dataclass(frozen=True)
class Group:
    """Reviews sharing a theme, a year published, a year of death, a partnership, a county or a region."""

    kind: str  # a key of BROWSE
    name: str
    entries: tuple[Entry, ...]
    partnership: Partnership | None = None  # a partnership's group: its region, website and former names
    spellings: tuple[str, ...] = ()  # a partnership's: how its reviews write its name, where not as `name`

    @property
    def slug(self) -> str:
        return slugify(self.name)

    @property
    def url(self) -> str:
        return f"/{self.kind}/{self.slug}/"

    @property
    def link(self) -> GroupLink:
        return GroupLink(self.name, self.url, len(self.entries))


@dataclass(frozen=True)
class GroupLink:
    name: str
    url: str
    count: int


BROWSE = {  # each way of browsing: (its title, one of its groups, the filter's name in lists and search)
    "themes": ("Themes", "Theme", "theme"), "partnerships": ("Partnerships", "Partnership", "partnership"),
    "regions": ("Regions", "Region", "region"), "counties": ("Counties", "County", "county"),
    "years": ("Years published", "Year published", "year"),
    "death-years": ("Years of death", "Year of death", "death"),
}


@dataclass(frozen=True)
class Browse:
    """One way of browsing: all its groups that have reviews."""

    kind: str  # a key of BROWSE
    groups: tuple[Group, ...]

    @property
    def title(self) -> str:
        return BROWSE[self.kind][0]

    @property
    def one(self) -> str:
        return BROWSE[self.kind][1]

    @property
    def filter(self) -> str:
        return BROWSE[self.kind][2]


@dataclass(frozen=True)
class Page:
    slug: str
    title: str
    description: str | None
    html: str
    helplines: bool = False

    @property
    def url(self) -> str:
        return f"/{self.slug}/"


@dataclass(frozen=True)
class Helpline:
    name: str
    phone: str | None
    url: str | None
    hours: str | None
    text: str | None


@dataclass(frozen=True)
class Chrome:
    """What every page shows around its content: the settings base.html reads as `site`."""

    title: str
    description: str | None
    base_url: str
    language: str
    owner: str
    contact: str | None
    quick_exit_url: str
    helplines: tuple[Helpline, ...]
    pages: tuple[Link, ...]
    preview: bool = False  # a deploy preview: marked on every page, and not for search engines
    assets: tuple[tuple[str, str], ...] = ()  # file name -> fingerprinted URL, set by render

    def asset(self, name: str) -> str:
        return dict(self.assets)[name]

    def absolute(self, url: str) -> str:
        return self.base_url.rstrip("/") + url

    def has_page(self, slug: str) -> bool:
        return any(p.url == f"/{slug}/" for p in self.pages)


@dataclass(frozen=True)
class Site:
    chrome: Chrome
    reviews: tuple[Review, ...]  # published only, newest first
    entries: tuple[Entry, ...]  # the reviews' list entries, in the same order
    pages: tuple[Page, ...]
    browse: tuple[Browse, ...]  # the ways of browsing (BROWSE's order), each with the groups that have reviews
    learning: Learning
    today: dt.date  # the build date: what is overdue is counted on it
    withdrawn: tuple[str, ...] = ()  # slugs of withdrawn reviews: their addresses answer 410 Gone
    directory: Directory = field(default_factory=Directory)  # the partnership each review is filed under
    settings: dict[str, Any] = field(default_factory=dict)  # site.yaml's values: the content manager is made of them

    def groups(self, kind: str) -> tuple[Group, ...]:
        return next(b.groups for b in self.browse if b.kind == kind)


def build_model(content: ValidContent, base_url: str, today: dt.date, preview: bool = False) -> Site:
    """Assemble the public site from content that passed validation, as on `today`."""
    published = [make_review(r) for r in content.reviews if r.values["status"] == "published"]
    withdrawn = [r.slug for r in content.reviews if r.values["status"] == "withdrawn"]
    return assemble(content.site, content.pages, published, withdrawn, base_url, today, preview, content.directory)


def assemble(values: dict[str, Any], page_files: list[tuple[SourceFile, dict[str, Any]]], published: list[Review],
             withdrawn: list[str], base_url: str, today: dt.date, preview: bool = False,
             directory: Directory | None = None) -> Site:
    """The site from its settings, its pages and its published reviews (filed under `directory`'s
    partnerships), as on `today`."""
    directory = directory or Directory()
    reviews = sorted(published, key=newest_first, reverse=True)
    entries = tuple(make_entry(r, directory.of(r.csp)) for r in reviews)
    pages = tuple(_page(src.path.stem, v, src.body) for src, v in page_files)
    chrome = make_chrome(values, page_files, base_url, preview)
    by: dict[str, dict[str, list[Entry]]] = {kind: {} for kind in BROWSE}
    spellings: dict[str, set[str]] = {}
    for review, entry in zip(reviews, entries, strict=True):
        for kind, names in _groups_of(entry).items():
            for name in names:
                by[kind].setdefault(name, []).append(entry)
        spellings.setdefault(entry.csp, set()).add(review.csp)
    partners = {p.name: p for p in directory.filed.values()}
    for name, partner in partners.items():  # a former name is shown as one, never again as a spelling
        former = {plain(f) for f in partner.former}
        spellings[name] = {s for s in spellings.get(name, ()) if plain(s) not in former}
    order = {"themes": [t for t in values["themes"] if t in by["themes"]],
             "partnerships": sorted(by["partnerships"], key=str.lower),
             "regions": [r for r in REGIONS if r in by["regions"]], "counties": sorted(by["counties"]),
             "years": sorted(by["years"], reverse=True), "death-years": sorted(by["death-years"], reverse=True)}
    browse = tuple(Browse(kind, tuple(
        Group(kind, name, tuple(by[kind][name]), partners.get(name) if kind == "partnerships" else None,
              tuple(sorted(spellings[name] - {name})) if kind == "partnerships" else ())
        for name in order[kind])) for kind in BROWSE)
    return Site(chrome, tuple(reviews), entries, pages, browse, gather(reviews, entries, values["themes"], today),
                today, tuple(sorted(withdrawn)), directory, values)


def newest_first(review: Review) -> tuple[bool, dt.date, str]:
    """The key that sorts reviews oldest first, those whose publication date is not recorded before all others
    (so last when reversed, as the lists show them), each by the date of its latest letter."""
    return review.published is not None, review.date, review.title


def _groups_of(entry: Entry) -> dict[str, tuple[str, ...]]:
    """The groups an entry belongs to, by way of browsing (a key of BROWSE): none where its value is not recorded."""
    return {"themes": entry.themes, "partnerships": (entry.csp,), "regions": (entry.region,) if entry.region else (),
            "counties": (entry.county,) if entry.county else (), "years": (str(entry.year),) if entry.year else (),
            "death-years": (entry.death_year,) if entry.death_year else ()}


def make_chrome(values: dict[str, Any], page_files: list[tuple[SourceFile, dict[str, Any]]], base_url: str,
                preview: bool = False) -> Chrome:
    """What every page shows around its content, from the site's settings and its pages' titles."""
    return Chrome(
        title=values["title"], description=values["description"], base_url=base_url,
        language=values["language"] or "en-GB", owner=values["owner"], contact=values["contact"],
        quick_exit_url=values["quick_exit_url"],
        helplines=tuple(Helpline(**h) for h in values["helplines"] or ()),
        pages=tuple(Link(v["title"], f"/{src.path.stem}/") for src, v in page_files), preview=preview,
    )


def make_review(valid: ValidReview, key: bytes = b"", read: dict[str, Read] | None = None) -> Review:
    """A published review's model, its Markdown rendered; `read`: what the document checks read in its files."""
    v = valid.values
    letters = sorted((_letter(letter) for letter in valid.letters), key=lambda letter: letter.date)
    return Review(
        slug=valid.slug, title=v["title"], reference=v["reference"], csp=v["csp"], type=v["type"] or "dhr",
        published=v["published"], death=v["death"],
        themes=tuple(Link(t, f"/themes/{slugify(t)}/") for t in v["themes"] or []),
        documents=documents_of(valid.folder.path, v["documents"] or [], read or {}),
        chair=v["chair"], author=v["author"],
        summary_html=markup.render(valid.folder.review.body, base_level=3).html,
        letters=tuple(letters), aliases=tuple(v["aliases"] or ()), key=key,
        plan=make_plan(valid.plan, markup.render(valid.plan.source.body, base_level=3).html) if valid.plan else None,
    )


def _letter(valid: ValidLetter) -> Letter:
    v = valid.values
    rendered = markup.render(valid.source.body, base_level=4, anchor_prefix=f"letter-{v['date'].isoformat()}")
    return Letter(
        date=v["date"], panel_date=v["panel_date"], resubmission=bool(v["resubmission"]),
        outcome=v["outcome"], sender=v["from"], to=v["to"], signed=v["signed"],
        html=rendered.html, points=rendered.points,
    )


def _page(slug: str, values: dict[str, Any], body: str) -> Page:
    return Page(slug, values["title"], values["description"], markup.render(body).html, bool(values["helplines"]))
