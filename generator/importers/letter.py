"""A QA Panel letter's parts, recognised in its text: the dates, the outcome, the addresses and the body.

Nothing is guessed: a part that the panel's standard wordings do not give is left for the officer
to fill in, and the sentence each part was read from is kept, to be shown.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from .blocks import Block

MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december")
_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
_DAY = rf"(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTH})\s+(\d{{4}})"
DATE_LINE = re.compile(rf"^{_DAY}$", re.IGNORECASE)
PANEL = re.compile(rf"\b(?:considered|reassessed|reviewed|discussed|assessed)\b[^.]*?\b(?:on|in|at)\s+(?:the\s+)?"
                   rf"(?:{_DAY}|({_MONTH})\s+(\d{{4}}))", re.IGNORECASE)
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
_LETTERHEAD = re.compile(r"^(?P<unit>.+?)\s+(?P<street>\d+\s+[A-Z][\w']*(?:\s+[A-Z][\w']*)?\s+(?:Street|Road|Place|"
                         r"Lane|Square|Avenue|Way))\s+(?P<town>.+?\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2})\b")
_LETTERHEAD_LINE = re.compile(r"Home Office|Marsham Street|homeoffice|\bgov\.uk\b|\bTel\b|^T:", re.IGNORECASE)
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


def recognise(blocks: list[Block]) -> Letter:
    """The letter's fields and its body as Markdown, from its paragraphs and list items."""
    letter = Letter()
    start = next((n for n, b in enumerate(blocks) if re.match(r"^Dear\b", _text(b))), None)
    header, body = (blocks[:start], mend(blocks[start:])) if start is not None else ([], mend(blocks))
    _header(header, letter)
    text = " ".join(_text(b) for b in body)
    for sentence in re.split(r"(?<=[.;:])\s+", text):
        if "panel_date" not in letter.fields and (found := PANEL.search(sentence)):
            day, month, year, month_only, year_only = found.groups()
            value = _date(day, month, year) if day else f"{year_only}-{MONTHS.index(month_only.lower()) + 1:02d}"
            if value:
                letter.fields["panel_date"], letter.found["panel_date"] = value, sentence
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
    ends = [n for n, b in enumerate(header) if _LETTERHEAD_LINE.search(_text(b))]
    letterhead, address = (header[:ends[-1] + 1], header[ends[-1] + 1:]) if ends else ([], header)
    if letterhead:
        letter.fields["from"] = _sender([line for b in letterhead for line in b.lines or (b.text,)])
        letter.found["from"] = " ".join(_text(b) for b in letterhead)
    if address:
        letter.fields["to"] = ", ".join(_TAGS.sub("", line).strip(" ,") for b in address
                                        for line in b.lines or (b.text,))
        letter.found["to"] = " ".join(_text(b) for b in address)


def _sender(lines: list[str]) -> str:
    """'Interpersonal Abuse Unit 2 Marsham Street London SW1P 4DF Tel: ...' as 'Interpersonal Abuse Unit, Home
    Office, 2 Marsham Street, London SW1P 4DF'."""
    text = _CONTACT.sub("", " ".join(_TAGS.sub("", line).strip() for line in lines))
    found = _LETTERHEAD.match(text)
    if not found:
        return text.strip(" ,")
    unit = re.sub(r"^Home Office\s+", "", found["unit"]).strip(" ,")
    return f"{unit}, Home Office, {found['street']}, {found['town']}"


def _signature(body: list[Block]) -> str | None:
    """Who signed: the name and role after 'Yours sincerely' (the last two paragraphs there, where there are more:
    a signature's image often leaves a stray word before them)."""
    end = next((n for n, b in enumerate(body) if SIGN_OFF.match(_text(b))), None)
    if end is None:
        return None
    after = [_text(b) for b in body[end + 1:] if _text(b)]
    return ", ".join(after[-2:]) or None


def markdown(blocks: list[Block]) -> str:
    """The body as Markdown: paragraphs apart, list items as '- ' lines, nested ones indented."""
    out: list[str] = []
    for block in blocks:
        text = _text(block)
        if not text:
            continue
        if block.kind == "li":
            line = "    " * block.level + "- " + text
            if out and out[-1] == "" and len(out) > 1 and out[-2].lstrip().startswith("- "):
                out.pop()  # items of one list stay together
            out += [line, ""]
        else:
            out += [text, ""]
    return "\n".join(out).strip() + "\n"
