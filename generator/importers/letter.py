"""A QA Panel letter's parts, recognised in its text: the dates, the outcome, the addresses and the body.

Nothing is guessed: a part that the panel's standard wordings do not give is left for the officer
to fill in, and the sentence each part was read from is kept, to be shown.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from .blocks import MAX_LEVEL, Block

MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december")
_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
_DAY = rf"(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTH})\s+(\d{{4}})"
DATE_LINE = re.compile(rf"^{_DAY}$", re.IGNORECASE)
# "considered ... on 19th June 2024", "... in May 2025", or without its year, "... on 28th September"
PANEL = re.compile(rf"\b(?:considered|reassessed|reviewed|discussed|assessed)\b[^.]{{0,200}}?\b(?:on|in|at)\s+"
                   rf"(?:the\s+)?(?:{_DAY}|({_MONTH})\s+(\d{{4}})|(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTH})\b(?!\s+\d))",
                   re.IGNORECASE)
RESUBMITTED = re.compile(r"\bre-?submi(?:tted|tting|ssion)\b", re.IGNORECASE)
# The panel's standard wordings of each outcome, the most demanding first.
OUTCOMES = (
    ("resubmit", re.compile(r"\b(?:should|must|asked to|invite you to|would like you to|needs? to) (?:be )?re-?submit|"
                            r"\bsee (?:the|a) (?:revised |further )?(?:report|review|version) again\b|"
                            r"\bis not (?:yet )?(?:ready|suitable|fit) (?:for|to be) publi", re.IGNORECASE)),
    ("publish-after-changes", re.compile(r"\bon completion of (?:these|the|those) (?:changes|amendments|revisions)|"
                                         r"\b(?:once|when|after) (?:these|the) (?:changes|amendments|revisions) "
                                         r"(?:are|have been) made|\bsubject to (?:these |the |some |minor )?"
                                         r"(?:changes|amendments|revisions)", re.IGNORECASE)),
    ("publish", re.compile(r"\bmay (?:now )?be published\b|\b(?:does|do) not need to (?:review|see) (?:another|a "
                           r"further) version\b|\bcontent for (?:it|the (?:report|DHR|review)) to be published\b",
                           re.IGNORECASE)),
)
SIGN_OFF = re.compile(r"^(?:Yours (?:sincerely|faithfully)|(?:Kind|Best) regards|With best wishes),?$", re.IGNORECASE)
_CONTACT = re.compile(r"\s+(?:Tel|T|Telephone|Phone|Email|E|Web|www\.|https?://)\b.*$", re.IGNORECASE)
_CONTACT_LINE = re.compile(r"^(?:Tel|T|Telephone|Phone|Fax|Email|E-?mail|E|Web)\b\s*:|^(?:www\.|https?://)|^\S+@\S+$",
                           re.IGNORECASE)
LETTERHEAD_LINE = re.compile(r"Home Office|Marsham Street|homeoffice|\bgov\.uk\b|\bTel\b|^T:", re.IGNORECASE)
_TAGS = re.compile(r"</?[A-Za-z][^<>]{0,200}>")
_HEADING_MARKS = re.compile(r"^#{1,6}\s+")


@dataclass
class Letter:
    """What was recognised; `found` holds, for each front matter field, the sentence it was read from."""

    fields: dict[str, object] = field(default_factory=dict)
    found: dict[str, str] = field(default_factory=dict)
    body: str = ""

    @property
    def missing(self) -> list[str]:
        return [name for name in ("date", "panel_date", "outcome", "from", "to", "signed") if name not in self.fields]


def _date(day: str, month: str, year: str) -> dt.date | None:
    try:
        return dt.date(int(year), MONTHS.index(month.lower()) + 1, int(day))
    except ValueError:
        return None


def _text(block: Block) -> str:
    return _HEADING_MARKS.sub("", _TAGS.sub("", block.text)).strip()


def recognise(blocks: list[Block], date: dt.date | None = None) -> Letter:
    """The letter's fields and its body as Markdown, from its paragraphs and list items; `date`, given by the
    officer, stands for the letter's date line."""
    letter = Letter()
    start = next((n for n, b in enumerate(blocks) if re.match(r"^Dear\b", _text(b))), None)
    header, body = (blocks[:start], mend(blocks[start:])) if start is not None else ([], mend(blocks))
    _header(header, letter)
    if date:
        letter.fields["date"], letter.found["date"] = date, "--date"
    text = " ".join(_text(b) for b in body)
    for sentence in re.split(r"(?<=[.;:])\s+", text):
        if "panel_date" not in letter.fields and (found := PANEL.search(sentence)):
            _panel_date(found, sentence, letter)
        if "resubmission" not in letter.fields and RESUBMITTED.search(sentence):
            letter.fields["resubmission"], letter.found["resubmission"] = True, sentence
    for outcome, wording in OUTCOMES:
        sentence = next((s for s in re.split(r"(?<=[.;])\s+", text) if wording.search(s)), None)
        if sentence:
            letter.fields["outcome"], letter.found["outcome"] = outcome, sentence
            break
    signed = _signature(body)
    if signed:
        letter.fields["signed"] = letter.found["signed"] = signed
    letter.body = markdown(body)
    return letter


def _panel_date(found: re.Match[str], sentence: str, letter: Letter) -> None:
    """The panel's date from its sentence: a day, a month, or a day without its year, which takes the year that
    puts it on or before the letter's date, and says so; without the letter's date no year is guessed."""
    day, month, year, month_only, year_only, bare_day, bare_month = found.groups()
    value: dt.date | str | None
    if day:
        value = _date(day, month, year)
    elif month_only:
        value = f"{year_only}-{MONTHS.index(month_only.lower()) + 1:02d}"
    else:
        dated = letter.fields.get("date")
        if not isinstance(dated, dt.date):
            return
        value = _date(bare_day, bare_month, str(dated.year))
        if value and value > dated:
            value = _date(bare_day, bare_month, str(dated.year - 1))
        if value:
            sentence += (f" [the letter gives no year: {value.year} is the one that puts it on or before the "
                         f"letter's date, {dated.isoformat()}]")
    if value:
        letter.fields["panel_date"], letter.found["panel_date"] = value, sentence


def mend(blocks: list[Block]) -> list[Block]:
    """Paragraphs a page break split, joined again: a block that starts in lower case continues the one before
    it when that one ends mid-sentence."""
    mended: list[Block] = []
    for block in blocks:
        before = mended[-1] if mended else None
        if before and block.kind == "p" and block.text[:1].islower() and before.text[-1:] not in ".:;!?":
            mended[-1] = Block(f"{before.text} {block.text}", before.kind, before.level, (*before.lines, *block.lines))
        else:
            mended.append(block)
    return mended


def _header(header: list[Block], letter: Letter) -> None:
    """Before 'Dear ...': the letterhead (the sender, up to its last line naming the Home Office or giving a phone
    number or web address), the date line, and the addressee (the rest). Headings (a web page's title) are not
    part of a letter."""
    header = [b for b in header if b.kind != "h" and _text(b)]
    for block in header:
        found = DATE_LINE.match(_text(block))
        if found and (value := _date(*found.groups())):
            letter.fields["date"], letter.found["date"] = value, _text(block)
            header = [b for b in header if b is not block]
            break
    ends = [n for n, b in enumerate(header) if LETTERHEAD_LINE.search(_text(b))]
    letterhead, address = (header[:ends[-1] + 1], header[ends[-1] + 1:]) if ends else ([], header)
    if sender := _lines(letterhead, contact=False):
        letter.fields["from"], letter.found["from"] = "\n".join(sender), " ".join(_text(b) for b in letterhead)
    if addressee := _lines(address, contact=True):
        letter.fields["to"], letter.found["to"] = "\n".join(addressee), " ".join(_text(b) for b in address)


def _lines(blocks: list[Block], contact: bool) -> list[str]:
    """The blocks' lines as the letter sets them, never joined into one: a name or an address broken over lines
    keeps its breaks. A letterhead's phone, e-mail and web details are left out unless `contact`."""
    lines = [_TAGS.sub("", line).strip(" ,") for b in blocks for line in b.lines or (b.text,)]
    if not contact:
        lines = ["" if _CONTACT_LINE.match(line) else _CONTACT.sub("", line) for line in lines]
    return [line for line in lines if line]


def _signature(body: list[Block]) -> str | None:
    """Who signed: the name and role after 'Yours sincerely', on their own lines, never joined with a comma (the
    last two lines there, where there are more: a signature's image often leaves a stray word before them)."""
    end = next((n for n, b in enumerate(body) if SIGN_OFF.match(_text(b))), None)
    if end is None:
        return None
    after = [line for b in body[end + 1:] for line in _lines([b], contact=True)]
    return "\n".join(after[-2:]) or None


_INLINE = re.compile(r"([\\`*_\[\]|])")  # (a pipe could make a table)
_LINE_START = re.compile(r"^(?:([#>+*-])|(\d+)([.)]))")


def escape(text: str) -> str:
    """Text as Markdown that shows exactly it: no emphasis, link, code, heading, list or HTML made of its
    characters."""
    text = _INLINE.sub(r"\\\1", text).replace("&", "&amp;").replace("<", "&lt;")
    return _LINE_START.sub(lambda m: f"\\{m[1]}" if m[1] else f"{m[2]}\\{m[3]}", text)


def markdown(blocks: list[Block]) -> str:
    """The body as Markdown: paragraphs apart, list items as '- ' lines (numbered ones with their numbers), nested
    ones indented under their parent."""
    out: list[str] = []
    open_levels: list[int] = []  # the levels, as the document gives them, of the items the next one may be under
    top = ""  # the mark of the list at the top now open: "-" or "1.", "" after a paragraph
    for block in blocks:
        text = escape(_text(block))
        if not text:
            continue
        if block.kind != "li":
            out += [text, ""]
            open_levels, top = [], ""
            continue
        while open_levels and open_levels[-1] >= block.level:
            open_levels.pop()  # siblings and their children are closed; what is left holds this item
        level = min(len(open_levels), MAX_LEVEL)
        open_levels.append(block.level)
        numbered = block.number.isdigit()
        if block.number and not numbered:
            text = f"{block.number}) {text}"  # a letter or numeral Markdown cannot number with: kept as written
        if level > 0 or top == ("1." if numbered else "-"):
            out.pop()  # items of one list stay together, and nested ones under their parent
        if level == 0:
            top = "1." if numbered else "-"
        out += ["    " * level + (f"{block.number}. " if numbered else "- ") + text, ""]
    return "\n".join(out).strip() + "\n"
