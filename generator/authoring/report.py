"""`dhr check --report`: the Home Office publication checklist, review by review, and the actions overdue.

Each line is pass, warning or fail, so an officer sees at a glance what is left before a
review can be published; then the action plans' overdue actions, agency by agency.
It reads the validated content and the problems validation found; an action's values are worked out as
the site's are (plans.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from ..content import schema
from ..content.plans import works
from ..content.validate import ValidContent, ValidReview
from ..problems import ERROR, Problems, display_path
from ..site.learning import is_overdue

PASS, WARN, FAIL = "pass", "warning", "fail"


@dataclass(frozen=True)
class Check:
    result: str
    name: str
    detail: str = ""


def checklist(review: ValidReview, problems: Problems) -> list[Check]:
    """The publication checks for one review."""
    v = review.values
    given = v.get("documents")
    documents = [d for d in given if isinstance(d, dict)] if isinstance(given, list) else []
    kinds = {d["kind"] for d in documents}
    letters = review.letters
    files = {display_path(s.path) for s in review.folder.sources}
    mine = [p for p in problems.items if p.path in files]
    checks = [Check(PASS, "QA letter annexed", ", ".join(lt.source.path.name for lt in letters)) if letters
              else Check(FAIL, "QA letter annexed", "no letter: add it with dhr new letter")]
    outcome = letters[-1].values.get("outcome") if letters else None
    if outcome in schema.OUTCOMES:
        checks.append(Check(FAIL if outcome == "resubmit" else PASS, "latest letter outcome",
                            f"{schema.OUTCOMES[outcome]} ({letters[-1].source.path.name})"))
    else:
        checks.append(Check(FAIL, "latest letter outcome", "no valid letter"))
    checks.append(Check(PASS, "report linked") if "report" in kinds else Check(WARN, "report linked", "none listed"))
    if review.plan is not None:
        checks.append(Check(PASS, "action plan listed", f"{review.plan.source.path.name}{_plan_counts(review)}"))
    else:
        checks.append(Check(PASS, "action plan listed") if "action-plan" in kinds
                      else Check(WARN, "action plan listed", "none listed (or say it is annexed to the report)"))
    checks.append(_report_size(review.folder.path, documents, mine))
    death_refused = any(p.field == "death" and "full date" in p.message for p in mine)
    checks.append(Check(FAIL, "no full date of death", "month and year only") if death_refused
                  else Check(PASS, "no full date of death"))
    anonymity = [p for p in mine if p.field in ("summary", "letter") and "could identify" in p.message]
    checks.append(Check(WARN, "anonymity", f"{len(anonymity)} to look at (see the warnings)") if anonymity
                  else Check(PASS, "anonymity", _acknowledged(review)))
    other = [p for p in mine if p.severity == ERROR and p.field != "death"]
    if other:
        checks.append(Check(FAIL, "content errors", f"{len(other)} (see the list above)"))
    return checks


def _plan_counts(review: ValidReview) -> str:
    """' (3 recommendations, 5 actions, 2 complete)': what the plan holds, each action as the site counts it."""
    recs = review.plan.values.get("recommendations") if review.plan else None
    if not isinstance(recs, list):
        return ""
    units = [w for rec in recs for w in works(rec)]
    done = sum(1 for w in units if w.status == "complete")
    return f" ({len(recs)} recommendations, {len(units)} actions, {done} complete)"


def _report_size(folder: Path, documents: list[dict], mine: list) -> Check:
    reports = [d for d in documents if d["kind"] == "report"]
    if not reports:
        return Check(WARN, "report under 20 MB", "no report to measure")
    if any(p.field == "documents.file" and "20 MB" in p.message for p in mine):
        return Check(FAIL, "report under 20 MB", "compress the PDF")
    local = [folder / d["file"] for d in reports if d.get("file") and (folder / d["file"]).is_file()]
    if not local:
        return Check(PASS, "report under 20 MB", "published elsewhere")
    return Check(PASS, "report under 20 MB", ", ".join(f"{p.stat().st_size / 1e6:.1f} MB" for p in local))


def _acknowledged(review: ValidReview) -> str:
    notes = []
    for source_values in (review.values, *(letter.values for letter in review.letters)):
        given = source_values.get("acknowledge")
        for ack in given if isinstance(given, list) else ():
            if isinstance(ack, dict):
                notes.append(f"'{ack['text']}' acknowledged: {ack['reason']}")
    return "; ".join(notes)


def render_report(content: ValidContent, problems: Problems) -> str:
    """The checklist for every review, as text for the terminal."""
    lines = [f"Publication checklist (Home Office QA rules): {len(content.reviews)} reviews", ""]
    totals = {PASS: 0, WARN: 0, FAIL: 0}
    for review in content.reviews:
        title, status = review.values.get("title"), review.values.get("status")
        lines.append(f"{review.slug}: {title if isinstance(title, str) else '?'} "
                     f"({status if isinstance(status, str) else 'no status'})")
        for check in checklist(review, problems):
            totals[check.result] += 1
            lines.append(f"  {check.result:<8} {check.name:<24} {check.detail}".rstrip())
        lines.append("")
    lines.append(f"Checks: {totals[PASS]} passed, {totals[WARN]} to look at, {totals[FAIL]} failed")
    return "\n".join(lines)


def render_overdue(content: ValidContent, today: dt.date) -> str:
    """Actions past their target date and not complete, agency by agency, counted as the agency pages count them
    (a recommendation without actions is one): `dhr check --report`."""
    by_agency: dict[str, list[str]] = {}
    for review in content.reviews:
        recs = review.plan.values.get("recommendations") if review.plan else None
        for rec in recs if isinstance(recs, list) else ():
            listed = isinstance(rec["actions"], list) and rec["actions"]
            for number, w in enumerate(works(rec), 1):
                if not (isinstance(w.target, dt.date) and is_overdue(w.status, w.target, today)):
                    continue
                what = f"recommendation {rec['number']}" + (f", action {number} ({w.text})" if listed else "")
                for agency in w.agencies:
                    by_agency.setdefault(agency, []).append(
                        f"  {review.slug} ({review.values.get('status')}), {what}: due {w.target.isoformat()}, "
                        f"{(today - w.target).days} days ago, {w.status}")
    count = sum(len(items) for items in by_agency.values())
    lines = [f"Overdue actions on {today.isoformat()}: {count}"
             + (f", addressed to {len(by_agency)} agencies" if count else ""), ""]
    for agency in sorted(by_agency, key=str.lower):
        lines += [f"{agency}: {len(by_agency[agency])} overdue", *by_agency[agency], ""]
    return "\n".join(lines).rstrip()
