"""`dhr new`: write a new review, letter or action plan file that passes validation, each field explained.

The comments come from the content model in schema.py, so they say what `dhr fields` says.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from ..content import kinds, schema
from ..content.kinds import slugify
from ..content.load import PLAN_NAMES, FileCache, load_settings
from ..content.validate import SLUG, FieldCache, validate_settings, vocabulary_of
from ..problems import Problems, visible

LETTER_HINT = ("<!-- Paste the letter's text below, from 'Dear ...' to the signature. Put each of the panel's "
               "points on its own line starting with '- ', so the site lists them as feedback points. -->\n")
SUMMARY_HINT = ("<!-- Write a short public summary here. Leave out names, full dates, addresses and phone numbers: "
                "dhr check warns about them. -->\n")


class ScaffoldError(Exception):
    """The file cannot be created; the message says why and what to do."""


def _line(name: str, value: str | None, spec: kinds.Schema) -> str:
    field = spec.field(name)
    if value is None:
        return f"# {name}:  # {field.doc}" + (f", e.g. {field.example}" if field.example else "")
    doc = field.doc
    return f"{name}: {value}  # {doc}"


def _optional_block(name: str) -> list[str]:
    """A commented-out example for the list fields of review.md."""
    if name == "themes":
        return ["# themes:  # " + schema.REVIEW.field("themes").doc, "#   - coercive control"]
    return ["# documents:  # " + schema.REVIEW.field("documents").doc, "#   - title: Overview report",
            "#     kind: report  # report, executive-summary, action-plan or other", "#     file: overview-report.pdf"]


def new_review(content: Path, title: str, csp: str) -> Path:
    """Create reviews/<slug>/review.md as a draft; returns its path."""
    slug = slugify(title)
    if not slug:
        raise ScaffoldError(f"'{visible(title)}' has no letters or digits to make a web address from; "
                            "give another title")
    if not (title + csp).isprintable():
        raise ScaffoldError("the title and the partnership's name must be plain text, without control characters")
    path = content / "reviews" / slug / "review.md"
    if path.exists():
        raise ScaffoldError(f"{path} already exists; nothing was written. Edit it, or choose another title")
    lines = ["---", "# The review's details. `dhr fields` lists every field; `dhr check` checks them.",
             "# Then add the QA Panel's letter from the file you received (PDF, Word, a web page or text):",
             f"#   dhr import letter FILE --review {slug}   (or write it: dhr new letter {slug} --date YYYY-MM-DD)",
             "# and the action plan from the partnership's Word, Excel or CSV table:",
             f"#   dhr import action-plan FILE --review {slug}   (or write it: dhr new action-plan {slug})",
             _line("title", json.dumps(title), schema.REVIEW), _line("csp", json.dumps(csp), schema.REVIEW),
             _line("status", "draft", schema.REVIEW) + "; one of " + ", ".join(schema.STATUSES)]
    for name in ("reference", "type", "published", "death"):
        lines.append(_line(name, None, schema.REVIEW))
    lines += _optional_block("themes") + _optional_block("documents")
    lines += [_line("chair", None, schema.REVIEW), _line("author", None, schema.REVIEW), "---", SUMMARY_HINT]
    path.parent.mkdir(parents=True, exist_ok=True)
    _create(path, "\n".join(lines))
    return path


def new_letter(content: Path, slug: str, date: str) -> Path:
    """Create letter-<date>.md in the review folder named `slug`; returns its path."""
    try:
        day = dt.date.fromisoformat(date)
    except ValueError:
        raise ScaffoldError(f"'{date}' is not a date; give the letter's date as YYYY-MM-DD") from None
    path = _folder(content, slug) / f"letter-{day.isoformat()}.md"
    if path.exists():
        raise ScaffoldError(f"{path} already exists; nothing was written. Edit it instead")
    outcomes = "; ".join(f"{k}: {v.lower()}" for k, v in schema.OUTCOMES.items())
    lines = ["---", "# A Home Office QA Panel letter. `dhr fields` lists every field; `dhr check` checks them.",
             _line("date", day.isoformat(), schema.LETTER),
             f"outcome: publish-after-changes  # CHECK this against the letter. {outcomes}",
             _line("panel_date", None, schema.LETTER), _line("resubmission", None, schema.LETTER) + " (true or false)",
             _line("from", None, schema.LETTER), _line("to", None, schema.LETTER), _line("signed", None, schema.LETTER),
             "---", LETTER_HINT]
    _create(path, "\n".join(lines))
    return path


def _folder(content: Path, slug: str) -> Path:
    """The review folder named `slug` under content/reviews (a name, never a path that could lead elsewhere)."""
    if not SLUG.match(slug):
        raise ScaffoldError(f"'{visible(slug)}' is not a review's folder name; give the name alone, in lower-case "
                            "letters, digits and hyphens, e.g. salome")
    reviews = (content / "reviews").resolve()
    folders = sorted(p.parent for p in (content / "reviews").glob(f"**/{slug}/review.md")
                     if p.resolve().is_relative_to(reviews))
    if not folders:
        raise ScaffoldError(f"there is no review folder '{slug}' under {content / 'reviews'}; "
                            f"create it first with dhr new review")
    return folders[0]


def new_action_plan(content: Path, slug: str, today: dt.date) -> Path:
    """Create action-plan.yaml in the review folder named `slug`, with one example recommendation."""
    folder = _folder(content, slug)
    if any((folder / name).exists() for name in PLAN_NAMES):
        raise ScaffoldError(f"{folder} already has an action plan; nothing was written. Edit it instead")
    agencies = _agencies(content)
    if not agencies:
        raise ScaffoldError("site.yaml lists no agencies; add the agencies recommendations are addressed to under "
                            "agencies in site.yaml, then run this again")
    spec, action = schema.RECOMMENDATION, schema.ACTION
    statuses = "; ".join(schema.RECOMMENDATION_STATUSES.values())
    target = today.replace(year=today.year + 1, day=min(today.day, 28))
    agency = json.dumps(agencies[0])
    lines = ["# The review's recommendations and what has been done about them: a live document, so add",
             "# a dated update whenever there is progress. `dhr fields` lists every field; `dhr check` checks them.",
             f"# Or write it from the partnership's plan: dhr import action-plan FILE --review {folder.name}",
             "recommendations:",
             "  # One block per recommendation, each starting with '- number:'. Replace this example.",
             f"  - number: 1  # {spec.field('number').doc}",
             f"    text: {json.dumps('Write the recommendation as the report words it.')}",
             f"    scope: local  # {', '.join(schema.SCOPES)}",
             f"    agency: {agency}  # {spec.field('agency').doc}",
             f"    actions:  # {spec.field('actions').doc}",
             f"      - {json.dumps('Describe an action agreed.')}  # its text alone: it takes the recommendation's "
             "details below",
             "      # An action with details of its own: what it leaves out is the recommendation's.",
             f"      - text: {json.dumps('Describe an action with its own lead, target and progress.')}  "
             f"# {action.field('text').doc}",
             f"        agency: {agency}  # {action.field('agency').doc}",
             f"        # lead: Head of Public Protection  # {action.field('lead').doc}",
             f"        target: {target.isoformat()}  # {action.field('target').doc}",
             f"        status: planned  # {action.field('status').doc}: "
             f"{', '.join(schema.RECOMMENDATION_STATUSES)}",
             f"        # completed: YYYY-MM-DD  # {action.field('completed').doc}",
             "        # updates:  # its dated progress updates; a date cannot be in the future",
             f"        #   - date: {today.isoformat()}",
             "        #     text: What has been done.",
             f"        # evidence: ...  # {action.field('evidence').doc}",
             f"    # lead: Head of Safeguarding  # {spec.field('lead').doc}",
             f"    target: {target.isoformat()}  # {spec.field('target').doc}",
             f"    status: planned  # {spec.field('status').doc}: {statuses}",
             f"    # completed: YYYY-MM-DD  # {spec.field('completed').doc}",
             "    # updates:  # dated progress updates; a date cannot be in the future",
             f"    #   - date: {today.isoformat()}",
             "    #     text: What has been done.",
             f"    # evidence: ...  # {spec.field('evidence').doc}", ""]
    path = folder / "action-plan.yaml"
    _create(path, "\n".join(lines))
    return path


def _agencies(content: Path) -> tuple[str, ...]:
    """The agencies site.yaml lists, read and checked as a build reads them; none when it cannot be read."""
    problems = Problems()
    site, _ = load_settings(content, problems, FileCache())
    values, _ = validate_settings(site, [], problems, FieldCache())
    return vocabulary_of(values)[1] or ()


def _create(path: Path, text: str) -> None:
    """Write a new file; one that appeared meanwhile is never overwritten."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8") as file:
            file.write(text)
    except FileExistsError:
        raise ScaffoldError(f"{path} already exists; nothing was written. Edit it instead") from None
