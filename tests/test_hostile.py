"""Hostile and broken content: a clear error or a safe page, never a traceback, never a write outside the output."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import html5lib
import pytest
from conftest import REPO, SHIPPED_CONTENT, TEMPLATES, ContentTree
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.build.pipeline import build
from generator.content.load import parse_markdown_file
from generator.content.validate import SLUG, slugify
from generator.problems import Problems

HOSTILE_BODY = """\
<script>alert(1)</script>
<img src=x onerror=alert(1)> <a href="#" onclick="alert(1)">click</a>
[js](javascript:alert(1)) [encoded](&#106;&#97;vascript:alert(1)) [hex](jav&#x61;script:alert(1))
[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)
<iframe src="https://example.org"></iframe>
<form action="https://example.org"><input name="q"><button>Go</button></form>
<object data="x.swf"></object><embed src="x.swf"><base href="https://example.org/">
<meta http-equiv="refresh" content="0;url=https://example.org">
<svg><script>alert(1)</script></svg><math><mi xlink:href="javascript:alert(1)">x</mi></math>
"""
DANGEROUS = ("<script", "onerror", "onclick", "javascript:", "data:text", "<iframe", "<form", "<input", "<object",
             "<embed", "<base", "http-equiv", "<svg", "<math")


def dhr(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=REPO, capture_output=True, text=True,
                          timeout=120)


def assert_no_traceback(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stderr + result.stdout, result.stderr
    assert result.returncode in (0, 1)


def test_hostile_markdown_becomes_a_safe_page(tree: ContentTree, tmp_path: Path) -> None:
    front = (tree.root / "reviews/alice/review.md").read_text().split("---\n")[1]
    tree.review(front.replace("title: Alice", 'title: "<script>alert(1)</script> Alice"'), body=HOSTILE_BODY)
    tree.write("reviews/alice/letter-2024-08-07.md", "---\ndate: 2024-08-07\noutcome: publish\n---\n" + HOSTILE_BODY)
    out = tmp_path / "site"
    build(tree.root, out, TEMPLATES, search=False)
    page = (out / "reviews/alice/index.html").read_text().lower()
    main = page[page.index("<main"):page.index("</main>")]
    for bad in DANGEROUS:
        assert bad not in main, bad
    assert "&lt;script&gt;alert(1)&lt;/script&gt; alice" in page  # the title, escaped


@pytest.mark.parametrize(("name", "data", "expected"), [
    ("alias bomb", b"---\na: &a [x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\n"
                   b"c: [*b, *b, *b, *b, *b, *b, *b, *b]\n---\n", "YAML aliases (*name) are not allowed"),
    ("unclosed front matter", b"---\ntitle: Alice\n", "the front matter block is never closed"),
    ("tabs", b"---\ntitle: Alice\nthemes:\n\t- MARAC\n---\n", "YAML cannot be indented with tabs"),
    ("invalid UTF-8", b"---\ntitle: Al\xffice\n---\n", "not valid UTF-8"),
    ("binary file", b"\x00\x01\x02PNG\x00" * 100, "this is a binary file"),
    ("python tag", b"---\ntitle: !!python/object/apply:os.system [touch /tmp/pwned]\n---\n", "is not allowed"),
])
def test_broken_files_are_clear_errors(tree: ContentTree, name: str, data: bytes, expected: str) -> None:
    tree.write("reviews/alice/review.md", data)
    result = dhr("check", "--content", str(tree.root))
    assert_no_traceback(result)
    assert result.returncode == 1 and expected in result.stderr, (name, result.stderr)
    assert not Path("/tmp/pwned").exists()


def test_byte_order_mark_and_crlf_are_accepted(tree: ContentTree) -> None:
    text = (tree.root / "reviews/alice/review.md").read_text().replace("\n", "\r\n")
    tree.write("reviews/alice/review.md", b"\xef\xbb\xbf" + text.encode())
    assert tree.problems() == []


def test_a_50_mb_markdown_file_is_refused_quickly(tree: ContentTree) -> None:
    tree.write("reviews/alice/letter-2024-08-07.md", b"---\ndate: 2024-08-07\noutcome: publish\n---\n" +
               b"A long letter. " * (50 * 1024 * 1024 // 15))
    result = dhr("check", "--content", str(tree.root))
    assert_no_traceback(result)
    assert "over the 2 MB limit for a content file" in result.stderr


def test_links_out_of_the_content_folder_are_refused(tree: ContentTree, tmp_path: Path) -> None:
    (tmp_path / "outside.md").write_text("---\ntitle: Outside\n---\nSecret\n")
    (tree.root / "pages/outside.md").symlink_to(tmp_path / "outside.md")
    (tree.root / "reviews/elsewhere").symlink_to(tmp_path, target_is_directory=True)
    result = dhr("check", "--content", str(tree.root))
    assert_no_traceback(result)
    assert "pages/outside.md:1: file: this link points outside the content folder" in result.stderr


@pytest.mark.parametrize("folder", ["..hidden", "Alice", "alice smith", "élise", "a_b", "alice."])
def test_folder_names_that_cannot_be_addresses(tree: ContentTree, folder: str) -> None:
    (tree.root / "reviews/alice").rename(tree.root / "reviews" / folder)
    result = dhr("check", "--content", str(tree.root))
    assert_no_traceback(result)
    assert f"folder name: '{folder}' cannot be a web address" in result.stderr


@pytest.mark.parametrize("alias", ["../../etc", "a/b", "..", "Old Name", "ünïcode"])
def test_aliases_cannot_leave_the_reviews(tree: ContentTree, tmp_path: Path, alias: str) -> None:
    review = tree.root / "reviews/alice/review.md"
    front = f'status: published\naliases:\n  - "{alias}"\n'
    review.write_text(review.read_text().replace("status: published\n", front))
    result = dhr("build", "--content", str(tree.root), "--out", str(tmp_path / "out"), "--no-search")
    assert_no_traceback(result)
    assert result.returncode == 1 and f"aliases: '{alias}' cannot be a review's address" in result.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(("path", "text", "expected"), [
    ("pages/reviews.md", "---\ntitle: Reviews\n---\n", "'/reviews/' is already used by the site"),
    ("reviews/kent/alice/review.md", None, "each review needs its own web address"),
])
def test_two_files_cannot_make_the_same_address(tree: ContentTree, path: str, text: str | None, expected: str) -> None:
    tree.write(path, text if text is not None else (tree.root / "reviews/alice/review.md").read_text())
    result = dhr("check", "--content", str(tree.root))
    assert_no_traceback(result)
    assert result.returncode == 1 and expected in result.stderr


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(data=st.binary(max_size=2000) | st.text(max_size=2000).map(str.encode))
def test_any_bytes_give_a_source_or_problems_never_an_exception(tmp_path: Path, data: bytes) -> None:
    problems = Problems()
    source = parse_markdown_file(tmp_path / "x.md", b"---\n" + data, problems)
    lines = (b"---\n" + data).replace(b"\r\n", b"\n").replace(b"\r", b"\n").count(b"\n") + 1  # a lone CR ends a line
    assert all(1 <= p.line <= lines + 1 for p in problems.items)
    assert source.meta is not None or problems.items


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_slugs_are_always_safe_path_segments(name: str) -> None:
    slug = slugify(name)
    assert slug == "" or SLUG.match(slug)
    assert "/" not in slug and ".." not in slug and slug == slug.lower()
    if SLUG.match(name):
        assert slugify(name) == name


def test_every_built_page_is_valid_html(tmp_path: Path) -> None:
    out = tmp_path / "site"
    build(SHIPPED_CONTENT, out, TEMPLATES, search=False)
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    for page in sorted(out.rglob("*.html")):
        try:
            parser.parse(page.read_bytes())
        except html5lib.html5parser.ParseError as error:
            pytest.fail(f"{page.relative_to(out)}: {error}")
