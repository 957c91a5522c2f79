"""The PDF reader on letters as Word and Chromium write them: numbered areas whose items wrap with a hanging
indent, nested points that wrap too, a list running onto the next page, letterhead, address, running header and
footer; random lists (a property test); and hostile PDFs, each refused with one line, quickly."""

from __future__ import annotations

import html
import itertools
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import REPO, chromium_page
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from letter_files import CSS, FOOTER
from pdf_files import STYLES, Item, Paragraph, document, letter_pdf, many_characters, many_shapes
from playwright.sync_api import Page

from generator.importers.blocks import Block, FileError
from generator.importers.pdf import read_pdf

INTRO = [
    Paragraph("Thank you for submitting the Domestic Homicide Review (DHR) report (Mary) for Kent CSP to the Home "
              "Office. The report was considered at the QA Panel meeting on 20 November 2019."),
    Paragraph("The QA Panel noted that this is a well-written and clearly structured report, evidencing a good "
              "understanding of the dynamics of domestic abuse and producing some very relevant findings. The "
              "review has used sensitive language, taking account of the circumstances of the death."),
    Paragraph("The QA Panel felt that there are some aspects of the report which may benefit from revision but the "
              "Home Office is content that, on completion of these changes, the DHR may be published."),
    Paragraph("Areas for final development:"),
]
AREAS = [
    Item(0, "1", "It would be helpful to clarify the role of the IOPC in paragraph 8.1. The IOPC reports performance "
                 "which is below expected standards. It is not about discipline but identifying the need for change "
                 "to the system as a whole."),
    Item(0, "2", "Economic abuse features within the review and it would enhance the report to explore in more depth "
                 "events such as:"),
    Item(1, "", "the speed of cohabitation and the money taken from the victim's purse, which the report mentions "
                "but does not explore as part of a pattern of control;"),
    Item(1, "", "the loss of weight as a possible indicator of food control; and"),
    Item(1, "", "limitations placed on the victim through a damaged vehicle, which left her unable to reach work, "
                "her family or the services that could have helped her."),
    Item(0, "3", "The report would benefit from an Equality and Diversity section which explores the protected "
                 "characteristics as set out in the Equality Act 2010 and how the victim's social care needs may have "
                 "impacted her ability to access help and support."),
    Item(1, "a", "In particular, the report should probe the missed opportunities to recall the offender and the "
                 "issues highlighted when managing an offender between two areas."),
    Item(1, "b", "The review should consider the caseload both professionals were managing."),
    Item(0, "4", "The review draws attention to the good practice from housing with regards to their notifications "
                 "to police. However, you may wish to consider a recommendation to share this good practice more "
                 "widely across the partnership."),
]
CLOSING = [Paragraph("The Home Office would be grateful if you could provide us with a digital copy of the revised "
                     "final version of the report with all finalised attachments and appendices.")]


def _tree(blocks: list[Block]) -> list[tuple[int, str, str]]:
    return [(b.level, b.number, b.text) for b in blocks if b.kind == "li"]


def _expected(body: list[Paragraph | Item]) -> list[tuple[int, str, str]]:
    return [(part.level, part.number, part.text) for part in body if isinstance(part, Item)]


def _spans_pages(data: bytes, blocks: list[Block]) -> bool:
    """Whether a list item's first line is on one page and its last on the next."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(data)
    pages = [document[n].get_textpage().get_text_range() for n in range(len(document))]
    return len(pages) > 1 and any(b.kind == "li" and len(b.lines) > 1 and b.lines[0] in pages[0]
                                  and b.lines[-1] in pages[1] for b in blocks)


def _across_a_page(style: str, justify: bool) -> tuple[list[Paragraph | Item], bytes, list[Block]]:
    """The letter with as many sentences before the list as take one of its items over the page break."""
    for sentences in range(1, 40):
        filler = Paragraph(" ".join(["The panel also noted the review's careful chronology."] * sentences))
        body = [*INTRO[:3], filler, INTRO[3], *AREAS, *CLOSING]
        data = letter_pdf(body, style, justify)
        blocks = read_pdf(data)
        if _spans_pages(data, blocks):
            return body, data, blocks
    raise AssertionError("no length of the letter takes a list item over the page break")


@pytest.mark.parametrize("justify", [True, False], ids=["justified", "ragged"])
@pytest.mark.parametrize("style", STYLES)
def test_numbered_areas_and_nested_points_keep_their_tree_with_wrapped_lines_and_a_page_break(
        style: str, justify: bool) -> None:
    body, _, blocks = _across_a_page(style, justify)
    assert _tree(blocks) == _expected(body)
    paragraphs = [b.text for b in blocks if b.kind == "p"]
    assert [p.text for p in body if isinstance(p, Paragraph)] == paragraphs[paragraphs.index("Dear Shafick,") + 1:-3]
    assert paragraphs[-3:] == ["Yours sincerely,", "Jane Example",
                               "Chair of the Home Office DHR Quality Assurance Panel"]


def test_word_bullets_from_the_symbol_font_start_items() -> None:
    """Word writes its bullet in the Symbol font, which PDFium reads as U+F0B7, a private-use character."""
    body = [*INTRO, *AREAS, *CLOSING]
    assert _tree(read_pdf(letter_pdf(body, "word", symbol_bullets=True))) == _expected(body)


def test_the_letterhead_address_and_date_keep_their_lines_and_the_running_header_and_footer_go() -> None:
    blocks = read_pdf(letter_pdf([*INTRO, *AREAS, *CLOSING] * 2))
    assert [b.lines for b in blocks[:5]] == [
        ("Home Office",),
        ("Public Protection Unit", "2 Marsham Street", "London SW1P 4DF", "T: 020 7035 4848", "www.gov.uk/homeoffice"),
        ("Shafick Peerbux", "Head of Community Safety", "Kent County Council", "Invicta House", "Maidstone ME14 1XX"),
        ("22 January 2020",), ("Dear Shafick,",)]
    text = "\n".join(b.text for b in blocks)
    assert "OFFICIAL" not in text and "Page 1 of" not in text and "Page 2 of" not in text


def _line_starts(data: bytes, start: str) -> bool:
    """Whether a line of the PDF, as PDFium reads it, starts with `start`."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(data)
    return any(line.startswith(start) for n in range(len(document))
               for line in document[n].get_textpage().get_text_range().splitlines())


def _filler(words: int) -> str:
    return " ".join(itertools.islice(itertools.cycle(WORDS[:24]), words))


def _sentences(before_paragraph: int, before_item: int) -> list[Paragraph | Item]:
    return [Paragraph(f"The QA Panel {_filler(before_paragraph)} in section 3. The chronology was checked again."),
            Item(0, "1", f"The report {_filler(before_item)} in section 2. The chronology was checked again."),
            Item(0, "2", "Another area.")]


@pytest.mark.parametrize("style", STYLES)
def test_a_number_that_a_sentence_wraps_onto_a_line_start_starts_no_item(style: str) -> None:
    """"... in section / 2. The chronology ...": the "2." starts a line, below a full one that ends mid-sentence."""
    first = next(n for n in range(80) if _line_starts(letter_pdf(_sentences(n, 0), style, False), "3. The"))
    second = next(n for n in range(80) if _line_starts(letter_pdf(_sentences(first, n), style, False), "2. The"))
    body = _sentences(first, second)
    blocks = read_pdf(letter_pdf(body, style, justify=False))
    assert _tree(blocks) == _expected(body)
    assert body[0].text in [b.text for b in blocks if b.kind == "p"]


@pytest.mark.parametrize("style", STYLES)
def test_a_short_letter_of_one_line_paragraphs_keeps_the_paragraph_after_its_one_line_item_apart(style: str) -> None:
    """Most of its lines are a paragraph gap apart: the line spacing is still its closest lines', so the gap below
    the item (a long line) ends it."""
    body = [INTRO[3], Item(0, "", "The report would benefit from a fuller analysis of contact with housing and "
                                  "health services."), *CLOSING]
    blocks = read_pdf(letter_pdf(body, style, justify=False))
    assert _tree(blocks) == _expected(body)
    assert CLOSING[0].text in [b.text for b in blocks if b.kind == "p"]


# Words of letters; "section 2." and "option (a)" may wrap onto a line's start, where they look like markers.
WORDS = ["the", "panel", "report", "review", "victim", "perpetrator", "agencies", "would", "benefit", "from", "a",
         "fuller", "analysis", "of", "contact", "with", "housing", "police", "health", "services", "including",
         "domestic", "abuse", "in", "paragraph", "4.2", "and", "consideration", "should", "be", "given", "to",
         "safeguarding", "responsibilities", "section 2. The", "option (a) and", "GP", "IDVA", "MARAC"]
KINDS = {"1": str, "a": lambda n: "abcdefghijkl"[n - 1], "i": lambda n: ["i", "ii", "iii", "iv", "v", "vi", "vii",
                                                                          "viii", "ix", "x", "xi", "xii"][n - 1],
         "": lambda n: ""}


@st.composite
def lists(draw: st.DrawFn) -> list[Item]:
    """A list as letters nest them: each item at most one level deeper than the one before, numbered, lettered
    or bulleted by its level, of one to fifty words."""
    kinds = draw(st.lists(st.sampled_from(sorted(KINDS)), min_size=3, max_size=3))
    items: list[Item] = []
    counts: list[int] = []
    for _ in range(draw(st.integers(1, 9))):
        level = draw(st.integers(0, min(items[-1].level + 1, 2))) if items else 0
        counts = [*counts[:level], (counts[level] if level < len(counts) else 0) + 1]
        words = " ".join(draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=50)))
        items.append(Item(level, KINDS[kinds[level]](counts[level]), f"{words[0].upper()}{words[1:]}."))
    return items


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(items=lists(), style=st.sampled_from(STYLES), justify=st.booleans(), symbol=st.booleans(),
       before=st.integers(0, 4))
def test_any_list_nested_and_wrapped_comes_out_as_it_went_in(items: list[Item], style: str, justify: bool,
                                                             symbol: bool, before: int) -> None:
    body = [*INTRO[:3] * before, INTRO[3], *items, *CLOSING]
    blocks = read_pdf(letter_pdf(body, style, justify, symbol))
    assert _tree(blocks) == _expected(body)
    assert CLOSING[0].text in [b.text for b in blocks if b.kind == "p"]


def _html_list(items: list[Item]) -> str:
    """The items as HTML lists, each item's deeper ones in a list inside it."""
    out = []
    n = 0
    while n < len(items):
        item, n = items[n], n + 1
        children = list(itertools.takewhile(lambda child, level=item.level: child.level > level, items[n:]))
        n += len(children)
        out.append(f"<li>{html.escape(item.text)}{_html_list(children) if children else ''}</li>")
    tag = "ul" if not items[0].number else "ol type='a'" if items[0].number.isalpha() else "ol"
    return f"<{tag}>{''.join(out)}</{tag.split()[0]}>"


@pytest.fixture(scope="module")
def chromium() -> Iterator[Page]:
    """A page of Debian's Chromium, to print letters to PDF with."""
    with chromium_page() as page:
        yield page


def _print(page: Page, body: list[Paragraph], items: list[Item], css: str = "") -> bytes:
    """The letter as Chromium prints a council's HTML, with a running footer and page numbers: its body's paragraphs,
    then its items as an ordered list of areas whose nested points are a bulleted list (bullets drawn as shapes)
    and a lettered list (letters right-aligned before the text)."""
    parts = ["<div class='letterhead'><div class='crest'>Home Office</div><div>Public Protection Unit</div>",
             "<div>2 Marsham Street</div><div>London SW1P 4DF</div></div><div class='address'><div>Shafick Peerbux",
             "</div><div>Kent County Council</div></div><div class='date'>22 January 2020</div><p>Dear Shafick,</p>",
             *(f"<p>{html.escape(p.text)}</p>" for p in body), _html_list(items) if items else "",
             f"<p>{html.escape(CLOSING[0].text)}</p><p>Yours sincerely,</p>"]
    page.set_content(f"<!doctype html><html lang='en'><head><meta charset='utf-8'><style>{CSS}{css}</style></head>"
                     f"<body>{''.join(parts)}</body></html>")
    return page.pdf(format="A4", margin={"top": "20mm", "bottom": "25mm", "left": "20mm", "right": "20mm"},
                    display_header_footer=True, header_template="<span></span>", footer_template=FOOTER)


@pytest.fixture(scope="module")
def printed(chromium: Page) -> bytes:
    """The letter printed with as many sentences before its list as take one of its items over the page break."""
    for sentences in range(1, 60):
        filler = Paragraph(" ".join(["The panel also noted the review's careful chronology."] * sentences))
        data = _print(chromium, [*INTRO[:3], filler, INTRO[3]], AREAS)
        if _spans_pages(data, read_pdf(data)):
            return data
    raise AssertionError("no length of the letter takes a list item over the page break")


def test_a_letter_chromium_printed_keeps_its_numbered_areas_and_nested_points(printed: bytes) -> None:
    blocks = read_pdf(printed)
    assert _tree(blocks) == _expected(AREAS)
    assert _spans_pages(printed, blocks)
    assert [b.lines for b in blocks[:3]] == [
        ("Home Office", "Public Protection Unit", "2 Marsham Street", "London SW1P 4DF"),
        ("Shafick Peerbux", "Kent County Council"), ("22 January 2020",)]
    assert "Page 1 of" not in "\n".join(b.text for b in blocks)


# A paragraph whose lines break in other places as more words come before it; among them, breaks at a hyphen typed
# in a compound word (PDFium gives it as U+FFFE and leaves out the line break), at a Unicode hyphen typed in one, at
# a soft hyphen (Chromium draws its own hyphen there, U+2010, a piece of text of its own), and after a sentence that
# ends a line short only because the next word is long.
_SENTENCE = ("it was felt that the work of the transforming health and social care on cross-training could usefully "
             "be highlighted as good practice to be adopted more widely. Recommendations 8 and 11 were also flagged as "
             "especially helpful to the multi-agency safe\u00adguarding respon\u00adsibilities of "
             "well\u2010established partnerships.")
_BREAKS = {"a hyphen typed": ("cross\ufffe",), "a sentence ending a short line": ("widely.\r\nRecommendations",),
           "a soft hyphen": ("safe\u2010\r\n", "respon\u2010\r\n"), "a Unicode hyphen typed": ("well\u2010\r\n",)}


def _paragraph(words: int) -> Paragraph:
    return Paragraph(" ".join(part for part in ("At 16:17,", _filler(words), _SENTENCE) if part))


def _pdf_text(data: bytes) -> str:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(data)
    return "\r\n".join(document[n].get_textpage().get_text_range() for n in range(len(document)))


@pytest.mark.parametrize("align", ["justify", "left"])
def test_hyphens_and_short_lines_ending_sentences_in_a_chromium_printed_letter_keep_its_words_and_paragraphs(
        chromium: Page, align: str) -> None:
    """Printed once with the paragraph after 0 to 39 words, to find lengths that break its lines in each way; then
    the letter with a paragraph of each of those lengths comes out word for word, a paragraph each."""
    css = f" p {{ text-align: {align}; }}"
    tried = _pdf_text(_print(chromium, [_paragraph(n) for n in range(40)], [], css)).split("At 16:17,")[1:]
    lengths = sorted({next(n for n, text in enumerate(tried) if any(s in text for s in breaks))
                      for breaks in _BREAKS.values()})
    body = [*INTRO[:2], *(_paragraph(n) for n in lengths)]
    data = _print(chromium, body, [], css)
    assert all(any(s in _pdf_text(data) for s in breaks) for breaks in _BREAKS.values())
    paragraphs = [b.text for b in read_pdf(data) if b.kind == "p"]
    start = paragraphs.index("Dear Shafick,") + 1
    assert paragraphs[start:start + len(body) + 1] == [p.text.replace("\u00ad", "") for p in [*body, *CLOSING]]


def _letter() -> bytes:
    return letter_pdf([*INTRO, *AREAS, *CLOSING] * 3)


HOSTILE = {
    "shapes.pdf": (lambda: many_shapes(200_000), "page 1 is drawn with 200,001 shapes and pieces of text"),
    "shapes on every page.pdf": (lambda: many_shapes(45_000, pages=100), "more than 200,000 shapes"),
    "shapes in a drawing.pdf": (lambda: many_shapes(45_000, pages=100, in_form=True), "more than 200,000 shapes"),
    "characters.pdf": (lambda: many_characters(1_000_000), "page 1 holds 1,009,998 characters"),
    "characters on every page.pdf": (lambda: many_characters(15_000, pages=100), "more than 200,000 characters"),
    "missing page.pdf": (lambda: document([b"BT /F1 11 Tf 57 700 Td (Dear Chair,) Tj ET"], missing=1),
                         "page 2 cannot be read"),
    "cut at its end.pdf": (lambda: _letter()[:-6], "its end is missing"),
    "cut in half.pdf": (lambda: _letter()[:len(_letter()) // 2], "it is damaged"),
}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_hostile_or_damaged_pdf_is_one_clear_line_quickly(name: str) -> None:
    make, expected = HOSTILE[name]
    data = make()
    started = time.perf_counter()
    with pytest.raises(FileError, match=expected) as raised:
        read_pdf(data)
    assert time.perf_counter() - started < 5
    assert "\n" not in str(raised.value)


_MEASURE = """import re, sys, time
from generator.importers.blocks import FileError
from generator.importers.pdf import read_pdf
data = open(sys.argv[1], "rb").read()
started = time.perf_counter()
try:
    read_pdf(data)
except FileError as exc:
    peak = re.search(r"VmHWM:\\s+(\\d+)", open("/proc/self/status").read())[1]  # ru_maxrss would carry pytest's
    print(f"{time.perf_counter() - started:.2f} {peak} {exc}")  # own peak over exec
"""


@pytest.mark.slow
@pytest.mark.parametrize("name", ["shapes.pdf", "shapes on every page.pdf", "characters.pdf",
                                  "characters on every page.pdf"])
def test_the_worst_hostile_pdfs_are_refused_in_under_two_seconds_and_200_mb(tmp_path: Path, name: str) -> None:
    """Each read in a fresh process, so that its peak memory is its own."""
    (tmp_path / name).write_bytes(HOSTILE[name][0]())
    result = subprocess.run([sys.executable, "-c", _MEASURE, str(tmp_path / name)], cwd=REPO, capture_output=True,
                            text=True, timeout=60)
    seconds, peak_kb, said = result.stdout.split(" ", 2)
    assert HOSTILE[name][1] in said, result.stderr
    assert float(seconds) < 2 and int(peak_kb) < 200_000
