"""The kinds of value a content field can hold, and how each is read from a YAML node.

Every problem is recorded in the `Context` (never raised) and the value becomes `INVALID`, so
one run reports them all and nothing after validation is handed a value it cannot use.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ..clock import build_date
from ..problems import Problems
from .nodes import Map, Node, Scalar, Seq

INVALID: Any = object()  # a value that was reported as a problem


@dataclass
class Context:
    """Where converted values come from, and what they may refer to."""

    path: Path
    problems: Problems
    themes: tuple[str, ...] = ()
    agencies: tuple[str, ...] | None = None  # None: site.yaml's list is unreadable, so any name is taken
    known: tuple[frozenset[str], frozenset[str]] = field(init=False)  # the themes, the agencies: looked up at once
    last_year: int = field(init=False)  # the latest year a date may have: the year after the build date's

    def __post_init__(self) -> None:
        self.known = frozenset(self.themes), frozenset(self.agencies or ())
        self.last_year = build_date().year + 1

    def error(self, line: int, field: str, message: str, fix: str) -> Any:
        self.problems.add(self.path, line, field, message, fix)
        return INVALID


def nearest(word: str, choices: list[str] | tuple[str, ...]) -> str | None:
    """The choice that `word` most likely misspells, or None: close in spelling, not merely sharing a word.

    A few letters wrong, missing, extra or swapped ('coersive control', 'Test Polise', 'tittle'), in
    any case; 'physical disability' is no misspelling of 'physical abuse', so nothing is suggested.
    """
    typed = " ".join(word.lower().split())
    allowed = 1 if len(typed) <= 4 else 2 if len(typed) <= 12 else 3
    best, fewest = None, allowed + 1
    for choice in choices:
        edits = _edits(typed, " ".join(choice.lower().split()), fewest - 1)
        if edits < fewest:
            best, fewest = choice, edits
    return best


def _edits(a: str, b: str, limit: int) -> int:
    """The letters to change, add, drop or swap (adjacent) to turn `a` into `b`; any number over `limit` is
    returned as limit + 1, without finishing."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    before, previous = None, list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        row = [i]
        for j, y in enumerate(b, 1):
            cost = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (x != y))
            if before is not None and i > 1 and j > 1 and x == b[j - 2] and a[i - 2] == y:
                cost = min(cost, before[j - 2] + 1)
            row.append(cost)
        if min(row) > limit:
            return limit + 1
        before, previous = previous, row
    return min(previous[-1], limit + 1)


class Kind:
    """A field's type: how to read it from a YAML node, and how the docs name it."""

    label = "text"

    def convert(self, node: Node, name: str, ctx: Context) -> Any:
        raise NotImplementedError

    def scalar(self, node: Node, name: str, ctx: Context) -> str:
        if not isinstance(node, Scalar):
            return ctx.error(node.line, name, f"expected {self.label}, found a "
                             f"{'list' if isinstance(node, Seq) else 'group of fields'}",
                             "write a single value after the colon")
        return node.text.strip()


class Text(Kind):
    def convert(self, node: Node, name: str, ctx: Context) -> Any:
        return self.scalar(node, name, ctx)


class Choice(Kind):
    def __init__(self, options: dict[str, str]) -> None:
        self.options = options
        self.label = "one of " + ", ".join(f"`{o}`" for o in options)

    def convert(self, node: Node, name: str, ctx: Context) -> Any:
        value = self.scalar(node, name, ctx)
        if value is INVALID or value in self.options:
            return value
        guess = nearest(value, list(self.options))
        fix = f"did you mean '{guess}'?" if guess else "use " + ", ".join(self.options)
        return ctx.error(node.line, name, f"'{value}' is not one of {', '.join(self.options)}", fix)


class Bool(Kind):
    label = "`true` or `false`"

    def convert(self, node: Node, name: str, ctx: Context) -> Any:
        value = self.scalar(node, name, ctx)
        if value is INVALID:
            return value
        if node.plain and value in ("true", "false"):  # type: ignore[union-attr]
            return value == "true"
        return ctx.error(node.line, name, f"'{value}' is not true or false",
                         "write true or false, without quotes")


_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})\Z")
_MONTH = re.compile(r"^(\d{4})(?:-(\d{2}))?\Z")


FIRST_YEAR = 1900  # no date in a review can be earlier, nor later than the year after the build date's


def _year_error(text: str, year: int, line: int, name: str, ctx: Context) -> Any:
    """INVALID, reported, when `year` is outside FIRST_YEAR to the year after the build's (SOURCE_DATE_EPOCH's,
    see clock.py); None when it is within."""
    last = ctx.last_year
    if FIRST_YEAR <= year <= last:
        return None
    return ctx.error(line, name, f"'{text}' is not a year a review's dates can have",
                     f"check the year: it must be from {FIRST_YEAR} to {last}")


def _date(text: str, line: int, name: str, ctx: Context) -> Any:
    match = _DATE.match(text)
    if not match:
        return ctx.error(line, name, f"'{text}' is not a date in the form YYYY-MM-DD",
                         "write it like 2024-08-07")
    if (error := _year_error(text, int(match.group(1)), line, name, ctx)) is not None:
        return error
    try:
        return dt.date(*map(int, match.groups()))
    except ValueError:
        return ctx.error(line, name, f"'{text}' is not a real date", "check the day and the month")


def _month(text: str, line: int, name: str, ctx: Context) -> Any:
    """A `YYYY-MM` or `YYYY` value, checked; call only when _MONTH matches."""
    year, month = _MONTH.match(text).groups()  # type: ignore[union-attr]
    if (error := _year_error(text, int(year), line, name, ctx)) is not None:
        return error
    if month and not 1 <= int(month) <= 12:
        return ctx.error(line, name, f"'{text}' has no month {month}", "use a month from 01 to 12")
    return text


class Date(Kind):
    label = "date, YYYY-MM-DD"

    def convert(self, node: Node, name: str, ctx: Context) -> Any:
        value = self.scalar(node, name, ctx)
        return value if value is INVALID else _date(value, node.line, name, ctx)


class DateOrMonth(Kind):
    label = "date, YYYY-MM-DD or YYYY-MM"

    def convert(self, node: Node, name: str, ctx: Context) -> Any:
        value = self.scalar(node, name, ctx)
        if value is INVALID:
            return value
        if _DATE.match(value):
            return _date(value, node.line, name, ctx)
        if _MONTH.match(value):
            return _month(value, node.line, name, ctx)
        return ctx.error(node.line, name, f"'{value}' is not a date",
                         "write YYYY-MM-DD, or YYYY-MM when only the month is known")


class MonthOfDeath(Kind):
    label = "YYYY-MM or YYYY (never a full date)"
    _WORDY_DATE = re.compile(r"\b\d{1,2}(st|nd|rd|th)?\s+[A-Za-z]+\s+\d{4}\b")

    def convert(self, node: Node, name: str, ctx: Context) -> Any:
        value = self.scalar(node, name, ctx)
        if value is INVALID:
            return value
        if _DATE.match(value) or self._WORDY_DATE.search(value):
            example = value[:7] if _DATE.match(value) else "2023-05"
            return ctx.error(node.line, name, "a full date of death is refused, to protect anonymity",
                             f"give the month and year only, e.g. {example}")
        if _MONTH.match(value):
            return _month(value, node.line, name, ctx)
        return ctx.error(node.line, name, f"'{value}' is not a month and year",
                         "write YYYY-MM, e.g. 2023-05, or the year alone")


class Pattern(Kind):
    """Text that must match a regular expression, such as a web or e-mail address."""

    def __init__(self, label: str, pattern: str, what: str, fix: str) -> None:
        self.label, self.pattern, self.what, self.fix = label, re.compile(pattern), what, fix

    def convert(self, node: Node, name: str, ctx: Context) -> Any:
        value = self.scalar(node, name, ctx)
        if value is INVALID or self.pattern.match(value):
            return value
        return ctx.error(node.line, name, f"'{value}' is not {self.what}", self.fix)


class Url(Pattern):
    """A web address, http or https only; kept encoded (a space or a non-ASCII letter as %-escapes)."""

    SAFE = "/:?#[]@!$&'()*+,;=%~-._"  # the characters an address may hold as they are (RFC 3986)

    def __init__(self) -> None:
        super().__init__("web address, https://...", r"^https?://[^\s/\\]+\.\S+$", "a web address",
                         "write the full address, starting https://")

    def convert(self, node: Node, name: str, ctx: Context) -> Any:
        value = super().convert(node, name, ctx)
        return value if value is INVALID else quote(value, safe=self.SAFE)


class DocumentFile(Kind):
    """A file in the review's folder: a relative path of plain names, so its address can only be a file."""

    label = "file name, e.g. report.pdf"

    def convert(self, node: Node, name: str, ctx: Context) -> Any:
        value = self.scalar(node, name, ctx)
        if value is INVALID:
            return value
        parts = value.split("/")
        if "\\" in value or ":" in value or any(part in ("", ".", "..") or len(part.encode()) > 200
                                                 for part in parts):
            return ctx.error(node.line, name, f"'{value}' is not the name of a file in the review's folder",
                             "give the file's name, e.g. report.pdf, or sub-folder/report.pdf, with no "
                             "'..', ':' or backslash, each name under 200 characters; for a document on another "
                             "website use url:")
        return value


def Email() -> Pattern:  # noqa: N802
    return Pattern("e-mail address", r"^[^@\s]+@[^@\s]+\.[^@\s]+$", "an e-mail address",
                   "write it like name@example.gov.uk")


class Theme(Kind):
    label = "theme from site.yaml"

    def convert(self, node: Node, name: str, ctx: Context) -> Any:
        value = self.scalar(node, name, ctx)
        if value is INVALID or not ctx.themes or value in ctx.known[0]:
            return value
        guess = nearest(value, ctx.themes)
        fix = f"did you mean '{guess}'?" if guess else "use a theme listed under themes in site.yaml"
        return ctx.error(node.line, name, f"'{value}' is not a theme in site.yaml", fix)


class Agency(Kind):
    label = "agency from site.yaml"

    def convert(self, node: Node, name: str, ctx: Context) -> Any:
        value = self.scalar(node, name, ctx)
        if value is INVALID or ctx.agencies is None or value in ctx.known[1]:
            return value
        guess = nearest(value, ctx.agencies)
        fix = f"did you mean '{guess}'?" if guess else "add it under agencies in site.yaml, spelled as here"
        return ctx.error(node.line, name, f"'{value}' is not an agency listed in site.yaml", fix)


class ListOf(Kind):
    def __init__(self, item: Kind) -> None:
        self.item = item
        self.label = f"list of {item.label}"

    def convert(self, node: Node, name: str, ctx: Context) -> Any:
        if not isinstance(node, Seq):
            return ctx.error(node.line, name, f"expected a list of {self.item.label}",
                             "put each item on its own line starting with '- '")
        values = [self.item.convert(item, name, ctx) for item in node.items]
        return INVALID if INVALID in values else values


class OneOrList(Kind):
    """One value, or a list of them (such as the agencies a recommendation is addressed to); read as a list."""

    def __init__(self, item: Kind) -> None:
        self.item = item
        self.label = f"{item.label}, or a list of them"

    def convert(self, node: Node, name: str, ctx: Context) -> Any:
        if isinstance(node, Seq):
            return ListOf(self.item).convert(node, name, ctx)
        value = self.item.convert(node, name, ctx)
        return value if value is INVALID else [value]


@dataclass(frozen=True)
class Field:
    name: str
    kind: Kind
    doc: str
    required: bool = False
    example: str = ""


@dataclass(frozen=True)
class Schema:
    name: str
    doc: str
    fields: tuple[Field, ...]

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)


class Record(Kind):
    """A group of fields nested in a list, such as one document."""

    def __init__(self, schema: Schema) -> None:
        self.schema = schema
        self.label = schema.name

    def convert(self, node: Node, name: str, ctx: Context) -> Any:
        if not isinstance(node, Map):
            return ctx.error(node.line, name, f"expected a {self.schema.name} with fields "
                             + ", ".join(f.name for f in self.schema.fields),
                             "write each field as 'name: value' under the '- '")
        values = read_fields(node, self.schema, ctx, prefix=f"{name}.")
        return INVALID if INVALID in values.values() else values


class TextOrRecord(Kind):
    """Plain text, or a group of fields of `schema` (such as an action: its text alone, or its own details)."""

    def __init__(self, schema: Schema) -> None:
        self.record = Record(schema)
        article = "an" if schema.name[:1] in "aeiou" else "a"
        self.label = f"text, or {article} {schema.name} with fields " + ", ".join(f.name for f in schema.fields)

    def convert(self, node: Node, name: str, ctx: Context) -> Any:
        if isinstance(node, Map):
            return self.record.convert(node, name, ctx)
        if isinstance(node, Seq):
            return ctx.error(node.line, name, f"expected {self.label}, found a list",
                             f"write the {self.record.schema.name}'s text after '- ', or its fields as 'name: value' "
                             "under it")
        return self.scalar(node, name, ctx)


def read_fields(node: Map, schema: Schema, ctx: Context, prefix: str = "") -> dict[str, Any]:
    """Convert a front matter map to typed values, reporting every problem; absent fields are None."""
    known = [f.name for f in schema.fields]
    values: dict[str, Any] = {}
    for key, entry in node.entries.items():
        if key not in known:
            guess = nearest(key, known)
            fix = f"did you mean '{guess}'?" if guess else "remove it, or use one of " + ", ".join(known)
            ctx.error(entry.key_line, prefix + key, "unknown field", fix)
    for spec in schema.fields:
        given = node.entries.get(spec.name)
        value = given.value if given else None
        if value is None or (isinstance(value, Scalar) and (value.is_null or not value.text.strip())):
            values[spec.name] = None
            if spec.required:
                line = given.key_line if given else node.line
                ctx.error(line, prefix + spec.name, "this required field is missing or empty",
                          f"add '{spec.name}: {spec.example or '...'}'")
            continue
        values[spec.name] = spec.kind.convert(value, prefix + spec.name, ctx)
    return values


MAX_SLUG = 120  # characters of a name's address: a folder's name must fit in 255 bytes


@lru_cache(maxsize=1 << 16)
def slugify(name: str) -> str:
    """The part of a web address a name becomes: 'Children's services' -> 'childrens-services', 'Gŵyr' -> 'gwyr'.

    Empty for a name with no letter or digit of the Latin alphabet (see `check_slug`).
    """
    plain = unicodedata.normalize("NFKD", name.lower().translate(_LETTERS)).encode("ascii", "ignore").decode()
    return _NOT_IN_SLUGS.sub("-", plain.replace("'", "")).strip("-")


def check_slug(name: str, path: Path | str, line: int, field_name: str, problems: Problems) -> bool:
    """Whether `name` gives a web address; reported where it gives none, or one too long for a folder's name."""
    slug = slugify(name)
    if len(slug) > MAX_SLUG:
        problems.add(path, line, field_name, f"'{name[:60]}...' is too long to make a web address",
                     f"shorten the name to at most {MAX_SLUG} characters")
    elif not slug:
        problems.add(path, line, field_name, f"'{name}' has no letter A to Z or digit, so it cannot make a web "
                     "address", "add the name as it is written in English letters too, e.g. 'Cymraeg (Welsh)'")
    elif slug == "page":
        problems.add(path, line, field_name, f"'{name}' would take the address of a list's later pages "
                     "(/…/page/2/)", "use a longer name")
    return 0 < len(slug) <= MAX_SLUG and slug != "page"


_NOT_IN_SLUGS = re.compile(r"[^a-z0-9]+")
_LETTERS = str.maketrans({"æ": "ae", "ø": "o", "ß": "ss", "œ": "oe", "đ": "d", "ł": "l", "þ": "th", "ð": "d"})
