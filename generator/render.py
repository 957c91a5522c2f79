"""Stage 4, render: the site model becomes output files, in memory.

Every page of the site is made in `render_site`; each entry names its template.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from . import export
from .model import Site, month_name

REPO_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


@dataclass(frozen=True)
class Output:
    """One file of the built site: bytes to write, or a file to copy."""

    path: str  # relative to the output folder, with forward slashes
    data: bytes | Path
    search: bool = False  # a page Pagefind should index


def long_date(value: dt.date | str | None) -> str:
    """7 August 2024; a month-only value as 'June 2024'."""
    if value is None:
        return ""
    if isinstance(value, str):
        return month_name(value)
    return f"{value.day} {value:%B %Y}"


def file_size(size: int) -> str:
    if size >= 1_000_000:
        return f"{size / 1_000_000:.1f} MB"
    return f"{max(1, round(size / 1000))} KB"


def environment(templates: Path) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates),
        autoescape=jinja2.select_autoescape(["html", "xml"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(long_date=long_date, file_size=file_size, month_name=month_name)
    return env


def render_site(site: Site, templates: Path) -> list[Output]:
    """Every output file of the site, in a stable order."""
    env = environment(templates)

    def page(path: str, template: str, crumbs: tuple[tuple[str, str], ...] = (), search: bool = False,
             **context: Any) -> Output:
        url = "/" + path.removesuffix("index.html")
        html = env.get_template(template).render(site=site, url=url, crumbs=crumbs, **context)
        return Output(path, html.encode(), search)

    home = (("Home", "/"),)
    all_reviews = home + (("All reviews", "/reviews/"),)
    outputs = [
        page("index.html", "home.html", latest=site.reviews[:5]),
        page("reviews/index.html", "reviews.html", home, by_year=site.years),
        page("search/index.html", "search.html", home),
        page("404.html", "404.html"),
    ]
    for review in site.reviews:
        outputs.append(page(f"reviews/{review.slug}/index.html", "review.html", all_reviews, True, review=review))
        outputs += [Output(f"reviews/{review.slug}/{d.href}", d.file) for d in review.documents if d.file]
    for kind, title, groups in site.browse:
        outputs.append(page(f"{kind}/index.html", "groups.html", home, title=title, groups=groups))
        for group in groups:
            outputs.append(page(f"{kind}/{group.slug}/index.html", "group.html",
                                home + ((title, f"/{kind}/"),), title=title, group=group))
    for slug, free_page in site.pages.items():
        outputs.append(page(f"{slug}/index.html", "page.html", home, page=free_page))
    html_urls = ["/" + o.path.removesuffix("index.html") for o in outputs if o.path.endswith("index.html")]
    updated = max((r.date for r in site.reviews), default=dt.date.today())
    outputs += [
        page("sitemap.xml", "sitemap.xml", urls=sorted(html_urls)),
        page("feed.xml", "feed.xml", updated=updated, reviews=site.reviews[:50]),
        page("robots.txt", "robots.txt"),
        Output("reviews.json", export.reviews_json(site)),
        Output("reviews.csv", export.reviews_csv(site)),
    ]
    outputs += [Output(f"assets/{p.name}", p) for p in sorted((templates / "assets").iterdir()) if p.is_file()]
    return outputs

