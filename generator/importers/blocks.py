"""What every reader makes of a file: its text as paragraphs and list items, and the limits it keeps to."""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_BYTES = 30 * 1000 * 1000  # a letter or an action plan is far smaller; anything larger is refused unread
MAX_PAGES = 100
MAX_UNZIPPED = 100 * 1000 * 1000  # a Word or Excel file is a zip: refused if it would unpack to more
MAX_ROWS = 2000


class FileError(Exception):
    """A file that cannot be imported; the message says why, and what to do instead."""


@dataclass(frozen=True)
class Block:
    """A paragraph ("p"), a heading ("h") or a list item ("li", nested `level` deep) of a document's text."""

    text: str
    kind: str = "p"
    level: int = 0
    lines: tuple[str, ...] = ()  # as the file broke it into lines (an address, a letterhead)
    number: str = ""  # a numbered item's number or letter as written ("1", "b", "iv"); "" for a bullet


# A list item's marker: a bullet, or a number or letter (1. 1) (a) a. iv.), at the start of a line.
BULLET = re.compile(r"^(?:[-*\u2022\u25cf\u25aa\u25e6\u2023\u2043\u2013\u00b7o\uf0b7\uf0a7](?=\s)|"
                    r"\(?(?:\d{1,2}|[a-z]|[ivx]{1,4})[.)])\s+")
_SUB_BULLETS = ("\u25e6", "o", "\u25aa", "\u2013", "\uf0a7")  # the marks word processors give a second level
_SPACES = re.compile(r"[ \t\u00a0]+")
_HYPHENATED = re.compile(r"([a-z])-$")


def clean(text: str) -> str:
    """One line of text: spaces collapsed, no control characters."""
    return _SPACES.sub(" ", "".join(ch if ch.isprintable() or ch == " " else " " for ch in text)).strip()


def marker(line: str) -> tuple[str, int] | None:
    """(the line without its list marker, the nesting it suggests), if it starts with one."""
    found = BULLET.match(line)
    if not found:
        return None
    mark = found.group().strip()
    return line[found.end():].strip(), 1 if mark in _SUB_BULLETS or mark[:1] == "(" else 0


def join(first: str, second: str) -> str:
    """Two lines of one paragraph as one: a word hyphenated at the line's end is mended."""
    if _HYPHENATED.search(first) and second[:1].islower():
        return first[:-1] + second
    return f"{first} {second}"


def from_lines(lines: list[tuple[str, int]]) -> list[Block]:
    """Blocks from lines of text, each with its indent: a blank line ends a paragraph, a marker starts an item,
    and other lines continue the block before them (lines broken inside a paragraph are joined)."""
    blocks: list[Block] = []
    current: Block | None = None
    base = min((indent for line, indent in lines if line.strip()), default=0)
    for raw, indent in lines:
        line = clean(raw)
        if not line:
            if current:
                blocks.append(current)
            current = None
            continue
        item = marker(line)
        if item:
            if current:
                blocks.append(current)
            text, level = item
            current = Block(text, "li", max(level, 1 if indent - base >= 4 else 0), (text,))
        elif current is None:
            current = Block(line, lines=(line,))
        else:
            current = Block(join(current.text, line), current.kind, current.level, (*current.lines, line))
    if current:
        blocks.append(current)
    return [b for b in blocks if b.text]
