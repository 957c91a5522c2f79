"""End to end: build real content trees into a temporary folder and read the output."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import REPO, SHIPPED_CONTENT, TEMPLATES, TODAY, ContentTree
from sitecheck import all_text, broken_links, snapshot

from generator.build.pipeline import build
from generator.problems import ContentError

SEED_SENTENCES = {
    "salome": ("Kent and Medway Community Safety Partnership", "In 16.2.7 Ahmed is referred to by another name."),
    "safta": ("Kent and Medway Community Safety Partnership", "touching tribute from the victim's stepdaughter"),
    "dhr15": ("Kent Community Safety Partnership", "The Panel felt it would be nice to include condolences"),
    "diana": ("Kent Community Safety Partnership", "small typeface and dense columns of information"),
    "mary": ("Kent Community Safety Partnership", "the loss of weight as a possible indicator of food control"),
}


@pytest.fixture(scope="module")
def shipped_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("built") / "site"
    build(SHIPPED_CONTENT, out, TEMPLATES, base_url="https://dhr.example.org")
    return out


@pytest.mark.parametrize("slug", sorted(SEED_SENTENCES))
def test_each_review_page_carries_its_letter_and_metadata(shipped_site: Path, slug: str) -> None:
    html = (shipped_site / "reviews" / slug / "index.html").read_text()
    csp, sentence = SEED_SENTENCES[slug]
    assert sentence in html
    assert f">{csp}</a>" in html
    assert "Annex: Home Office QA Panel letter" in html
    assert 'id="letter-' in html and 'data-pagefind-body' in html


def test_letter_artefacts_are_mended_and_points_marked_up(shipped_site: Path) -> None:
    html = (shipped_site / "reviews/diana/index.html").read_text()
    assert "<u>" not in html and "Love de" not in html
    assert '<li id="letter-2023-10-18-point-9">' in html
    mary = (shipped_site / "reviews/mary/index.html").read_text()
    assert "<h4>Hannah Buckley</h4>" not in mary and '<li id="letter-2020-01-22-point-12">' in mary


def test_every_internal_link_and_anchor_resolves(shipped_site: Path) -> None:
    assert broken_links(shipped_site) == []


def test_the_site_has_every_spec_page(shipped_site: Path) -> None:
    for path in ("index.html", "reviews/index.html", "search/index.html", "404.html", "about/index.html",
                 "support/index.html", "accessibility/index.html", "themes/index.html", "themes/marac/index.html",
                 "counties/kent/index.html", "partnerships/most-reviews/index.html",
                     "partnerships/kent-community-safety-partnership/index.html",
                     "reviews/mary/documents/sample-overview-report/index.html",
                 "sitemap.xml", "robots.txt", "feed.xml", "reviews.json", "reviews.csv",
                 "pagefind/0/pagefind-component-ui.js", "pagefind/0/pagefind-entry.json"):
        assert (shipped_site / path).is_file(), path


def test_letters_are_annexed_oldest_first(tree: ContentTree, tmp_path: Path) -> None:
    tree.write("reviews/alice/letter-2024-01-05.md", "---\ndate: 2024-01-05\noutcome: resubmit\n---\nFirst letter.\n")
    out = tmp_path / "site"
    build(tree.root, out, TEMPLATES)
    html = (out / "reviews/alice/index.html").read_text()
    assert html.index('id="letter-2024-01-05"') < html.index('id="letter-2024-08-07"')
    assert "May now be published</span>" in html  # the latest outcome is the one summarised


def test_open_data_has_one_row_per_published_review(shipped_site: Path) -> None:
    data = json.loads((shipped_site / "reviews.json").read_text())
    assert data["count"] == 5 and sorted(r["slug"] for r in data["reviews"]) == sorted(SEED_SENTENCES)
    mary = next(r for r in data["reviews"] if r["slug"] == "mary")
    assert mary["url"] == "https://dhr.example.org/reviews/mary/"
    assert mary["letters"][0]["outcome"] == "publish-after-changes"
    assert len(mary["letters"][0]["feedback_points"]) == 12
    rows = list(csv.DictReader(io.StringIO((shipped_site / "reviews.csv").read_text())))
    assert sorted(r["slug"] for r in rows) == sorted(SEED_SENTENCES)
    assert next(r for r in rows if r["slug"] == "diana")["feedback_points"] == "9"


def test_sitemap_and_feed_are_well_formed_with_absolute_links(shipped_site: Path) -> None:
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "a": "http://www.w3.org/2005/Atom"}
    locs = [e.text for e in ET.parse(shipped_site / "sitemap.xml").findall("s:url/s:loc", ns)]
    assert "https://dhr.example.org/reviews/salome/" in locs
    assert all(u.startswith("https://dhr.example.org/") for u in locs)
    entries = ET.parse(shipped_site / "feed.xml").findall("a:entry", ns)
    assert len(entries) == 5
    assert "Sitemap: https://dhr.example.org/sitemap.xml" in (shipped_site / "robots.txt").read_text()


def test_no_page_loads_anything_from_another_origin(shipped_site: Path) -> None:
    for page in shipped_site.rglob("*.html"):
        html = page.read_text()
        assert 'src="http' not in html and "<link rel=\"stylesheet\" href=\"http" not in html, page
        assert "<script>" not in html, page  # no inline scripts


@pytest.mark.parametrize("status", ["draft", "submitted", "withdrawn"])
def test_an_unpublished_review_leaks_into_no_file(shipped_copy, tmp_path: Path, status: str) -> None:
    content = shipped_copy()
    secret = content / "reviews/zz-unpublished-review"
    secret.mkdir()
    (secret / "review.md").write_text(f"---\ntitle: Quillfeather\ncsp: Secretshire Community Safety Partnership\n"
                                      f"status: {status}\nthemes:\n  - stalking\n---\nWombatsummary text.\n")
    (secret / "letter-2024-01-01.md").write_text("---\ndate: 2024-01-01\noutcome: publish\n---\nZebraletter text.\n")
    out = tmp_path / "site"
    build(content, out, TEMPLATES)
    redirects = (out / "_redirects").read_text()  # read by the host, never served
    (out / "_redirects").unlink()
    everything = all_text(out)
    for marker in ("Quillfeather", "Secretshire", "zz-unpublished-review", "Wombatsummary", "Zebraletter", "stalking/"):
        assert marker not in everything, marker
    assert "Salome" in everything
    gone = [line for line in redirects.splitlines() if "zz-unpublished-review" in line]
    assert gone == (["/reviews/zz-unpublished-review/* /gone/ 410", "/reviews/zz-unpublished-review /gone/ 410"]
                    if status == "withdrawn" else [])


def test_a_failed_build_leaves_the_old_site_untouched(tree: ContentTree, tmp_path: Path) -> None:
    out = tmp_path / "site"
    build(tree.root, out, TEMPLATES)
    before = snapshot(out)
    tree.review("title: Alice\nstatus: published\ndeath: 2020-01-02\n")
    with pytest.raises(ContentError) as failure:
        build(tree.root, out, TEMPLATES)
    assert len(failure.value.problems.errors) == 2
    assert snapshot(out) == before
    assert [p.name for p in out.parent.iterdir() if p.name.startswith(".")] == []  # no staging folder left


def test_a_template_error_leaves_the_old_site_untouched(tree: ContentTree, tmp_path: Path) -> None:
    import shutil

    import jinja2

    out, templates = tmp_path / "site", tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    build(tree.root, out, templates)
    before = snapshot(out)
    review = templates / "review.html"
    review.write_text(review.read_text().replace("{{ review.title }}", "{{ review.titel }}", 1))
    with pytest.raises(jinja2.UndefinedError):  # a typo is an error, never a blank
        build(tree.root, out, templates)
    assert snapshot(out) == before


def test_a_template_error_in_a_worker_process_names_the_template_and_line(
        tree: ContentTree, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    import jinja2

    from generator import workers
    from generator.site import renderer
    from generator.site.templating import template_error_place

    monkeypatch.setattr(workers, "PARALLEL_FROM", 1)  # even this small site's pages are made in workers
    monkeypatch.setattr(renderer, "PARALLEL_FROM", 1)
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    review = templates / "review.html"
    lines = review.read_text().splitlines(keepends=True)
    number = next(i for i, line in enumerate(lines, 1) if "{{ review.title }}" in line)
    review.write_text("".join(lines).replace("{{ review.title }}", "{{ review.titel }}", 1))
    with pytest.raises(jinja2.UndefinedError) as failure:
        build(tree.root, tmp_path / "site", templates)
    assert template_error_place(failure.value) == f"{review}:{number}"
    assert not (tmp_path / "site").exists()


def test_local_documents_are_copied_and_sized(tree: ContentTree, tmp_path: Path) -> None:
    out = tmp_path / "site"
    build(tree.root, out, TEMPLATES)
    assert (out / "reviews/alice/report.pdf").read_bytes() == (REPO / "tests/fixtures/report.pdf").read_bytes()
    html = (out / "reviews/alice/index.html").read_text()
    assert '<a href="report.pdf">Overview report</a>' in html and "Report, PDF, 2 KB, 1 page</span>" in html
    assert '<span class="documents__meta">Accessible text, no warnings</span>' in html


def _dhr(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd, capture_output=True, text=True)


def test_the_command_loads_without_the_collector_then_runs_with_it(tmp_path: Path) -> None:
    """`dhr` (generator.__main__.run) loads its modules with the cyclic collector off, freezes what they made, and
    runs the command with the collector on."""
    probe = ("import gc, sys\nfrom generator.__main__ import run\nsys.argv = ['dhr', 'fields']\ncode = run()\n"
             "print(code, gc.isenabled(), gc.get_freeze_count() > 1000, file=sys.stderr)")
    result = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True)
    assert result.stderr.split() == ["0", "True", "True"] and "title" in result.stdout


def test_cli_check_reports_every_problem_and_exits_1(tree: ContentTree) -> None:
    tree.review("title: Alice\ncsp: X\nstatus: published\ntittle: y\ndeath: 2020-01-02\n")
    result = _dhr("check", "--content", str(tree.root))
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert any(line.endswith("review.md:5: tittle: unknown field; did you mean 'title'?") for line in lines)
    assert any("review.md:6: death: a full date of death is refused" in line for line in lines)
    assert lines[-1] == "dhr: stopped: 2 error(s) in the content; nothing was written"


def test_cli_strict_fails_on_warnings(tree: ContentTree) -> None:
    tree.review("title: Alice\ncsp: X\nstatus: published\n")
    assert _dhr("check", "--content", str(tree.root)).returncode == 0
    result = _dhr("check", "--content", str(tree.root), "--strict")
    assert result.returncode == 1 and "2 warning(s) (--strict)" in result.stderr


def test_cli_build_and_help(tree: ContentTree, tmp_path: Path) -> None:
    result = _dhr("build", "--content", str(tree.root), "--out", str(tmp_path / "out"), "--no-search")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Built 1 reviews, 1 letters:")
    assert (tmp_path / "out/reviews/alice/index.html").is_file()
    for command in ("build", "check", "fields"):
        assert _dhr(command, "--help").returncode == 0


def test_cli_fields_documents_every_field() -> None:
    from generator.content import schema

    text = _dhr("fields").stdout
    for spec in schema.SCHEMAS:
        assert f"## {spec.name}" in text
        for field in spec.fields:
            assert f"| {field.name} | {'yes' if field.required else 'no'} | {field.kind.label} | {field.doc} |" in text


def test_cli_template_errors_name_the_template_and_line(tree: ContentTree, tmp_path: Path) -> None:
    import shutil

    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    review = templates / "review.html"
    lines = review.read_text().splitlines(keepends=True)
    number = next(i for i, line in enumerate(lines, 1) if "{{ review.title }}" in line)
    review.write_text("".join(lines).replace("{{ review.title }}", "{{ review.titel }}", 1))
    result = _dhr("build", "--content", str(tree.root), "--out", str(tmp_path / "out"), "--templates", str(templates),
                  "--no-cache")
    assert result.returncode == 1
    assert result.stderr.strip() == (f"{review}:{number}: template: 'generator.site.model.Review object' has no "
                                     "attribute 'titel'; fix the template")
    assert not (tmp_path / "out").exists()


def test_the_all_reviews_list_is_paginated_and_grouped(tree: ContentTree, tmp_path: Path) -> None:
    for number in range(1, 206):
        slug = f"r{number:03d}"
        documents = (f"documents:\n  - title: Report\n    kind: report\n    url: https://example.org/{slug}.pdf\n"
                     f"  - title: Plan\n    kind: action-plan\n    url: https://example.org/{slug}-plan.pdf\n")
        tree.review(f"title: R{number:03d}\ncsp: Test\nstatus: published\npublished: {2000 + number % 20}-01-01\n"
                    + documents, slug=slug)
        tree.write(f"reviews/{slug}/letter-2020-01-01.md", "---\ndate: 2020-01-01\noutcome: publish\n---\nText.\n")
    out = tmp_path / "site"
    build(tree.root, out, TEMPLATES)
    first, last = (out / "reviews/index.html").read_text(), (out / "reviews/page/3/index.html").read_text()
    assert first.count('class="review-list__title"') == 100 and last.count('class="review-list__title"') == 6
    assert not (out / "reviews/page/4").exists() and not (out / "reviews/page/1").exists()
    assert 'href="/reviews/page/2/" rel="next">' in first and 'href="/reviews/page/2/" rel="prev">' in last
    assert '<h2 id="year-2019">2019 <span class="count">(10 reviews)</span></h2>' in first
    assert broken_links(out) == []
    listed = json.loads((out / "reviews/list.json").read_text())["reviews"]
    assert len(listed) == 206 and listed[0].keys() == {"url", "title", "csp", "region", "county", "year",
                                                      "date", "death", "dates", "outcome", "themes"}
    # every list is paged alike: a partnership's, and a year's
    group = [(out / "partnerships/test" / page / "index.html").read_text() for page in ("", "page/2", "page/3")]
    assert [g.count('class="review-list__title"') for g in group] == [100, 100, 6]
    assert '<p id="list-intro">101&ndash;200 of 206 published reviews, newest first.</p>' in group[1]
    assert 'href="/partnerships/test/page/3/" rel="next">' in group[1]
    assert "<title>Test (page 2 of 3) - " in group[1]
    assert not (out / "partnerships/test/page/4").exists()


def test_withdrawn_reviews_are_gone_and_renamed_ones_move(tree: ContentTree, tmp_path: Path) -> None:
    tree.review("title: Wilma\ncsp: Test\nstatus: withdrawn\n", slug="wilma")
    review = tree.root / "reviews/alice/review.md"
    review.write_text(review.read_text().replace("status: published\n", "status: published\naliases:\n  - alice-old\n"))
    out = tmp_path / "site"
    build(tree.root, out, TEMPLATES, search=False)
    assert (out / "_redirects").read_text().splitlines() == [
        "# Written by dhr build.",
        "/reviews/alice-old/ /reviews/alice/ 301", "/reviews/alice-old /reviews/alice/ 301",
        "/reviews/wilma/* /gone/ 410", "/reviews/wilma /gone/ 410",
    ]
    gone = (out / "gone/index.html").read_text()
    assert "This review is no longer published" in gone and "Wilma" not in gone
    assert not (out / "reviews/wilma").exists()
    assert "/gone/" not in (out / "sitemap.xml").read_text()


def test_a_site_with_nothing_published_builds_with_search_and_says_so(tree: ContentTree, tmp_path: Path) -> None:
    review = tree.root / "reviews/alice/review.md"
    review.write_text(review.read_text().replace("status: published", "status: draft"))
    out = tmp_path / "site"
    build(tree.root, out, TEMPLATES, today=TODAY)  # no shard has a page: Pagefind is not asked to index nothing
    search = (out / "search/index.html").read_text()
    assert "Nothing has been published to search yet." in search and "pagefind-config" not in search
    assert not (out / "pagefind").exists()


def test_a_build_run_from_another_folder_uses_the_templates_shipped_beside_the_package(tmp_path: Path) -> None:
    """With no ./templates where it runs, `dhr build` takes the project's own (found from the package, which
    moved into sub-packages: once it looked in the wrong folder)."""
    result = subprocess.run([sys.executable, "-m", "generator", "build", "--content", str(SHIPPED_CONTENT), "--out",
                             str(tmp_path / "site"), "--no-cache"], cwd=tmp_path, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "site/reviews/salome/index.html").is_file()
