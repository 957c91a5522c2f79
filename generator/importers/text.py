"""Plain text, from a file or pasted (`--from-stdin`): an e-mail, or a letter saved as text."""

from __future__ import annotations

from .blocks import MAX_BYTES, Block, FileError, from_lines


def read_text(data: bytes) -> list[Block]:
    """The text's paragraphs and list items; UTF-8, or Windows' own encoding as a fallback."""
    if len(data) > MAX_BYTES:
        raise FileError(f"it is {len(data) // 1_000_000} MB; a letter is far smaller: check it is the right file")
    if b"\0" in data[:4096]:
        raise FileError("it is not text (it holds binary data); import the PDF or Word file itself")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")  # as Windows saves text
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return from_lines([(line.expandtabs(4), len(line.expandtabs(4)) - len(line.expandtabs(4).lstrip()))
                       for line in lines])
