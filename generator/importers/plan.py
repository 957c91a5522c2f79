"""An action plan's table made into `action-plan.yaml`: its columns matched by their headings, its rows into
recommendations, statuses and RAG colours mapped, agencies matched to site.yaml's list.

Nothing is dropped silently: columns it does not know and rows it cannot read are listed, and what a
file does not say (a recommendation's scope, say) is left as a commented line to fill in.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field

from ..kinds import nearest
from .letter import MONTHS

# Each field, and the headings that name it in the plans partnerships keep (compared in lower case, without
# punctuation); the first column that matches wins.
COLUMNS = {
    "number": ("no", "number", "rec no", "recommendation no", "recommendation number", "ref", "reference", "#",
               "rec", "item"),
    "text": ("recommendation", "recommendations", "recommendation text", "the recommendation"),
    "agency": ("agency", "agencies", "lead agency", "organisation", "organization", "responsible agency",
               "partner agency"),
    "actions": ("action", "actions", "action to take", "actions to take", "key actions", "action required",
                "actions agreed", "specific action"),
    "lead": ("lead", "lead officer", "responsible officer", "owner", "lead person", "lead role", "responsible"),
    "target": ("target date", "target", "deadline", "due date", "date due", "timescale", "completion date",
               "target completion date", "by when"),
    "status": ("status", "rag", "rag status", "progress rag", "progressrag", "brag", "rag rating", "current status"),
    "updates": ("progress", "update", "updates", "progress update", "progress to date", "comments", "progress notes"),
    "evidence": ("evidence", "evidence of completion", "outcome", "outcomes", "impact"),
    "completed": ("date completed", "completed", "completed date", "date of completion"),
    "scope": ("scope", "local regional national", "level"),
}
STATUS_WORDS = (  # (what the cell says, the status) in the order they are tried
    (r"\bnot accepted\b|\brejected\b|\bdeclined\b", "not-accepted"),
    (r"\bnot (?:yet )?started\b|\bplanned\b|\bnot begun\b", "planned"),
    (r"\bcomplete(?:d)?\b|\bdone\b|\bclosed\b|\bachieved\b|\bfinished\b|\bimplemented\b", "complete"),
    (r"\bin progress\b|\bongoing\b|\bon track\b|\bstarted\b|\bunderway\b|\bunder way\b|\bpartially\b",
     "in-progress"),
)
RAG = {"red": "planned", "r": "planned", "amber": "in-progress", "a": "in-progress", "green": "complete",
       "g": "complete", "blue": "complete", "b": "complete"}
SCOPES = ("local", "regional", "national")
_DATE = re.compile(r"\b(\d{1,2})[/.-](\d{1,2})[/.-](\d{2,4})\b|\b(\d{4})-(\d{2})-(\d{2})\b|"
                   r"\b(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]{3,9})\s+(\d{4})\b|\b([A-Za-z]{3,9})\s+(\d{4})\b")


@dataclass
class Plan:
    """What was read: the YAML to write, and what the officer should know about it."""

    yaml: str = ""
    notes: list[str] = field(default_factory=list)  # mappings made, columns left, rows not read
    recommendations: int = 0


def _key(heading: str) -> str:
    return re.sub(r"[^a-z0-9#]+", " ", heading.lower()).strip()


def columns(header: list[str]) -> tuple[dict[str, int], list[str]]:
    """The field each known column holds, and the headings of the columns that match none."""
    found: dict[str, int] = {}
    unknown = []
    for index, heading in enumerate(header):
        key = _key(heading)
        if not key:
            continue
        name = next((name for name, names in COLUMNS.items() if key in names and name not in found), None)
        if name is None:
            name = next((name for name, names in COLUMNS.items() if name not in found
                         and any(key.startswith(n + " ") for n in names if len(n) > 3)), None)
        if name is None:
            unknown.append(heading)
        else:
            found[name] = index
    return found, unknown


def header_row(table: list[list[str]]) -> int | None:
    """The row of the table that holds its headings: the first of its first ten naming the recommendation and
    two other fields."""
    for number, row in enumerate(table[:10]):
        found, _ = columns(row)
        if "text" in found and len(found) >= 3:
            return number
    return None


def parse_date(text: str) -> tuple[dt.date | None, str]:
    """The first date in `text` (day first, as the UK writes them), and a note when a month was read as its last
    day; (None, "") when there is none."""
    found = _DATE.search(text)
    if not found:
        return None, ""
    g = found.groups()
    try:
        if g[0]:
            year = int(g[2]) + (2000 if len(g[2]) == 2 else 0)
            return dt.date(year, int(g[1]), int(g[0])), ""
        if g[3]:
            return dt.date(int(g[3]), int(g[4]), int(g[5])), ""
        if g[6] and (month := _month(g[7])):
            return dt.date(int(g[8]), month, int(g[6])), ""
        if g[9] and (month := _month(g[9])):
            end = dt.date(int(g[10]) + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)
            return end, f"'{found.group()}' read as its last day, {end.isoformat()}"
    except ValueError:
        return None, ""
    return None, ""


def _month(name: str) -> int | None:
    return next((n for n, month in enumerate(MONTHS, 1) if month.startswith(name.lower()[:3])
                 and len(name) >= 3), None)


def status_of(text: str) -> tuple[str | None, str]:
    """The status a cell's words or RAG colour give, and how it was read."""
    words = text.lower().strip()
    if words in RAG:
        return RAG[words], f"'{text}' (RAG) read as {RAG[words]}"
    colour = re.match(r"^(red|amber|green|blue)\b", words)
    if colour:
        return RAG[colour.group(1)], f"'{text}' (RAG) read as {RAG[colour.group(1)]}"
    for pattern, status in STATUS_WORDS:
        if re.search(pattern, words):
            return status, f"'{text}' read as {status}"
    return None, ""


def _agency(name: str, agencies: tuple[str, ...], notes: list[str]) -> str:
    """`name` as site.yaml's agencies spell it, where it is one of them in another case or spelling."""
    match = next((a for a in agencies if _key(a) == _key(name)), None)
    if match:
        return match
    if agencies:
        guess = nearest(name, list(agencies))
        notes.append(f"agency '{name}' is not in site.yaml's list of agencies" + (f": did you mean '{guess}'?"
                                                                                   if guess else "; add it there"))
    return name


def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


def make_plan(table: list[list[str]], agencies: tuple[str, ...], today: dt.date) -> Plan:
    """The recommendations of the table's rows below its headings; rows of one recommendation (a merged cell
    over several actions) are one recommendation with several actions."""
    plan = Plan()
    start = header_row(table)
    if start is None:
        plan.notes.append("no row names the columns (a 'Recommendation' column and two others, such as Agency and "
                          "Action, were looked for in the first ten rows)")
        return plan
    found, unknown = columns(table[start])
    plan.notes += [f"column '{heading}' was not imported: its heading is not one dhr knows" for heading in unknown]
    groups: list[tuple[int, list[list[str]]]] = []  # (first row's number, its rows)
    for offset, row in enumerate(table[start + 1:], start + 2):
        cell = {name: row[index].strip() if index < len(row) else "" for name, index in found.items()}
        if not any(cell.values()):
            continue
        if not cell.get("text"):
            plan.notes.append(f"row {offset} has no recommendation, so it was not imported: "
                              + "; ".join(f"{k}: {v[:40]}" for k, v in cell.items() if v))
            continue
        previous = groups[-1][1][-1] if groups else None
        same = previous is not None and previous[found["text"]].strip() == cell["text"] and (
            "number" not in found or previous[found["number"]].strip() == cell.get("number", ""))
        if same:
            groups[-1][1].append(row)
        else:
            groups.append((offset, [row]))
    lines = [f"# Imported by dhr import on {today.isoformat()}: check every value against the plan, then run "
             "dhr check.", "recommendations:"]
    for number, (row_number, rows) in enumerate(groups, 1):
        lines += _recommendation(rows, found, number, row_number, agencies, today, plan.notes)
    plan.recommendations = len(groups)
    plan.yaml = "\n".join(lines) + "\n"
    return plan


def _recommendation(rows: list[list[str]], found: dict[str, int], counter: int, row_number: int,
                    agencies: tuple[str, ...], today: dt.date, notes: list[str]) -> list[str]:
    def cells(name: str) -> list[str]:
        index = found.get(name)
        values = [row[index].strip() for row in rows if index is not None and index < len(row) and row[index].strip()]
        return list(dict.fromkeys(values))  # a merged cell repeats: once each

    first = {name: (cells(name) or [""])[0] for name in found}
    number = re.sub(r"^(?:rec(?:ommendation)?\.?\s*)", "", first.get("number", ""), flags=re.IGNORECASE).rstrip(".")
    text = first["text"]
    if not number and (lead := re.match(r"^(\d{1,3}(?:\.\d{1,3})*)[.)]?\s+(.+)$", text, re.DOTALL)):
        number, text = lead.group(1), lead.group(2)
    out = [f"  - number: {_q(number or str(counter))}", f"    text: {_q(' '.join(text.split()))}"]
    scope = first.get("scope", "").lower()
    out.append(f"    scope: {scope}" if scope in SCOPES else "    # scope: local, regional or national (not in the "
                                                                  "file: fill it in)")
    if first.get("agency"):
        out.append(f"    agency: {_q(_agency(' '.join(first['agency'].split()), agencies, notes))}")
    else:
        out.append("    # agency: (not in the file: fill it in, as site.yaml lists it)")
    actions = [" ".join(line.split()) for cell in cells("actions") for line in re.split(r"\n+", cell)]
    actions = [re.sub(r"^[-\u2022*]\s*|^\d{1,2}[.)]\s+", "", a) for a in actions if a.strip()]
    if actions:
        out += ["    actions:", *(f"      - {_q(a)}" for a in actions)]
    if first.get("lead"):
        out.append(f"    lead: {_q(' '.join(first['lead'].split()))}")
    target, note = parse_date(first.get("target", ""))
    if note:
        notes.append(f"row {row_number}: target {note}")
    status, how = status_of(first.get("status", "")) if first.get("status") else (None, "")
    if how:
        notes.append(f"row {row_number}: status {how}")
    out.append(f"    target: {target.isoformat()}" if target else
               "    # target: YYYY-MM-DD (not in the file" + (f", which says '{first['target']}'" if first.get("target")
                                                               else "") + ": fill it in)")
    out.append(f"    status: {status}" if status else "    # status: planned, in-progress, complete or not-accepted "
               "(not in the file" + (f", which says '{first['status']}'" if first.get("status") else "") + ")")
    completed, _ = parse_date(first.get("completed", ""))
    if status == "complete":
        out.append(f"    completed: {completed.isoformat()}" if completed else
                   "    # completed: YYYY-MM-DD (not in the file: fill it in)")
    if first.get("evidence"):
        out.append(f"    evidence: {_q(' '.join(first['evidence'].split()))}")
    updates, undated = [], []
    for cell in cells("updates"):
        for line in (" ".join(part.split()) for part in re.split(r"\n+", cell) if part.strip()):
            date, rest = _update(line)
            if date and date <= today and rest:
                updates.append(f"      - date: {date.isoformat()}\n        text: {_q(rest)}")
            else:
                undated.append(line)
    out += ["    updates:", *sorted(updates)] if updates else []
    out += [f"    # progress, undated (give it a date to make it an update): {line}" for line in undated]
    return out


def _update(line: str) -> tuple[dt.date | None, str]:
    """A progress note that opens with its date ('12/02/2025: training delivered'): its date and its text."""
    found = _DATE.match(line.lstrip("(["))
    if not found:
        return None, line
    date, _ = parse_date(found.group())
    return date, line.lstrip("([")[found.end():].lstrip(" )]:-\u2013,")
