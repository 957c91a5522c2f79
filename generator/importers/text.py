"""Plain text, from a file or pasted (`--from-stdin`): an e-mail, a letter saved as text, or the text of a web
page copied with its furniture (cookie banner, skip link, breadcrumbs, "page last updated", footer), which is
left out."""

from __future__ import annotations

import re

from .blocks import MAX_BYTES, Block, FileError, clean, from_lines
from .letter import SIGN_OFF

MAX_LINES = 100_000  # a long letter has a thousand
# The lines a website puts around its pages' text, which no letter has in its header or after its signature
# (breadcrumbs: "Home > ...", "A > B > C").
FURNITURE = re.compile(
    r"^(?:skip to (?:the )?(?:main )?(?:content|navigation)\b.*|.*\bcookies?\b.*|.*\blogo\b.*|.*©.*"
    r"|(?:you are here:?\s*)?home\s*[>\u203a\u00bb/|]\s*.*|.*\S\s[>\u203a\u00bb]\s.*\S\s[>\u203a\u00bb]\s\S.*"
    r"|(?:page\s+)?(?:last\s+)?(?:updated|reviewed|modified|published)\s*(?:on\b|:)?\s*\d.*"
    r"|(?:page\s+)?last (?:updated|reviewed|modified)\b.*|(?:\(c\)|copyright)\s.*"
    r"|share (?:this|on)\b.*|print(?: this)?(?: page)?|back to top|(?:go to )?top of (?:the )?page"
    r"|(?:is|was) this (?:page|information) (?:useful|helpful)\b.*|report a problem\b.*|rate this page\b.*"
    r"|(?:give|send|leave)(?: us)? (?:your )?feedback\b.*|help us improve\b.*|(?:sign|log) (?:in|out)"
    r"|accessibility(?: statement)?|privacy(?: notice| policy)?|terms(?: and conditions| of use)?|contact us"
    r"|site ?map|follow us\b.*|menu|search|home|contents|on this page|related (?:content|pages|links)|back"
    r"|facebook|twitter|x|linkedin|instagram|youtube|close|hide(?: this message)?|dismiss"
    r"|-{2,}\s*(?:forwarded|original) message\s*-{2,}|(?:from|sent):\s.*)$", re.IGNORECASE)
_MAIL_HEADER = re.compile(r"^(?:from|sent|to|cc|subject|date):\s", re.IGNORECASE)
# A web page's title above the letter ("Domestic Homicide Review: QA Panel letter"), after its breadcrumbs.
_TITLE = re.compile(r"\bletter\b|\bdomestic homicide review\b|\bfeedback\b", re.IGNORECASE)
DEAR = re.compile(r"^Dear\b")
# A sentence above the letterhead (a page's introduction: "This is the letter the Home Office sent us about ..."),
# which no letterhead, address or date line is.
_SENTENCE = re.compile(r"^(?:\S+\s+){5,}\S*[.!?]$")
_WRITTEN = re.compile(r"\w")
_ITEM_START = re.compile(r"^[\"'\u2018\u201c(]?[A-Z0-9]")
UNWRAPPED = 100  # a sentence longer than this is not a line of a text broken into lines (at 72 or 80)


def _furniture(lines: list[str]) -> list[bool]:
    """Which lines are a website's or a mail program's furniture (an e-mail's header lines: those after a
    'From:' or 'Sent:' line)."""
    found, header = [], False
    for line in lines:
        known = len(line) <= 400 and bool(FURNITURE.match(line))  # a longer line is never furniture
        mail = bool(_MAIL_HEADER.match(line)) and (header or known)
        header = mail or (header and not line)
        found.append(known or mail)
    return found


def letter_part(texts: list[str]) -> tuple[int, int]:
    """Where the letter is among a page's lines or paragraphs: from after the last line of furniture above 'Dear'
    (and the page's title after it) to before the first one below the signature. With no 'Dear', only furniture
    at the start and the end is left out."""
    lines = [clean(text) for text in texts]
    furniture = _furniture(lines)
    dear = next((n for n, line in enumerate(lines) if DEAR.match(line)), None)
    if dear is None:
        start = next((n for n, f in enumerate(furniture) if not f and lines[n]), len(lines))
        end = len(lines)
        while end > start and (furniture[end - 1] or not lines[end - 1]):
            end -= 1
        return start, end
    start = max((n + 1 for n in range(dear) if furniture[n]), default=0)
    written = [n for n in range(start, dear) if lines[n]]
    if len(written) > 1 and _TITLE.search(lines[written[0]]) and not re.search(r"[.,;]$", lines[written[0]]):
        start = written[0] + 1  # the page's title, over the letterhead
    start = max((n + 1 for n in range(start, dear) if _SENTENCE.match(lines[n])), default=start)  # its introduction
    signed = next((n for n in range(dear, len(lines)) if SIGN_OFF.match(lines[n])), dear)
    end = next((n for n in range(signed + 1, len(lines)) if furniture[n]), len(lines))
    return start, end


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
    return text_blocks(text)


def text_blocks(text: str) -> list[Block]:
    """Blocks from text: the letter's lines only (see `letter_part`), each indented as it is."""
    count = text.count("\n") + text.count("\r") - text.count("\r\n")
    if count > MAX_LINES:
        raise FileError(f"it has {count:,} lines, far more than a letter (a few hundred): check it is the right "
                        "file, or paste only the letter")
    lines = [line.expandtabs(4) for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    start, end = letter_part(lines)
    lines = lines[start:end]
    dear = next((n for n, line in enumerate(lines) if DEAR.match(clean(line))), 0)
    if not any(len(line) > UNWRAPPED and line.count(" ") > 10 for line in lines[dear:]):  # broken into lines
        return after_sign_off(from_lines([_indented(line) for line in lines]))
    return after_sign_off(from_lines([_indented(line) for line in lines[:dear]]) + _unwrapped(lines[dear:]))


def _indented(line: str) -> tuple[str, int]:
    return line, len(line) - len(line.lstrip())


def _unwrapped(lines: list[str]) -> list[Block]:
    """The letter's body from text whose paragraphs are not broken into lines (pasted from a browser or a word
    processor): each line is a paragraph or an item. A browser's copy leaves out a list's numbers and bullets and
    ends a paragraph with a blank line, an item with a line break: so the lines after a paragraph ending in ':' and
    up to the next blank line are that list's items, but for the last, the paragraph after the list."""
    blocks: list[Block] = []
    run: list[str] = []
    for line in [*lines, ""]:
        if line.strip():
            run.append(line)
            continue
        found = from_lines([part for text in run for part in (_indented(text), ("", 0))])  # a block a line
        run.clear()
        lead = blocks and blocks[-1].kind == "p" and blocks[-1].text.endswith(":")
        if lead and len(found) > 2 and all(b.kind == "p" and _ITEM_START.match(b.text) for b in found):
            found[:-1] = [Block(b.text, "li", 0, b.lines) for b in found[:-1]]
        blocks += found
    return blocks


def after_sign_off(blocks: list[Block]) -> list[Block]:
    """The blocks with those after 'Yours sincerely' one a line (a name and a role are never one sentence), and
    without the marks a signature's image leaves there ("~~~"), which hold no letter or digit."""
    end = next((n for n, b in enumerate(blocks) if SIGN_OFF.match((b.lines or (b.text,))[0])), None)
    if end is None:
        return blocks
    lines = [line for b in blocks[end:] for line in (b.lines or (b.text,)) if _WRITTEN.search(line)]
    return [*blocks[:end], *(Block(line, lines=(line,)) for line in lines)]
