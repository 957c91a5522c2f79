"""Partnerships as a vocabulary: each review's `csp`, as written, filed under one partnership.

`site.yaml` may list partnerships with their former names and spelling variants, their
region and their county (which must lie in that region). A review naming a listed partnership
by any of those (in any case or punctuation) is filed under its name. Reviews naming
partnerships that are not listed are filed together when their names differ only in case,
punctuation, '&' for 'and' or a trailing 'Community Safety Partnership' (or 'CSP'), under the
spelling most of them use, with a warning on the others.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..problems import Problems
from .kinds import check_slug, slugify
from .load import SourceFile
from .nodes import Map, Seq
from .schema import COUNTIES

_SUFFIX = re.compile(r"(?: community safety partnership| csp)+\Z")
_NOT_WORD = re.compile(r"[\W_]+")
BY_COUNT = "most-reviews"  # /partnerships/most-reviews/ lists them by their number of reviews: no partnership's slug


def plain(name: str) -> str:
    """The form two spellings of one partnership share: 'Blackburn With Darwen CSP' -> 'blackburn with darwen'."""
    words = _NOT_WORD.sub(" ", name.lower().replace("&", " and ")).strip()
    return _SUFFIX.sub("", " " + words).strip() or words


@dataclass(frozen=True)
class Partnership:
    """A partnership as the site files reviews under it."""

    name: str
    slug: str
    region: str | None = None
    website: str | None = None
    former: tuple[str, ...] = ()  # names it had, or partnerships merged into it
    county: str | None = None  # a key of schema.COUNTIES

    @property
    def url(self) -> str:
        return f"/partnerships/{self.slug}/"

    @property
    def region_url(self) -> str | None:
        return f"/regions/{slugify(self.region)}/" if self.region else None

    @property
    def county_url(self) -> str | None:
        return f"/counties/{slugify(self.county)}/" if self.county else None


@dataclass(frozen=True)
class Directory:
    """Every partnership a published review names, by the name as written."""

    filed: dict[str, Partnership] = field(default_factory=dict)

    def of(self, csp: str) -> Partnership:
        """The partnership a review naming `csp` is filed under."""
        return self.filed.get(csp) or Partnership(csp, slugify(csp))


def partnership_list(site_file: SourceFile | None, site: dict[str, Any], problems: Problems) -> dict[str, Partnership]:
    """site.yaml's partnerships, by each name a review may use (see partnerships.py)."""
    values, meta = site.get("partnerships"), site_file and site_file.meta
    if site_file is None or not isinstance(values, list) or not isinstance(meta, Map):
        return {}
    nodes = meta.entries["partnerships"].value
    named = []  # each partnership whose name makes an address, with the line of its name
    for item, node in zip(values, nodes.items if isinstance(nodes, Seq) else (), strict=True):
        line = node.entries["name"].key_line if isinstance(node, Map) and "name" in node.entries else node.line
        if check_slug(item["name"], site_file.path, line, "partnerships", problems) and \
                _not_reserved(item["name"], site_file.path, line, "partnerships", problems):
            named.append((item, line))
    return listed_partnerships(named, site_file.path, problems)


def listed_partnerships(values: list[tuple[dict[str, Any], int]], path: Path | str,
                        problems: Problems) -> dict[str, Partnership]:
    """site.yaml's partnerships (each with a usable name, and the line of its name), by the plain form of each
    name, former name and variant; a name under two of them is an error."""
    found: dict[str, Partnership] = {}
    for item, line in values:
        former = tuple(n for n in item.get("former") or () if isinstance(n, str))
        variants = tuple(n for n in item.get("variants") or () if isinstance(n, str))
        region = item.get("region") if isinstance(item.get("region"), str) else None
        website = item.get("website") if isinstance(item.get("website"), str) else None
        county = item.get("county") if isinstance(item.get("county"), str) and item["county"] in COUNTIES else None
        if county and region and region not in COUNTIES[county].split(" or "):
            problems.add(path, line, "partnerships", f"'{item['name']}' is in the county '{county}' but the region "
                         f"'{region}', and {county} is in {COUNTIES[county]}", "correct its county or its region")
        partnership = Partnership(item["name"], slugify(item["name"]), region, website, former, county)
        for name in (item["name"], *former, *variants):
            other = found.setdefault(plain(name), partnership)
            if other is not partnership:
                problems.add(path, line, "partnerships", f"'{name}' is listed under both '{other.name}' and "
                             f"'{partnership.name}'", "keep it under one of them")
    return found


@dataclass(frozen=True)
class Naming:
    """A published review's partnership, as written, and where it is written."""

    csp: str
    path: str
    line: int


def file_reviews(listed: dict[str, Partnership], namings: Iterable[Naming], problems: Problems) -> Directory:
    """File each review's partnership: under its listed name, else with the spellings that differ only trivially."""
    filed: dict[str, Partnership] = {}
    unlisted: dict[str, list[Naming]] = {}
    for naming in namings:
        key = plain(naming.csp)
        if key in listed:
            filed[naming.csp] = listed[key]
        else:
            unlisted.setdefault(key, []).append(naming)
    slugs = {p.slug: p.name for p in listed.values()}
    for group in unlisted.values():
        spellings = Counter(n.csp for n in group)
        name = min(spellings, key=lambda s: (-spellings[s], -len(s), s))  # the most used; then the longest
        partnership = Partnership(name, slugify(name))
        for naming in group:
            filed[naming.csp] = partnership
            if naming.csp != name:
                others = spellings[name]
                problems.warn(naming.path, naming.line, "csp", f"'{naming.csp}' is filed under '{name}', as "
                              f"{others} other review{' spells' if others == 1 else 's spell'} it",
                              f"write '{name}', or list the partnership and its spellings under partnerships in "
                              "site.yaml")
        other = slugs.setdefault(partnership.slug, name)
        if not _not_reserved(name, group[0].path, group[0].line, "csp", problems):
            continue
        if other != name:
            first = group[0]
            problems.add(first.path, first.line, "csp", f"'{name}' and '{other}' would share the address "
                         f"/partnerships/{partnership.slug}/", f"spell it the same way in every review: '{other}'")
    return Directory(filed)


def _not_reserved(name: str, path: Path | str, line: int, field_name: str, problems: Problems) -> bool:
    """Whether a partnership's name leaves the address of the partnerships' second order free (reported if not)."""
    if slugify(name) != BY_COUNT:
        return True
    problems.add(path, line, field_name, f"'{name}' would take the address /partnerships/{BY_COUNT}/, which lists "
                 "the partnerships by their number of reviews", "use the partnership's full name")
    return False
