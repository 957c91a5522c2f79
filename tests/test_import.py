"""`dhr import`: the five seed letters as PDF, Word, a council's web page and text, an action plan as Word, Excel
and CSV, and hostile files; each imported as an officer would, and compared with what the site ships."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import shutil
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from conftest import REPO, SHIPPED_CONTENT, ContentTree, chromium_page
from letter_files import (
    PLAN_ROWS,
    Seed,
    council_page,
    letter_docx,
    letter_html,
    letter_pdf,
    letter_txt,
    plan_document,
    plan_workbook,
    seeds,
)

from generator.content.load import parse_markdown_file
from generator.importers.blocks import FileError
from generator.importers.pdf import read_pdf
from generator.importers.word import read_word
from generator.problems import Problems
from generator.site import markup

SEEDS = seeds()


# Runs a command and prints, last, the peak memory of it and its children (in KB), measured apart from this
# process's other children (a browser or a build earlier in the session).
MEASURED = ("import resource, subprocess, sys; code = subprocess.run(sys.argv[1:]).returncode; "
            "print('peak', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); sys.exit(code)")


def dhr(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=REPO, capture_output=True, text=stdin is None,
                          input=stdin, timeout=120)


@pytest.fixture(scope="module")
def pdfs() -> Iterator[dict[str, bytes]]:
    """Each seed letter printed to PDF by Debian's Chromium (skipped, with the reason, where it is missing)."""
    with chromium_page() as page:
        made = {seed.slug: letter_pdf(seed, page) for seed in SEEDS}
        made["mary, numbered"] = letter_pdf(SEEDS[4], page, numbered=True)
    yield made


def _shipped(slug: str) -> tuple[dict[str, str], list[str]]:
    """The shipped letter's front matter lines and its feedback points' texts."""
    [path] = (SHIPPED_CONTENT / "reviews" / slug).glob("letter-*.md")
    return _read(path.read_bytes())


def _read(data: bytes) -> tuple[dict[str, str], list[str]]:
    source = parse_markdown_file(Path("letter.md"), data, Problems())
    assert source.meta is not None
    front = {key: entry.value.text for key, entry in source.meta.entries.items()}  # type: ignore[union-attr]
    points = [" ".join(p.text.split()) for p in markup.render(source.body, anchor_prefix="letter").points]
    return front, points


def _imported(tmp_path: Path, seed: Seed, name: str, data: bytes) -> tuple[str, tuple[dict[str, str], list[str]]]:
    content = tmp_path / "content"
    if not content.exists():
        shutil.copytree(SHIPPED_CONTENT, content)
    for old in (content / "reviews" / seed.slug).glob("letter-*.md"):
        old.unlink()
    (tmp_path / name).write_bytes(data)
    result = dhr("import", "letter", str(tmp_path / name), "--review", seed.slug, "--content", str(content))
    assert result.returncode == 0, result.stderr
    [written] = (content / "reviews" / seed.slug).glob("letter-*.md")
    return result.stderr, _read(written.read_bytes())


FIELDS = ("date", "panel_date", "outcome", "resubmission")


@pytest.mark.parametrize("seed", SEEDS, ids=[s.slug for s in SEEDS])
@pytest.mark.parametrize("kind", [pytest.param("pdf", marks=pytest.mark.browser), "docx", "html", "txt"])
def test_each_seed_letter_in_each_format_gives_the_shipped_dates_outcome_and_points(
        tmp_path: Path, seed: Seed, kind: str, request: pytest.FixtureRequest) -> None:
    if kind == "pdf":
        data = request.getfixturevalue("pdfs")[seed.slug]
    else:
        data = {"docx": letter_docx, "html": council_page, "txt": letter_txt}[kind](seed)
    said, (front, points) = _imported(tmp_path, seed, f"letter.{kind}", data)
    shipped_front, shipped_points = _shipped(seed.slug)
    assert {k: front.get(k) for k in FIELDS} == {k: shipped_front.get(k) for k in FIELDS}
    assert points == shipped_points
    assert f"outcome: {front['outcome']}, read from: " in said  # the sentence it was read from is shown
    assert "not found" not in said


def test_a_numbered_list_in_a_pdf_gives_the_same_points(pdfs: dict[str, bytes], tmp_path: Path) -> None:
    """Chromium prints an ordered list's numbers as text, where a bulleted list's dots are drawn."""
    seed = SEEDS[4]  # Mary: twelve points
    _, (front, points) = _imported(tmp_path, seed, "numbered.pdf", pdfs["mary, numbered"])
    assert points == _shipped(seed.slug)[1] and len(points) == 12
    assert front["outcome"] == "publish-after-changes"


def test_the_pdf_loses_its_running_footer_and_page_numbers_and_mends_its_lines(pdfs: dict[str, bytes]) -> None:
    blocks = read_pdf(pdfs["diana"])
    text = "\n".join(b.text for b in blocks)
    assert "Page 1 of" not in text and "Page 2 of" not in text
    assert all("  " not in b.text for b in blocks)
    shipped = (SHIPPED_CONTENT / "reviews/diana/letter-2023-10-18.md").read_text()
    paragraphs = [b.text for b in blocks if b.kind == "p" and len(b.text) > 200]
    assert paragraphs and all(p in shipped for p in paragraphs)  # whole paragraphs, as one line each


def test_a_council_web_page_gives_the_letter_without_its_furniture(tmp_path: Path) -> None:
    _, (front, _) = _imported(tmp_path, SEEDS[0], "page.html", council_page(SEEDS[0]))
    [written] = (tmp_path / "content/reviews/salome").glob("letter-*.md")
    text = written.read_text()
    for furniture in ("alert", "cookie", "Community safety", "logo", "Cookies. Accessibility", "Kent County Council -"):
        assert furniture not in text
    # the letter's lines as it sets them, never joined with commas
    assert front["from"] == "Home Office\nInterpersonal Abuse Unit\n2 Marsham Street\nLondon SW1P 4DF"
    assert front["to"] == "Cllr Clair Bell\nKent County Council\nSessions House\nCounty Hall\nMaidstone ME14 1XQ"


def test_a_letter_pasted_from_an_email_is_read_from_standard_input(tree: ContentTree) -> None:
    text = "\n\n".join(["Dear Chair,", "The report was considered at the QA Panel meeting on 3rd March 2025.",
                        "The Home Office is content that on completion of these changes, the DHR may be published.",
                        "Areas for final development:", "- Add the month of death.\n- Proofread the report.",
                        "Yours sincerely,", "Home Office DHR Quality Assurance Panel"])
    result = dhr("import", "letter", "--from-stdin", "--review", "alice", "--date", "2025-04-01", "--content",
                 str(tree.root), stdin=text.encode())
    assert result.returncode == 0, result.stderr
    written = (tree.root / "reviews/alice/letter-2025-04-01.md").read_text()
    assert "panel_date: 2025-03-03\noutcome: publish-after-changes\n" in written
    assert b"not found: from" in result.stderr and b"not found: to" in result.stderr
    assert "# from: the sending unit (not found in the letter: fill it in, or remove this line)" in written
    assert tree.problems() == []  # what it could not find is commented out: the file passes dhr check


def test_nothing_is_guessed_a_dry_run_writes_nothing_and_nothing_is_overwritten(tree: ContentTree) -> None:
    (tree.root.parent / "vague.txt").write_text("7 May 2025\n\nDear Chair,\n\nThank you for the report. We will "
                                                "write again.\n\nYours sincerely,\n\nA. Person\n")
    dry = dhr("import", "letter", str(tree.root.parent / "vague.txt"), "--review", "alice", "--dry-run",
              "--content", str(tree.root))
    assert dry.returncode == 0 and "# outcome: publish, publish-after-changes or resubmit" in dry.stdout
    assert "not found: outcome" in dry.stderr and "not found: panel_date" in dry.stderr
    assert not (tree.root / "reviews/alice/letter-2025-05-07.md").exists()
    assert dhr("import", "letter", str(tree.root.parent / "vague.txt"), "--review", "alice", "--content",
               str(tree.root)).returncode == 0
    assert [p.split(": ", 2)[1:] for p in tree.problems()] == [
        ["outcome", "this required field is missing or empty; add 'outcome: publish-after-changes'"]]
    before = (tree.root / "reviews/alice/letter-2025-05-07.md").read_bytes()
    again = dhr("import", "letter", str(tree.root.parent / "vague.txt"), "--review", "alice", "--content",
                str(tree.root))
    assert again.returncode == 1 and "already exists, and is never replaced" in again.stderr
    assert (tree.root / "reviews/alice/letter-2025-05-07.md").read_bytes() == before
    assert dhr("import", "letter", str(tree.root.parent / "vague.txt"), "--review", "nobody", "--content",
               str(tree.root)).stderr.startswith("dhr import: there is no review folder named 'nobody'")


def _plan(tree: ContentTree, name: str, data: bytes) -> subprocess.CompletedProcess[str]:
    (tree.root.parent / name).write_bytes(data)
    return dhr("import", "action-plan", str(tree.root.parent / name), "--review", "alice", "--content", str(tree.root))


@pytest.mark.parametrize("name", ["plan.xlsx", "plan.docx", "plan.csv"])
def test_an_action_plan_table_becomes_action_plan_yaml(tree: ContentTree, name: str) -> None:
    if name == "plan.csv":
        import csv

        out = io.StringIO()
        csv.writer(out).writerows([["Rec No.", "Recommendation", "Agency", "Action", "Lead Officer", "Target Date",
                                    "Progress/RAG", "Progress update", "Notes for the board"], *PLAN_ROWS])
        data = out.getvalue().encode("cp1252")  # as Excel saves CSV on Windows
    else:
        data = plan_workbook() if name == "plan.xlsx" else plan_document()
    result = _plan(tree, name, data)
    assert result.returncode == 0, result.stderr
    said = result.stderr
    assert "'Notes for the board'" in said and "was not imported" in said
    assert "status 'Green' (RAG) read as complete" in said and "status 'Amber' (RAG) read as in-progress" in said
    assert "agency 'Test Cownty Council' is not in site.yaml's list of agencies: did you mean 'Test County " \
           "Council'?" in said
    assert "target 'June 2026' read as its last day, 2026-06-30" in said
    assert "3 recommendations, 5 actions read" in said
    plan = yaml.safe_load((tree.root / "reviews/alice/action-plan.yaml").read_text())
    recs = plan["recommendations"]
    assert [r["number"] for r in recs] == ["1", "2", "3"]  # recommendation 1's two rows (merged) are one
    texts = [a if isinstance(a, str) else a["text"] for a in recs[0]["actions"]]
    assert texts == ["Audit referrals from 2023", "Train call handlers on repeat-victim flags"]
    assert recs[0]["actions"][0]["updates"] == [{"date": dt.date(2025, 2, 12),
                                                 "text": "Audit completed and reported to the board"}]
    assert recs[1]["actions"] == [{"text": "Agree an information-sharing protocol"},  # records, as the CMS edits
                                  {"text": "Publish it to practitioners"}]
    assert recs[1]["updates"] == [{"text": "Draft protocol circulated"}]  # its date left to fill in
    problems = tree.problems()  # exactly what is left to fill in: nothing is guessed
    fields = sorted({p.split(": ", 2)[1] for p in problems})
    assert fields == ["recommendations.agency", "recommendations.completed", "recommendations.scope",
                      "recommendations.updates.date"], problems
    assert len([p for p in problems if ": recommendations.scope: " in p]) == 3


@pytest.mark.slow
@pytest.mark.parametrize(("name", "data", "expected"), [
    ("bomb.docx", "zip-bomb", "would unpack to"),
    ("broken.docx", b"PK\x03\x04" + b"\x00" * 300, "is not a Word file, or it is damaged"),
    ("broken.xlsx", b"PK\x03\x04garbage", "is not a Excel file, or it is damaged"),
    ("broken.pdf", b"%PDF-1.7\n" + os.urandom(3000), "is not a PDF, or it is damaged"),
    ("named.pdf", b"<html>not a pdf</html>", "it is named .pdf but is not one"),
    ("letter.rtf", b"{\\rtf1 hello}", "a '.rtf' cannot be imported"),
    ("scan.pdf", "blank-pages", "it has no text layer: it is a scanned image. Run it through OCR first"),
    ("huge.pdf", "many-pages", "it has 3000 pages"),
    ("locked.pdf", "encrypted", "it is protected by a password"),
])
def test_a_hostile_or_unusable_file_is_one_clear_message_in_bounded_time(tree: ContentTree, name: str,
                                                                         data: bytes | str, expected: str) -> None:
    if data == "zip-bomb":
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("[Content_Types].xml", "<Types/>")
            archive.writestr("word/document.xml", b"\0" * 150_000_000)  # 150 MB of nothing, in about 150 KB
        data = out.getvalue()
        assert len(data) < 1_000_000
    elif data in ("blank-pages", "many-pages", "encrypted"):
        import pypdfium2 as pdfium

        document = pdfium.PdfDocument.new()
        for _ in range(3000 if data == "many-pages" else 2):
            document.new_page(595, 842)
        out = io.BytesIO()
        document.save(out)
        data = out.getvalue()
        if name == "locked.pdf":
            from pypdf import PdfReader, PdfWriter

            writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
            writer.encrypt("secret")
            locked = io.BytesIO()
            writer.write(locked)
            data = locked.getvalue()
    (tree.root.parent / name).write_bytes(data)  # type: ignore[arg-type]
    started = time.perf_counter()
    kind = "action-plan" if name.endswith(".xlsx") else "letter"
    result = subprocess.run([sys.executable, "-c", MEASURED, sys.executable, "-m", "generator", "import", kind,
                             str(tree.root.parent / name), "--review", "alice", "--content", str(tree.root)],
                            cwd=REPO, capture_output=True, text=True, timeout=120)
    assert time.perf_counter() - started < 30
    assert int(result.stdout.rsplit("peak", 1)[1]) < 600_000  # KB: neither dhr nor its reader unpacked the bomb
    assert result.returncode == 1 and expected in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert sorted(p.name for p in (tree.root / "reviews/alice").iterdir()) == ["letter-2024-08-07.md", "report.pdf",
                                                                              "review.md"]


def test_a_script_in_a_web_page_never_reaches_the_letter(tree: ContentTree) -> None:
    page = (b"<html><head><title>Letter</title><script>alert(1)</script></head><body><main><p>7 May 2025</p>"
            b"<p>Dear Chair,</p><p>The report was considered at the QA Panel meeting on 3 April 2025.</p>"
            b"<p>The view of the Home Office is that the DHR may now be published.<script>steal()</script></p>"
            b"<p><img src=x onerror=alert(2) alt='Crest'>Yours sincerely,</p><p>A Chair</p>"
            b"<iframe src='https://evil.example/'></iframe><p>&lt;script&gt;written&lt;/script&gt;</p>"
            b"</main></body></html>")
    assert _plan_or_letter(tree, "page.html", page).returncode == 0
    text = (tree.root / "reviews/alice/letter-2025-05-07.md").read_text()
    assert "alert" not in text and "steal" not in text and "evil.example" not in text and "Crest" not in text
    assert "outcome: publish\n" in text
    [built] = _built_pages(tree)
    assert re.findall(r"<script[^>]*>", built) == [re.search(r'<script src="/assets/site\.\w+\.js" defer>', built)
                                                  .group()]  # only the site's own
    assert "alert(" not in built and "steal(" not in built and "written" in built


def _plan_or_letter(tree: ContentTree, name: str, data: bytes) -> subprocess.CompletedProcess[str]:
    (tree.root.parent / name).write_bytes(data)
    return dhr("import", "letter", str(tree.root.parent / name), "--review", "alice", "--content", str(tree.root))


def _built_pages(tree: ContentTree) -> list[str]:
    from conftest import TEMPLATES, TODAY

    from generator.build.pipeline import build

    out = tree.root.parent / "site"
    build(tree.root, out, TEMPLATES, search=False, today=TODAY)
    return [p.read_text() for p in (out / "reviews/alice").glob("index.html")]


def test_word_lists_keep_their_nesting(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("Areas for further development:")
    document.add_paragraph("First point", style="List Bullet")
    document.add_paragraph("A point within it", style="List Bullet 2")
    document.add_paragraph("1. A point typed by hand")
    out = io.BytesIO()
    document.save(out)
    blocks = read_word(out.getvalue())
    assert [(b.kind, b.level, b.text) for b in blocks] == [
        ("p", 0, "Areas for further development:"), ("li", 0, "First point"), ("li", 1, "A point within it"),
        ("li", 0, "A point typed by hand")]


def test_a_pdf_that_is_not_a_letter_is_never_an_exception() -> None:
    with pytest.raises(FileError):
        read_pdf(b"")
    with pytest.raises(FileError):
        read_pdf(b"%PDF-1.4\n%%EOF")


def test_html_letter_text_matches_the_shipped_body(tmp_path: Path) -> None:
    seed = SEEDS[3]
    _imported(tmp_path, seed, "letter.html", letter_html(seed).encode())
    [written] = (tmp_path / "content/reviews/diana").glob("letter-*.md")
    body = written.read_text().split("\n---\n", 1)[1]
    shipped = (SHIPPED_CONTENT / "reviews/diana/letter-2023-10-18.md").read_text().split("\n---\n", 1)[1]

    def shown(markdown: str) -> list[str]:  # each paragraph and item as the page shows it, its emphasis aside
        html = markup.render(markdown).html
        parts = re.findall(r"<(p|li)>(.*?)</\1>", html, re.S)
        return [" ".join(re.sub(r"<[^>]+>", "", part).split()) for _, part in parts]

    def letter(parts: list[str]) -> list[str]:  # after "Dear ...", up to the sign-off (a signature's image aside)
        return parts[1:next(n for n, part in enumerate(parts) if part.startswith("Yours"))]

    assert letter(shown(body)) == letter(shown(shipped))
