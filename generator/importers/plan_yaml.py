"""action-plan.yaml written from the values read: every value through PyYAML's writer, so no cell's text can
become a field, a comment or a document of its own. The only text written outside it is this module's own:
a line saying a field was not in the file, which never holds a cell's text."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import yaml


@dataclass(frozen=True)
class Missing:
    """A field the file did not give: written as a commented line saying what to fill in."""

    hint: str


Fields = list[tuple[str, object]]  # a mapping's fields in the order written; a value may be Missing


def plan_yaml(recommendations: list[Fields], today: dt.date) -> str:
    """The whole file: a line saying where it came from, then each recommendation."""
    lines: list[str | tuple[str, int]] = [
        f"# Imported by dhr import on {today.isoformat()}: check every value against the plan, then run dhr check.",
        "recommendations:"]
    values: list[object] = []
    for fields in recommendations:
        lines += _indented(_item(fields, values), "  ")
    written = _scalars(values)
    return "\n".join(line if isinstance(line, str) else line[0] + written[line[1]] for line in lines) + "\n"


Line = str | tuple[str, int]  # a line of its own, or one that ends with the index-th value written


def _item(value: object, values: list[object]) -> list[Line]:
    """A sequence item: a mapping's fields (its leading comments above the dash), or a plain value."""
    if not isinstance(value, list):
        values.append(value)
        return [("- ", len(values) - 1)]
    body = _mapping(value, values)
    comments = 0
    while comments < len(body) and isinstance(body[comments], str) and body[comments].startswith("#"):
        comments += 1
    if comments == len(body):
        return body
    return body[:comments] + _indented([body[comments]], "- ") + _indented(body[comments + 1:], "  ")


def _mapping(fields: Fields, values: list[object]) -> list[Line]:
    lines: list[Line] = []
    for name, value in fields:
        if isinstance(value, Missing):
            lines.append(f"# {name}: {value.hint}")
        elif isinstance(value, list):
            lines.append(f"{name}:")  # each item written by _item: a value, or a record (actions, updates)
            for item in value:
                lines += _indented(_item(item, values), "  ")
        else:
            values.append(value)
            lines.append((f"{name}: ", len(values) - 1))
    return lines


def _indented(lines: list[Line], indent: str) -> list[Line]:
    return [indent + line if isinstance(line, str) else (indent + line[0], line[1]) for line in lines]


def _scalars(values: list[object]) -> list[str]:
    """Each value as PyYAML writes it, on one line: all in one call (per value, the writer takes far longer
    than the rest of an import). A value that would take several lines is written double-quoted, escaped."""
    if not values:
        return []
    for style in (None, '"'):
        text = yaml.dump(values, Dumper=_DUMPER, allow_unicode=True, width=2**30, default_flow_style=False,
                         default_style=style)
        lines = text.rstrip("\n").split("\n")
        if len(lines) == len(values) and all(line.startswith("- ") for line in lines):
            break
    return [line[2:] for line in lines]


_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml's, where PyYAML was built with it
