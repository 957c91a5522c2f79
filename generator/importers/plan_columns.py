"""How an action plan's cells are read: which field a column's heading names, and what a cell's date, status,
RAG colour, scope or agency is. Each reading that is not word for word comes with a note saying how it was read.
"""

from __future__ import annotations

import colorsys
import datetime as dt
import re

from ..content.kinds import nearest
from ..content.schema import SCOPES
from .letter import MONTHS

# Each field, and the headings that name it in the plans partnerships keep and in the Home Office's template
# (compared in lower case, without punctuation). A heading is its field's when it is one of these, or starts
# with one (the longest wins: "actions taken to date" is progress, "action to take" an action).
COLUMNS = {
    "number": ("no", "number", "rec no", "rec", "recommendation no", "recommendation number", "ref", "reference",
               "#", "item", "rec number", "ref no"),
    "text": ("recommendation", "recommendations", "recommendation text", "the recommendation", "dhr recommendation"),
    "scope": ("scope", "scope of recommendation", "local regional national", "level"),
    "agency": ("agency", "agencies", "lead agency", "organisation", "organization", "responsible agency",
               "partner agency", "lead organisation", "agency responsible"),
    "actions": ("action", "actions", "action to take", "actions to take", "key actions", "action required",
                "actions agreed", "specific action", "agreed action", "action proposed"),
    "lead": ("lead", "lead officer", "responsible officer", "owner", "lead person", "lead role", "responsible",
             "named lead", "action owner"),
    "target": ("target date", "target", "deadline", "due date", "date due", "timescale", "timescales",
               "target completion date", "by when", "target date for completion"),
    "status": ("status", "rag", "rag status", "progress rag", "brag", "rag rating", "current status", "brag status"),
    "updates": ("progress", "update", "updates", "progress update", "progress to date", "comments", "progress notes",
                "key milestones", "milestones", "key milestones achieved", "action taken", "actions taken",
                "action taken to date", "actions taken to date", "progress made"),
    "evidence": ("evidence", "evidence of completion", "outcome", "outcomes", "impact", "evidence of impact"),
    "completed": ("date completed", "completed", "completed date", "date of completion", "completion"),
}
AMBIGUOUS = {"completion date": ("target", "completed"), "date": ("target", "completed")}  # first one not taken
HEADER_ROWS = 20  # a plan's headings are within its first rows (title rows above them)
STATUS_WORDS = (  # (what the cell says, the status) in the order they are tried: open before complete
    (r"\bnot accepted\b|\brejected\b|\bdeclined\b", "not-accepted"),
    (r"\bnot (?:yet )?started\b|\bplanned\b|\bnot begun\b|\bnot commenced\b", "planned"),
    (r"\bnot (?:yet )?complete(?:d)?\b|\bincomplete\b|\bpartial(?:ly)?\b|\bpartly\b|\bin progress\b|\bongoing\b|"
     r"\bon track\b|\bstarted\b|\bunder ?way\b|\boverdue\b|\bdelayed\b|\bon hold\b|\bbehind\b", "in-progress"),
    (r"\bcomplete(?:d)?\b|\bdone\b|\bclosed\b|\bachieved\b|\bfinished\b|\bimplemented\b|\bembedded\b", "complete"),
)
RAG = {"red": "planned", "r": "planned", "amber": "in-progress", "a": "in-progress", "green": "complete",
       "g": "complete", "blue": "complete", "b": "complete"}
EXCEL_EPOCH = dt.date(1899, 12, 30)  # an Excel date serial counts days from here
_NUMERIC = re.compile(r"\b(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})\b")
_ISO = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
_WORDS = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?[\s-]+([A-Za-z]{3,9})\.?,?[\s-]+(\d{4}|\d{2})\b")
_US_WORDS = re.compile(r"\b([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b")
_MONTH_YEAR = re.compile(r"\b([A-Za-z]{3,9})\.?[\s-]+(\d{4}|\d{2})\b|(?<![\d/.-])(\d{1,2})/(\d{4})\b|"
                         r"\b(\d{4})-(\d{2})(?![\d-])")
_SERIAL = re.compile(r"^(\d{5})(?:\.0+)?$")


def key(heading: str) -> str:
    """A heading as compared: lower case, words only."""
    return re.sub(r"[^a-z0-9#]+", " ", heading.lower()).strip()


def columns(header: list[str]) -> dict[str, int]:
    """The field each known column holds (the first column naming a field wins)."""
    found: dict[str, int] = {}
    later = []
    for index, heading in enumerate(header):
        words = key(heading)
        if words in AMBIGUOUS:
            later.append((index, words))
            continue
        names = [(len(name), field) for field, names in COLUMNS.items() for name in names
                 if field not in found and (words == name or words.startswith(name + " "))]
        if names:
            found[max(names)[1]] = index
    for index, words in later:
        field = next((f for f in AMBIGUOUS[words] if f not in found), None)
        if field:
            found[field] = index
    return found


def header_row(rows: list[list[str]]) -> int | None:
    """The row that holds the table's headings: the first of its first rows naming the recommendation and two
    other fields."""
    for number, row in enumerate(rows[:HEADER_ROWS]):
        found = columns(row)
        if "text" in found and len(found) >= 3:
            return number
    return None


def read_date(text: str) -> tuple[dt.date | None, str, str]:
    """The first date in `text` (day first, as the UK writes dates; a month alone read as its last day; an Excel
    serial number), how it was read when not plainly, and the text around it."""
    text = text.strip()
    if serial := _SERIAL.match(text):
        day = EXCEL_EPOCH + dt.timedelta(days=int(serial.group(1)))
        if 2000 <= day.year <= 2100:
            return day, f"the Excel date number {serial.group(1)} read as {day.isoformat()}", ""
    for pattern in (_ISO, _NUMERIC, _WORDS, _US_WORDS, _MONTH_YEAR):
        for found in pattern.finditer(text):
            date, how = _date(pattern, found.groups())
            if date:
                rest = (text[:found.start()] + " " + text[found.end():]).strip(" ,;:-()")
                exact = found.group() == text
                if not how and not exact:
                    how = f"read as {date.isoformat()}"
                return date, how and f"'{found.group()}' {how}", rest
    return None, "", text


def opening_date(line: str) -> tuple[dt.date | None, str]:
    """The date a line opens with ('12/02/2025: training delivered', '[March 2025] ...'), and the rest of it."""
    start = len(line) - len(line.lstrip("([ "))
    for pattern in (_ISO, _NUMERIC, _WORDS, _US_WORDS, _MONTH_YEAR):
        found = pattern.match(line, start)
        if found and (date := _date(pattern, found.groups())[0]):
            return date, re.sub(r"^[\s)\]]*[:\-\u2013\u2014,.]?\s*", "", line[found.end():])
    return None, line


def _date(pattern: re.Pattern[str], groups: tuple[str | None, ...]) -> tuple[dt.date | None, str]:
    g = tuple(group or "" for group in groups)
    try:
        if pattern is _ISO:
            return dt.date(int(g[0]), int(g[1]), int(g[2])), ""
        if pattern is _NUMERIC:
            date = dt.date(_year(g[2]), int(g[1]), int(g[0]))
            return date, f"read as {date.isoformat()} (day first)" if date.day <= 12 and date.month != date.day else ""
        if pattern is _WORDS and (month := _month(g[1])):
            return dt.date(_year(g[2]), month, int(g[0])), ""
        if pattern is _US_WORDS and (month := _month(g[0])):
            return dt.date(int(g[2]), month, int(g[1])), ""
        if pattern is _MONTH_YEAR:
            month, year = (_month(g[0]), _year(g[1])) if g[0] else (int(g[2] or g[5]), int(g[3] or g[4]))
            if month and 1 <= month <= 12 and year > 1900:
                end = dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)
                return end, f"read as its last day, {end.isoformat()}"
    except ValueError:
        pass
    return None, ""


def _year(digits: str) -> int:
    return int(digits) + 2000 if len(digits) == 2 else int(digits)


def _month(name: str) -> int | None:
    name = name.lower()
    return next((n for n, month in enumerate(MONTHS, 1) if month.startswith(name) or name == month[:3]
                 or (name == "sept" and n == 9)), None) if len(name) >= 3 else None


def read_status(text: str) -> tuple[str | None, str]:
    """The status a cell's words or RAG colour give, and how it was read; (None, why) when it gives none or two."""
    words = key(text)
    colour = RAG.get(words) or (RAG[m.group(1)] if (m := re.match(r"(red|amber|green|blue)\b", words)) else None)
    said = next((status for pattern, status in STATUS_WORDS if re.search(pattern, words)), None)
    if len(words.split()) > 6 and not colour:
        return None, f"'{_short(text)}' is not a status (planned, in progress, complete, not accepted, or a RAG colour)"
    if colour and said and colour != said:
        return None, f"'{_short(text)}' says both {colour} (its colour) and {said} (its words)"
    if colour:
        return colour, f"'{_short(text)}' (RAG) read as {colour}"
    if said:
        return said, "" if words == said.replace("-", " ") else f"'{_short(text)}' read as {said}"
    return None, f"'{_short(text)}' is not a status (planned, in progress, complete, not accepted, or a RAG colour)"


def colour_status(rgb: str) -> str | None:
    """The RAG status a cell's fill colour gives (red, amber, green or blue, pale or strong), else None."""
    red, green, blue = (int(rgb[i:i + 2], 16) / 255 for i in (0, 2, 4))
    hue, saturation, value = colorsys.rgb_to_hsv(red, green, blue)
    if saturation < 0.15 or value < 0.3:
        return None
    degrees = hue * 360
    name = ("red" if degrees < 15 or degrees >= 330 else "amber" if 25 <= degrees < 60 else
            "green" if 70 <= degrees < 170 else "blue" if 185 <= degrees < 250 else None)
    return RAG[name] if name else None


def read_scope(text: str) -> str | None:
    """local, regional or national, where the cell says just one of them."""
    said = {scope for scope in SCOPES if re.search(rf"\b{scope}\b", text.lower())}
    return said.pop() if len(said) == 1 else None


def read_agencies(text: str, agencies: tuple[str, ...], notes: list[str], where: str) -> list[str]:
    """The agencies a cell names, spelled as site.yaml spells them: one, or several on lines of their own,
    separated by semicolons, or by commas or 'and' where each part is a listed agency."""
    text = " ".join(text.split()) if "\n" not in text else text
    whole = _listed(" ".join(text.split()), agencies)
    if whole:
        return [whole]
    parts = [p for p in re.split(r"\s*(?:\n|;)\s*", text) if p.strip()]
    if len(parts) == 1:
        finer = [p for p in re.split(r"\s*(?:,|/|&|\band\b)\s*", text) if p.strip()]
        parts = finer if all(_listed(p, agencies) for p in finer) and len(finer) > 1 else parts
    names = []
    for part in (" ".join(p.split()) for p in parts):
        listed = _listed(part, agencies)
        if not listed and agencies:
            guess = nearest(part, list(agencies))
            notes.append(f"{where}: agency '{_short(part)}' is not in site.yaml's list of agencies"
                         + (f": did you mean '{guess}'?" if guess else "; add it there"))
        names.append(listed or part)
    if len(names) > 1:
        notes.append(f"{where}: '{_short(text)}' read as {len(names)} agencies: {', '.join(names)}")
    return names


def _listed(name: str, agencies: tuple[str, ...]) -> str | None:
    return next((a for a in agencies if key(a) == key(name)), None)


def _short(text: str, limit: int = 60) -> str:
    """A cell's text, shortened for a message."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 3] + "..."
