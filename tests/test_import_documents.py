"""The Word, web page, pasted text and e-mail readers on letters as officers receive them (tests/document_files.py),
and on hostile files: only the letter is read, its lines and lists as the document sets them, in bounded time and
memory."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest
from conftest import REPO
from document_files import (
    ADDRESS,
    AREAS,
    CLOSING,
    DATE,
    INTRO,
    LETTERHEAD,
    OPENING,
    PAGE_TITLE,
    SIGNATURE,
    browser_copy,
    council_page,
    items,
    letter_email,
    pasted_text,
    png_named_html,
    word_letter,
    word_table_letter,
)

from generator.importers.blocks import MAX_LEVEL, Block, FileError, from_lines
from generator.importers.letter import recognise
from generator.importers.mail import read_email
from generator.importers.text import read_text
from generator.importers.webpage import read_webpage
from generator.importers.word import read_word

FURNITURE = ("cookie", "Skip to", "Logo", "Search", "Community safety", PAGE_TITLE, "Page last updated", "useful",
             "Accessibility", "\u00a9", "Print this", "Draft", "earlier draft", "opens in a new tab", "\u25bc", INTRO,
             "~~~", "Share this")


def _listed(blocks: list[Block]) -> list[tuple[int, str, str]]:
    return [(b.level, b.number, b.text) for b in blocks if b.kind == "li"]


def _shown(blocks: list[Block]) -> str:
    return "\n".join(line for b in blocks for line in (b.text, *b.lines))


def test_word_keeps_insertions_controls_and_tables_and_leaves_out_deletions_hidden_text_and_placeholders() -> None:
    blocks = read_word(word_letter())
    text = _shown(blocks)
    assert "meeting on 28th September." in text and "14th" not in text  # the tracked changes, accepted
    assert "Note to self" not in text and "This paragraph was removed" not in text
    assert "Click or tap here" not in text  # a content control's placeholder is not text anyone wrote
    assert [b.lines for b in blocks[:3]] == [tuple(LETTERHEAD), tuple(ADDRESS), ("31st October 2022",)]
    assert text.count("Interpersonal Abuse Unit") == 2  # once, in its block and its lines: the fallback copy unread
    assert [b.text for b in blocks if b.text in ("Area", "Summary", "Chronology", "Clear and well sourced.")] == [
        "Area", "Summary", "Chronology", "Clear and well sourced."]  # each cell a paragraph, in order
    assert "OFFICIAL" not in text  # the footer


def test_word_numbering_is_read_as_word_shows_it_and_list_styles_nest() -> None:
    blocks = read_word(word_letter())
    assert _listed(blocks) == [*items(), (0, "", "Send the final report to the Home Office."),
                               (1, "", "Include the action plan as an annex.")]


def test_a_word_letter_gives_the_sender_and_addressee_their_lines_and_the_panel_date_its_year() -> None:
    letter = recognise(read_word(word_letter()))
    assert letter.fields["to"] == "\n".join(ADDRESS)
    assert str(letter.fields["panel_date"]) == "2022-09-28"
    assert "1. Terms of reference" in letter.body and "Click" not in letter.body


@pytest.mark.parametrize("structure", ["main", "no main"])
def test_a_council_page_gives_the_letter_and_nothing_else(structure: str) -> None:
    page = council_page()
    if structure == "no main":  # an older site: no <main>, the letter among the page's divs
        page = page.replace(b'<main id="main-content" role="main">', b"<div>").replace(b"</main>", b"</div>")
    blocks = read_webpage(page)
    text = _shown(blocks)
    assert not [word for word in FURNITURE if word in text], text
    assert blocks[0].lines == tuple(LETTERHEAD) and blocks[1].lines == tuple(ADDRESS)
    assert [b.lines for b in blocks[-2:]] == [(line,) for line in SIGNATURE[1:]]  # each line of the signature its own
    assert _listed(blocks) == items()


def test_text_pasted_from_the_page_gives_the_same_letter_as_the_page() -> None:
    pasted = read_text(pasted_text())
    assert [(b.kind, b.level, b.number, b.lines) for b in pasted] == \
        [(b.kind, b.level, b.number, b.lines) for b in read_webpage(council_page())]
    letter = recognise(pasted)
    assert letter.fields["from"] == "\n".join(LETTERHEAD) and letter.fields["to"] == "\n".join(ADDRESS)


def test_a_browser_copy_of_the_page_gives_the_letter_its_unmarked_list_as_items_and_no_page() -> None:
    blocks = read_text(browser_copy().encode())
    text = _shown(blocks)
    assert not [word for word in FURNITURE if word in text], text
    assert _listed(blocks) == [(0, "", text) for _, _, text in items()]  # the items each one, not one paragraph
    assert [b.kind for b in blocks if b.text == CLOSING] == ["p"]  # the paragraph after the list
    letter = recognise(blocks)
    assert letter.fields["from"] == "\n".join(LETTERHEAD) and letter.fields["to"] == "\n".join(ADDRESS)
    assert letter.fields["signed"] == "\n".join(SIGNATURE[1:]) or letter.fields["signed"] == ", ".join(SIGNATURE[1:])
    assert "~~~" not in letter.body and letter.body.endswith(f"{SIGNATURE[1]}\n\n{SIGNATURE[2]}\n")


def test_a_text_broken_into_lines_still_has_its_paragraphs_joined() -> None:
    wrapped = "\n".join([*LETTERHEAD, "", DATE, "", "Dear Cllr Bloggs,", "", *textwrap.wrap(OPENING, 60),
                         "", SIGNATURE[0], "~~~", SIGNATURE[1], SIGNATURE[2]])
    assert [b.text for b in read_text(wrapped.encode())][-5:] == [  # and the signature kept one a line
        "Dear Cllr Bloggs,", OPENING, SIGNATURE[0], SIGNATURE[1], SIGNATURE[2]]


def test_a_word_letter_with_its_addresses_side_by_side_and_typed_indented_lists() -> None:
    blocks = read_word(word_table_letter())
    assert _listed(blocks) == [(level, number if level == 0 else "", text) for level, number, text in items()
                               if level < 2]  # the typed bullets under their area, as the indent puts them
    letter = recognise(blocks)
    assert letter.fields["from"] == "\n".join(LETTERHEAD) and letter.fields["to"] == "\n".join(ADDRESS)
    assert f"1. {AREAS[0][1]}\n    - {AREAS[0][2][0][1]}" in letter.body and SIGNATURE[2] in letter.body


def test_a_list_typed_as_paragraphs_on_a_page_nests_by_their_indent() -> None:
    page = ("<style>.n{padding-left:28pt;text-indent:-28pt} .b{padding-left:56pt;text-indent:-14pt}</style>"
            "<p>Dear Chair,</p><p>Areas:</p><p class='n'>1.&nbsp;&nbsp;First</p><p class='b'>\u2022&nbsp;Under it</p>"
            "<p class='b' style='margin-left:2em'>\u2022&nbsp;Deeper</p><p class='n'>2.&nbsp;Second</p><p>After.</p>")
    assert _listed(read_webpage(page.encode())) == [(0, "1", "First"), (1, "", "Under it"), (2, "", "Deeper"),
                                                    (0, "2", "Second")]


def test_a_file_that_is_not_a_web_page_is_said_to_be_binary() -> None:
    with pytest.raises(FileError, match="it is not a web page: it holds binary data"):
        read_webpage(png_named_html())


def test_hidden_and_numbered_html_lists() -> None:
    page = (b"<p>Dear Chair,</p><ol start='3'><li>Third<ol type='A' reversed><li>B</li><li>A</li></ol>"
            b"</li><li>Fourth<ul><li hidden>Hidden</li><li><p>Bullet</p><p>goes on</p></li></ul>"
            b"<li value='9'>Ninth</ol>"
            b"<style>.later{display:none}</style><p class='later'>Hidden by the page's style</p>"
            b"<p>Yours sincerely,</p>")
    assert _listed(read_webpage(page)) == [(0, "3", "Third"), (1, "B", "B"), (1, "A", "A"), (0, "4", "Fourth"),
                                           (1, "", "Bullet goes on"), (0, "9", "Ninth")]
    assert "Hidden" not in _shown(read_webpage(page))


def test_typed_lists_nest_by_their_indent_and_keep_their_numbers() -> None:
    lines = ["Areas:", "1. First", "   a) Under it", "      - deeper", "      wrapped", "2. Second", "", "After."]
    assert [(b.kind, b.level, b.number, b.text) for b in from_lines([(line, len(line) - len(line.lstrip()))
                                                                      for line in lines])] == [
        ("p", 0, "", "Areas:"), ("li", 0, "1", "First"), ("li", 1, "a", "Under it"),
        ("li", 2, "", "deeper wrapped"), ("li", 0, "2", "Second"), ("p", 0, "", "After.")]


@pytest.mark.parametrize("parts", ["plain+html", "plain", "html", "browser"])
def test_an_email_gives_its_decoded_text_never_its_headers(parts: str) -> None:
    blocks = read_email(letter_email(parts))
    text = _shown(blocks)
    assert "DHREnquiries" not in text and "Subject" not in text and "=E2=80" not in text and "Content-" not in text
    assert blocks[0].lines == tuple(LETTERHEAD) and [b[1:] for b in _listed(blocks)] == [i[1:] for i in items()]
    if parts == "plain":
        assert "\u2013 \u00a3" in text  # quoted-printable decoded in its character set
    assert not [word for word in FURNITURE if word in text], text  # the HTML is read: "~~~" is aria-hidden there


@pytest.mark.parametrize(("parts", "said"), [("attachment", "attached to it (QA letter.pdf)"),
                                             ("covering", 'attached to it (QA letter.pdf); save the attachment and '
                                                          'import it: dhr import letter "QA letter.pdf"'),
                                             ("none", "has no text part to read, only attachments (scan.png)")])
def test_an_email_without_the_letter_in_its_text_is_refused_clearly(parts: str, said: str) -> None:
    with pytest.raises(FileError, match=said.replace("(", r"\(").replace(")", r"\)")):
        read_email(letter_email(parts))


# The reader's time and the memory it adds at its peak (VmHWM: ru_maxrss would carry pytest's own over exec).
MEASURE = """
import json, re, sys, time
from generator.importers import mail, text, webpage, word
from generator.importers.blocks import FileError
reader = {"docx": word.read_word, "html": webpage.read_webpage, "txt": text.read_text, "eml": mail.read_email}
data = open(sys.argv[1], "rb").read()
def peak():
    return int(re.search(r"VmHWM:\\s+(\\d+)", open("/proc/self/status").read())[1])
before, started = peak(), time.perf_counter()
try:
    blocks = reader[sys.argv[1].rsplit(".", 1)[1]](data)
    said = {"blocks": len(blocks), "level": max(b.level for b in blocks), "dear": any(b.text == "Dear Cllr Bloggs,"
                                                                                   for b in blocks)}
except FileError as exc:
    said = {"error": str(exc)}
said.update(seconds=time.perf_counter() - started, mb=(peak() - before) / 1024)
print(json.dumps(said))
"""


def _edited(data: bytes, edit: object) -> bytes:
    """The Word file with its document.xml changed by `edit`."""
    import io

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            target.writestr(info.filename, edit(content) if info.filename == "word/document.xml" else content)  # type: ignore[operator]
    return out.getvalue()


def _hostile(name: str) -> bytes:
    page = council_page()
    if name == "empty-paragraphs.docx":
        return word_letter(empty_paragraphs=15_000_000)
    if name == "level.docx":
        return word_letter(list_level=2_000_000_000)
    if name == "span.docx":
        return word_letter(span=50_000_000)
    if name == "nested.docx":
        return _edited(word_letter(), lambda c: c.replace(b"<w:sectPr", b"<w:sdt><w:sdtContent>" * 100_000
                                                          + b"</w:sdtContent></w:sdt>" * 100_000 + b"<w:sectPr", 1))
    if name == "runs.docx":
        return _edited(word_letter(), lambda c: c.replace(b"<w:sectPr", b"<w:p>" + b"<w:r><w:t>ab</w:t></w:r>"
                                                          * 600_000 + b"</w:p><w:sectPr", 1))
    if name == "nested.html":
        return page.replace(b'<div class="letter">', b"<div>" * 100_000 + b'<div class="letter">').replace(
            b"</main>", b"</div>" * 100_000 + b"</main>")
    if name == "long.html":
        return page.replace(b"Dear Cllr Bloggs,</p>", b"Dear Cllr Bloggs,</p><p>" + b"word " * 5_000_000 + b"</p>")
    if name == "long.txt":
        return pasted_text().replace(b"Dear Cllr Bloggs,", b"Dear Cllr Bloggs,\r\n\r\n" + b"word " * 5_000_000)
    if name == "lines.txt":
        return pasted_text().replace(b"Dear Cllr Bloggs,", b"Dear Cllr Bloggs,\r\n\r\n" + b"wrapp-\r\n" * 90_000)
    if name == "many-lines.txt":
        return b"a\n" * 15_000_000
    nested = "".join(f'--b{n}\r\nContent-Type: multipart/mixed; boundary="b{n + 1}"\r\n\r\n' for n in range(20_000))
    return f'Content-Type: multipart/mixed; boundary="b0"\r\n\r\n{nested}'.encode()


@pytest.mark.slow
@pytest.mark.parametrize(("name", "expected"), [
    ("empty-paragraphs.docx", "holds 14,999,976 paragraphs"),
    ("level.docx", MAX_LEVEL), ("span.docx", 2), ("nested.docx", "could not be read (Excessive depth"),
    ("runs.docx", "split into 1,200,2"), ("nested.html", 2), ("long.html", 2), ("long.txt", 2), ("lines.txt", 2),
    ("many-lines.txt", "it has 15,000,000 lines"), ("nested.eml", "it has 20,001 parts"),
])
def test_a_hostile_file_is_one_clear_line_or_the_letter_in_seconds_and_bounded_memory(
        tmp_path: Path, name: str, expected: int | str) -> None:
    path = tmp_path / name
    path.write_bytes(_hostile(name))
    result = subprocess.run([sys.executable, "-c", MEASURE, str(path)], cwd=REPO, capture_output=True, text=True,
                            timeout=120)
    said = json.loads(result.stdout)
    print(name, said)
    assert said["seconds"] < 10 and said["mb"] < 300, said
    if isinstance(expected, str):
        assert expected in said["error"] and "\n" not in said["error"], said
    else:
        assert said["dear"] and said["level"] == expected, said
