"""The content model, defined once: validation, error messages and `dhr fields` all read it."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from difflib import get_close_matches
from pathlib import Path
from typing import Any
from urllib.parse import quote

from .load import Map, Node, Scalar, Seq
from .problems import Problems

INVALID: Any = object()  # a value that was reported as a problem

STATUSES = {
    "draft": "being written; never published",
    "submitted": "sent to the Home Office QA Panel; never published",
    "published": "published by the CSP; the only status that reaches the public site",
    "withdrawn": "taken down; never published",
}
OUTCOMES = {  # as the site shows them
    "publish": "May now be published",
    "publish-after-changes": "May be published once changes are made",
    "resubmit": "Should be resubmitted",
}
DOCUMENT_KINDS = {
    "report": "the full overview report",
    "executive-summary": "the executive summary",
    "action-plan": "the action plan",
    "other": "any other document",
}
SCOPES = {
    "local": "for agencies in the partnership's own area",
    "regional": "for agencies across a region",
    "national": "for national bodies or government",
}
RECOMMENDATION_STATUSES = {  # what each means, as the site says it
    "planned": "Planned: agreed, not yet started",
    "in-progress": "In progress: work has started",
    "complete": "Complete: the actions are done",
    "not-accepted": "Not accepted: the agency did not accept it",
}
OPEN_STATUSES = ("planned", "in-progress")  # work still to do: past its target date, it is overdue
MAX_REPORT_BYTES = 20 * 1000 * 1000


@dataclass
class Context:
    """Where converted values come from, and what they may refer to."""

    path: Path
    problems: Problems
    themes: tuple[str, ...] = ()
    agencies: tuple[str, ...] | None = None  # None: site.yaml's list is unreadable, so any name is taken

    def error(self, line: int, field: str, message: str, fix: str) -> Any:
        self.problems.add(self.path, line, field, message, fix)
        return INVALID


def nearest(word: str, choices: list[str] | tuple[str, ...]) -> str | None:
    found = get_close_matches(word.lower(), [c.lower() for c in choices], n=1, cutoff=0.6)
    if not found:
        return None
    return next(c for c in choices if c.lower() == found[0])


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


FIRST_YEAR = 1900  # no date in a review can be earlier, nor later than next year


def _year_error(text: str, year: int, line: int, name: str, ctx: Context) -> Any:
    """INVALID, reported, when `year` is outside FIRST_YEAR to next year; None when it is within."""
    last = dt.datetime.now(dt.UTC).year + 1
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
        if "\\" in value or ":" in value or any(part in ("", ".", "..") for part in parts):
            return ctx.error(node.line, name, f"'{value}' is not the name of a file in the review's folder",
                             "give the file's name, e.g. report.pdf, or sub-folder/report.pdf, with no "
                             "'..', ':' or backslash; for a document on another website use url:")
        return value


def Email() -> Pattern:  # noqa: N802
    return Pattern("e-mail address", r"^[^@\s]+@[^@\s]+\.[^@\s]+$", "an e-mail address",
                   "write it like name@example.gov.uk")


class Theme(Kind):
    label = "theme from site.yaml"

    def convert(self, node: Node, name: str, ctx: Context) -> Any:
        value = self.scalar(node, name, ctx)
        if value is INVALID or not ctx.themes or value in ctx.themes:
            return value
        guess = nearest(value, ctx.themes)
        fix = f"did you mean '{guess}'?" if guess else "use a theme listed under themes in site.yaml"
        return ctx.error(node.line, name, f"'{value}' is not a theme in site.yaml", fix)


class Agency(Kind):
    label = "agency from site.yaml"

    def convert(self, node: Node, name: str, ctx: Context) -> Any:
        value = self.scalar(node, name, ctx)
        if value is INVALID or ctx.agencies is None or value in ctx.agencies:
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
        entry = node.entries.get(spec.name)
        value = entry.value if entry else None
        if value is None or (isinstance(value, Scalar) and (value.is_null or not value.text.strip())):
            values[spec.name] = None
            if spec.required:
                line = entry.key_line if entry else node.line
                ctx.error(line, prefix + spec.name, "this required field is missing or empty",
                          f"add '{spec.name}: {spec.example or '...'}'")
            continue
        values[spec.name] = spec.kind.convert(value, prefix + spec.name, ctx)
    return values


HELPLINE = Schema("helpline", "A support line shown on every page.", (
    Field("name", Text(), "the service's name", True, "National Domestic Abuse Helpline"),
    Field("phone", Pattern("phone number", r"^\+?[0-9][0-9 ()-]{1,24}\Z", "a phone number",
                           "write the number as people dial it, e.g. 0808 2000 247"),
          "the number, as people dial it", example="0808 2000 247"),
    Field("url", Url(), "the service's website"),
    Field("hours", Text(), "when it answers", example="24 hours, every day"),
    Field("text", Text(), "who it is for, in one sentence"),
))

SITE = Schema("site.yaml", "Site settings: `content/site.yaml`.", (
    Field("title", Text(), "the site's name, shown in every page header", True, "Domestic Homicide Reviews"),
    Field("description", Text(), "one sentence saying what the site is, for search engines and the feed"),
    Field("base_url", Url(), "the public address; `--base-url` or Netlify's URL override it"),
    Field("language", Text(), "the content's language code", example="en-GB"),
    Field("owner", Text(), "who publishes the site", True, "Kent and Medway Community Safety Partnership"),
    Field("contact", Email(), "where readers can write about the site or its accessibility"),
    Field("quick_exit_url", Url(), "the neutral site the quick-exit button opens", True,
          "https://www.bbc.co.uk/weather"),
    Field("helplines", ListOf(Record(HELPLINE)), "the national support lines, shown on every page"),
    Field("themes", ListOf(Text()), "the theme vocabulary reviews are tagged with", True),
    Field("agencies", ListOf(Text()), "the agencies recommendations may be addressed to, spelled once for all "
          "reviews"),
))

ACKNOWLEDGEMENT = Schema("acknowledgement", "An anonymity warning checked and accepted, with the reason.", (
    Field("text", Text(), "the exact text the warning quotes", True, "SW1P 4DF"),
    Field("reason", Text(), "why it may stay", True, "the Home Office's own address"),
))

DOCUMENT = Schema("document", "A document listed on a review page: give `file` or `url`.", (
    Field("title", Text(), "what the reader sees", True, "Overview report"),
    Field("kind", Choice(DOCUMENT_KINDS), "what the document is", True, "report"),
    Field("file", DocumentFile(), "a file in the review's folder, e.g. report.pdf"),
    Field("url", Url(), "where the document is published elsewhere"),
))

REVIEW = Schema("review.md", "A review's metadata: `content/reviews/<slug>/review.md`; "
                "the body is a short public summary.", (
    Field("title", Text(), "the pseudonym used in the report, or its reference where it has none", True, "Salome"),
    Field("reference", Text(), "the CSP's own reference", example="DHR15"),
    Field("csp", Text(), "the commissioning Community Safety Partnership", True,
          "Kent and Medway Community Safety Partnership"),
    Field("status", Choice(STATUSES), "where the review is; only `published` reaches the site", True, "draft"),
    Field("published", Date(), "when the CSP published it"),
    Field("death", MonthOfDeath(), "month and year of the death; a full date is refused", example="2023-05"),
    Field("themes", ListOf(Theme()), "themes from the vocabulary in site.yaml"),
    Field("documents", ListOf(Record(DOCUMENT)), "the report, executive summary, action plan and others"),
    Field("chair", Text(), "the independent chair"),
    Field("author", Text(), "the report's author"),
    Field("aliases", ListOf(Text()), "earlier folder names of this review; their addresses redirect here"),
    Field("acknowledge", ListOf(Record(ACKNOWLEDGEMENT)), "anonymity warnings about the summary, checked and accepted"),
))

LETTER = Schema("letter-YYYY-MM-DD.md", "A Home Office QA Panel letter about the review; "
                "the body is the letter's text.", (
    Field("date", Date(), "the date on the letter; must match the file name", True, "2024-08-07"),
    Field("panel_date", DateOrMonth(), "when the QA Panel considered the report", example="2024-06-19"),
    Field("resubmission", Bool(), "the panel was looking at a resubmitted report"),
    Field("outcome", Choice(OUTCOMES), "what the panel decided", True, "publish-after-changes"),
    Field("from", Text(), "the sending unit"),
    Field("to", Text(), "the addressee"),
    Field("signed", Text(), "the signatory"),
    Field("acknowledge", ListOf(Record(ACKNOWLEDGEMENT)), "anonymity warnings about the letter, checked and accepted"),
))

PAGE = Schema("pages/*.md", "A free page such as about or the accessibility statement; the body is the page.", (
    Field("title", Text(), "the page's heading", True, "About this site"),
    Field("description", Text(), "one sentence for search engines"),
    Field("helplines", Bool(), "list the support lines from site.yaml after the text"),
))

UPDATE = Schema("update", "A dated note of progress on a recommendation.", (
    Field("date", Date(), "when it was reported; never in the future", True, "2025-02-14"),
    Field("text", Text(), "what has been done", True, "Training delivered to 120 officers"),
))

RECOMMENDATION = Schema("recommendation", "One recommendation of the review, and what has been done about it.", (
    Field("number", Pattern("number, e.g. 3 or 3.1", r"^[0-9]{1,3}(?:\.[0-9]{1,3})*[a-z]?\Z", "a recommendation "
                            "number", "write its number as the report gives it, e.g. 3 or 3.1"),
          "its number in the report; each number once", True, "1"),
    Field("text", Text(), "the recommendation, as the report words it", True, "Review the MARAC referral pathway"),
    Field("scope", Choice(SCOPES), "who it reaches", True, "local"),
    Field("agency", Agency(), "the agency it is addressed to, as listed under agencies in site.yaml", True,
          "Kent Police"),
    Field("actions", ListOf(Text()), "the actions agreed"),
    Field("lead", Text(), "who leads the work: a role, not a person's name", example="Head of Safeguarding"),
    Field("target", Date(), "when the actions are due; needed while planned or in progress", example="2025-03-31"),
    Field("status", Choice(RECOMMENDATION_STATUSES), "where the work is", True, "planned"),
    Field("completed", Date(), "when it was completed; needed when complete", example="2025-02-28"),
    Field("updates", ListOf(Record(UPDATE)), "dated progress updates"),
    Field("evidence", Text(), "the evidence that it was completed"),
))

ACTION_PLAN = Schema("action-plan.yaml", "A review's recommendations and their implementation, a live document: "
                     "`content/reviews/<slug>/action-plan.yaml` (or `action-plan.md`, the body an introduction).", (
    Field("recommendations", ListOf(Record(RECOMMENDATION)), "the review's recommendations", True),
    Field("acknowledge", ListOf(Record(ACKNOWLEDGEMENT)), "anonymity warnings about the plan, checked and accepted"),
))

SCHEMAS = (SITE, HELPLINE, REVIEW, DOCUMENT, ACKNOWLEDGEMENT, LETTER, ACTION_PLAN, RECOMMENDATION, UPDATE, PAGE)


def describe() -> str:
    """The content model as Markdown tables: the reference `dhr fields` prints."""
    out = ["# Content fields", "", "Generated by `dhr fields` from generator/schema.py.", ""]
    for schema in SCHEMAS:
        out += [f"## {schema.name}", "", schema.doc, "", "| field | required | type | meaning |",
                "| --- | --- | --- | --- |"]
        for f in schema.fields:
            out.append(f"| {f.name} | {'yes' if f.required else 'no'} | {f.kind.label} | {f.doc} |")
        out.append("")
    for title, options in (("status", STATUSES), ("outcome", OUTCOMES), ("document kind", DOCUMENT_KINDS),
                           ("a recommendation's scope", SCOPES),
                           ("a recommendation's status", RECOMMENDATION_STATUSES)):
        out += [f"## Values of {title}", ""] + [f"- `{k}`: {v}" for k, v in options.items()] + [""]
    return "\n".join(out)
