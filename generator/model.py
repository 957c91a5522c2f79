"""Stage 3, model: validated values become the site's objects, with Markdown rendered.

Only `published` reviews enter the model, so no later stage can leak a draft, a submitted
or a withdrawn review.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import markup, schema
from .validate import ValidContent, ValidLetter, ValidReview

_MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
                "September", "October", "November", "December")


def slugify(text: str) -> str:
    """A URL segment: 'Children's services' -> 'childrens-services'."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower().replace("'", "").replace("\u2019", "")).strip("-")


def month_name(value: str) -> str:
    """'2023-05' -> 'May 2023'; '2023' -> '2023'."""
    year, _, month = value.partition("-")
    return f"{_MONTH_NAMES[int(month) - 1]} {year}" if month else year


@dataclass(frozen=True)
class Document:
    title: str
    kind: str
    href: str
    file: Path | None  # a local file to copy beside the review page
    size: int | None

    @property
    def kind_label(self) -> str:
        return self.kind.replace("-", " ").capitalize()


@dataclass(frozen=True)
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


@dataclass(frozen=True)
class Group:
    """Reviews sharing a theme, a year or a partnership."""

    kind: str  # "themes", "years" or "partnerships"
    name: str
    slug: str
    reviews: tuple[Review, ...] = ()

    @property
    def url(self) -> str:
        return f"/{self.kind}/{self.slug}/"


@dataclass(frozen=True)
class Review:
    slug: str
    title: str
    reference: str | None
    csp: str
    published: dt.date | None
    death: str | None
    themes: tuple[Group, ...]
    documents: tuple[Document, ...]
    chair: str | None
    author: str | None
    summary_html: str
    letters: tuple[Letter, ...]

    @property
    def url(self) -> str:
        return f"/reviews/{self.slug}/"

    @property
    def date(self) -> dt.date:
        """When it was published, or where that is not recorded, the date of its latest QA letter."""
        return self.published or self.letters[-1].date

    @property
    def year(self) -> int:
        return self.date.year

    @property
    def latest(self) -> Letter:
        return self.letters[-1]

    @property
    def partnership(self) -> Group:
        return Group("partnerships", self.csp, slugify(self.csp))


@dataclass(frozen=True)
class Page:
    slug: str
    title: str
    description: str | None
    html: str

    @property
    def url(self) -> str:
        return f"/{self.slug}/"


@dataclass
class Site:
    title: str
    description: str | None
    base_url: str
    language: str
    owner: str
    contact: str | None
    quick_exit_url: str
    helplines: list[dict[str, Any]]
    reviews: list[Review]  # published only, newest first
    pages: dict[str, Page]
    themes: list[Group] = field(default_factory=list)
    years: list[Group] = field(default_factory=list)
    partnerships: list[Group] = field(default_factory=list)

    @property
    def browse(self) -> list[tuple[str, str, list[Group]]]:
        """(kind, title, groups that have reviews) for each way of browsing."""
        return [(kind, title, [g for g in groups if g.reviews]) for kind, title, groups in (
            ("themes", "Themes", self.themes), ("years", "Years", self.years),
            ("partnerships", "Partnerships", self.partnerships))]

    def absolute(self, url: str) -> str:
        return self.base_url.rstrip("/") + url


def build_model(content: ValidContent, base_url: str) -> Site:
    """Assemble the public site from content that passed validation."""
    values = content.site
    reviews = [_review(r) for r in content.reviews if r.values["status"] == "published"]
    reviews.sort(key=lambda r: (r.date, r.title), reverse=True)
    pages = {src.path.stem: _page(src.path.stem, v, src.body) for src, v in content.pages}
    site = Site(
        title=values["title"], description=values["description"], base_url=base_url,
        language=values["language"] or "en-GB", owner=values["owner"], contact=values["contact"],
        quick_exit_url=values["quick_exit_url"], helplines=values["helplines"] or [],
        reviews=reviews, pages=pages,
    )
    site.themes = [_group("themes", name, [r for r in reviews if name in {t.name for t in r.themes}])
                   for name in values["themes"]]
    site.years = [_group("years", str(year), [r for r in reviews if r.year == year])
                  for year in sorted({r.year for r in reviews}, reverse=True)]
    site.partnerships = [_group("partnerships", csp, [r for r in reviews if r.csp == csp])
                         for csp in sorted({r.csp for r in reviews})]
    return site


def _group(kind: str, name: str, reviews: list[Review]) -> Group:
    return Group(kind, name, slugify(name), tuple(reviews))


def _review(valid: ValidReview) -> Review:
    v = valid.values
    letters = sorted((_letter(letter) for letter in valid.letters), key=lambda letter: letter.date)
    return Review(
        slug=valid.slug, title=v["title"], reference=v["reference"], csp=v["csp"],
        published=v["published"], death=v["death"],
        themes=tuple(Group("themes", t, slugify(t)) for t in v["themes"] or []),
        documents=tuple(_document(valid.folder.path, d) for d in v["documents"] or []),
        chair=v["chair"], author=v["author"],
        summary_html=markup.render(valid.folder.review.body, base_level=3).html,
        letters=tuple(letters),
    )


def _document(folder: Path, values: dict[str, Any]) -> Document:
    if values["file"]:
        path = folder / values["file"]
        return Document(values["title"], values["kind"], Path(values["file"]).as_posix(), path, path.stat().st_size)
    return Document(values["title"], values["kind"], values["url"], None, None)


def _letter(valid: ValidLetter) -> Letter:
    v = valid.values
    rendered = markup.render(valid.source.body, base_level=4, anchor_prefix=f"letter-{v['date'].isoformat()}")
    return Letter(
        date=v["date"], panel_date=v["panel_date"], resubmission=bool(v["resubmission"]),
        outcome=v["outcome"], sender=v["from"], to=v["to"], signed=v["signed"],
        html=rendered.html, points=rendered.points,
    )


def _page(slug: str, values: dict[str, Any], body: str) -> Page:
    return Page(slug, values["title"], values["description"], markup.render(body).html)
