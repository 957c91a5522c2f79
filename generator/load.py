"""Stage 1, load: find the content files and read each into front matter nodes and a body.

YAML is composed (never constructed) with the C loader where present, so every value keeps
its line and its source text: nothing is silently turned into a bool or a date here,
duplicate keys are caught, aliases (so alias bombs) are refused before anything expands,
and the schema decides later what each value means.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from fnmatch import fnmatch
from pathlib import Path
from typing import Any

import yaml

from .problems import Problem, Problems

try:
    from yaml import CSafeLoader as _SafeLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _SafeLoader  # type: ignore[assignment]

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 20  # lists and fields nested in each other: the deepest the content model has is 4
PLAN_NAMES = ("action-plan.yaml", "action-plan.md")  # a review's action plan: YAML, or front matter and Markdown
_STANDARD_TAGS = {f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map")}
_PLAIN_TAGS = {yaml.ScalarNode: "tag:yaml.org,2002:str", yaml.SequenceNode: "tag:yaml.org,2002:seq",
               yaml.MappingNode: "tag:yaml.org,2002:map"}


class _Loader(_SafeLoader):  # type: ignore[misc,valid-type]
    """The safe loader, composing nodes without guessing each plain value's type (int, date, ...).

    The schema reads every value from its text, so the only tags that matter are those written
    out (`!name`, never resolved) and YAML's merge and value keys (`<<`, `=`), which are refused;
    guessing the others was a tenth of reading a review.
    """

    def resolve(self, kind: type[yaml.Node], value: Any, implicit: tuple[bool, bool]) -> str:
        if kind is yaml.ScalarNode and implicit[0] and value in ("<<", "="):
            return super().resolve(kind, value, implicit)  # type: ignore[no-any-return]
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


@dataclass(eq=False)
class SourceFile:
    """One content file: its front matter (None when unreadable) and Markdown body.

    Equality is identity: the file cache hands back the same object while a file is unchanged.
    """

    path: Path
    meta: Map | None
    body: str = ""
    body_line: int = 1


@dataclass
class ReviewFolder:
    """A folder holding review.md, with the letters and the action plan beside it."""

    path: Path
    review: SourceFile
    letters: list[SourceFile] = field(default_factory=list)
    plan: SourceFile | None = None

    @property
    def sources(self) -> list[SourceFile]:
        return [self.review, *self.letters, *([self.plan] if self.plan else [])]

    @property
    def slug(self) -> str:
        return self.path.name


@dataclass
class RawContent:
    root: Path
    site: SourceFile | None
    pages: list[SourceFile]
    reviews: list[ReviewFolder]


Reader = Callable[[Path, bytes, Problems], SourceFile]


def read_digest(path: str | Path) -> tuple[bytes, bytes]:
    """A file's digest and its bytes, read anew: a change is seen by the bytes, never by size or time."""
    with open(path, "rb") as file:
        data = file.read()
    return hashlib.blake2b(data, digest_size=20).digest(), data


class FileCache:
    """Parsed files kept between builds: a file is parsed again only when its bytes change.

    The problems found in a file are kept and reported again.
    """

    def __init__(self) -> None:
        self._entries: dict[Path, tuple[bytes, SourceFile, list[Problem]]] = {}  # path -> (digest, parsed, problems)

    def read(self, path: Path, reader: Reader, problems: Problems) -> SourceFile:
        try:
            digest, data = read_digest(path)
        except OSError as error:
            problems.add(path, 1, "file", f"the file cannot be read ({error.strerror})",
                         "check that it exists and that you may read it")
            return SourceFile(path, None)
        entry = self._entries.get(path)
        if entry is None or entry[0] != digest:
            found = Problems()
            entry = (digest, reader(path, data, found), found.items)
            self._entries[path] = entry
        problems.items.extend(entry[2])
        return entry[1]

    def digest(self, path: Path) -> bytes | None:
        """The digest of the file's bytes when last read."""
        entry = self._entries.get(path)
        return entry[0] if entry else None

    def keep_only(self, paths: set[Path]) -> None:
        """Forget files that no longer exist."""
        for path in set(self._entries) - paths:
            del self._entries[path]


def load_content(root: Path, problems: Problems, cache: FileCache | None = None) -> RawContent:
    """Read every content file under `root`, recording unreadable files as problems."""
    cache = cache or FileCache()
    site, pages = load_settings(root, problems, cache)
    reviews = []
    for place, names in walk_reviews(root, problems).items():
        folder = Path(place)
        files = {name: cache.read(folder / name, reader_for(name), problems) for name in names}
        if (review := review_folder(folder, files, problems)) is not None:
            reviews.append(review)
    cache.keep_only({root / "site.yaml", *(p.path for p in pages), *(s.path for r in reviews for s in r.sources)})
    return RawContent(root, site, pages, reviews)


def load_settings(root: Path, problems: Problems, cache: FileCache) -> tuple[SourceFile | None, list[SourceFile]]:
    """site.yaml and the free pages."""
    site_path = root / "site.yaml"
    site = cache.read(site_path, parse_yaml_file, problems) if site_path.is_file() else None
    if site is None:
        problems.add(site_path, 1, "site.yaml", "the site settings file is missing",
                     "create content/site.yaml with at least title and themes")
    pages = [cache.read(p, parse_markdown_file, problems) for p in _files(root / "pages", "*.md", root, problems)]
    return site, pages


def review_folder(folder: Path, files: dict[str, SourceFile], problems: Problems) -> ReviewFolder | None:
    """A review's folder from its parsed files (named as `walk_reviews` lists them); None without review.md."""
    if "review.md" not in files:
        for name in files:
            problems.add(folder / name, 1, "review.md", "this file's folder has no review.md",
                         "move the file into its review's folder, or add review.md beside it")
        return None
    plans = [files[name] for name in PLAN_NAMES if name in files]
    if len(plans) > 1:
        problems.add(plans[1].path, 1, "file", "the review has both action-plan.yaml and action-plan.md",
                     "keep one of the two files")
    letters = [f for name, f in files.items() if name != "review.md" and name not in PLAN_NAMES]
    return ReviewFolder(folder, files["review.md"], letters, plans[0] if plans else None)


def reader_for(name: str) -> Reader:
    """How to read a review folder's file: YAML for action-plan.yaml, front matter and Markdown otherwise."""
    return parse_yaml_file if name.endswith(".yaml") else parse_markdown_file


def walk_reviews(root: Path, problems: Problems) -> dict[str, list[str]]:
    """Each folder under reviews/ holding review files (review.md, letters, action plan), with their names, sorted.

    Folders are given as strings, in the order of their paths' parts: at ten thousand reviews,
    making and sorting Path objects took a good part of a rebuild.
    """
    found = _walk(str(root / "reviews"), root, problems)
    return {folder: found[folder] for folder in sorted(found, key=lambda folder: folder.split(os.sep))}


def _walk(reviews: str, root: Path, problems: Problems) -> dict[str, list[str]]:
    """Each folder under `reviews` holding review.md or letters, with those file names, sorted; one pass."""
    found: dict[str, list[str]] = {}
    top = root.resolve()
    todo = [reviews] if os.path.isdir(reviews) else []
    while todo:
        folder = todo.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    todo.append(entry.path)
                elif _is_review_file(entry.name) and _inside(entry, top, problems):
                    found.setdefault(folder, []).append(entry.name)
    return {folder: sorted(names) for folder, names in found.items()}


def _is_review_file(name: str) -> bool:
    return name == "review.md" or name in PLAN_NAMES or fnmatch(name, "letter-*.md")


def _inside(entry: os.DirEntry[str], top: Path, problems: Problems) -> bool:
    """A regular file, or a link that stays inside the content folder (reported otherwise)."""
    if not entry.is_symlink():
        return entry.is_file()
    target = Path(entry.path).resolve()
    if not target.is_relative_to(top):
        problems.add(Path(entry.path), 1, "file", "this link points outside the content folder",
                     "copy the file into the content folder instead of linking to it")
        return False
    return target.is_file()


def _files(folder: Path, pattern: str, root: Path, problems: Problems) -> list[Path]:
    """Files in `folder` matching `pattern`, sorted; links that lead outside the content folder are refused."""
    if not folder.is_dir():
        return []
    top = root.resolve()
    with os.scandir(folder) as entries:
        return sorted(Path(e.path) for e in entries if fnmatch(e.name, pattern) and _inside(e, top, problems))


def decode(path: Path, data: bytes, problems: Problems) -> str | None:
    """The file's text (UTF-8, optional byte-order mark, any line endings), or None after a problem."""
    if len(data) > MAX_FILE_BYTES:
        problems.add(path, 1, "file", f"the file is {len(data) // 1024} KB, over the "
                     f"{MAX_FILE_BYTES // 1024 // 1024} MB limit for a content file",
                     "put long documents in a PDF and list it under documents")
        return None
    if b"\0" in data:
        problems.add(path, 1, "file", "this is a binary file, not text",
                     "save the file as plain text (UTF-8), or remove it")
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        problems.add(path, line, "file", "the file is not valid UTF-8 text",
                     "save it again with UTF-8 encoding")
        return None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _CONTROL.search(text):
        for number, line in enumerate(text.split("\n"), 1):
            if found := _CONTROL.search(line):
                problems.add(path, number, "file", f"this line holds an invisible control character "
                             f"(U+{ord(found.group()):04X})", "delete it, or type the text again")
        return None
    return text


# Characters that are never text: C0 and C1 controls other than tab and newline, and the two noncharacters
# XML forbids. A file holding one is refused, so no page, feed or terminal ever receives one.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff]")


def parse_yaml_file(path: Path, data: bytes, problems: Problems) -> SourceFile:
    """A pure YAML file such as site.yaml; meta is None when it cannot be read."""
    text = decode(path, data, problems)
    return SourceFile(path, None if text is None else parse_yaml(text, path, 0, problems))


def parse_markdown_file(path: Path, data: bytes, problems: Problems) -> SourceFile:
    """Split `---` front matter from the Markdown body; meta is None when it cannot be read."""
    text = decode(path, data, problems)
    if text is None:
        return SourceFile(path, None)
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        problems.add(path, 1, "front matter", "the file does not start with a front matter block",
                     "begin the file with a line '---', the fields, then another '---'")
        return SourceFile(path, None, text, 1)
    for end in range(1, len(lines)):
        if lines[end].strip() in ("---", "..."):
            meta = parse_yaml("\n".join(lines[1:end]), path, 1, problems)
            _check_nesting(lines, end + 1, path, problems)
            return SourceFile(path, meta, "\n".join(lines[end + 1:]), end + 2)
    problems.add(path, 1, "front matter", "the front matter block is never closed",
                 "add a line '---' after the last field")
    return SourceFile(path, None)


MAX_NESTING = 40  # quotes, lists and brackets in each other in Markdown; past ~250, Python-Markdown recurses too far
_PREFIX = re.compile(r"[ \t>]*")


def _check_nesting(lines: list[str], first: int, path: Path, problems: Problems) -> None:
    """Report a Markdown body nested too deeply to render: a problem, never a crash after validation."""
    brackets = 0
    for number in range(first, len(lines)):
        line = lines[number]
        prefix = _PREFIX.match(line).group().expandtabs(4)  # type: ignore[union-attr]
        depth = prefix.count(">") + len(prefix.replace(">", "")) // 4
        if not line.strip():
            brackets = 0  # a paragraph's brackets are matched within it
        elif "[" in line or "]" in line:
            for ch in line:
                brackets = max(0, brackets + (ch == "[") - (ch == "]"))
                depth = max(depth, brackets)
        if depth > MAX_NESTING:
            problems.add(path, number + 1, "text", "the text is nested too deeply (quotes, lists or brackets "
                         "inside each other)", f"keep the nesting to {MAX_NESTING} levels or fewer")
            return


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
    if "*" in text and _first_alias_line(text) is not None:
        problems.add(path, _first_alias_line(text) + line_offset, "front matter",  # type: ignore[operator]
                     "YAML aliases (*name) are not allowed", "write the value out in full")
        return None
    if _depth(root) > MAX_DEPTH:
        problems.add(path, 1 + line_offset, "front matter", "the values are nested too deeply to read",
                     f"nest lists and fields at most {MAX_DEPTH} levels deep")
        return None
    node = _convert(root, path, line_offset, problems)
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
            return event.start_mark.line + 1
    return None


def _depth(root: yaml.Node) -> int:
    """How deeply the nodes nest (counted without recursion, which a hostile file could exhaust)."""
    deepest, todo = 0, [(root, 1)]
    while todo:
        node, depth = todo.pop()
        deepest = max(deepest, depth)
        if depth <= MAX_DEPTH and isinstance(node, yaml.SequenceNode):
            todo.extend((item, depth + 1) for item in node.value)
        elif depth <= MAX_DEPTH and isinstance(node, yaml.MappingNode):
            todo.extend((value, depth + 1) for _, value in node.value)
    return deepest


def _convert(node: yaml.Node, path: Path, offset: int, problems: Problems) -> Node:
    line = node.start_mark.line + 1 + offset
    if node.tag not in _STANDARD_TAGS:
        problems.add(path, line, "front matter", f"the YAML tag {node.tag!r} is not allowed",
                     "remove the '!' tag and write a plain value")
        return Scalar("", line, True)
    if isinstance(node, yaml.ScalarNode):
        if _CONTROL.search(node.value):  # written as an escape in quotes, such as "\e" or "\x07"
            problems.add(path, line, "front matter", "this value holds an invisible control character "
                         f"(U+{ord(_CONTROL.search(node.value).group()):04X})",  # type: ignore[union-attr]
                         "remove the escape (a backslash code such as \\x07) from the value")
            return Scalar("", line, True)
        return Scalar(node.value, line, node.style in (None, ""))
    if isinstance(node, yaml.SequenceNode):
        return Seq([_convert(item, path, offset, problems) for item in node.value], line)
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
        entries[key] = Entry(key_line, _convert(value_node, path, offset, problems))
    return Map(entries, line)
