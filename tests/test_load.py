"""Stage 1: reading files, splitting front matter and composing YAML with line numbers."""

from __future__ import annotations

import os
from pathlib import Path

from conftest import ContentTree

from generator.content.load import parse_markdown_file, read_digest
from generator.content.nodes import Map, Scalar, Seq, parse_yaml
from generator.problems import Problems


def _read(tmp_path: Path, data: bytes) -> tuple[object, list[str]]:
    path = tmp_path / "review.md"
    path.write_bytes(data)
    problems = Problems()
    source = parse_markdown_file(path, data, problems)
    return source, [str(p).split("review.md:", 1)[1] for p in problems.items]


def test_front_matter_and_body_are_split_with_line_numbers(tmp_path: Path) -> None:
    source, problems = _read(tmp_path, b"---\ntitle: A\nthemes:\n  - x\n---\nBody line\n")
    assert problems == []
    assert isinstance(source.meta, Map)
    assert source.meta.entries["title"].key_line == 2
    themes = source.meta.entries["themes"].value
    assert isinstance(themes, Seq) and themes.items[0] == Scalar("x", 4, True)
    assert source.body == "Body line\n" and source.body_line == 6


def test_values_keep_their_source_text(tmp_path: Path) -> None:
    meta = parse_yaml("a: NO\nb: 2024-02-30\nc: 0015\nd: 'yes'\ne: ~\n", tmp_path, 0, Problems())
    assert meta is not None
    values = {k: e.value for k, e in meta.entries.items()}
    assert values["a"] == Scalar("NO", 1, True)
    assert values["b"] == Scalar("2024-02-30", 2, True)
    assert values["c"] == Scalar("0015", 3, True)
    assert values["d"] == Scalar("yes", 4, False)
    assert values["e"].is_null


def test_byte_order_mark_and_crlf_are_accepted(tmp_path: Path) -> None:
    source, problems = _read(tmp_path, b"\xef\xbb\xbf---\r\ntitle: A\r\n---\r\nBody\r\n")
    assert problems == []
    assert source.meta.entries["title"].value.text == "A"
    assert source.body == "Body\n"


def test_front_matter_that_never_closes(tmp_path: Path) -> None:
    _, problems = _read(tmp_path, b"---\ntitle: A\n")
    assert problems == ["1: front matter: the front matter block is never closed; "
                        "add a line '---' after the last field"]


def test_no_front_matter(tmp_path: Path) -> None:
    _, problems = _read(tmp_path, b"title: A\n")
    assert problems == ["1: front matter: the file does not start with a front matter block; "
                        "begin the file with a line '---', the fields, then another '---'"]


def test_yaml_syntax_error_has_the_file_line(tmp_path: Path) -> None:
    _, problems = _read(tmp_path, b"---\ntitle: A\ncsp: [unclosed\nstatus: draft\n---\n")
    [problem] = problems  # the wording inside the brackets is PyYAML's own
    assert problem.startswith("4: front matter: this is not valid YAML (")
    assert problem.endswith("); check the quoting and indentation on this line and the one before")


def test_tabs_get_a_hint(tmp_path: Path) -> None:
    _, problems = _read(tmp_path, b"---\nthemes:\n\t- x\n---\n")
    assert len(problems) == 1 and problems[0].endswith("YAML cannot be indented with tabs: use spaces")
    assert problems[0].startswith("3: front matter: this is not valid YAML")


def test_duplicate_keys(tmp_path: Path) -> None:
    _, problems = _read(tmp_path, b"---\ntitle: A\ntitle: B\n---\n")
    assert problems == ["3: title: this field appears twice (first on line 2); keep one of the two lines"]


def test_aliases_are_refused_so_alias_bombs_cannot_expand(tmp_path: Path) -> None:
    bomb = (b"---\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
            b"c: [*b, *b, *b, *b]\n---\n")
    _, problems = _read(tmp_path, bomb)
    assert problems == ["3: front matter: YAML aliases (*name) are not allowed; write the value out in full"]


def test_python_tags_are_refused(tmp_path: Path) -> None:
    _, problems = _read(tmp_path, b"---\ntitle: !!python/object/apply:os.system ['true']\n---\n")
    assert problems == ["2: front matter: the YAML tag 'tag:yaml.org,2002:python/object/apply:os.system' is not "
                        "allowed; remove the '!' tag and write a plain value"]


def test_values_are_read_as_written_and_yamls_merge_and_value_keys_are_refused(tmp_path: Path) -> None:
    """Plain values are not typed by the loader (the schema reads their text), but `<<` and `=` still are."""
    source, problems = _read(tmp_path, b"---\ntitle: 2024-01-01\nyear: 0x10\na: <<\nb: =\nc: '<<'\n---\n")
    assert problems == [f"{line}: front matter: the YAML tag 'tag:yaml.org,2002:{tag}' is not allowed; remove the "
                        "'!' tag and write a plain value" for line, tag in ((4, "merge"), (5, "value"))]
    assert [source.meta.entries[key].value.text for key in ("title", "year", "c")] == ["2024-01-01", "0x10", "<<"]


def test_invalid_utf8_names_its_line(tmp_path: Path) -> None:
    _, problems = _read(tmp_path, b"---\ntitle: A\n---\nfine\nbad \xff byte\n")
    assert problems == ["5: file: the file is not valid UTF-8 text; save it again with UTF-8 encoding"]


def test_binary_file(tmp_path: Path) -> None:
    _, problems = _read(tmp_path, b"\x89PNG\r\n\x1a\n\x00\x00")
    assert problems == ["1: file: this is a binary file, not text; save the file as plain text (UTF-8), or remove it"]


def test_oversized_file(tmp_path: Path) -> None:
    _, problems = _read(tmp_path, b"---\ntitle: A\n---\n" + b"x" * (3 * 1024 * 1024))
    assert problems == ["1: file: the file is 3072 KB, over the 2 MB limit for a content file; "
                        "put long documents in a PDF and list it under documents"]


def test_links_outside_the_content_folder_are_refused(tree: ContentTree, tmp_path: Path) -> None:
    outside = tmp_path / "secret.md"
    outside.write_text("---\ntitle: Secret\n---\n")
    (tree.root / "pages/secret.md").symlink_to(outside)
    assert tree.problems() == ["pages/secret.md:1: file: this link points outside the content folder; "
                               "copy the file into the content folder instead of linking to it"]


def test_a_file_replaced_with_the_same_size_and_times_is_seen_changed(tmp_path: Path) -> None:
    path = tmp_path / "letter-2024-01-01.md"
    path.write_text("one")
    first, data = read_digest(path)
    st = os.stat(path)
    path.write_text("two")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))  # as `cp -p` or an archive tool leaves it
    second, data = read_digest(path)
    assert data == b"two" and second != first
