"""Stage 4, render: every output file of the site, as a job.

`site_jobs` lists every file of the site: its path, its template and the exact values the
template is given. Those values are immutable, so the `Renderer` (renderer.py) that keeps the
previous build can tell, job by job, whether anything a page shows has changed, and render only those pages.
"""

from __future__ import annotations

import datetime as dt
import functools
import heapq
import operator
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..cms import admin_pages, bundle_files
from ..content.partnerships import BY_COUNT, Partnership
from . import deploy, export, json_schemas
from .deploy import fingerprinted
from .learning import Action, Facet, Item, Tally
from .model import Browse, Chrome, Entry, GroupLink, Review, Site, long_date

REPO_TEMPLATES = Path(__file__).resolve().parents[2] / "templates"  # beside the package
Crumbs = tuple[tuple[str, str], ...]
HOME: Crumbs = (("Home", "/"),)
REVIEW_CRUMBS: Crumbs = (*HOME, ("All reviews", "/reviews/"))  # one tuple for every review page: digested once


@dataclass(frozen=True)
class Copy:
    """A file of the built site copied as it is: a review's document, or an asset."""

    path: str  # relative to the output folder, with forward slashes
    source: Path


@dataclass(frozen=True)
class Job:
    """How to make one output: a template (or a function) and the values it is given."""

    path: str
    template: str | None
    context: tuple[tuple[str, Any], ...]
    produce: Callable[..., bytes | Iterable[bytes]] | None = None  # for outputs made without a template
    parts: bool = False  # `produce` takes the Renderer's export.Parts; its one value, the reviews, is digested
    # as their parts of the file are (see Parts.digest)

    @property
    def url(self) -> str:
        return "/" + self.path.removesuffix("index.html")


def page(path: str, template: str, crumbs: Crumbs = (), **context: Any) -> Job:
    return Job(path, template, (("crumbs", crumbs), *sorted(context.items())))


def site_jobs(site: Site, templates: Path, mark: str,
              bundles: Callable[[Iterable[str]], tuple[str, ...]] = lambda paths: (),
              git: tuple[str | None, str | None] = (None, None)) -> tuple[list[Job], list[Copy], Chrome]:
    """Every page and data file of the site as jobs, the files copied as they are, and the page chrome.

    `mark` opens `_headers` and `_redirects` (the output folder's, see output/outdir.py). `bundles` gives, from
    the paths of the site's pages, the search index's shards (see output/search_index.py), which the search page
    merges.
    `git`: the repository and branch the content manager at /admin/ commits to (cms.git_host).
    """
    chrome, copies = dressed(site.chrome, templates)
    marks = Marks.of_entries(site.entries)
    choices = list_choices(site, marks)
    undated = sum(1 for e in site.entries if e.year is None)
    jobs = [
        page("index.html", "home.html", latest=site.entries[:5], count=len(site.reviews),
             browse=tuple((b.kind, b.title, largest(b), len(b.groups)) for b in site.browse)),
        *review_list_pages(site, choices, undated),
        page("404.html", "404.html"),
    ]
    for review in site.reviews:
        jobs.append(review_page(review, site.today, site.directory.of(review.csp)))
        jobs += document_pages(review, site.directory.of(review.csp))
        copies += [Copy(f"reviews/{review.slug}/{d.local}", d.file) for d in review.documents if d.file]
    for browse in site.browse:
        jobs += group_list_pages(browse)
        crumbs = (*HOME, (browse.title, f"/{browse.kind}/"))
        for group in browse.groups:
            shown = narrowed(choices, group.entries, browse.filter, marks)
            for out, number, pages, chunk in paged(f"{browse.kind}/{group.slug}/", group.entries):
                jobs.append(page(out, "group.html", crumbs, filter=browse.filter, one=browse.one, group=group,
                                 entries=chunk, count=len(group.entries), choices=shown,
                                 **_paging(number, pages, f"/{browse.kind}/{group.slug}/", len(chunk))))
    jobs += learning_jobs(site)
    for free_page in site.pages:
        jobs.append(page(f"{free_page.slug}/index.html", "page.html", HOME, page=free_page))
    jobs.append(page("search/index.html", "search.html", HOME, bundles=bundles([j.path for j in jobs]),
                     examples=tuple((g.name, g.count) for g in largest(site.browse[0])[:3])))
    urls = tuple(sorted(j.url for j in jobs if j.path.endswith("index.html")))
    if site.withdrawn:
        jobs.append(page("gone/index.html", "gone.html"))
    feed = feed_entries(site)
    filed = tuple((r, site.directory.of(r.csp)) for r in site.reviews)  # what the data files hold
    jobs += [
        page("sitemap.xml", "sitemap.xml", urls=urls),
        page("feed.xml", "feed.xml", entries=feed, updated=feed[0].date if feed else dt.date(2000, 1, 1)),
        page("robots.txt", "robots.txt"),
        Job("reviews.json", None, (("reviews", filed),), produce=export.reviews_json, parts=True),
        Job("reviews/list.json", None, (("entries", site.entries),),
            produce=export.list_json),
        *(Job(name, None, (("reviews", filed),), produce=export.table_csv(name), parts=True)
          for name in export.TABLES),
        *(Job(path, None, (), produce=json_schemas.schema_file(name))
          for name, path in json_schemas.SCHEMA_FILES.items()),
    ]
    repository, branch = git  # the content manager: after the sitemap's addresses, so in no sitemap (nor feed)
    jobs += [Job(path, None, (("data", data),), produce=_as_is)
             for path, data in admin_pages(site.settings, repository, branch, site.chrome.base_url).items()]
    copies += [Copy(path, source) for path, source in bundle_files()]
    moves = tuple((alias, r.url) for r in site.reviews for alias in r.aliases)
    paths = tuple(sorted([j.path for j in jobs] + [c.path for c in copies]))
    jobs += [
        Job("_redirects", None, (("mark", mark), ("moves", moves), ("withdrawn", site.withdrawn)),
            produce=deploy.redirects),
        Job("_headers", None, (("mark", mark), ("paths", paths), ("repository", repository)), produce=deploy.headers),
    ]
    return jobs, copies, chrome


def _as_is(site: Chrome, data: bytes) -> bytes:
    """A file made whole before rendering (the content manager's page and configuration)."""
    return data


def dressed(chrome: Chrome, templates: Path) -> tuple[Chrome, list[Copy]]:
    """The chrome with the fingerprinted address of each asset, and the assets to copy."""
    files = sorted(p for p in (templates / "assets").iterdir() if p.is_file())
    assets = [(p.name, f"assets/{fingerprinted(p)}", p) for p in files]
    return (replace(chrome, assets=tuple((name, "/" + path) for name, path, _ in assets)),
            [Copy(path, source) for _, path, source in assets])


def review_page(review: Review, today: dt.date, partnership: Partnership) -> Job:
    """A review's own page, filed under `partnership`; one with an action plan shows what is overdue on `today`."""
    dated = {"today": today} if review.plan else {}
    return page(f"reviews/{review.slug}/index.html", "review.html", REVIEW_CRUMBS, review=review,
                partnership=partnership, **dated)


def document_pages(review: Review, partnership: Partnership) -> list[Job]:
    """The text version of each of the review's documents that has text, at reviews/SLUG/documents/NAME/: its
    pages, each under an anchored heading, with the review's filters (see templates/document.html)."""
    crumbs = (*REVIEW_CRUMBS, (review.title, review.url))
    return [page(f"reviews/{review.slug}/documents/{document.name}/index.html", "document.html", crumbs,
                 review=review, number=number, partnership=partnership)
            for number, document in enumerate(review.documents) if document.name]


PAGE_SIZE = 100  # entries on each page of every list: reviews, groups, recommendations, feedback points
HOME_GROUPS = 8  # the largest groups of each way of browsing, on the home page


def largest(browse: Browse) -> tuple[GroupLink, ...]:
    """What the home page lists of a way of browsing: the newest years, or the groups with the most reviews
    (the first of equals first)."""
    if browse.kind in ("years", "death-years"):
        return tuple(g.link for g in browse.groups[:HOME_GROUPS])
    order = heapq.nsmallest(HOME_GROUPS, range(len(browse.groups)), key=lambda i: (-len(browse.groups[i].entries), i))
    return tuple(browse.groups[i].link for i in order)


def _paging(number: int, pages: int, base: str, shown: int) -> dict[str, Any]:
    """What the pagination macro and a page's title need: this page's number, and the entries it shows."""
    return {"number": number, "pages": pages, "base": base, "first": (number - 1) * PAGE_SIZE + 1, "shown": shown}


@dataclass(frozen=True)
class FeedEntry:
    """A review published, or an action plan's update."""

    title: str
    url: str
    id: str  # the entry's permanent address
    date: dt.date  # when it was last updated
    summary: str
    published: dt.date | None = None  # a review's publication date, where recorded as a day


def feed_entries(site: Site, count: int = 50) -> tuple[FeedEntry, ...]:
    """The newest publications and action plan updates."""
    found = [FeedEntry(f"{r.title} ({r.csp})", r.url, r.url, r.date, _feed_summary(r),
                       r.published if isinstance(r.published, dt.date) else None) for r in site.reviews[:count]]
    updates = []  # (date, review, recommendation, what it is about, its anchor's tail, text)
    for review in site.reviews:
        for rec in review.plan.recommendations if review.plan else ():
            for place, item in enumerate(rec.with_actions()):  # the recommendation's, then each action's own
                about = f"recommendation {rec.number}" + (f", action {place}" if place else "")
                done = [(item.completed, f"Marked complete. {item.evidence or ''}".strip())] \
                    if item.completed and (not isinstance(item, Action) or "completed" in item.own) else []
                for number, (date, text) in enumerate([(u.date, u.text) for u in item.updates] + done, 1):
                    updates.append((date, review, rec, f"{about} ({', '.join(item.agencies)})",
                                    f"-action-{place}-update-{number}" if place else f"-update-{number}", text))
    if len(updates) > count:  # entries only for the updates as new as the newest `count`
        cutoff = heapq.nlargest(count, (u[0] for u in updates))[-1]
        updates = [u for u in updates if u[0] >= cutoff]
    for date, review, rec, about, tail, text in updates:
        url = f"{review.url}#{rec.anchor}"
        found.append(FeedEntry(f"Action plan update: {review.title}, {about}", url, url + tail, date, text))
    return tuple(sorted(found, key=lambda e: (e.date, e.id), reverse=True)[:count])


def _feed_summary(review: Review) -> str:
    """What the feed says of a review: when it was published only where that is recorded."""
    letters = f"{len(review.letters)} Home Office QA Panel letter{'' if len(review.letters) == 1 else 's'}"
    said = f"{review.type_label} published by {review.csp}, with {letters}." if review.published else \
        f"{review.type_label} by {review.csp}, with {letters}. Its publication date is not recorded; the panel's " \
        f"latest letter is dated {long_date(review.latest.date)}."
    return f"{said} Latest outcome: {review.latest.outcome_label.lower()}."


def paged(path: str, items: tuple[Any, ...]) -> list[tuple[str, int, int, tuple[Any, ...]]]:
    """A long list in pages: (output path, page number, pages, its items); the first at `path`/."""
    pages = max(1, -(-len(items) // PAGE_SIZE))
    return [(f"{path}index.html" if n == 1 else f"{path}page/{n}/index.html", n, pages,
             items[(n - 1) * PAGE_SIZE:n * PAGE_SIZE]) for n in range(1, pages + 1)]


HEADINGS = {"status": "Recommendations: {}", "scope": "{} recommendations",
            "themes": "Recommendations of reviews about {}"}


def learning_jobs(site: Site) -> list[Job]:
    """The pages across reviews: agencies, recommendations with their filters, the panel's feedback, open data."""
    learning, today = site.learning, site.today
    facets = tuple((kind, title, tuple((f.name, f.url, len(f.items)) for f in group))
                   for kind, title, group in learning.facets)
    recs_crumbs = (*HOME, ("Recommendations", "/recommendations/"))
    agencies = tuple((f.name, f.url, f.tally(today)) for f in learning.agencies)
    jobs = [page(out, "agencies.html", HOME, agencies=chunk, count=len(agencies),
                 **_paging(number, pages, "/agencies/", len(chunk)))
            for out, number, pages, chunk in paged("agencies/", agencies)]
    jobs.append(page("data/index.html", "data.html", HOME, tables=tuple(
        (name, json_schemas.SCHEMA_FILES[name], spec.doc, tuple((f.name, f.doc) for f in spec.fields))
        for name, spec in (("reviews.json", export.REVIEWS_JSON), *export.TABLES.items()))))

    def listing(path: str, heading: str, items: tuple[Item, ...], crumbs: Crumbs, current: Facet | None) -> None:
        """A list of recommendations; an agency's counts the actions addressed to it."""
        tally = current.tally(today) if current else Tally.of((item.recommendation for item in items), today)  # type: ignore[misc]
        for out, number, pages, chunk in paged(path, items):
            jobs.append(page(out, "recommendations.html", crumbs, heading=heading, tally=tally, items=chunk,
                             today=today, facets=facets, current=current.url if current else "/recommendations/",
                             agency=current.name if current and current.kind == "agencies" else None,
                             count=len(items), **_paging(number, pages, "/" + path, len(chunk))))

    listing("recommendations/", "Recommendations", learning.recommendations, HOME, None)
    for f in learning.agencies:
        listing(f"agencies/{f.slug}/", f"Recommendations addressed to {f.name}", f.items,
                (*HOME, ("Agencies", "/agencies/")), f)
    for kind, _, group in learning.facets:
        for f in group if kind != "agencies" else ():
            listing(f"recommendations/{kind}/{f.slug}/", HEADINGS[kind].format(f.name), f.items, recs_crumbs, f)
    for out, number, pages, chunk in paged("learning/", learning.feedback):
        jobs.append(page(out, "learning.html", HOME, count=len(learning.feedback), items=chunk,
                         **_paging(number, pages, "/learning/", len(chunk))))
    return jobs


def review_list_pages(site: Site, choices: Choices, undated: int) -> list[Job]:
    """The all-reviews list: newest first, grouped by the year each was published, those whose publication date
    is not recorded last in a section of their own; PAGE_SIZE a page; the filters' `choices` on each."""
    year_counts = {g.name: len(g.entries) for g in site.groups("years")}
    jobs = []
    for out, number, pages, chunk in paged("reviews/", site.entries):
        years = [(f"year-{y}", str(y), year_counts[str(y)], tuple(e for e in chunk if e.year == y))
                 for y in sorted({e.year for e in chunk if e.year is not None}, reverse=True)]
        if any(e.year is None for e in chunk):
            years.append(("year-not-recorded", "Publication date not recorded", undated,
                          tuple(e for e in chunk if e.year is None)))
        jobs.append(page(out, "reviews.html", HOME, count=len(site.entries), years=tuple(years), choices=choices,
                         undated=undated, **_paging(number, pages, "/reviews/", len(chunk))))
    return jobs


BY_COUNT_KINDS = ("partnerships", "counties")  # ways of browsing also listed by their number of reviews


def group_list_pages(browse: Browse) -> list[Job]:
    """The pages listing a way of browsing's groups: in their order (A to Z, or years newest first), and for
    BY_COUNT_KINDS with several groups also by their number of reviews, most first (equals A to Z), at BY_COUNT."""
    links = tuple(g.link for g in browse.groups)
    orders: tuple[tuple[str, str, tuple[GroupLink, ...]], ...] = ((f"/{browse.kind}/", "A to Z", links),)
    if browse.kind in BY_COUNT_KINDS and len(links) > 1:  # one group is in the same order either way
        ranked = tuple(sorted(links, key=lambda link: -link.count))  # stable: equals stay A to Z
        orders += ((f"/{browse.kind}/{BY_COUNT}/", "Most reviews first", ranked),)
    names = tuple((label, base) for base, label, _ in orders) if len(orders) > 1 else ()
    jobs = []
    for base, label, ordered in orders:
        for out, number, pages, chunk in paged(base.lstrip("/"), ordered):
            jobs.append(page(out, "groups.html", HOME, title=browse.title, one=browse.one, groups=chunk,
                             count=len(ordered), orders=names, order=label if names else None,
                             **_paging(number, pages, base, len(chunk))))
    return jobs


Choices = tuple[tuple[str, str, tuple[str, ...]], ...]  # each filter's name, its label and its values


def list_choices(site: Site, marks: Marks) -> Choices:
    """The choices of the filters above the list of all reviews: (the filter's name, its label, its values)."""
    outcomes = tuple(sorted({e.outcome_label for e in site.entries}))
    return narrowed((*((b.filter, b.one, tuple(g.name for g in b.groups)) for b in site.browse),
                     ("outcome", "QA Panel outcome", outcomes)), site.entries, None, marks)


FILTER_KINDS = {"theme": "themes", "partnership": "partnerships", "region": "regions", "county": "counties",
                "year": "years", "death": "death-years"}  # a filter's name -> its way of browsing (model.BROWSE)


@dataclass(frozen=True)
class Marks:
    """What each entry gives the filters, made once a build for every list: a bit for each (filter, value), and
    for each (filter, None), which an entry without a value of that filter has."""

    bits: dict[tuple[str, str | None], int]
    of: dict[str, int]  # by entry's address: its bits, or-ed

    @classmethod
    def of_entries(cls, entries: tuple[Entry, ...]) -> Marks:
        bits: dict[tuple[str, str | None], int] = {}
        of = {}
        for e in entries:  # each filter of FILTER_KINDS, and the outcome
            pairs: list[tuple[str, str | None]] = [("theme", t) for t in e.themes] or [("theme", None)]
            pairs += [("partnership", e.csp), ("region", e.region), ("county", e.county),
                      ("year", str(e.year) if e.year else None), ("death", e.death_year), ("outcome", e.outcome_label)]
            of[e.url] = sum({bits.setdefault(pair, 1 << len(bits)) for pair in pairs})
        return cls(bits, of)


def narrowed(choices: Choices, entries: tuple[Entry, ...], fixed: str | None, marks: Marks) -> Choices:
    """The filters that can narrow a list of `entries`, each offering only the values some of them have.

    A filter is left out where it would keep every entry or none: `fixed` (the group the list is), one
    whose only value every entry has (a partnership's region), or one no entry has a value of.
    """
    present = functools.reduce(operator.or_, (marks.of[e.url] for e in entries), 0)
    kept = []
    for name, label, values in choices:
        have = tuple(v for v in values if present & marks.bits.get((name, v), 0))
        if name != fixed and (len(have) > 1 or (have and present & marks.bits.get((name, None), 0))):
            kept.append((name, label, have))
    return tuple(kept)
