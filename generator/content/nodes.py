"""YAML composed into nodes that keep their line numbers: never constructed, so nothing is guessed.

YAML is composed with the C loader where present, so every value keeps its line and its source
text: nothing is silently turned into a bool or a date here, duplicate keys are caught, aliases
(so alias bombs) are refused before anything expands, nesting is bounded, and the schema decides
later what each value means.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..problems import Problems

try:
    from yaml import CSafeLoader as _SafeLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _SafeLoader  # type: ignore[assignment]

MAX_DEPTH = 20  # lists and fields nested in each other: the deepest the content model has is 4
_STANDARD_TAGS = {f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map")}
_PLAIN_TAGS = {yaml.ScalarNode: "tag:yaml.org,2002:str", yaml.SequenceNode: "tag:yaml.org,2002:seq",
               yaml.MappingNode: "tag:yaml.org,2002:map"}


# Characters that are never text: C0 and C1 controls other than tab and newline, and the two noncharacters
# XML forbids. A file or value holding one is refused, so no page, feed or terminal ever receives one.
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff]")


class _Loader(_SafeLoader):
    """The safe loader, composing nodes without guessing each plain value's type (int, date, ...).

    The schema reads every value from its text, so the only tags that matter are those written
    out (`!name`, never resolved) and YAML's merge and value keys (`<<`, `=`), which are refused;
    guessing the others was a tenth of reading a review.
    """

    def resolve(self, kind: type[yaml.Node], value: Any, implicit: tuple[bool, bool]) -> str:
        if kind is yaml.ScalarNode and implicit[0] and value in ("<<", "="):
            return super().resolve(kind, value, implicit)
        return _PLAIN_TAGS[kind]

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        """No path resolvers are added, so there is no path to follow."""

    def ascend_resolver(self) -> None:
        """As descend_resolver."""


@dataclass
class Scalar:
    text: str
    line: int
    plain: bool  # unquoted: `~`, `null` and an empty value mean "no value"

    @property
    def is_null(self) -> bool:
        return self.plain and self.text in ("", "~", "null", "Null", "NULL")


@dataclass
class Seq:
    items: list[Node]
    line: int


@dataclass
class Entry:
    key_line: int
    value: Node


@dataclass
class Map:
    entries: dict[str, Entry]
    line: int


Node = Scalar | Seq | Map


def parse_yaml(text: str, path: Path, line_offset: int, problems: Problems) -> Map | None:
    """Compose YAML text into nodes carrying 1-based file line numbers."""
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line if mark else 0) + 1 + line_offset
        problems.add(path, line, "front matter", f"this is not valid YAML ({exc.problem})",
                     _yaml_hint(text, exc))
        return None
    except yaml.YAMLError as exc:
        problems.add(path, 1 + line_offset, "front matter", f"this is not valid YAML ({exc})",
                     "check the file's quoting and indentation")
        return None
    except RecursionError:
        problems.add(path, 1 + line_offset, "front matter", "the values are nested too deeply to read",
                     f"nest lists and fields at most {MAX_DEPTH} levels deep")
        return None
    if root is None:
        return Map({}, 1 + line_offset)
    if "*" in text and (alias_line := _first_alias_line(text)) is not None:
        problems.add(path, alias_line + line_offset, "front matter",
                     "YAML aliases (*name) are not allowed", "write the value out in full")
        return None
    found = Problems()  # kept only if the values are not nested too deeply, which is reported alone
    try:
        node = _convert(root, path, line_offset, found, 1)
    except _TooDeepError:
        problems.add(path, 1 + line_offset, "front matter", "the values are nested too deeply to read",
                     f"nest lists and fields at most {MAX_DEPTH} levels deep")
        return None
    problems.items.extend(found.items)
    if not isinstance(node, Map):
        problems.add(path, 1 + line_offset, "front matter", "the front matter is not a list of fields",
                     "write one 'name: value' pair per line")
        return None
    return node


def _yaml_hint(text: str, exc: yaml.MarkedYAMLError) -> str:
    if "\t" in text:
        return "YAML cannot be indented with tabs: use spaces"
    if exc.problem and "found character" in exc.problem:
        return "put the value in double quotes"
    return "check the quoting and indentation on this line and the one before"


def _first_alias_line(text: str) -> int | None:
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.AliasEvent):
            assert event.start_mark is not None  # the parser marks every event it makes
            return event.start_mark.line + 1
    return None


class _TooDeepError(Exception):
    """The values nest deeper than MAX_DEPTH (so converting them never recurses further)."""


def _convert(node: yaml.Node, path: Path, offset: int, problems: Problems, depth: int) -> Node:
    if depth > MAX_DEPTH:
        raise _TooDeepError
    line = node.start_mark.line + 1 + offset
    if node.tag not in _STANDARD_TAGS:
        problems.add(path, line, "front matter", f"the YAML tag {node.tag!r} is not allowed",
                     "remove the '!' tag and write a plain value")
        return Scalar("", line, True)
    if isinstance(node, yaml.ScalarNode):
        if CONTROL.search(node.value):  # written as an escape in quotes, such as "\e" or "\x07"
            problems.add(path, line, "front matter", "this value holds an invisible control character "
                         f"(U+{ord(CONTROL.search(node.value).group()):04X})",  # type: ignore[union-attr]
                         "remove the escape (a backslash code such as \\x07) from the value")
            return Scalar("", line, True)
        return Scalar(node.value, line, node.style in (None, ""))
    if isinstance(node, yaml.SequenceNode):
        return Seq([_convert(item, path, offset, problems, depth + 1) for item in node.value], line)
    entries: dict[str, Entry] = {}
    for key_node, value_node in node.value:
        key_line = key_node.start_mark.line + 1 + offset
        if not isinstance(key_node, yaml.ScalarNode):
            problems.add(path, key_line, "front matter", "a field name must be plain text",
                         "write the field as 'name: value'")
            continue
        key = key_node.value
        if key in entries:
            problems.add(path, key_line, key, f"this field appears twice (first on line "
                         f"{entries[key].key_line})", "keep one of the two lines")
            continue
        entries[key] = Entry(key_line, _convert(value_node, path, offset, problems, depth + 1))
    return Map(entries, line)
