"""What could identify people in the text of a review, a letter or an action plan: the patterns, and the scans.

Each finding is a warning (an error with --strict) at its line, unless the file acknowledges
that exact text with a reason. Part of stage 2, validate.
"""

from __future__ import annotations

import re
from typing import Any

from ..problems import Problems
from .load import SourceFile
from .nodes import Map, Scalar, Seq

_MONTHS = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*"
IDENTIFYING: tuple[tuple[str, re.Pattern[str], str], ...] = (
    ("a full date", re.compile(
        rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTHS}\s+\d{{4}}\b|\b{_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}\b"
        r"|\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}/\d{1,2}/\d{2,4}\b", re.IGNORECASE),
     "give the month and year only, or leave the date out"),
    ("an e-mail address", re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), "remove it"),
    ("a phone number", re.compile(r"(?<![\w-])(?:\+44\s?|0)\d{2,4}[\s-]?\d{3,4}[\s-]?\d{3,4}(?![\w-])"),
     "remove it"),
)
IN_LETTERS = (  # letters carry the Home Office's own e-mail addresses and phone numbers, so only these
    ("a postcode", re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s?\d[ABD-HJLNP-UW-Z]{2}\b"), "remove it, or acknowledge it"),
    ("an NHS number", re.compile(r"(?<![\d-])\d{3}[ -]?\d{3}[ -]?\d{4}(?![\d-])"), "remove it"),
)
IDENTIFYING += IN_LETTERS
_CANDIDATE = re.compile(r"[\d@]")  # every pattern needs a digit or an @: text without either is not searched


def scan(source: SourceFile, values: dict[str, Any], field: str,
         patterns: tuple[tuple[str, re.Pattern[str], str], ...], problems: Problems) -> None:
    """Warn about what could identify people in a body, unless the file acknowledges that exact text with a reason."""
    acknowledged = _acknowledged(values)
    for offset, line in enumerate(source.body.split("\n")):
        for message, fix in _findings(line, patterns, acknowledged):
            problems.warn(source.path, source.body_line + offset, field, message,
                          f"{fix}; if it must stay, acknowledge it in the front matter with a reason")


def scan_nodes(source: SourceFile, values: dict[str, Any], problems: Problems) -> None:
    """Warn about text in the plan that could identify people (dates and numbers in its fields are data)."""
    acknowledged = _acknowledged(values)
    todo: list[tuple[str, Any]] = [("", source.meta)]
    while todo:
        name, node = todo.pop()
        if isinstance(node, Map):
            todo += [(key, entry.value) for key, entry in node.entries.items() if key != "acknowledge"]
        elif isinstance(node, Seq):
            todo += [(name, item) for item in node.items]
        elif isinstance(node, Scalar) and name in ("text", "actions", "lead", "evidence"):
            for message, fix in _findings(node.text, IDENTIFYING, acknowledged):
                problems.warn(source.path, node.line, f"recommendations.{name}", message,
                              f"{fix}; if it must stay, acknowledge it in the plan with a reason")


def _acknowledged(values: dict[str, Any]) -> set[str]:
    given = values.get("acknowledge")
    return {a["text"] for a in given if isinstance(a, dict)} if isinstance(given, list) else set()


def identifying(text: str, patterns: tuple[tuple[str, re.Pattern[str], str], ...] = IDENTIFYING
                ) -> list[tuple[str, str, str]]:
    """(the text matched, what it looks like, how to fix it) for each match of `patterns` in `text`, in the order
    of the patterns: the scans' one test, shared with the document checks."""
    if not _CANDIDATE.search(text):
        return []
    return [(match.group(0), what, fix) for what, pattern, fix in patterns for match in pattern.finditer(text)]


def _findings(text: str, patterns: tuple[tuple[str, re.Pattern[str], str], ...],
              acknowledged: set[str]) -> list[tuple[str, str]]:
    """The message and the fix for each match not acknowledged."""
    return [(f"'{found}' looks like {what}, which could identify people", fix)
            for found, what, fix in identifying(text, patterns) if found not in acknowledged]
