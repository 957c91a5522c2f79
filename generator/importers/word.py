"""A Word file (.docx): a letter's paragraphs and lists, or an action plan's table.

A .docx is a zip: its sizes are checked before it is opened, so a file that would unpack to far
more than it holds (a zip bomb) is refused unread.
"""

from __future__ import annotations

import functools
import io
import zipfile

from .blocks import MAX_BYTES, MAX_ROWS, MAX_UNZIPPED, Block, FileError, clean, join, marker


def check_zip(data: bytes, what: str) -> None:
    """Refuse a file that is not a zip, or one that would unpack to more than MAX_UNZIPPED bytes."""
    if len(data) > MAX_BYTES:
        raise FileError(f"it is {len(data) // 1_000_000} MB; check it is the right file")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            total = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise FileError(f"it is not a {what} file, or it is damaged ({exc}); open it in {what} and save it "
                        "again") from None
    if total > MAX_UNZIPPED:
        raise FileError(f"it would unpack to {total // 1_000_000} MB, far more than a {what} file of its size "
                        "holds; it may be malicious, so it was not opened")


def _document(data: bytes):  # type: ignore[no-untyped-def] - python-docx's Document
    import docx  # imported here: `dhr build` never needs it

    check_zip(data, "Word")
    try:
        return docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises many kinds for a damaged file
        raise FileError(f"it could not be read as a Word file ({type(exc).__name__}); open it in Word and save "
                        "it again as .docx") from None


def _level(paragraph) -> int | None:  # type: ignore[no-untyped-def]
    """The list nesting of a paragraph Word numbers or bullets (its numbering, or a List style), else None."""
    props = paragraph._p.pPr
    numbered = props is not None and props.numPr is not None
    style = (paragraph.style.name or "") if paragraph.style is not None else ""
    if not numbered and not style.lower().startswith("list"):
        return None
    if numbered and props.numPr.ilvl is not None:
        return int(props.numPr.ilvl.val)
    digits = "".join(ch for ch in style if ch.isdigit())
    return max(0, int(digits) - 1) if digits else 0


def read_word(data: bytes) -> list[Block]:
    """The body's paragraphs in order, lists as items (headers and footers, with their page numbers, left out)."""
    document = _document(data)
    blocks: list[Block] = []
    for paragraph in document.paragraphs:
        lines = [clean(line) for line in paragraph.text.split("\n")]
        lines = [line for line in lines if line]
        if not lines:
            continue
        level = _level(paragraph)
        if level is not None:
            blocks.append(Block(" ".join(lines), "li", level, tuple(lines)))
        elif len(lines) == 1 and (item := marker(lines[0])):  # a list typed by hand
            blocks.append(Block(item[0], "li", item[1], (item[0],)))
        else:
            blocks.append(Block(functools.reduce(join, lines), lines=tuple(lines)))  # hyphenated breaks mended
    return blocks


def read_word_tables(data: bytes) -> list[list[list[str]]]:
    """Each table's rows of cell texts; a merged cell's text is in every row and column it spans."""
    document = _document(data)
    tables = []
    for table in document.tables:
        rows = []
        for row in table.rows[:MAX_ROWS]:
            rows.append([cell.text.strip() for cell in row.cells])
        tables.append(rows)
    return tables
