"""action-plan.yaml written from the values read: every value through PyYAML's writer, so no cell's text can
become a field, a comment or a document of its own. The only text written outside it is this module's own:
a line saying a field was not in the file, which never holds a cell's text."""

from __future__ import annotations

import datetime as dt
import re
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
    return "\n".join(line if isinstance(line, str) else _joined(line[0], written[line[1]]) for line in lines) + "\n"


def _joined(prefix: str, value: str) -> str:
    """A value after its field's name or its dash; a block of lines indented two past the field (or dash)."""
    if "\n" not in value:
        return prefix + value
    named = prefix.lstrip(" -")
    indent = " " * (len(prefix) - len(named) + 2 if named else len(prefix))
    header, *body = value.split("\n")
    return "\n".join([prefix + header, *(indent + line if line else "" for line in body)])


Line = str | tuple[str, int]  # a line of its own, or one that ends with the index-th value written


def _item(value: object, values: list[object]) -> list[Line]:
    """A sequence item: a mapping's fields (its leading comments above the dash), or a plain value."""
    if not isinstance(value, list):
        values.append(value)
        return [("- ", len(values) - 1)]
    body = _mapping(value, values)
    comments = 0
    while comments < len(body) and isinstance(line := body[comments], str) and line.startswith("#"):
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
    """Each value as PyYAML writes it: all in one call (per value, the writer takes far longer than the rest of
    an import). A text of several lines is a literal block ("|-" then its lines, indented two spaces), or where
    the writer cannot keep its lines so, one line double-quoted and escaped; any other value takes one line."""
    blocks = [index for index, value in enumerate(values) if isinstance(value, str) and "\n" in value]
    written = _dumped([value for value in values if not (isinstance(value, str) and "\n" in value)], None)
    for index in blocks:
        written.insert(index, "")
    for index, block in zip(blocks, _dumped([values[index] for index in blocks], "|"), strict=True):
        written[index] = block
    return written


def _dumped(values: list[object], style: str | None) -> list[str]:
    """The values as PyYAML writes them in a list, each without its dash (its lines after the first indented by
    two spaces, which the dash took); all double-quoted, each on one line, where one would take another shape."""
    if not values:
        return []
    for tried in (style, '"'):
        text = yaml.dump(values, Dumper=_DUMPER, allow_unicode=True, width=2**30, default_flow_style=False,
                         default_style=tried)
        items = ("\n" + text.rstrip("\n")).split("\n- ")[1:]  # a block's lines are indented: never "- " first
        shaped = all("\n" not in item or re.match(r"\|2?-?\n", item) for item in items)
        if tried == '"' or (len(items) == len(values) and shaped):
            break
    return [item.replace("\n  ", "\n") for item in items]


_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml's, where PyYAML was built with it
