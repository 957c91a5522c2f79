"""The document checks in the build: a published review's PDF and Word files read once for their bytes, what the
checks find reported as content problems (a failed redaction stops the build unless acknowledged), the review page
saying what each file is, and each file's text published page by page and indexed."""

from __future__ import annotations

import gzip
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from conftest import REVIEW_MD, TEMPLATES, TODAY, ContentTree, chromium_page
from markupsafe import escape
from pdf_files import document, width
from report_files import NAME, PARAGRAPHS, clean_report, typed, word_report
from static_server import serve
from test_browser import WCAG_TAGS

from generator.build import documents as build_documents
from generator.build.pipeline import Builder, BuildResult, check
from generator.content import schema
from generator.documents import CHECKS, DocumentFacts, inspect
from generator.output import cache
from generator.problems import ContentError

FILE_LINE = REVIEW_MD.split("\n").index("    file: report.pdf") + 1
LISTED = "    file: report.pdf\n"


def boxed() -> bytes:
    """A report whose second line names someone, "redacted" by a black rectangle drawn over the name."""
    left = 57 + width("Seen at home: ")
    return document([f"BT /F1 11 Tf 57 700 Td ({PARAGRAPHS[0][:70]}) Tj 0 -14 Td (Seen at home: {NAME}.) Tj ET\n"
                     f"0 g {left - 1:.1f} 682 {width(NAME) + 2:.1f} 16 re f".encode()])


def pages(*texts: str) -> bytes:
    """A PDF of a page for each text, set as plain lines (no title, language or tags)."""
    return document([f"BT /F1 11 Tf 57 700 Td ({text}) Tj ET".encode() for text in texts])


@pytest.fixture
def read(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Every file the build's document checks read, in order (the reading itself is the real one)."""
    seen: list[Path] = []

    def counted(path: Path) -> DocumentFacts:
        seen.append(path)
        return inspect(path)

    monkeypatch.setattr(build_documents, "inspect", counted)
    return seen


def build(tree: ContentTree, tmp_path: Path, strict: bool = False, search: bool = False,
          say: Callable[[str], None] = print) -> BuildResult:
    """A `dhr build` with the build cache, as each run of the command restores it."""
    return Builder(tree.root, TEMPLATES, tmp_path / "site", strict=strict, search=search,
                   cache_dir=tmp_path / "cache", today=TODAY, say=say).run()


def listing(extra: str, front_matter: str = REVIEW_MD) -> str:
    """Alice's review.md front matter (without its opening '---'), with `extra` under her report's entry."""
    return front_matter.removeprefix("---\n").split("---\n")[0].replace(LISTED, LISTED + extra)


def relative(tree: ContentTree, text: str) -> str:
    return text.replace(os.path.relpath(tree.root) + os.sep, "")


def files(site: Path) -> dict[str, bytes]:
    """Every file of a built site, by its path."""
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def test_a_name_under_a_black_box_stops_the_build_at_the_line_that_lists_it_until_acknowledged(
        tree: ContentTree, tmp_path: Path) -> None:
    tree.write("reviews/alice/report.pdf", boxed())
    with pytest.raises(ContentError) as stopped:
        build(tree, tmp_path)
    [error] = stopped.value.problems.errors
    assert relative(tree, str(error)).startswith(
        f"reviews/alice/review.md:{FILE_LINE}: documents.file: report.pdf, page 1: the text '{NAME}")
    assert not (tmp_path / "site").exists()
    checked = subprocess.run([sys.executable, "-m", "generator", "check", "--content", str(tree.root)],
                             capture_output=True, text=True)
    assert checked.returncode == 1 and str(error) in checked.stderr  # dhr check finds it too

    # The fix says what to write: the acknowledgement, with the text quoted, is valid YAML that lets it through.
    advice = re.search(r"acknowledge: (\[\{check: redaction, text: .*?, reason: why it may stay\}\])", error.fix)
    assert advice, error.fix
    [entry] = yaml.safe_load(advice.group(1))
    assert entry["text"].startswith(NAME)
    tree.review(listing(f"    acknowledge: [{{check: redaction, text: {json.dumps(entry['text'])}, "
                        "reason: the box covers a logo of the same width}]\n"))
    result = build(tree, tmp_path)
    assert not result.problems.errors
    assert not [p for p in result.problems.warnings if "redaction" in p.message + p.fix]
    assert (tmp_path / "site/reviews/alice/report.pdf").read_bytes() == boxed()


def test_acknowledgements_are_checked_and_one_that_names_nothing_is_a_warning(tree: ContentTree,
                                                                              tmp_path: Path) -> None:
    tree.write("reviews/alice/report.pdf", typed("The panel met in March.", "Call 020 7946 0958 for help."))
    tree.review(listing("    acknowledge:\n      - {check: redaction, reason: none was made}\n"
                        "      - {check: metadata, text: Jo Bloggs, reason: an old author}\n"
                        "      - {check: pattern, text: 020 7946 0958, reason: a helpline's number}\n"
                        "      - {check: untagged, reason: made before tagging}\n"))
    content = os.path.relpath(tree.root) + os.sep
    with pytest.raises(ContentError) as stopped:
        check(tree.root)
    found = [str(p).removeprefix(content) for p in stopped.value.problems.errors + stopped.value.problems.warnings]
    assert found[0] == (f"reviews/alice/review.md:{FILE_LINE + 2}: documents.acknowledge: an acknowledgement of "
                        "redaction needs the text it accepts; add text: with the exact text the check quotes")
    assert f"reviews/alice/review.md:{FILE_LINE + 3}: warning: documents.acknowledge: report.pdf: the " \
           "acknowledgement of metadata 'Jo Bloggs' matches nothing the checks found; remove it, or give the exact " \
           "text quoted" in found
    left = [line for line in found if "documents.file" in line]
    assert not [line for line in left if "020 7946" in line or "untagged" in line]  # both acknowledged
    assert [line.split(": ")[3] for line in left] == ["report.pdf, metadata", "report.pdf, metadata"]  # title, language

    tree.review(listing("    acknowledge: [{check: no-title, reason: a title}]\n").replace(
        "    file: report.pdf\n", "    url: https://example.org/report.pdf\n"))
    assert f"reviews/alice/review.md:{FILE_LINE + 1}: documents.acknowledge: 'Overview report' is not checked: only " \
           "a file in the review's folder is; remove acknowledge, or give the document as file:" in tree.problems()


def test_a_pattern_the_review_acknowledges_in_its_own_front_matter_is_accepted_in_its_documents(
        tree: ContentTree, tmp_path: Path) -> None:
    tree.write("reviews/alice/report.pdf", typed("Write to 2 Marsham Street, London SW1P 4DF."))
    warned = [p.message for p in build(tree, tmp_path).problems.warnings]
    assert "report.pdf, page 1: 'SW1P 4DF' looks like a postcode, which could identify people" in warned
    tree.review(listing("", REVIEW_MD.replace(
        "themes:", "acknowledge: [{text: SW1P 4DF, reason: the Home Office's own address}]\nthemes:")))
    assert not [m for m in (p.message for p in build(tree, tmp_path).problems.warnings) if "SW1P" in m]


def test_a_word_report_with_tracked_changes_warns_and_fails_with_strict(tree: ContentTree, tmp_path: Path) -> None:
    tree.write("reviews/alice/report.docx", word_report(tracked=True))
    tree.review(listing("").replace("file: report.pdf", "file: report.docx"))
    warned = [relative(tree, str(p)) for p in build(tree, tmp_path).problems.warnings]
    tracked = [line for line in warned if "tracked change" in line]
    assert tracked and all(line.startswith(f"reviews/alice/review.md:{FILE_LINE}: warning: documents.file: "
                                           "report.docx, paragraph ") for line in tracked)
    assert any(NAME in line for line in tracked)  # the deleted text is quoted, so the author sees what is left
    with pytest.raises(ContentError) as stopped:
        build(tree, tmp_path / "strict", strict=True)
    assert [p for p in stopped.value.problems.warnings if "tracked change" in p.message]


def test_an_unchanged_report_is_read_once_and_a_changed_one_again(tree: ContentTree, tmp_path: Path,
                                                                  read: list[Path]) -> None:
    report = tree.write("reviews/alice/report.pdf", typed("The panel met in March."))
    first = build(tree, tmp_path).problems.items
    assert read == [report]
    tree.review(listing(""), body="A summary, edited.\n")  # the record is made again; the report is not read
    assert build(tree, tmp_path).problems.items == first
    assert "A summary, edited." in (tmp_path / "site/reviews/alice/index.html").read_text()
    assert read == [report]
    tree.write("reviews/alice/report.pdf", typed("The panel met in April."))
    build(tree, tmp_path)
    assert read == [report, report]
    assert "met in April" in (tmp_path / "site/reviews/alice/documents/report/index.html").read_text()
    Builder(tree.root, TEMPLATES, tmp_path / "clean", today=TODAY, search=False).run()  # no cache
    assert files(tmp_path / "site") == files(tmp_path / "clean")



def test_dhr_serve_reads_a_report_saved_again_and_shows_its_new_text(tree: ContentTree, tmp_path: Path,
                                                                     read: list[Path]) -> None:
    report = tree.write("reviews/alice/report.pdf", typed("The panel met in March."))
    server = Builder(tree.root, TEMPLATES, tmp_path / "site", search=False, today=TODAY)  # as dhr serve keeps one
    server.run(staged=False)
    tree.write("reviews/alice/report.pdf", typed("The panel met in May."))
    server.run(staged=False, edited={report})
    assert read == [report, report]
    assert "met in May" in (tmp_path / "site/reviews/alice/documents/report/index.html").read_text()
    tree.review(listing(""), body="A summary, edited.\n")
    server.run(staged=False, edited={tree.root / "reviews/alice/review.md"})
    assert read == [report, report]  # recalled from the store kept in memory


def test_facts_whose_stored_bytes_are_damaged_are_read_again(tree: ContentTree, tmp_path: Path,
                                                              read: list[Path]) -> None:
    tree.write("reviews/alice/report.pdf", typed("The panel met in March."))
    build(tree, tmp_path)
    [state] = (tmp_path / "cache").glob("build-*.pickle")
    saved = cache.load(state)
    assert saved is not None
    [(pack, offset, length, _)] = [entry for key, entry in saved["store"].items() if key.startswith(b"document\0")]
    packs = cache.store_folder(state)
    data = bytearray((packs / pack).read_bytes())
    data[offset + length // 2] ^= 0xFF
    (packs / pack).write_bytes(data)
    tree.review(listing(""), body="A summary, edited.\n")
    said: list[str] = []
    result = build(tree, tmp_path, say=said.append)
    assert len(read) == 2 and not result.problems.errors
    assert said == ["warning: damaged compiled templates or stored values in the build cache were dropped and made "
                    "again"]
    assert "met in March" in (tmp_path / "site/reviews/alice/documents/report/index.html").read_text()


def test_drafts_documents_are_never_read_published_nor_indexed(tree: ContentTree, tmp_path: Path,
                                                               read: list[Path]) -> None:
    tree.write("reviews/alice/report.pdf", typed("The panel met in March."))
    draft = REVIEW_MD.replace("title: Alice", "title: Bob").replace("status: published", "status: draft")
    tree.write("reviews/bob/review.md", draft)
    tree.write("reviews/bob/report.pdf", boxed())  # it would stop the build, were it read
    result = build(tree, tmp_path, search=True)
    assert read == [tree.root / "reviews/alice/report.pdf"]
    assert not result.problems.errors
    assert not (tmp_path / "site/reviews/bob").exists()
    indexed = b"".join(p.read_bytes() for p in (tmp_path / "site/pagefind").rglob("*") if p.is_file())
    assert b"/reviews/bob/" not in indexed
    check(tree.root)
    assert tree.root / "reviews/bob/report.pdf" not in read


def test_the_review_page_says_each_files_kind_size_pages_and_what_the_checks_found(tree: ContentTree,
                                                                                  tmp_path: Path) -> None:
    tree.write("reviews/alice/report.pdf", pages("First page.", "Second page.", "Third page."))
    tree.write("reviews/alice/scan.pdf", document([b"0.4 g 60 80 470 680 re f"]))
    tree.review(listing("  - title: Scanned annex\n    kind: other\n    file: scan.pdf\n"))
    build(tree, tmp_path)
    page = (tmp_path / "site/reviews/alice/index.html").read_text()
    size = (tree.root / "reviews/alice/report.pdf").stat().st_size
    assert f"Report, PDF, {round(size / 1000)} KB, 3 pages</span>" in page or f"Report, PDF, {size} bytes, 3 pages" \
        in page
    assert "No document title; no language set; not tagged for screen readers</span>" in page
    assert '<a href="documents/report/">Read it as text, page by page<span class="visually-hidden">: Overview report' \
        '</span></a>' in page
    assert "No text layer (a scanned document)" in page
    assert "documents/scan/" not in page and not (tmp_path / "site/reviews/alice/documents/scan").exists()
    assert "Action plan</a>\n    <span class=\"documents__meta\">Action plan, on another website</span>\n  </li>" \
        in page  # a link elsewhere is not checked
    data = json.loads((tmp_path / "site/reviews.json").read_text())
    report, scan, plan = data["reviews"][0]["documents"]
    assert (report["pages"], report["status"], report["text_url"]) == (
        3, "No document title; no language set; not tagged for screen readers",
        "http://localhost:8000/reviews/alice/documents/report/")
    assert (plan["pages"], plan["status"], plan["text_url"]) == (None, None, None)
    assert (scan["pages"], scan["text_url"]) == (1, None)


def test_the_text_version_has_a_section_a_page_links_to_each_and_is_indexed_with_the_reviews_filters(
        tree: ContentTree, tmp_path: Path) -> None:
    tree.write("reviews/alice/report.pdf", pages("The panel met in March.", "Agencies shared wombat notes.",
                                                 "The end."))
    build(tree, tmp_path, search=True)
    text = (tmp_path / "site/reviews/alice/documents/report/index.html").read_text()
    assert '<h2 id="page-2">Page 2</h2>' in text and "<p>Agencies shared wombat notes.</p>" in text
    assert '<a href="/reviews/alice/report.pdf#page=2">Page 2 in the PDF</a>' in text
    assert 'data-pagefind-filter="kind:Report"' in text and 'data-pagefind-filter="theme">coercive control' in text
    assert '<span data-pagefind-meta="title">Overview report, Alice</span>' in text
    fragments = [json.loads(gzip.decompress(f.read_bytes()).removeprefix(b"pagefind_dcd"))
                 for f in (tmp_path / "site/pagefind").glob("*/fragment/*")]
    [found] = [f for f in fragments if f["url"] == "/reviews/alice/documents/report/"]
    assert "wombat" in found["content"] and found["meta"]["title"] == "Overview report, Alice"
    assert found["filters"]["kind"] == ["Report"] and found["filters"]["theme"] == ["coercive control"]
    assert [anchor["id"] for anchor in found["anchors"] if anchor["id"].startswith("page-")] == \
        ["page-1", "page-2", "page-3"]
    assert "/reviews/alice/documents/report/" in (tmp_path / "site/sitemap.xml").read_text()


def test_hostile_text_in_a_report_is_published_as_text_never_as_markup(tree: ContentTree, tmp_path: Path) -> None:
    tree.write("reviews/alice/report.pdf", pages("<script>alert(1)</script> \\(a\\) \x07bell", "<img src=x>"))
    result = build(tree, tmp_path)
    text = (tmp_path / "site/reviews/alice/documents/report/index.html").read_text()
    assert "<script>alert" not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "<img src=x>" not in text and "\x07" not in text
    assert all("\x07" not in str(p) for p in result.problems.items)


def test_a_listed_file_outside_the_folder_is_never_read(tree: ContentTree, tmp_path: Path, read: list[Path]) -> None:
    outside = tmp_path / "elsewhere.pdf"
    outside.write_bytes(boxed())
    (tree.root / "reviews/alice/report.pdf").unlink()
    (tree.root / "reviews/alice/report.pdf").symlink_to(outside)
    with pytest.raises(ContentError) as stopped:
        build(tree, tmp_path)
    assert [p.field for p in stopped.value.problems.errors] == ["documents.file"]
    assert "is outside the review's folder" in stopped.value.problems.errors[0].message
    assert read == []


def test_every_check_can_be_acknowledged_by_its_name_in_the_content_model() -> None:
    assert list(schema.DOCUMENT_CHECKS) == list(CHECKS)
    assert schema.DOCUMENT.field("acknowledge").kind.item.schema is schema.DOCUMENT_ACKNOWLEDGEMENT  # type: ignore[attr-defined]


@pytest.mark.browser
def test_a_report_printed_as_partnerships_print_them_passes_and_is_found_by_a_search_at_its_page(
        tree: ContentTree, tmp_path: Path) -> None:
    from axe_playwright_python.sync_playwright import Axe

    with chromium_page() as browser:
        tree.write("reviews/alice/report.pdf", clean_report(browser))
        result = build(tree, tmp_path, search=True)
        assert not [p for p in result.problems.items if "report.pdf" in p.message]
        page = (tmp_path / "site/reviews/alice/index.html").read_text()
        assert "1 page</span>\n    <span class=\"documents__meta\">Accessible text, no warnings</span>" in page
        text = (tmp_path / "site/reviews/alice/documents/report/index.html").read_text()
        assert escape(PARAGRAPHS[1]) in text
        with serve(tmp_path / "site") as base:
            browser.goto(f"{base}/reviews/alice/documents/report/")
            results = Axe().run(browser, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
            assert results.response["violations"] == [] and len(results.response["passes"]) >= 15
            browser.goto(f"{base}/404.html")  # Pagefind's own API, all shards merged: what any search page asks
            found = browser.evaluate("""async (shards) => {
              const pagefind = await import(shards[0] + "pagefind.js");
              for (const shard of shards.slice(1)) await pagefind.mergeIndex(shard);
              const search = await pagefind.search("inconsistently");
              const pages = await Promise.all(search.results.map((result) => result.data()));
              return pages.map((page) => [page.url, page.meta.title, page.sub_results.map((sub) => sub.url)]);
            }""", [f"/{p.relative_to(tmp_path / 'site').as_posix()}/"
                   for p in sorted((tmp_path / "site/pagefind").iterdir()) if p.is_dir()])
    assert found == [["/reviews/alice/documents/report/", "Overview report, Alice",
                      ["/reviews/alice/documents/report/#page-1"]]]  # a word only the report holds
