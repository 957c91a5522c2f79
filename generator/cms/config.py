"""The CMS's configuration (`/admin/config.yml`), made from the content model and the lists in `site.yaml`.

Every field, its widget, choices, hint and required flag come from `schema.py`, walked generically, so a
field added to the content model reaches the forms without a line changed here. Values from `site.yaml`
(themes, agencies, partnerships) go through `yaml.safe_dump`, never into a string, and the CMS shows them as
text.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import yaml

from ..content.kinds import (
    Agency,
    Bool,
    Choice,
    Date,
    DateOrMonth,
    DocumentFile,
    Field,
    Kind,
    ListOf,
    MonthOfDeath,
    OneOrList,
    Pattern,
    Record,
    Schema,
    Text,
    TextOrRecord,
    Theme,
)
from ..content.schema import ACTION_PLAN, LETTER, PAGE, REVIEW, SITE

PARTNERSHIP_HINT = ("A name that is not listed here must first be added under partnerships in the site settings "
                    "(as a partnership, or as a former name or other spelling of one); reviews are filed under "
                    "the listed partnership their name matches.")
GIT_HOSTS = {"github.com": "github", "gitlab.com": "gitlab"}  # the hosted services the CMS signs in to
LOCAL_REPOSITORY = "owner/repository"  # a local build has no repository: the CMS is used on a local folder
Config = dict[str, Any]

def _label(name: str) -> str:
    return name.replace("_", " ").capitalize()

def _pattern(kind: Pattern) -> list[str]:
    """The field's regular expression in JavaScript's syntax (`\\Z` is `$`), and what it must be."""
    return [kind.pattern.pattern.replace(r"\Z", "$"), f"this must be {kind.what}: {kind.fix}"]

def _options(values: list[str]) -> list[dict[str, str]]:
    return [{"label": value, "value": value} for value in values]

class Widgets:
    """Turns fields of the content model into the CMS's field definitions."""

    def __init__(self, site: Mapping[str, Any]) -> None:
        self.themes = [str(t) for t in site.get("themes") or ()]
        self.agencies = [str(a) for a in site.get("agencies") or ()]
        self.partnerships = [str(p["name"]) for p in site.get("partnerships") or () if p and p.get("name")]

    def fields(self, schema: Schema) -> list[Config]:
        return [self.field(f, schema) for f in schema.fields]

    def field(self, spec: Field, schema: Schema) -> Config:
        out: Config = {"name": spec.name, "label": _label(spec.name), "required": spec.required,
                       "hint": spec.doc[:1].upper() + spec.doc[1:] + "."}
        if schema is REVIEW and spec.name == "csp" and self.partnerships:
            out.update(widget="select", options=_options(self.partnerships))
            out["hint"] += " " + PARTNERSHIP_HINT
            return out
        out.update(self.kind(spec.kind))
        return out

    def kind(self, kind: Kind) -> Config:
        """The widget and its options for one kind of value."""
        match kind:
            case Choice():
                return {"widget": "select", "options": [{"label": f"{k}: {v}", "value": k}
                                                        for k, v in kind.options.items()]}
            case Bool():
                return {"widget": "boolean", "default": False}
            case Date():
                return {"widget": "datetime", "time_format": False, "format": "YYYY-MM-DD",
                        "date_format": "YYYY-MM-DD"}
            case DateOrMonth():
                return {"widget": "string", "pattern": [r"^\d{4}(-\d{2}(-\d{2})?)?$",
                                                        "write YYYY-MM-DD, or YYYY-MM when only the month is known"]}
            case MonthOfDeath():
                return {"widget": "string", "pattern": [r"^\d{4}(-\d{2})?$",
                                                        "write the month and year, YYYY-MM, or the year alone; "
                                                        "a full date is refused"]}
            case Pattern():
                return {"widget": "string", "pattern": _pattern(kind)}
            case DocumentFile():
                return {"widget": "file", "media_folder": "", "public_folder": "", "choose_url": False}
            case Theme():
                return {"widget": "select", "options": _options(self.themes)}
            case Agency():
                return {"widget": "select", "options": _options(self.agencies)} if self.agencies else {
                    "widget": "string"}
            case OneOrList():
                return {**self.kind(kind.item), "multiple": True}
            case ListOf(item=Theme() | Agency() as item):
                return {**self.kind(item), "multiple": True}
            case ListOf(item=Record() as item):
                return {"widget": "list", "fields": self.fields(item.schema)}
            case ListOf(item=TextOrRecord() as item):
                return {"widget": "list", "fields": self.fields(item.record.schema)}
            case ListOf():
                return {"widget": "list", "field": {"name": "item", "label": "Item", **self.kind(kind.item)}}
            case Text():
                return {"widget": "string"}
        raise TypeError(f"the CMS has no widget for {type(kind).__name__}: add one to generator/cms/config.py")

def _body(label: str, hint: str) -> Config:
    return {"name": "body", "label": label, "widget": "markdown", "required": False, "hint": hint}

def backend(repository: str | None, branch: str | None) -> Config:
    """The git host the CMS commits to, from the repository's address (Netlify's REPOSITORY_URL)."""
    parts = urlsplit(repository or "")
    path = parts.path.strip("/").removesuffix(".git")
    service = GIT_HOSTS.get(parts.hostname or "")
    if not service or path.count("/") < 1:
        return {"name": "github", "repo": LOCAL_REPOSITORY, "branch": branch or "main"}
    return {"name": service, "repo": path, "branch": branch or "main"}

def config(site: Mapping[str, Any], repository: str | None = None, branch: str | None = None,
           site_url: str | None = None) -> Config:
    """The whole configuration, as a mapping ready for `yaml.safe_dump`."""
    w = Widgets(site)
    reviews = {"folder": "content/reviews", "create": True, "media_folder": "", "public_folder": ""}
    out: Config = {
        "backend": backend(repository, branch),
        "media_folder": "content/reviews",
        "slug": {"encoding": "ascii", "clean_accents": True, "sanitize_replacement": "-"},
        "output": {"omit_empty_optional_fields": True},
        "collections": [
            {**reviews, "name": "reviews", "label": "Reviews", "label_singular": "Review", "path": "{{slug}}/review",
             "extension": "md", "format": "yaml-frontmatter", "identifier_field": "title",
             "slug": "{{fields.title}}", "summary": "{{title}} ({{status}})",
             "description": REVIEW.doc, "fields": [*w.fields(REVIEW), _body("Summary", "A short public summary.")]},
            {**reviews, "name": "letters", "label": "QA Panel letters", "label_singular": "Letter",
             "path": "{{slug}}/letter-{{fields.date}}", "extension": "md", "format": "yaml-frontmatter",
             "identifier_field": "date", "slug": {"editable": ["create"]}, "summary": "{{dirname}}: {{date}}",
             "description": LETTER.doc + " Its address is the review's folder name.",
             "fields": [*w.fields(LETTER), _body("Letter", "The letter's text.")]},
            {**reviews, "name": "action-plans", "label": "Action plans", "label_singular": "Action plan",
             "path": "{{slug}}/action-plan", "extension": "yaml", "format": "yaml",
             "slug": {"editable": ["create"]}, "summary": "{{dirname}}",
             "description": ACTION_PLAN.doc + " Its address is the review's folder name.",
             "fields": w.fields(ACTION_PLAN)},
            {"name": "pages", "label": "Pages", "label_singular": "Page", "folder": "content/pages", "create": True,
             "extension": "md", "format": "yaml-frontmatter", "identifier_field": "title",
             "description": PAGE.doc, "fields": [*w.fields(PAGE), _body("Text", "The page's text.")]},
            {"name": "settings", "label": "Site settings", "files": [
                {"name": "site", "label": "Site settings", "file": "content/site.yaml", "format": "yaml",
                 "description": SITE.doc, "fields": w.fields(SITE)}]},
        ],
    }
    if site_url:
        out["site_url"] = site_url
    return out

def config_yaml(site: Mapping[str, Any], repository: str | None = None, branch: str | None = None,
                site_url: str | None = None) -> bytes:
    """`/admin/config.yml`: the configuration written by a YAML writer, never pasted together."""
    text = yaml.safe_dump(config(site, repository, branch, site_url), allow_unicode=True, sort_keys=False,
                          width=1000)
    return ("# Written by dhr build from the content model; edit generator/content/schema.py, never this file.\n"
            + text).encode()
