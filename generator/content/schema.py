"""The content model, defined once: validation, error messages and `dhr fields` all read it."""

from __future__ import annotations

from .kinds import (
    Agency,
    Bool,
    Choice,
    Date,
    DateOrMonth,
    DocumentFile,
    Email,
    Field,
    ListOf,
    MonthOfDeath,
    OneOrList,
    Pattern,
    Record,
    Schema,
    Text,
    TextOrRecord,
    Theme,
    Url,
)

REGIONS = {  # the nine English regions and Wales, as the Office for National Statistics names them
    "North East": "England", "North West": "England", "Yorkshire and the Humber": "England",
    "East Midlands": "England", "West Midlands": "England", "East of England": "England", "London": "England",
    "South East": "England", "South West": "England", "Wales": "Wales",
}
COUNTIES = {  # the ceremonial counties of England and the preserved counties of Wales, with their region
    "Bedfordshire": "East of England", "Berkshire": "South East", "Bristol": "South West",
    "Buckinghamshire": "South East", "Cambridgeshire": "East of England", "Cheshire": "North West",
    "City of London": "London", "Cornwall": "South West", "Cumbria": "North West", "Derbyshire": "East Midlands",
    "Devon": "South West", "Dorset": "South West", "Durham": "North East", "East Riding of Yorkshire":
    "Yorkshire and the Humber", "East Sussex": "South East", "Essex": "East of England", "Gloucestershire":
    "South West", "Greater London": "London", "Greater Manchester": "North West", "Hampshire": "South East",
    "Herefordshire": "West Midlands", "Hertfordshire": "East of England", "Isle of Wight": "South East",
    "Kent": "South East", "Lancashire": "North West", "Leicestershire": "East Midlands",
    "Lincolnshire": "East Midlands or Yorkshire and the Humber", "Merseyside": "North West",
    "Norfolk": "East of England", "North Yorkshire": "Yorkshire and the Humber or North East",
    "Northamptonshire": "East Midlands", "Northumberland": "North East", "Nottinghamshire": "East Midlands",
    "Oxfordshire": "South East", "Rutland": "East Midlands", "Shropshire": "West Midlands",
    "Somerset": "South West", "South Yorkshire": "Yorkshire and the Humber", "Staffordshire": "West Midlands",
    "Suffolk": "East of England", "Surrey": "South East", "Tyne and Wear": "North East",
    "Warwickshire": "West Midlands", "West Midlands": "West Midlands", "West Sussex": "South East",
    "West Yorkshire": "Yorkshire and the Humber", "Wiltshire": "South West", "Worcestershire": "West Midlands",
    "Clwyd": "Wales", "Dyfed": "Wales", "Gwent": "Wales", "Gwynedd": "Wales", "Mid Glamorgan": "Wales",
    "Powys": "Wales", "South Glamorgan": "Wales", "West Glamorgan": "Wales",
}
STATUSES = {
    "draft": "being written; never published",
    "submitted": "sent to the Home Office QA Panel; never published",
    "published": "published by the CSP; the only status that reaches the public site",
    "withdrawn": "taken down; never published",
}
OUTCOMES = {  # as the site shows them
    "publish": "May now be published",
    "publish-after-changes": "May be published once changes are made",
    "resubmit": "Should be resubmitted",
}
REVIEW_TYPES = {  # as the site shows them
    "dhr": "Domestic Homicide Review",
    "dardr": "Domestic Abuse Related Death Review",  # the name the Victims and Prisoners Act 2024 gives them
}
DOCUMENT_KINDS = {
    "report": "the full overview report",
    "executive-summary": "the executive summary",
    "action-plan": "the action plan",
    "other": "any other document",
}
DOCUMENT_CHECKS = {  # what the document checks look for (generator/documents), as `acknowledge` names them
    "redaction": "text left under a box drawn over it, off the page or white on white: a failed redaction",
    "metadata": "properties that name people, organisations or file paths",
    "tracked-changes": "Word's tracked changes",
    "comments": "comments",
    "hidden-text": "hidden text",
    "versions": "earlier versions kept in the file",
    "pattern": "a full date, phone number, e-mail address, postcode or NHS number",
    "no-text": "no text layer (a scanned document)",
    "no-title": "no document title",
    "no-language": "no language set",
    "untagged": "not tagged for screen readers",
    "type": "a file that is not what its extension says",
    "encrypted": "an encrypted file",
    "unreadable": "a file that cannot be read",
}
SCOPES = {
    "local": "for agencies in the partnership's own area",
    "regional": "for agencies across a region",
    "national": "for national bodies or government",
}
RECOMMENDATION_STATUSES = {  # what each means, as the site says it
    "planned": "Planned: agreed, not yet started",
    "in-progress": "In progress: work has started",
    "complete": "Complete: the actions are done",
    "not-accepted": "Not accepted: the agency did not accept it",
}
OPEN_STATUSES = ("planned", "in-progress")  # work still to do: past its target date, it is overdue
MAX_REPORT_BYTES = 20 * 1000 * 1000


HELPLINE = Schema("helpline", "A support line shown on every page.", (
    Field("name", Text(), "the service's name", True, "National Domestic Abuse Helpline"),
    Field("phone", Pattern("phone number", r"^\+?[0-9][0-9 ()-]{1,24}\Z", "a phone number",
                           "write the number as people dial it, e.g. 0808 2000 247"),
          "the number, as people dial it", example="0808 2000 247"),
    Field("url", Url(), "the service's website"),
    Field("hours", Text(), "when it answers", example="24 hours, every day"),
    Field("text", Text(), "who it is for, in one sentence"),
))

PARTNERSHIP = Schema("partnership", "A Community Safety Partnership that reviews are filed under, with its other "
                     "names.", (
    Field("name", Text(), "its name, as the site shows it", True, "Kent and Medway Community Safety Partnership"),
    Field("region", Choice(REGIONS), "the English region it is in, or Wales", example="South East"),
    Field("county", Choice(COUNTIES), "the county it is in (a ceremonial county of England, or a preserved "
          "county of Wales), in its region: the county's page lists the reviews of all its partnerships",
          example="Kent"),
    Field("website", Url(), "its website"),
    Field("former", ListOf(Text()), "names it had before, and partnerships merged into it: reviews naming them "
          "are filed under it"),
    Field("variants", ListOf(Text()), "other spellings of its name that reviews use"),
))

SITE = Schema("site.yaml", "Site settings: `content/site.yaml`.", (
    Field("title", Text(), "the site's name, shown in every page header", True, "Domestic Homicide Reviews"),
    Field("description", Text(), "one sentence saying what the site is, for search engines and the feed"),
    Field("base_url", Url(), "the public address; `--base-url` or Netlify's URL override it"),
    Field("language", Text(), "the content's language code", example="en-GB"),
    Field("owner", Text(), "who publishes the site", True, "Kent and Medway Community Safety Partnership"),
    Field("contact", Email(), "where readers can write about the site or its accessibility"),
    Field("quick_exit_url", Url(), "the neutral site the quick-exit button opens", True,
          "https://www.bbc.co.uk/weather"),
    Field("helplines", ListOf(Record(HELPLINE)), "the national support lines, shown on every page"),
    Field("themes", ListOf(Text()), "the theme vocabulary reviews are tagged with", True),
    Field("agencies", ListOf(Text()), "the agencies recommendations may be addressed to, spelled once for all "
          "reviews"),
    Field("partnerships", ListOf(Record(PARTNERSHIP)), "the partnerships reviews are filed under, with their "
          "regions, counties, former names and spelling variants"),
))

ACKNOWLEDGEMENT = Schema("acknowledgement", "An anonymity warning checked and accepted, with the reason.", (
    Field("text", Text(), "the exact text the warning quotes", True, "SW1P 4DF"),
    Field("reason", Text(), "why it may stay", True, "the Home Office's own address"),
))

DOCUMENT_ACKNOWLEDGEMENT = Schema("document acknowledgement", "A finding of the document checks looked at and "
                                  "accepted, with the reason.", (
    Field("check", Choice(DOCUMENT_CHECKS), "the check that found it", True, "pattern"),
    Field("text", Text(), "the exact text the finding quotes; needed for a redaction or a pattern, and the "
          "finding must quote it", example="SW1P 4DF"),
    Field("reason", Text(), "why it may stay", True, "the Home Office's own address"),
))

DOCUMENT = Schema("document", "A document listed on a review page: give `file` or `url`.", (
    Field("title", Text(), "what the reader sees", True, "Overview report"),
    Field("kind", Choice(DOCUMENT_KINDS), "what the document is", True, "report"),
    Field("file", DocumentFile(), "a file in the review's folder, e.g. report.pdf; it is checked before it is "
          "published"),
    Field("url", Url(), "where the document is published elsewhere"),
    Field("acknowledge", ListOf(Record(DOCUMENT_ACKNOWLEDGEMENT)), "findings of the checks of its file looked at "
          "and accepted"),
))

REVIEW = Schema("review.md", "A review's metadata: `content/reviews/<slug>/review.md`; "
                "the body is a short public summary.", (
    Field("title", Text(), "the pseudonym used in the report, or its reference where it has none", True, "Salome"),
    Field("reference", Text(), "the CSP's own reference", example="DHR15"),
    Field("type", Choice(REVIEW_TYPES), "`dhr` (the default), or `dardr` for a review begun as a Domestic Abuse "
          "Related Death Review", example="dhr"),
    Field("csp", Text(), "the commissioning Community Safety Partnership", True,
          "Kent and Medway Community Safety Partnership"),
    Field("status", Choice(STATUSES), "where the review is; only `published` reaches the site", True, "draft"),
    Field("published", DateOrMonth(), "when the CSP published it: the date, or the month (YYYY-MM) or year",
          example="2024-10"),
    Field("death", MonthOfDeath(), "month and year of the death; a full date is refused", example="2023-05"),
    Field("themes", ListOf(Theme()), "themes from the vocabulary in site.yaml"),
    Field("documents", ListOf(Record(DOCUMENT)), "the report, executive summary, action plan and others"),
    Field("chair", Text(), "the independent chair"),
    Field("author", Text(), "the report's author"),
    Field("aliases", ListOf(Text()), "earlier folder names of this review; their addresses redirect here"),
    Field("acknowledge", ListOf(Record(ACKNOWLEDGEMENT)), "anonymity warnings about the summary, checked and accepted"),
))

LETTER = Schema("letter-YYYY-MM-DD.md", "A Home Office QA Panel letter about the review; "
                "the body is the letter's text.", (
    Field("date", Date(), "the date on the letter; must match the file name", True, "2024-08-07"),
    Field("panel_date", DateOrMonth(), "when the QA Panel considered the report", example="2024-06-19"),
    Field("resubmission", Bool(), "the panel was looking at a resubmitted report"),
    Field("outcome", Choice(OUTCOMES), "what the panel decided", True, "publish-after-changes"),
    Field("from", Text(), "the sending unit"),
    Field("to", Text(), "the addressee"),
    Field("signed", Text(), "the signatory"),
    Field("acknowledge", ListOf(Record(ACKNOWLEDGEMENT)), "anonymity warnings about the letter, checked and accepted"),
))

PAGE = Schema("pages/*.md", "A free page such as about or the accessibility statement; the body is the page.", (
    Field("title", Text(), "the page's heading", True, "About this site"),
    Field("description", Text(), "one sentence for search engines"),
    Field("helplines", Bool(), "list the support lines from site.yaml after the text"),
))

UPDATE = Schema("update", "A dated note of progress on a recommendation or an action.", (
    Field("date", Date(), "when it was reported; never in the future", True, "2025-02-14"),
    Field("text", Text(), "what has been done", True, "Training delivered to 120 officers"),
))

ACTION = Schema("action", "An action agreed for a recommendation, with details of its own (one row of the "
                "partnership's plan). A field it leaves out is the recommendation's: its agency only where the "
                "recommendation names exactly one; its completion date only where it takes the status too.", (
    Field("text", Text(), "the action, as the plan words it", True, "Audit repeat-caller flags"),
    Field("agency", Agency(), "the agency that carries it out, as listed under agencies in site.yaml; needed "
          "when the recommendation names no agency or several", example="Kent Police"),
    Field("lead", Text(), "who leads it: a role, not a person's name", example="Head of Public Protection"),
    Field("target", Date(), "when it is due; past it, while planned or in progress, it is overdue",
          example="2025-06-30"),
    Field("status", Choice(RECOMMENDATION_STATUSES), "where the work is", example="in-progress"),
    Field("completed", Date(), "when it was completed; needed when complete", example="2025-05-02"),
    Field("updates", ListOf(Record(UPDATE)), "dated progress updates"),
    Field("evidence", Text(), "the evidence that it was completed"),
))

RECOMMENDATION = Schema("recommendation", "One recommendation of the review, and what has been done about it. "
                        "Where its actions give their own status, its status follows from theirs: complete when "
                        "all are complete (or not accepted), in progress once any has started, planned until then.", (
    Field("number", Pattern("number, e.g. 3 or 3.1", r"^[0-9]{1,3}(?:\.[0-9]{1,3})*[a-z]?\Z", "a recommendation "
                            "number", "write its number as the report gives it, e.g. 3 or 3.1"),
          "its number in the report; each number once", True, "1"),
    Field("text", Text(), "the recommendation, as the report words it", True, "Review the MARAC referral pathway"),
    Field("scope", Choice(SCOPES), "who it reaches", True, "local"),
    Field("agency", OneOrList(Agency()), "the agency it is addressed to, as listed under agencies in site.yaml, or a "
          "list of them; needed unless every action is a record naming its own agency", example="Kent Police"),
    Field("actions", ListOf(TextOrRecord(ACTION)), "the actions agreed: each its text alone (it takes the "
          "recommendation's agency, lead, target, status and completion), or an action with details of its own"),
    Field("lead", Text(), "who leads the work: a role, not a person's name", example="Head of Safeguarding"),
    Field("target", Date(), "when the actions are due; needed while planned or in progress, unless each action has "
          "its own", example="2025-03-31"),
    Field("status", Choice(RECOMMENDATION_STATUSES), "where the work is; needed unless every action is a record "
          "with its own status, and then it must agree with theirs", example="planned"),
    Field("completed", Date(), "when it was completed; needed when complete, unless its actions give their dates",
          example="2025-02-28"),
    Field("updates", ListOf(Record(UPDATE)), "dated progress updates"),
    Field("evidence", Text(), "the evidence that it was completed"),
))

ACTION_PLAN = Schema("action-plan.yaml", "A review's recommendations and their implementation, a live document: "
                     "`content/reviews/<slug>/action-plan.yaml` (or `action-plan.md`, the body an introduction).", (
    Field("recommendations", ListOf(Record(RECOMMENDATION)), "the review's recommendations", True),
    Field("acknowledge", ListOf(Record(ACKNOWLEDGEMENT)), "anonymity warnings about the plan, checked and accepted"),
))

SCHEMAS = (SITE, HELPLINE, PARTNERSHIP, REVIEW, DOCUMENT, DOCUMENT_ACKNOWLEDGEMENT, ACKNOWLEDGEMENT, LETTER,
           ACTION_PLAN, RECOMMENDATION, ACTION, UPDATE, PAGE)


def describe() -> str:
    """The content model as Markdown tables: the reference `dhr fields` prints."""
    out = ["# Content fields", "", "Generated by `dhr fields` from generator/schema.py.", ""]
    for schema in SCHEMAS:
        out += [f"## {schema.name}", "", schema.doc, "", "| field | required | type | meaning |",
                "| --- | --- | --- | --- |"]
        for f in schema.fields:
            out.append(f"| {f.name} | {'yes' if f.required else 'no'} | {f.kind.label} | {f.doc} |")
        out.append("")
    for title, options in (("status", STATUSES), ("outcome", OUTCOMES), ("document kind", DOCUMENT_KINDS),
                           ("a document check", DOCUMENT_CHECKS),
                           ("a recommendation's scope", SCOPES),
                           ("the status of a recommendation or an action", RECOMMENDATION_STATUSES)):
        out += [f"## Values of {title}", ""] + [f"- `{k}`: {v}" for k, v in options.items()] + [""]
    return "\n".join(out)
