"""What every reader makes of a file: its text as paragraphs and list items, and the limits it keeps to."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..isolate import ReadError

MAX_BYTES = 30 * 1000 * 1000  # a letter or an action plan is far smaller; anything larger is refused unread
MAX_PAGES = 100
MAX_UNZIPPED = 100 * 1000 * 1000  # a Word or Excel file is a zip: refused if it would unpack to more
MAX_ROWS = 2000
MAX_LEVEL = 40  # list items nested in each other: as deep as `dhr check` lets Markdown nest
FileError = ReadError  # a file that cannot be imported, as the bounded reader raises it: says why and what to do


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
_BREAKS = re.compile(r"[\t\n\r\f\v]")
_RUNS = re.compile(r" [ \u00a0]+|\u00a0[ \u00a0]*")  # spaces to collapse into one (tabs are spaces by then)
_PIECE = 1 << 16
_HYPHENATED = re.compile(r"([a-z])-$")


def clean(text: str) -> str:
    """One line of text: spaces collapsed, no control characters; in pieces, so that memory stays linear in its
    length however many spaces it has."""
    pieces: list[str] = []
    spaced = False  # the piece before ends with a space
    for n in range(0, len(text), _PIECE):
        piece = _BREAKS.sub(" ", text[n:n + _PIECE])
        if not piece.isprintable():  # rare: a character at a time
            piece = "".join(ch if ch.isprintable() else " " for ch in piece)
        piece = _RUNS.sub(" ", piece)
        if spaced and piece[:1] == " ":
            piece = piece[1:]
        if piece:
            pieces.append(piece)
            spaced = piece[-1] == " "
    return "".join(pieces).strip()


def marker(line: str) -> tuple[str, int] | None:
    """(the line without its list marker, the nesting it suggests), if it starts with one."""
    found = BULLET.match(line)
    if not found:
        return None
    mark = found.group().strip()
    return line[found.end():].strip(), 1 if mark in _SUB_BULLETS or mark[:1] == "(" else 0


def number(line: str) -> str:
    """The number or letter of a numbered item's marker as written ("1", "b", "iv"); "" for a bullet or none."""
    found = BULLET.match(line)
    mark = found.group().strip() if found else ""
    return mark.strip("().") if mark[-1:] in (".", ")") else ""


def roman(n: int) -> str:
    """A number from 1 to 3999 in Roman numerals ("XIV")."""
    out = []
    for value, letters in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
                           (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        count, n = divmod(n, value)
        out.append(letters * count)
    return "".join(out)


def join(first: str, second: str) -> str:
    """Two lines of one paragraph as one: a word hyphenated at the line's end is mended."""
    return join_lines([first, second])


def join_lines(lines: list[str]) -> str:
    """The lines of one paragraph as one, in time linear in their length: a word hyphenated at a line's end is
    mended."""
    parts: list[str] = []
    for n, line in enumerate(lines):
        if n and _HYPHENATED.search(parts[-1]) and line[:1].islower():
            parts[-1] = parts[-1][:-1]
        elif n:
            parts.append(" ")
        parts.append(line)
    return "".join(parts)


def from_lines(lines: list[tuple[str, int]]) -> list[Block]:
    """Blocks from lines of text, each with its indent: a blank line ends a paragraph, a marker starts an item
    (nested as deep as it is indented under the items before it), and other lines continue the block before them
    (lines broken inside a paragraph are joined). Linear in the text's length."""
    blocks: list[Block] = []
    current: list[str] = []  # the lines of the block being read
    kind, level, mark = "p", 0, ""
    indents: list[int] = []  # the indents of the list items open above this one

    def end() -> None:
        if current:
            blocks.append(Block(join_lines(current), kind, level, tuple(current), mark))
            current.clear()

    for raw, indent in lines:
        line = clean(raw)
        if not line:
            end()
            continue
        item = marker(line)
        if item:
            end()
            while indents and indents[-1] > indent:
                indents.pop()
            if not indents or indents[-1] < indent:
                indents.append(indent)
            text, hint = item
            kind, level, mark = "li", min(max(len(indents) - 1, hint), MAX_LEVEL), number(line)
            current.append(text)
        else:
            if not current:
                kind, level, mark = "p", 0, ""
                indents.clear()  # a paragraph ends the list before it
            current.append(line)
    end()
    return [b for b in blocks if b.text]
