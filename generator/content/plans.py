"""Stage 2, validate (continued): an action plan's recommendations, their actions, and the rules between them.

An action is its text alone, which takes the recommendation's agency, lead, target, status and
completion, or a record with details of its own (one row of the partnership's plan). `work`
gives each action's values as the site shows them, and `derived_status` a recommendation's
status from its actions'; the model and `dhr check --report` use them too, so what is checked
is what is published. A status written on the recommendation must agree with its actions': a
plan is never published as complete while an action is open. Every problem is recorded at its
line, never raised.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..problems import Problems
from . import kinds, schema
from .load import SourceFile
from .nodes import Map, Node, Scalar, Seq

Dated = tuple[tuple[int, str, dt.date], ...]  # (line, field, date) of what must not be in the future
MAX_AGENCIES = 30  # a recommendation is shown on each of its agencies' pages, with all of them: never thousands


@dataclass
class ValidPlan:
    source: SourceFile
    values: dict[str, Any]
    dated: Dated = ()


@dataclass(frozen=True)
class Work:
    """An action as it counts: its own values, or its recommendation's where it gives none (INVALID where wrong)."""

    text: str
    own: tuple[str, ...]  # the fields it gives itself, besides its text: none for an action written as text alone
    agencies: tuple[str, ...]  # whom it is addressed to: its own agency, or the recommendation's
    lead: Any
    target: Any
    status: Any
    completed: Any
    updates: tuple[dict[str, Any], ...]  # its own
    evidence: Any  # its own


def agencies(value: Any) -> tuple[str, ...]:
    """The agencies a recommendation's `agency` names, each once, in order; none where it is missing or wrong."""
    return tuple(dict.fromkeys(a for a in value if isinstance(a, str))) if isinstance(value, list) else ()


def work(rec: dict[str, Any], action: Any, named: tuple[str, ...] | None = None) -> Work:
    """An action's values: text alone takes the recommendation's; a record its own, else the recommendation's
    (its agency only where the recommendation names exactly one, its completion only with its status).

    `named`: the recommendation's `agencies`, when the caller has them (the actions of text alone then share them).
    """
    named = agencies(rec["agency"]) if named is None else named
    if not isinstance(action, dict):
        return Work(action if isinstance(action, str) else "", (), named, rec["lead"], rec["target"], rec["status"],
                    rec["completed"], (), None)
    own = tuple(name for name, value in action.items() if name != "text" and value is not None)
    agency = action["agency"]
    mine = (agency,) if isinstance(agency, str) else named if agency is None and len(named) == 1 else ()
    given = action["status"] is not None
    updates = tuple(u for u in action["updates"] if isinstance(u, dict)) if isinstance(action["updates"], list) else ()
    return Work(action["text"] if isinstance(action["text"], str) else "", own, mine,
                rec["lead"] if action["lead"] is None else action["lead"],
                rec["target"] if action["target"] is None else action["target"],
                action["status"] if given else rec["status"],
                action["completed"] if given or action["completed"] is not None else rec["completed"],
                updates, action["evidence"])


def works(rec: dict[str, Any]) -> list[Work]:
    """The recommendation's actions as they count; a recommendation without actions counts as one, itself."""
    actions, named = rec["actions"] if isinstance(rec["actions"], list) else [], agencies(rec["agency"])
    return [work(rec, action, named) for action in actions] or [work(rec, rec["text"], named)]


def derived_status(statuses: Iterable[str]) -> str:
    """A recommendation's status from its actions' (at least one): not accepted when none was accepted; complete
    when every one accepted is complete; planned while none has started; in progress between."""
    accepted = {s for s in statuses if s != "not-accepted"}
    if not accepted:
        return "not-accepted"
    return "complete" if accepted == {"complete"} else "planned" if accepted == {"planned"} else "in-progress"


def status_of(rec: dict[str, Any], units: list[Work]) -> Any:
    """The status the site shows: its actions' derived status, where each is known; else the one written."""
    statuses = [w.status for w in units]
    if all(s in schema.RECOMMENDATION_STATUSES for s in statuses):
        return derived_status(statuses)
    return rec["status"]


def completed_of(rec: dict[str, Any], units: list[Work], status: Any) -> dt.date | None:
    """When it was completed: its own date, or where it is complete, the date its last action was."""
    if isinstance(rec["completed"], dt.date) or status != "complete":
        return rec["completed"] if isinstance(rec["completed"], dt.date) else None
    dates = [w.completed for w in units if w.status == "complete"]
    return max(dates) if dates and all(isinstance(d, dt.date) for d in dates) else None


def due_of(units: list[Work]) -> dt.date | None:
    """The earliest target of its open actions: past it, the recommendation is overdue."""
    return min((w.target for w in units if w.status in schema.OPEN_STATUSES and isinstance(w.target, dt.date)),
               default=None)


def check_plan(source: SourceFile, problems: Problems) -> Dated:
    """The rules between a plan's recommendations, their fields and their actions; returns the dates that
    `validate.check_across` holds against the build date."""
    seen: dict[str, int] = {}
    dated: list[tuple[int, str, dt.date]] = []
    for node, rec, actions in _recommendations(source):
        _check_recommendation(source.path, node, rec, actions, seen, problems)
        dated += _dates(node, rec, "recommendations")
        for action_node, action in actions:
            if isinstance(action, dict) and isinstance(action_node, Map):
                dated += _dates(action_node, action, "recommendations.actions")
    return tuple(dated)


def _dates(node: Map, values: dict[str, Any], prefix: str) -> list[tuple[int, str, dt.date]]:
    dated = []
    if isinstance(values["completed"], dt.date):
        dated.append((node.entries["completed"].key_line, f"{prefix}.completed", values["completed"]))
    updates = values["updates"] if isinstance(values["updates"], list) else ()
    for item, update in zip(_items(node, "updates"), updates, strict=False):
        if isinstance(update, dict) and isinstance(update["date"], dt.date):
            dated.append((item.line, f"{prefix}.updates.date", update["date"]))
    return dated


def _items(node: Map, name: str) -> list[Any]:
    entry = node.entries.get(name)
    return entry.value.items if entry and isinstance(entry.value, Seq) else []


Action = tuple[Node, Any]  # an action's node, and its text, its values, or INVALID


def _recommendations(source: SourceFile) -> Iterator[tuple[Map, dict[str, Any], list[Action]]]:
    """Each recommendation's node, values and actions (INVALID where a field is wrong), read again past other
    errors, which reading the file reported."""
    if source.meta is None:
        return
    quiet = kinds.Context(source.path, Problems())
    for node in _items(source.meta, "recommendations"):
        if isinstance(node, Map):
            actions = [(item, kinds.read_fields(item, schema.ACTION, quiet) if isinstance(item, Map) else
                        kinds.Text().convert(item, "actions", quiet) if isinstance(item, Scalar) else kinds.INVALID)
                       for item in _items(node, "actions")]
            yield node, kinds.read_fields(node, schema.RECOMMENDATION, quiet), actions


def _check_recommendation(path: Path, node: Map, rec: dict[str, Any], actions: list[Action], seen: dict[str, int],
                          problems: Problems) -> None:
    """The rules between a recommendation's fields and its actions; `seen` holds the numbers before it, with their
    lines."""
    line = {name: entry.key_line for name, entry in node.entries.items()}
    number, status = rec["number"], rec["status"]
    if isinstance(number, str):
        if number in seen:
            problems.add(path, line["number"], "recommendations.number", f"recommendation {number} is "
                         f"listed twice (first on line {seen[number]})", "give each recommendation its own number")
        seen.setdefault(number, line["number"])
    name = f"recommendation {number if isinstance(number, str) else '(no number)'}"
    named = agencies(rec["agency"])
    listed = [(n, item, value, work(rec, value, named)) for n, (item, value) in enumerate(actions, 1)
              if isinstance(value, str | dict)]
    records = [entry for entry in listed if isinstance(entry[2], dict)]
    each = ", or give each action its own {}" if records else ""
    if status is None and (not listed or any("status" not in w.own for *_, w in listed)):
        problems.add(path, line.get("status", node.line), "recommendations.status", "this required field is missing "
                     "or empty", "add 'status: planned'" + each.format("status"))
    if not named and rec["agency"] is not kinds.INVALID and (not listed or any("agency" not in w.own
                                                                                 for *_, w in listed)):
        problems.add(path, line.get("agency", node.line), "recommendations.agency", "this required field is missing "
                     "or empty", "add 'agency: Kent Police'" + each.format("agency"))
    addressed = dict.fromkeys((*named, *(a for *_, w in records for a in w.agencies)))
    if len(addressed) > MAX_AGENCIES:
        problems.add(path, line.get("agency", node.line), "recommendations.agency", f"{name} is addressed to "
                     f"{len(addressed)} agencies (with its actions'), more than the {MAX_AGENCIES} a recommendation "
                     "may be", f"address it to the agencies that carry out its actions, at most {MAX_AGENCIES}, and "
                     "name the others in its text")
    units = [w for *_, w in listed] or [work(rec, rec["text"], named)]
    if len(listed) == len(actions):  # (an action that cannot be read is reported: its status is not known)
        _check_status(path, line, name, status, listed, units, problems)
    _check_completion(path, line, name, rec, listed, units, problems)
    for n, item, _, w in records:
        _check_action(path, item, f"{name}, action {n} ('{_short(w.text)}')", w, len(named), problems)
    for n, item, value, _ in listed:
        if value == "":
            problems.add(path, item.line, "recommendations.actions", f"{name}, action {n} is empty",
                         "write the action's text after '- ', or remove the line")
    inherit = [w for w in units if "target" not in w.own and "status" not in w.own]  # (or the recommendation)
    if status in schema.OPEN_STATUSES and rec["target"] is None and inherit:
        problems.warn(path, line["status"], "recommendations.target", f"{name} is {status} with no target date, so "
                      "it can never show as overdue", "add 'target: YYYY-MM-DD', the date the actions are due")
        return
    for n, item, _, w in records:
        if w.status in schema.OPEN_STATUSES and w.target is None:
            problems.warn(path, item.line, "recommendations.actions.target", f"{name}, action {n} "
                          f"('{_short(w.text)}') is {w.status} with no target date, so it can never show as overdue",
                          "add 'target: YYYY-MM-DD' to the action, or to the recommendation for all its actions")


def _check_status(path: Path, line: dict[str, int], name: str, status: Any,
                  listed: list[tuple[int, Node, Any, Work]], units: list[Work], problems: Problems) -> None:
    """A status written on the recommendation must be the one its actions give."""
    statuses = [w.status for w in units]
    if status not in schema.RECOMMENDATION_STATUSES or not listed \
            or not all(s in schema.RECOMMENDATION_STATUSES for s in statuses):
        return
    derived = derived_status(statuses)
    if derived == status:
        return
    clash = {"complete": schema.OPEN_STATUSES, "planned": ("in-progress", "complete"),
             "not-accepted": ("planned", "in-progress", "complete")}.get(status, ())
    culprits = [(n, w) for n, _, _, w in listed if w.status in clash]
    if culprits:
        n, w = culprits[0]
        more = f" (and {len(culprits) - 1} more)" if len(culprits) > 1 else ""
        why = f"action {n} ('{_short(w.text)}') is {w.status}{more}"
    else:
        why = f"its actions make it {derived}"
    problems.add(path, line["status"], "recommendations.status", f"{name} is {status}, but {why}",
                 f"correct the action's status, or set the recommendation's status: {derived} (or leave it out "
                 "when every action gives its own)")


def _check_completion(path: Path, line: dict[str, int], name: str, rec: dict[str, Any],
                      listed: list[tuple[int, Node, Any, Work]], units: list[Work], problems: Problems) -> None:
    """A complete recommendation has its completion date (its own, or its actions'), and only then."""
    status, completed = rec["status"], rec["completed"]
    if status == "complete" and completed is None \
            and any(w.status == "complete" and w.completed is None and "status" not in w.own for w in units):
        problems.add(path, line["status"], "recommendations.completed", f"{name} is complete but has no completion "
                     "date", "add 'completed: YYYY-MM-DD' below its status")
    elif status in schema.RECOMMENDATION_STATUSES and status != "complete" and completed is not None:
        problems.add(path, line["completed"], "recommendations.completed", f"{name} has a completion date but its "
                     f"status is {status}", "set status: complete, or remove completed")
    elif status is None and completed is not None and listed:
        derived = status_of(rec, units)
        if derived in schema.RECOMMENDATION_STATUSES and derived != "complete":
            problems.add(path, line["completed"], "recommendations.completed", f"{name} has a completion date but "
                         f"its actions make it {derived}", "remove completed, or complete its actions")


def _check_action(path: Path, node: Node, name: str, w: Work, agencies_named: int, problems: Problems) -> None:
    """An action's own status, completion date and agency."""
    line = {key: entry.key_line for key, entry in node.entries.items()} if isinstance(node, Map) else {}
    if "status" in w.own and w.status == "complete" and w.completed is None:
        problems.add(path, line["status"], "recommendations.actions.completed", f"{name} is complete but has no "
                     "completion date", "add 'completed: YYYY-MM-DD' below its status")
    if "completed" in w.own and w.status in schema.RECOMMENDATION_STATUSES and w.status != "complete":
        problems.add(path, line["completed"], "recommendations.actions.completed", f"{name} has a completion date "
                     f"but its status is {w.status}", "set its status: complete, or remove completed")
    if "agency" not in w.own and agencies_named > 1:
        problems.add(path, node.line, "recommendations.actions.agency", f"{name} names no agency, and the "
                     f"recommendation is addressed to {agencies_named}", "add 'agency: ...' to the action: the agency "
                     "that carries it out")


def _short(text: str) -> str:
    """An action's text, as a message names it."""
    return text if len(text) <= 40 else text[:39].rstrip() + "\u2026"
