"""A letter's parts as `dhr import` recognises and writes them, whatever format they came from: the addressee's
lines, year-less dates, numbered and nested areas as feedback points, text that Markdown shows exactly as written,
and readers that cannot take the command down."""

from __future__ import annotations

import datetime as dt
import html
import os
import re
import time
from pathlib import Path

import pytest
import yaml
from conftest import ContentTree
from hypothesis import given, settings
from hypothesis import strategies as st
from test_import import dhr

from generator.importers.blocks import Block, FileError
from generator.importers.command import letter_text
from generator.importers.letter import recognise
from generator.isolate import run_bounded
from generator.site import markup


def _letter(*body: Block, date: str = "31 October 2022") -> list[Block]:
    return [Block("Home Office", lines=("Home Office", "Interpersonal Abuse Unit", "2 Marsham Street",
                                        "London SW1P 4DF", "Tel: 020 7035 4848", "www.gov.uk/home-office")),
            Block("Cllr Jo Bloggs Kent Community Safety Partnership",
                  lines=("Cllr Jo Bloggs", "Kent Community", "Safety Partnership", "Sessions House")),
            Block(date), Block("Dear Cllr Bloggs,"), *body,
            Block("Yours sincerely,"), Block("Home Office DHR Quality Assurance Panel")]


def _front(text: str) -> dict[str, object]:
    return yaml.safe_load(text.split("---\n")[1])


def test_the_addressee_and_sender_keep_their_lines_never_joined_with_commas() -> None:
    letter = recognise(_letter(Block("The report was considered at the QA Panel meeting on 28th September 2022.")))
    front = _front(letter_text(letter))
    assert front["to"] == "Cllr Jo Bloggs\nKent Community\nSafety Partnership\nSessions House"
    assert front["from"] == "Home Office\nInterpersonal Abuse Unit\n2 Marsham Street\nLondon SW1P 4DF"
    assert "Community, Safety" not in letter_text(letter)


@pytest.mark.parametrize(("said", "dated", "expected"), [
    ("the QA Panel meeting on 28th September", "31 October 2022", dt.date(2022, 9, 28)),
    ("the QA Panel meeting on 14th December", "15 January 2023", dt.date(2022, 12, 14)),  # the year before
    ("the QA Panel meeting on 31st October", "31 October 2022", dt.date(2022, 10, 31)),  # the same day
])
def test_a_year_less_panel_date_takes_the_year_that_puts_it_on_or_before_the_letter(
        said: str, dated: str, expected: dt.date) -> None:
    letter = recognise(_letter(Block(f"The report was considered at {said}."), date=dated))
    assert letter.fields["panel_date"] == expected
    assert f"the letter gives no year: {expected.year}" in letter.found["panel_date"]


def test_without_the_letters_date_a_year_is_never_invented() -> None:
    blocks = [Block("Dear Chair,"), Block("The report was considered at the QA Panel meeting on 28th September.")]
    assert "panel_date" not in recognise(blocks).fields
    given_date = recognise(blocks, dt.date(2022, 10, 31))  # --date stands for the date line
    assert given_date.fields["panel_date"] == dt.date(2022, 9, 28)


def test_numbered_areas_keep_their_numbers_and_nested_points_their_parent() -> None:
    areas = [Block("Areas for final development:")]
    for number in range(1, 5):
        areas.append(Block(f"Area {number} needs work on its chronology.", "li", 0, number=str(number)))
        areas += [Block(f"Point {number}.{sub} under area {number}.", "li", 1) for sub in (1, 2)]
    letter = recognise(_letter(*areas))
    assert "1. Area 1 needs" in letter.body and "4. Area 4 needs" in letter.body
    rendered = markup.render(letter.body, anchor_prefix="letter")
    assert '<ol>\n<li id="letter-point-1">Area 1' in rendered.html
    points = [(p.text, p.parent) for p in rendered.points]
    assert points[:3] == [("Area 1 needs work on its chronology.", 0), ("Point 1.1 under area 1.", 1),
                          ("Point 1.2 under area 1.", 1)]
    assert len(points) == 12 and points[9] == ("Area 4 needs work on its chronology.", 0)
    assert points[11] == ("Point 4.2 under area 4.", 10)


def test_a_list_that_starts_at_another_number_keeps_it() -> None:
    letter = recognise(_letter(Block("Second area.", "li", 0, number="2"), Block("Third area.", "li", 0, number="3")))
    assert '<ol start="2">' in markup.render(letter.body, anchor_prefix="l").html


_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp", "Co", "Cn")),
                min_size=1, max_size=60).map(lambda t: " ".join(t.split())).filter(
                    lambda t: bool(t) and not re.search(r"</?[A-Za-z]", t))  # (tags are dropped as a page's)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["p", "li"]), st.integers(0, 3), _TEXT), min_size=1, max_size=12))
def test_what_is_written_is_what_the_page_shows_and_the_list_tree_is_kept(
        parts: list[tuple[str, int, str]]) -> None:
    """Any text, in paragraphs and nested items: the page shows each exactly, and each item is a point under the
    item the document nests it in (a level skipped is the next one down)."""
    # (a paragraph that ends mid-sentence is joined to a next one in lower case, as a page break splits them)
    blocks = [Block(text if kind == "li" else f"Then {text}.", kind, level if kind == "li" else 0)
              for kind, level, text in parts]
    body = recognise(blocks).body
    rendered = markup.render(body, anchor_prefix="l")
    shown = [" ".join(re.sub(r"<[^>]+>", " ", part).split()) for part in re.findall(
        r"<(?:p|li)(?: id=\"[^\"]+\")?>(.*?)(?=</?(?:p|li|ul|ol)\b)", rendered.html, re.S)]
    assert [html.unescape(s) for s in shown if s] == [" ".join(b.text.split()) for b in blocks]
    # each item's parent: the nearest item before it, in the same list, that the document sets less deep
    expected, numbers = [], {}
    for n, block in enumerate(blocks):
        if block.kind == "li":
            numbers[n] = len(numbers) + 1
            before = []
            for m in range(n - 1, -1, -1):
                if blocks[m].kind != "li":
                    break
                before.append(m)
            parent = next((m for m in before if blocks[m].level < block.level
                           and all(blocks[k].level > blocks[m].level for k in before if k > m)), None)
            expected.append(numbers[parent] if parent is not None else 0)
    assert [p.parent for p in rendered.points] == expected


def test_a_reader_that_aborts_or_runs_away_is_one_line_never_a_crash() -> None:
    def aborts(data: bytes) -> None:
        os.abort()  # as PDFium does on some hostile files

    def hoards(data: bytes) -> bytes:
        return bytes(2 * 1024**3)

    def spins(data: bytes) -> None:
        while True:
            pass

    for reader, words in ((aborts, "SIGABRT"), (hoards, "MB of memory"), (spins, "processor")):
        started = time.monotonic()
        with pytest.raises(FileError, match=words):
            run_bounded(reader, b"%PDF-1.7", seconds=2)
        assert time.monotonic() - started < 10
    assert run_bounded(lambda data: [Block(data.decode())], b"kept") == [Block("kept")]


def test_a_dry_run_shows_the_file_and_its_differences_from_the_one_there(tree: ContentTree) -> None:
    letter = "12 May 2025\n\nDear Chair,\n\nThe report was considered on 3rd April 2025. It may now be published.\n"
    source = tree.root.parent / "letter.txt"
    source.write_text(letter)
    first = dhr("import", "letter", str(source), "--review", "alice", "--content", str(tree.root))
    assert first.returncode == 0, first.stderr
    written = tree.root / "reviews/alice/letter-2025-05-12.md"
    before = written.read_bytes()
    source.write_text(letter.replace("It may now be published.", "It may now be published. Thank you."))
    dry = dhr("import", "letter", str(source), "--review", "alice", "--dry-run", "--content", str(tree.root))
    assert dry.returncode == 0, dry.stderr
    assert "Thank you." in dry.stdout  # the whole file it would write
    said = dry.stderr
    assert "already exists (an import never replaces it)" in said
    assert "+The report was considered on 3rd April 2025. It may now be published. Thank you." in said
    assert written.read_bytes() == before
    again = dhr("import", "letter", str(source), "--review", "alice", "--content", str(tree.root))
    assert again.returncode == 1 and "already exists, and is never replaced" in again.stderr


def test_a_written_letter_passes_check_whatever_its_lines_hold(tree: ContentTree, tmp_path: Path) -> None:
    """Lines that look like YAML (a colon, a hash, a dash, quotes) reach the front matter only through the YAML
    writer: the file parses to exactly those lines."""
    hostile = "Cllr Jo: Bloggs #1\n- Kent 'CSP'\n---\n\"Sessions\" House: {x}"
    source = tmp_path / "letter.txt"
    source.write_text(f"Home Office\n2 Marsham Street\n\n{hostile}\n\n12 May 2025\n\nDear Chair,\n\nThe report was "
                      "considered on 3rd April 2025. It may now be published.\n")
    result = dhr("import", "letter", str(source), "--review", "alice", "--content", str(tree.root))
    assert result.returncode == 0, result.stderr
    written = (tree.root / "reviews/alice/letter-2025-05-12.md").read_text()
    front = yaml.safe_load(written.split("---\n")[1])
    assert front["to"].split("\n") == [line.strip() for line in hostile.split("\n") if line.strip(" -")] or \
        "Cllr Jo: Bloggs #1" in front["to"]
    assert set(front) <= {"date", "panel_date", "outcome", "from", "to", "signed"}
    assert [p for p in tree.problems() if "error" in p] == []


def test_the_signatory_keeps_their_lines_never_joined_with_a_comma() -> None:
    letter = recognise([Block("Dear Chair,"), Block("The report may now be published."), Block("Yours sincerely,"),
                        Block("Lynne Abrams Chair of the Home Office DHR Quality Assurance Panel",
                              lines=("Lynne Abrams", "Chair of the Home Office DHR Quality Assurance Panel"))])
    assert letter.fields["signed"] == "Lynne Abrams\nChair of the Home Office DHR Quality Assurance Panel"
