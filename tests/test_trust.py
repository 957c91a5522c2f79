"""The promises to a careless user and against an attacker: nothing lost, nothing crashes, nothing published
but what was written, and the machine's faults said in one line."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import REPO, SHIPPED_CONTENT, TEMPLATES, TODAY, ContentTree

from generator import cli
from generator.build.pipeline import build
from generator.problems import ContentError

SAFE_SCHEMES = {"http", "https", "mailto", "tel"}  # tel: dials the support lines from a phone


def dhr(*args: str, cwd: Path = REPO, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300, env={**os.environ, **(env or {})}, stdin=subprocess.DEVNULL)


def one_line_no_traceback(result: subprocess.CompletedProcess[str]) -> str:
    assert "Traceback" not in result.stderr + result.stdout, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the project: its content and templates, as a CSP officer would have it."""
    shutil.copytree(SHIPPED_CONTENT, tmp_path / "content")
    shutil.copytree(TEMPLATES, tmp_path / "templates")
    (tmp_path / "README.md").write_text("notes")
    return tmp_path


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("out", ["content", ".", "content/reviews", "templates", "templates/assets", "..",
                                 "/", "HOME", "notes"])
def test_an_output_folder_that_would_destroy_files_is_refused_and_nothing_is_touched(project: Path,
                                                                                     out: str) -> None:
    (project / "notes").mkdir()
    (project / "notes/mine.txt").write_text("someone's notes")
    before = _tree(project)
    target = str(Path.home()) if out == "HOME" else out
    for command in ("build", "serve"):
        result = dhr(command, "--out", target, "--no-cache", cwd=project)
        assert result.returncode == 2, (command, result.stderr)
        line = one_line_no_traceback(result)
        assert line.startswith(f"dhr: --out {target}") or line.startswith("dhr: --out "), line
    assert _tree(project) == before


@pytest.mark.parametrize("cache", ["content", "content/x", "templates", "site", ".", ".."])
def test_a_cache_folder_that_would_mix_with_the_content_or_site_is_refused(project: Path, cache: str) -> None:
    before = _tree(project)
    result = dhr("build", "--out", "site", "--cache-dir", cache, cwd=project)
    assert result.returncode == 2 and one_line_no_traceback(result).startswith(f"dhr: --cache-dir {cache} ")
    assert _tree(project) == before


def test_a_folder_a_build_made_is_replaced_and_a_fresh_one_is_made(project: Path) -> None:
    first = dhr("build", "--out", "site", "--no-search", "--no-cache", cwd=project)
    assert first.returncode == 0, first.stderr
    (project / "site/stale.html").write_text("old")
    again = dhr("build", "--out", "site", "--no-search", "--no-cache", cwd=project)
    assert again.returncode == 0, again.stderr
    assert not (project / "site/stale.html").exists() and (project / "site/index.html").is_file()
    assert sorted(p.name for p in project.iterdir()) == ["README.md", "content", "site", "templates"]


def test_a_second_build_waits_for_the_first_and_serve_says_why_it_cannot(project: Path) -> None:
    from generator.output.outdir import hold
    from generator.problems import UsageError

    with hold(project / "site", "dhr serve"):
        result = dhr("build", "--out", "site", "--no-search", "--no-cache", cwd=project)
        assert result.returncode == 2
        assert "site is in use by dhr serve (process" in one_line_no_traceback(result)
        with pytest.raises(UsageError, match="in use by dhr serve"), hold(project / "site", "dhr build", wait=0.5):
            pass
    process = subprocess.Popen([sys.executable, "-c", "import time\nfrom pathlib import Path\n"
                                "from generator.output.outdir import hold\nwith hold(Path('site'), 'dhr build'):\n"
                                "    print('held', flush=True); time.sleep(1.5)"],
                               cwd=project, stdout=subprocess.PIPE, text=True, env={**os.environ,
                                                                                    "PYTHONPATH": str(REPO)})
    assert process.stdout.readline().strip() == "held"  # type: ignore[union-attr]
    result = dhr("build", "--out", "site", "--no-search", "--no-cache", cwd=project)
    process.wait()
    assert result.returncode == 0, result.stderr
    assert "waiting for dhr build (process" in result.stdout
    assert not (project / ".site.lock").exists()


def test_a_folder_that_cannot_be_written_is_one_line_naming_it(project: Path, monkeypatch: pytest.MonkeyPatch,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    result = dhr("build", "--out", "README.md/site", "--no-search", "--no-cache", cwd=project)
    assert result.returncode == 1
    assert "README.md" in one_line_no_traceback(result)
    (project / "locked").mkdir()
    (project / "locked").chmod(0o555)
    if os.geteuid() == 0:  # root writes anyway: the refusal a user would meet is made here
        def refuse(*args: object, **kwargs: object) -> str:
            raise PermissionError(13, "Permission denied", str(project / "locked"))
        monkeypatch.setattr("tempfile.mkdtemp", refuse)
    monkeypatch.chdir(project)
    assert cli.main(["build", "--out", "locked/site", "--no-search", "--no-cache"]) == 1
    error = capsys.readouterr().err.strip()
    assert "\n" not in error and "locked" in error and "Permission denied" in error, error
    assert not (project / "locked/site").exists()


@pytest.mark.parametrize("epoch", ["99999999999999999999", "-5", "abc", "253402300800"])
def test_an_unusable_source_date_epoch_is_one_line(project: Path, epoch: str) -> None:
    result = dhr("build", "--no-search", "--no-cache", cwd=project, env={"SOURCE_DATE_EPOCH": epoch})
    assert result.returncode == 2
    assert "SOURCE_DATE_EPOCH" in one_line_no_traceback(result)


@pytest.mark.parametrize("slug", ["../../x", "../diana", "/tmp/x", "diana/../../..", "\x1b[2Jx"])
def test_dhr_new_never_writes_outside_the_content_folder(project: Path, slug: str) -> None:
    (project.parent / "x").mkdir(exist_ok=True)
    (project.parent / "x/review.md").write_text("---\ntitle: X\n---\n")  # a review folder outside the content
    before = _tree(project), _tree(project.parent / "x")
    for args in (("letter", slug, "--date", "2024-01-02"), ("action-plan", slug)):
        result = dhr("new", *args, cwd=project)
        assert result.returncode == 1
        line = one_line_no_traceback(result)
        assert "\x1b" not in line
    assert (_tree(project), _tree(project.parent / "x")) == before
    assert not Path("/tmp/x/letter-2024-01-02.md").exists()


def test_control_characters_are_errors_with_their_line_and_never_echoed(tree: ContentTree, tmp_path: Path) -> None:
    review = tree.root / "reviews/alice/review.md"
    text = review.read_text()
    review.write_text(text.replace("title: Alice", 'title: "Alice \\e[2J\\x07"').replace(
        "A short public summary.", "A short \x1b]0;owned\x07 summary."))
    (tree.root / "reviews/alice/letter-2024-08-07.md").write_text(
        (tree.root / "reviews/alice/letter-2024-08-07.md").read_text().replace("First point.", "First\x0c point."))
    result = dhr("build", "--content", str(tree.root), "--out", str(tmp_path / "out"), "--no-search", "--no-cache")
    assert result.returncode == 1 and "\x1b" not in result.stderr and "\x07" not in result.stderr, result.stderr
    assert "reviews/alice/review.md:16: file: this line holds an invisible control character (U+001B)" \
        in result.stderr
    assert "reviews/alice/letter-2024-08-07.md:10: file: this line holds an invisible control character (U+000C)" \
        in result.stderr
    review.write_text(text.replace("title: Alice", 'title: "Alice \\e[2J"'))
    assert "reviews/alice/review.md:2: front matter: this value holds an invisible control character (U+001B)" \
        in dhr("check", "--content", str(tree.root)).stderr


@pytest.mark.parametrize(("field", "value", "expected"), [
    ("published", "9999-12-31", "'9999-12-31' is not a year a review's dates can have"),
    ("published", "1899-12-31", "'1899-12-31' is not a year a review's dates can have"),
    ("death", "0001", "'0001' is not a year a review's dates can have"),
])
def test_dates_outside_1900_to_next_year_are_errors(tree: ContentTree, field: str, value: str,
                                                    expected: str) -> None:
    front = (tree.root / "reviews/alice/review.md").read_text().split("---\n")[1]
    front = re.sub(rf"^{field}: .*$", f"{field}: {value}", front, flags=re.M) if f"\n{field}:" in front \
        else front + f"{field}: {value}\n"
    tree.review(front)
    assert any(expected in problem for problem in tree.problems()), tree.problems()


@pytest.mark.parametrize("name", ["家庭暴力", "—", "!!!"])
def test_a_name_that_makes_no_address_is_an_error_saying_how_to_fix_it(tree: ContentTree, name: str) -> None:
    (tree.root / "site.yaml").write_text((tree.root / "site.yaml").read_text().replace(
        "  - MARAC\n", f"  - MARAC\n  - \"{name}\"\n"))
    review = tree.root / "reviews/alice/review.md"
    review.write_text(review.read_text().replace("csp: Test Community Safety Partnership", f'csp: "{name}"'))
    problems = tree.problems()
    assert f"site.yaml:4: themes: '{name}' has no letter A to Z or digit, so it cannot make a web address; " \
        "add the name as it is written in English letters too, e.g. 'Cymraeg (Welsh)'" in problems
    assert any(p.startswith(f"reviews/alice/review.md:3: csp: '{name}' has no letter A to Z") for p in problems)


def test_welsh_and_accented_names_make_readable_addresses(tree: ContentTree, tmp_path: Path) -> None:
    (tree.root / "site.yaml").write_text((tree.root / "site.yaml").read_text().replace(
        "  - MARAC\n", "  - MARAC\n  - Cam-drin domestig yng Nghŵyr\n"))
    review = tree.root / "reviews/alice/review.md"
    review.write_text(review.read_text().replace("  - coercive control\n", "  - Cam-drin domestig yng Nghŵyr\n")
                      .replace("csp: Test Community Safety Partnership", "csp: Partneriaeth Diogelwch Cymunedol Gŵyr"))
    build(tree.root, tmp_path / "site", TEMPLATES, search=False, today=TODAY)
    assert (tmp_path / "site/themes/cam-drin-domestig-yng-nghwyr/index.html").is_file()
    assert (tmp_path / "site/partnerships/partneriaeth-diogelwch-cymunedol-gwyr/index.html").is_file()
    assert (tmp_path / "site/themes/index.html").read_text().count("Cam-drin domestig yng Nghŵyr") >= 1


HOSTILE_DOCS = """\
documents:
  - title: In a folder with a space and a hash
    kind: report
    file: "papers & notes/over #1 ?x.pdf"
  - title: Elsewhere
    kind: other
    url: https://example.org/a%20path/ünïcode?q="x"&y=<1>|{`}
"""


def test_no_link_or_source_in_the_whole_output_has_an_unsafe_scheme(tree: ContentTree, tmp_path: Path) -> None:
    folder = tree.root / "reviews/alice/papers & notes"
    folder.mkdir()
    (folder / "over #1 ?x.pdf").write_bytes(b"%PDF-1.4")
    review = tree.root / "reviews/alice/review.md"
    text = review.read_text()
    review.write_text(text[:text.index("documents:")] + HOSTILE_DOCS + text[text.index("---\nA short"):]
                      + "\n[a](javascript:alert(1)) [b](vbscript:x) [c](data:text/html,x) [d](JaVaScRiPt:x)\n"
                        "<a href='javascript:x'>e</a> [f](file:///etc/passwd) ![g](http://example.org/i.png)\n")
    out = tmp_path / "site"
    build(tree.root, out, TEMPLATES, search=False, today=TODAY)
    links = 0
    for page in out.rglob("*"):
        if page.suffix not in (".html", ".xml", ".json", ".csv"):
            continue
        for url in re.findall(r"""(?:href|src)\s*=\s*["']([^"']*)["']""", page.read_text()):
            if url.startswith("{{"):  # the search page's template for Pagefind's results, filled in the browser
                continue
            links += 1
            scheme = urlsplit(url.replace("&amp;", "&")).scheme.lower()
            assert scheme in SAFE_SCHEMES | {""}, (page, url)
            assert not re.search(r"[\s<>\"{}|\\^`]", url.replace("&amp;", "&")), (page, url)  # encoded
    assert links > 100
    page = (out / "reviews/alice/index.html").read_text()
    assert 'href="papers%20%26%20notes/over%20%231%20%3Fx.pdf"' in page
    assert (out / "reviews/alice/papers & notes/over #1 ?x.pdf").read_bytes() == b"%PDF-1.4"
    assert "https://example.org/a%20path/%C3%BCn%C3%AFcode?q=%22x%22&amp;y=%3C1%3E%7C%7B%60%7D" in page


def test_the_feed_and_sitemap_are_well_formed_xml_with_hostile_text(tree: ContentTree, tmp_path: Path) -> None:
    review = tree.root / "reviews/alice/review.md"
    review.write_text(review.read_text().replace("title: Alice", "title: \"Alice <b>&amp; ]]> 'x'\""))
    out = tmp_path / "site"
    build(tree.root, out, TEMPLATES, search=False, today=TODAY)
    feed = ET.parse(out / "feed.xml").getroot()
    titles = [e.text for e in feed.iter("{http://www.w3.org/2005/Atom}title")]
    assert "Alice <b>&amp; ]]> 'x'" in " ".join(t or "" for t in titles)
    assert ET.parse(out / "sitemap.xml").getroot().tag.endswith("urlset")


def test_a_feedback_point_reads_the_same_on_every_page_and_in_every_data_file(tree: ContentTree,
                                                                             tmp_path: Path) -> None:
    letter = tree.root / "reviews/alice/letter-2024-08-07.md"
    letter.write_text(letter.read_text().replace("- First point.", "- Use <b>bold</b> &amp; <i>x</i> text"))
    out = tmp_path / "site"
    build(tree.root, out, TEMPLATES, search=False, today=TODAY)
    everything = "".join(p.read_text() for p in out.rglob("*") if p.suffix in (".html", ".csv", ".json"))
    assert "wzxhzdk" not in everything and "\x02" not in everything
    assert "Use bold &amp; x text" in (out / "learning/index.html").read_text()
    assert "Use bold & x text" in (out / "feedback-points.csv").read_text()


def test_a_broken_review_is_reported_identically_by_check_and_build(tree: ContentTree, tmp_path: Path) -> None:
    """Each was a TypeError in `dhr build` while `dhr check` reported it."""
    review = tree.root / "reviews/alice/review.md"
    text = review.read_text()
    for broken in (text.replace("kind: report", "kind: overview"), text.replace("title: Alice", 'title: "Alice'),
                   text.replace("documents:\n", "documents: report.pdf\nx:\n"),
                   text.replace("url: https://example.org/action-plan.pdf", "url: example.org/action-plan.pdf")):
        review.write_text(broken)
        checked = dhr("check", "--content", str(tree.root))
        built = dhr("build", "--content", str(tree.root), "--out", str(tmp_path / "out"), "--no-search")
        assert checked.returncode == built.returncode == 1
        assert "Traceback" not in checked.stderr + built.stderr
        problems = [line for line in checked.stderr.splitlines() if re.match(r"\S+:\d+: ", line)]
        assert problems and problems == [line for line in built.stderr.splitlines() if re.match(r"\S+:\d+: ", line)]
        with pytest.raises(ContentError):
            build(tree.root, tmp_path / "out", TEMPLATES, search=False, today=TODAY)


def test_huge_names_and_looping_links_are_problems_not_crashes(tree: ContentTree, tmp_path: Path) -> None:
    (tree.root / "reviews/alice/loop.pdf").symlink_to(tree.root / "reviews/alice/loop.pdf")
    review = tree.root / "reviews/alice/review.md"
    review.write_text(review.read_text().replace("csp: Test Community Safety Partnership", "csp: " + "x" * 300)
                      .replace("file: report.pdf", "file: loop.pdf"))
    problems = tree.problems()
    assert any("csp: 'xxxx" in p and "is too long to make a web address" in p for p in problems), problems
    assert any("documents.file: 'loop.pdf' cannot be read" in p for p in problems), problems
    with pytest.raises(ContentError):
        build(tree.root, tmp_path / "site", TEMPLATES, search=False, today=TODAY)
