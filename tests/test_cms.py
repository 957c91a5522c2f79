"""The CMS at /admin/: its configuration made from the content model, hostile site.yaml values, the pinned bundle."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from generator.cms import admin_files, admin_headers
from generator.cms.admin import VENDOR, version
from generator.cms.config import Widgets, config
from generator.content.kinds import Kind, ListOf, Record, Schema, TextOrRecord
from generator.content.schema import ACTION_PLAN, LETTER, PAGE, REVIEW, SITE

REPO = Path(__file__).resolve().parent.parent
SITE_VALUES = yaml.safe_load((REPO / "content" / "site.yaml").read_text())
HOSTILE = ["Quote \" and ' marks", "colon: here", "{{fields.title}}", "<script>alert(1)</script>", "- dash",
           "#hash", "&anchor *alias !tag", "multi\nline"]


def schema_fields(schema: Schema, prefix: str = "") -> set[tuple[str, bool]]:
    """Every field of `schema`, nested ones by their dotted path, with its required flag."""
    out = set()
    for f in schema.fields:
        out.add((prefix + f.name, f.required))
        item = f.kind.item if isinstance(f.kind, ListOf) else None
        nested = item.schema if isinstance(item, Record) else item.record.schema if isinstance(
            item, TextOrRecord) else None
        if nested:
            out |= schema_fields(nested, f"{prefix}{f.name}.")
    return out


def config_fields(fields: list[dict], prefix: str = "") -> set[tuple[str, bool]]:
    out = set()
    for f in fields:
        if f["name"] == "body":
            continue
        out.add((prefix + f["name"], f["required"]))
        out |= config_fields(f.get("fields", []), f"{prefix}{f['name']}.")
    return out


def collection(cfg: dict, name: str) -> dict:
    return next(c for c in cfg["collections"] if c["name"] == name)


@pytest.mark.parametrize(("name", "schema"), [("reviews", REVIEW), ("letters", LETTER),
                                              ("action-plans", ACTION_PLAN), ("pages", PAGE), ("settings", SITE)])
def test_every_content_field_and_nothing_else_with_its_required_flag(name: str, schema: Schema) -> None:
    found = collection(config(SITE_VALUES), name)
    fields = found["files"][0]["fields"] if "files" in found else found["fields"]
    assert config_fields(fields) == schema_fields(schema)


def test_each_field_gets_the_widget_of_its_kind() -> None:
    cfg = config(SITE_VALUES)
    review = {f["name"]: f for f in collection(cfg, "reviews")["fields"]}
    assert review["status"]["widget"] == "select"
    assert [o["value"] for o in review["status"]["options"]] == ["draft", "submitted", "published", "withdrawn"]
    assert review["themes"] == {**review["themes"], "widget": "select", "multiple": True}
    assert [o["value"] for o in review["themes"]["options"]] == SITE_VALUES["themes"]
    assert review["csp"]["widget"] == "select" and "not listed" in review["csp"]["hint"]
    assert review["death"]["pattern"][0] == r"^\d{4}(-\d{2})?$"  # month and year only: never a full date
    assert review["published"]["widget"] == "string"
    document = {f["name"]: f for f in review["documents"]["fields"]}
    assert document["file"]["widget"] == "file" and document["file"]["media_folder"] == ""  # the review's folder
    assert document["kind"]["widget"] == "select"
    letter = {f["name"]: f for f in collection(cfg, "letters")["fields"]}
    assert letter["date"]["widget"] == "datetime" and letter["date"]["time_format"] is False
    assert letter["resubmission"]["widget"] == "boolean"
    recommendation = {f["name"]: f for f in collection(cfg, "action-plans")["fields"][0]["fields"]}
    assert recommendation["scope"]["widget"] == "select"
    assert recommendation["number"]["pattern"][0].endswith("$")  # Python's \Z, in JavaScript's syntax
    action = {f["name"]: f for f in recommendation["actions"]["fields"]}
    assert set(action) == {f.name for f in ACTION_PLAN.fields[0].kind.item.schema.field("actions").kind.item
                           .record.schema.fields}
    assert recommendation["updates"]["widget"] == "list"


def test_a_field_of_a_kind_the_cms_cannot_show_is_refused() -> None:
    with pytest.raises(TypeError, match="no widget for Kind"):
        Widgets({}).kind(Kind())  # a new kind of value: no widget is guessed for it


def test_hostile_names_reach_the_configuration_as_the_same_plain_strings() -> None:
    site = {**SITE_VALUES, "title": "</title><script>x</script>", "themes": HOSTILE, "agencies": HOSTILE,
            "partnerships": [{"name": n} for n in HOSTILE]}
    files = admin_files(site)
    cfg = yaml.safe_load(files["admin/config.yml"])
    review = {f["name"]: f for f in collection(cfg, "reviews")["fields"]}
    assert [o["value"] for o in review["themes"]["options"]] == HOSTILE
    assert [o["label"] for o in review["csp"]["options"]] == HOSTILE
    plan = {f["name"]: f for f in collection(cfg, "action-plans")["fields"][0]["fields"]}
    assert [o["value"] for o in plan["agency"]["options"]] == HOSTILE
    assert b"<script>x" not in files["admin/index.html"]
    assert b"&lt;/title&gt;&lt;script&gt;x&lt;/script&gt;" in files["admin/index.html"]


def test_the_backend_is_the_repository_netlify_builds() -> None:
    assert config({}, "https://github.com/kent-csp/dhr-site", "main")["backend"] == {
        "name": "github", "repo": "kent-csp/dhr-site", "branch": "main"}
    assert config({}, "https://gitlab.com/kent/dhr.git", "live")["backend"]["name"] == "gitlab"
    assert config({}, None, None)["backend"]["repo"] == "owner/repository"  # a local build: a local folder


def test_admin_rules_give_its_own_policy_noindex_and_a_cached_bundle() -> None:
    text = admin_headers("https://github.com/a/b", "SHORT", "LONG")
    assert "/admin/*" not in text  # Netlify's /admin/* would match /administration/ too
    assert text.count("Content-Security-Policy: ") == text.count("X-Robots-Tag: noindex") == 4
    assert f"/admin/cms/{version()}/*\n" in text and "Cache-Control: LONG" in text
    assert "connect-src 'self' blob: data: https://api.github.com" in text


def test_the_vendored_bundle_matches_its_sha256sums() -> None:
    lines = (VENDOR / "SHA256SUMS").read_text().splitlines()
    assert lines[0].startswith(f"# @sveltia/cms {version()} sha512-")
    listed = dict(reversed(line.split("  ", 1)) for line in lines[1:])
    on_disk = {p.relative_to(VENDOR).as_posix() for p in VENDOR.rglob("*") if p.is_file()} - {"SHA256SUMS"}
    assert set(listed) == on_disk
    for name, digest in listed.items():
        assert hashlib.sha256((VENDOR / name).read_bytes()).hexdigest() == digest, name


@pytest.mark.skipif(not (REPO / "node_modules" / ".bin" / "esbuild").exists() or not shutil.which("node"),
                    reason="npm ci has not been run: the bundle cannot be made again to compare")
def test_the_vendored_bundle_is_what_the_pinned_package_makes() -> None:
    run = subprocess.run([sys.executable, str(REPO / "generator" / "cms" / "update_bundle.py"), "--check"],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
