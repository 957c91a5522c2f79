"""Stage 1, load: find the content files and read each into front matter nodes and a body.

Text is decoded strictly (UTF-8, no control characters, bounded size and nesting) and its
front matter composed into nodes that keep their line numbers (nodes.py).
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from fnmatch import fnmatch
from pathlib import Path

from ..problems import Problem, Problems
from .nodes import CONTROL, Map, parse_yaml

MAX_FILE_BYTES = 2 * 1024 * 1024
PLAN_NAMES = ("action-plan.yaml", "action-plan.md")  # a review's action plan: YAML, or front matter and Markdown


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


def unreadable(path: str | Path, error: OSError, problems: Problems) -> None:
    """Report a content file that could not be read (removed meanwhile, or not ours to read)."""
    problems.add(path, 1, "file", f"the file cannot be read ({error.strerror})",
                 "check that it exists and that you may read it")


def read_digest(path: str | Path) -> tuple[bytes, bytes]:
    """A file's digest and its bytes, read anew: a change is seen by the bytes, never by size or time."""
    with open(path, "rb", buffering=0) as file:  # one read of the whole file: a fifth quicker than buffered
        data = file.readall()
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
            unreadable(path, error, problems)
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
    if CONTROL.search(text):
        for number, row in enumerate(text.split("\n"), 1):
            if found := CONTROL.search(row):
                problems.add(path, number, "file", f"this line holds an invisible control character "
                             f"(U+{ord(found.group()):04X})", "delete it, or type the text again")
        return None
    return text


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
