"""An action plan's tables made into `action-plan.yaml`, every row an action with its own agency, lead, target,
status, completion date, updates and evidence, as partnerships and the Home Office's template keep them.

Rows of one recommendation (its cells merged over several rows, or its number and text left blank below it)
are one recommendation with several actions; a value every action shares is written once, on the
recommendation. Nothing is dropped silently: every cell is read into a field or named in a note with its row;
a table or sheet that is not a plan is named with the reason; a mapping (a RAG colour to a status, a month to
its last day, an agency to site.yaml's spelling) is noted. What the file does not say is left as a commented
line to fill in, which `dhr check` then reports.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from .plan_columns import (
    colour_status,
    columns,
    header_row,
    key,
    opening_date,
    read_agencies,
    read_date,
    read_scope,
    read_status,
)
from .plan_yaml import Fields, Missing, plan_yaml
from .tables import NOTES_OF_A_KIND, Table, capped, remove_invisible, said_removed

SHARED = ("agency", "lead", "target", "status", "completed", "updates", "evidence")  # an action's, or all its rec's
_NUMBER = re.compile(r"^(?:rec(?:ommendation)?\.?\s*|r)?(\d{1,3}(?:\.\d{1,3})*[a-z]?)[.):]?$", re.IGNORECASE)
_LEADING = re.compile(r"^(?:rec(?:ommendation)?\.?\s*)?(\d{1,3}(?:\.\d{1,3})*)(?:[.):]\s*|\s+(?=[A-Z]))(\S.*)$",
                      re.DOTALL)
_MARKER = re.compile(r"^(?:[-*\u2022\u25cf\u25aa\u2023\u2013\u00b7o](?=\s)|\(?(?:\d{1,2}|[a-z])[.)])\s*")
_ROW_NOTE = re.compile(r"^((?:sheet '[^\n]*' |table \d+ )?row \d+): ([^\n]*)$")
_BREAKS = re.compile(r"\r\n|[\r\x0b\x0c\x85\u2028\u2029]")
_HINTS = {
    "scope": "local, regional or national (not in the file: fill it in)",
    "agency": "(not in the file: fill it in, as site.yaml lists it)",
    "target": "YYYY-MM-DD (not in the file: fill it in)",
    "status": "planned, in-progress, complete or not-accepted (not in the file: fill it in)",
    "completed": "YYYY-MM-DD (not in the file: fill it in)",
    "text": "(not in the file: fill it in)",
    "date": "YYYY-MM-DD (the plan gives none: when was this reported?)",
}


@dataclass
class Plan:
    """What was read: the YAML to write, and what the officer should know about it."""

    yaml: str = ""
    notes: list[str] = field(default_factory=list)  # mappings made, cells and tables not imported, and why
    recommendations: int = 0
    actions: int = 0


@dataclass
class _Row:
    where: str
    cells: dict[str, str]  # field: the cell's text
    fill: str = ""  # the status cell's fill colour


@dataclass
class _Recommendation:
    number: str
    text: str
    where: str
    rows: list[_Row] = field(default_factory=list)


def plan_from_tables(tables: list[Table], agencies: tuple[str, ...], today: dt.date) -> Plan:
    """One plan from every table of a file that is a plan's (recommendations appended, numbers kept distinct);
    the notes name each other table and why it was not imported."""
    plan = Plan()
    found: list[_Recommendation] = []
    for table in tables:
        changed = remove_invisible(table)
        start = header_row(table.rows)
        plan.notes += table.notes + said_removed(table, changed, table.rows[start] if start is not None else [])
        name = table.name or "the file"
        if not table.rows:
            plan.notes.append(f"{name} was not imported: it is empty")
        elif start is None:
            plan.notes.append(f"{name} was not imported: none of its first rows names the columns (a "
                              "'Recommendation' column and two others, such as Agency and Action, were looked for)")
        elif not _read_table(table, start, found, plan.notes):
            plan.notes.append(f"{name} was not imported: it has headings but no recommendation below them")
    _distinct(found, plan.notes)
    written = [_recommendation(rec, counter, agencies, today, plan.notes) for counter, rec in enumerate(found, 1)]
    plan.notes = _grouped(plan.notes)
    plan.recommendations = len(written)
    plan.actions = sum(len(value) for fields in written for name, value in fields
                       if name == "actions" and isinstance(value, list))
    plan.yaml = plan_yaml(written, today) if written else ""
    return plan


def _read_table(table: Table, start: int, found: list[_Recommendation], notes: list[str]) -> int:
    """Add the table's recommendations (rows below its headings) to `found`; returns the rows read."""
    header = table.rows[start]
    known = columns(header)
    unknown = {i: h for i, h in enumerate(header) if h and i not in known.values()}
    notes += capped([f"{table.column(i, header)}{_of(table)} was not imported: its heading is not one dhr knows"
                     for i in unknown], "columns not imported", [f"'{_short(h)}'" for h in unknown.values()])
    left: list[str] = []  # cells not imported, and where each is
    places: list[str] = []
    for index in range(start):
        title = _short(" ".join(table.rows[index]))
        notes.append(f"{table.where(index)}, above the headings, was not imported: '{title}'")
    read = 0
    for index in range(start + 1, len(table.rows)):
        row = table.rows[index]
        where = table.where(index)
        if all((index, c) in table.copies or not text for c, text in enumerate(row)):
            continue  # only the merged cells above it: nothing of its own
        if row == header:
            notes.append(f"{where} repeats the headings: skipped")
            continue
        texts = [text for text in row if text]
        if len(texts) == 1 and table.spans.get((index, row.index(texts[0])), 1) >= max(len(header), 2):
            notes.append(f"{where}: '{_short(texts[0])}' spans the table, so it was read as a heading and not imported")
            continue
        for column, text in enumerate(row):
            if text and column not in known.values() and (index, column) not in table.copies:
                heading = f"'{_one(unknown[column])}'" if column in unknown else f"column {column + 1} (no heading)"
                left.append(f"{where}: {heading} was not imported: {_short(text)}")
                places.append(f"{where} {table.column(column, header)}")
        for name, column in known.items():
            span = table.spans.get((index, column), 1)
            covered = [n for n, c in known.items() if column < c < column + span]
            if covered and row[column]:
                notes.append(f"{where}: the {name} cell spans the {', '.join(covered)} column(s) too; read as {name}")
        cells = {name: "\n".join(_lines(row[c])) if c < len(row) else "" for name, c in known.items()}
        before = len(found)
        placed = _place(_Row(where, cells, table.fills.get((index, known.get("status", -1)), "")), found, notes)
        if placed and not read and before and len(found) == before:
            notes.append(f"{where} continues recommendation {found[-1].number} ({found[-1].where}): its rows were "
                         "added to it")
        read += placed
    notes += capped(left, "cells not imported", places)
    return read


def _place(row: _Row, found: list[_Recommendation], notes: list[str]) -> int:
    """Put a row under the recommendation it belongs to (a new one, or the one above it it continues)."""
    number, text = _number(row.cells.get("number", "")), row.cells.get("text", "")
    if not number and (lead := _LEADING.match(text)):
        number, text = lead.group(1), lead.group(2)
    last = found[-1] if found else None
    if not number and not text:
        if last is None:
            notes.append(f"{row.where} has no recommendation above it, so it was not imported: "
                         + "; ".join(f"{k}: {_short(v)}" for k, v in row.cells.items() if v))
            return 0
        last.rows.append(row)
        return 1
    if last and ((number and number == last.number and text in ("", last.text)) or (not number and text == last.text)):
        last.rows.append(row)
        return 1
    found.append(_Recommendation(number, text, row.where, [row]))
    return 1


def _number(cell: str) -> str:
    """A recommendation's number as the content model writes it ('Rec 3.' is 3), or the cell as written."""
    words = _one(cell)
    number = _NUMBER.match(words)
    return number.group(1).lower() if number else words


def _distinct(found: list[_Recommendation], notes: list[str]) -> None:
    """Join recommendations given twice (one number, one text: a plan kept by agency, or sheet by sheet), and
    renumber one that reuses another's number for a different text."""
    first: dict[str, _Recommendation] = {}
    biggest = max((int(m.group()) for rec in found if (m := re.match(r"\d+", rec.number))), default=0)
    for rec in list(found):
        if not rec.number or rec.number not in first:
            first.setdefault(rec.number, rec)
            continue
        earlier = first[rec.number]
        if key(earlier.text) == key(rec.text) or not rec.text:
            earlier.rows += rec.rows
            found.remove(rec)
            notes.append(f"{rec.where}: recommendation {rec.number} again; its rows were added to it ({earlier.where})")
        else:
            biggest += 1
            notes.append(f"{rec.where}: recommendation {rec.number} is already a different recommendation "
                         f"({earlier.where}), so this one was numbered {biggest}; correct it")
            rec.number = str(biggest)
            first[rec.number] = rec


def _recommendation(rec: _Recommendation, counter: int, agencies: tuple[str, ...], today: dt.date,
                    notes: list[str]) -> Fields:
    """A recommendation's fields in the content model's order; values all its actions share written once."""
    if not rec.number:
        rec.number = str(counter)
        notes.append(f"{rec.where}: the recommendation has no number, so it was numbered {counter} (its place in "
                     "the plan); correct it")
    elif not _NUMBER.match(rec.number):
        notes.append(f"{rec.where}: '{_short(rec.number)}' is not a number dhr check accepts (3, 3.1 or 3a); correct "
                     "it")
    actions: list[dict[str, object]] = []
    for row in rec.rows:
        _action(row, actions, agencies, today, notes)
    shared: dict[str, object] = {}
    for name in SHARED:
        values = [action.get(name) for action in actions]
        if values and values[0] is not None and all(value == values[0] for value in values):
            shared[name] = values[0]
    if "status" in shared and "completed" not in shared and any("completed" in a for a in actions):
        del shared["status"]  # complete, each on its own date: said on each action
    for action in actions:
        for name in shared:
            action.pop(name, None)
    out: Fields = [("number", rec.number), ("text", rec.text or Missing(_HINTS["text"]))]
    scopes = {row.cells.get("scope", "") for row in rec.rows} - {""}
    scope = read_scope(" ".join(scopes)) if scopes else None
    if scopes and not scope:
        notes.append(f"{rec.where}: scope '{_short(' / '.join(sorted(scopes)))}' is not one of local, regional or "
                     "national; left for you to fill in")
    out.append(("scope", scope or Missing(_HINTS["scope"])))
    for name in ("agency", "status"):
        if name not in shared and any(name not in action for action in actions):
            shared[name] = Missing(_HINTS[name])
    if "target" not in shared and any("target" not in action and action.get("status", shared.get("status"))
                                      not in ("complete", "not-accepted") for action in actions):
        shared["target"] = Missing(_HINTS["target"])
    if "agency" in shared:
        out.append(("agency", shared["agency"]))
    written = [_action_fields(action) for action in actions if action]
    if written:
        out.append(("actions", written))
    out += [(name, shared[name]) for name in ("lead", "target", "status", "completed", "updates", "evidence")
            if name in shared]
    if shared.get("status") == "complete" and "completed" not in shared:
        out.insert(out.index(("status", "complete")) + 1, ("completed", Missing(_HINTS["completed"])))
    return out


def _action_fields(action: dict[str, object]) -> object:
    """An action as written: a record in the model's order, even with its text alone (the content manager at
    /admin/ edits actions as records, so an imported plan opens there as it is)."""
    fields: Fields = [(name, action[name]) for name in ("text", *SHARED) if name in action]
    if "text" not in action:
        fields.insert(0, ("text", Missing(_HINTS["text"])))
    if action.get("status") == "complete" and "completed" not in action:
        fields.append(("completed", Missing(_HINTS["completed"])))
    return fields


def _action(row: _Row, actions: list[dict[str, object]], agencies: tuple[str, ...], today: dt.date,
            notes: list[str]) -> None:
    """The row's actions (one, or one a line of its action cell), each with the row's other fields."""
    cells, where = row.cells, row.where
    values: dict[str, object] = {}
    if cells.get("agency"):
        names = read_agencies(cells["agency"], agencies, notes, where)
        values["agency"] = names[0] if len(names) == 1 else names
    if cells.get("lead"):
        values["lead"] = _one(cells["lead"])
    evidence = [cells["evidence"]] if cells.get("evidence") else []
    if cells.get("completed"):
        date, how, rest = read_date(cells["completed"])
        _noted(notes, where, "completion date", cells["completed"], date, how)
        if date:
            values["completed"] = date
        rest = re.sub(r"^(?:date\s*)?(?:completed?|closed)\b\W*", "", _one(rest), flags=re.IGNORECASE)
        if rest and date:
            evidence.append(rest)
            notes.append(f"{where}: '{_short(rest)}', beside the completion date, read as evidence")
    if evidence:
        values["evidence"] = "\n".join(evidence)
    if cells.get("target"):
        date, how, rest = read_date(cells["target"])
        _noted(notes, where, "target", cells["target"], date, how)
        if date:
            values["target"] = date
    status = _status(row, notes)
    if status is None and "completed" in values and "status" not in cells:
        status = "complete"
        notes.append(f"{where}: status read as complete from its completion date (the plan has no status column)")
    if status:
        values["status"] = status
    if status == "complete" and "completed" not in values and cells.get("status"):
        date, _, _ = read_date(cells["status"])
        if date:
            values["completed"] = date
    updates = _updates(cells.get("updates", ""), today, notes, where)
    if updates:
        values["updates"] = updates
    texts = _actions(cells.get("actions", ""))
    if len(texts) > 1:
        notes.append(f"{where}: the action cell's {len(texts)} lines read as {len(texts)} actions, each with the "
                     "row's lead, target and status")
    if not texts and actions and values and set(values) <= {"updates", "evidence", "completed"}:
        previous = actions[-1]  # progress on the action above it
        notes.append(f"{where} has no action of its own: its progress was added to the action above it")
        if "updates" in values:
            earlier, more = previous.get("updates"), values["updates"]
            previous["updates"] = [*(earlier if isinstance(earlier, list) else []),
                                   *(more if isinstance(more, list) else [])]
        if "evidence" in values:
            previous["evidence"] = "\n".join(filter(None, (previous.get("evidence"), values["evidence"])))  # type: ignore[arg-type]
        if "completed" in values:
            previous.setdefault("completed", values["completed"])
        return
    actions += [{"text": text, **values} for text in texts] or [dict(values)]


def _status(row: _Row, notes: list[str]) -> str | None:
    """The row's status from its words or RAG colour, or its cell's fill colour."""
    text = row.cells.get("status", "")
    if text:
        status, how = read_status(text)
        if how:
            notes.append(f"{row.where}: status {how}" + ("" if status else "; left for you to fill in"))
        return status
    status = colour_status(row.fill) if row.fill else None
    if status:
        notes.append(f"{row.where}: the status cell, coloured #{row.fill} (RAG), read as {status}")
    return status


def _noted(notes: list[str], where: str, name: str, text: str, date: dt.date | None, how: str) -> None:
    if not date:
        notes.append(f"{where}: {name} '{_short(text)}' is not a date; left for you to fill in")
    elif how:
        notes.append(f"{where}: {name} {how}")


def _updates(cell: str, today: dt.date, notes: list[str], where: str) -> list[Fields]:
    """Progress notes as updates: a line opening with a date starts one, the lines after it continue it; lines
    before any date are one update whose date is left to fill in."""
    updates: list[tuple[dt.date | None, str]] = []
    for line in _lines(cell):
        date, rest = opening_date(line)
        if date:
            updates.append((date, rest))
            if date > today:
                notes.append(f"{where}: an update is dated {date.isoformat()}, after today; check its date")
        elif updates:
            updates[-1] = (updates[-1][0], f"{updates[-1][1]}\n{line}".strip())
        else:
            updates.append((None, line))
    if updates and updates[0][0] is None:
        notes.append(f"{where}: progress '{_short(updates[0][1])}' has no date; written as an update whose date "
                     "is left for you to fill in")
    return [[("date", date or Missing(_HINTS["date"])), ("text", text or Missing(_HINTS["text"]))]
            for date, text in updates]


def _actions(cell: str) -> list[str]:
    """An action cell's actions: a line of its own each (its bullet or number dropped); a line that starts in
    lower case continues the one above."""
    actions: list[str] = []
    for line in _lines(cell):
        marked = _MARKER.match(line)
        text = line[marked.end():] if marked else line
        if actions and not marked and text[:1].islower():
            actions[-1] += "\n" + text
        elif text:
            actions.append(text)
    return actions


def _lines(text: str) -> list[str]:
    """A cell's lines (invisible characters already removed, and said), spaces collapsed; blank lines dropped."""
    return [words for line in _BREAKS.sub("\n", text).split("\n") if (words := " ".join(line.split()))]


def _one(text: str) -> str:
    return " ".join(_lines(text))


def _short(text: str, limit: int = 60) -> str:
    text = _one(text)
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _grouped(notes: list[str]) -> list[str]:
    """The notes, one saying the same of many rows ('status 'Red' (RAG) read as planned') said in full for the
    first rows only, then once for the rest."""
    rows: dict[str, list[str]] = {}
    for note in notes:
        if said := _ROW_NOTE.match(note):
            rows.setdefault(said.group(2), []).append(said.group(1))
    many = {said: places for said, places in rows.items() if len(places) > NOTES_OF_A_KIND}
    out = [n for n in notes if not ((said := _ROW_NOTE.match(n)) and said.group(2) in many)]
    for text, places in many.items():
        out += capped([f"{place}: {text}" for place in places], f"rows: {text}", places)
    return out


def _of(table: Table) -> str:
    return f" of {table.name}" if table.name else ""

