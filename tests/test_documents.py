"""The document checks (`generator.documents.inspect`): each check proved by a document made as partnerships make
them, clean reports that pass every check, and hostile files that end as a finding within bounded time, never a
traceback."""

from __future__ import annotations

import os
import pickle
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import report_files as rf
from conftest import chromium_page
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pdf_files import many_characters, many_shapes

from generator.documents import CHECKS, DocumentFacts, Finding, inspect, reading
from generator.documents.facts import MAX_FINDINGS, MAX_OBJECTS, MAX_PAGE_CHARS, MAX_PAGES


@pytest.fixture(scope="module")
def printed() -> Iterator[dict[str, bytes]]:
    """The reports Chromium prints, made once for the module."""
    with chromium_page() as page:
        yield {
            "clean": rf.clean_report(page),
            "boxed": rf.boxed_name(page),
            "white": rf.white_text(page),
            "scanned": rf.scanned(page),
            "untitled": rf.printed(page, rf.report_html(["Text."], title=None, lang=None)),
            "marked": rf.printed(page, rf.report_html([
                "Some <s>struck words</s>, <u>underlined words</u>, <a href='https://example.org'>a link</a>, "
                "<mark>highlighted words</mark> and <span style='background:#036;color:#fff'>white on blue</span>.",
                "<span style='text-decoration:line-through;text-decoration-thickness:3px'>thickly struck</span>"])),
        }


def facts_of(tmp_path: Path, data: bytes, name: str = "report.pdf") -> DocumentFacts:
    path = tmp_path / name
    path.write_bytes(data)
    return inspect(path)


def checks(facts: DocumentFacts) -> list[str]:
    return [finding.check for finding in facts.findings]


def only(facts: DocumentFacts, check: str) -> list[Finding]:
    return [finding for finding in facts.findings if finding.check == check]


# --- clean reports pass every check ---

def test_a_printed_report_passes_every_check(printed: dict[str, bytes], tmp_path: Path) -> None:
    facts = facts_of(tmp_path, printed["clean"])
    assert facts.findings == ()
    assert (facts.format, facts.title, facts.language, facts.tagged) == ("pdf", rf.TITLE, "en-GB", True)
    assert len(facts.pages) == 1 and "shared referral pathway" in facts.pages[0]


def test_struck_underlined_linked_and_highlighted_text_is_no_redaction(printed: dict[str, bytes],
                                                                       tmp_path: Path) -> None:
    assert facts_of(tmp_path, printed["marked"]).findings == ()


def test_a_word_report_passes_every_check_and_keeps_words_pages(tmp_path: Path) -> None:
    facts = facts_of(tmp_path, rf.word_report(pages=3), "report.docx")
    assert facts.findings == ()
    assert (facts.format, facts.title, facts.language, facts.tagged) == ("docx", rf.TITLE, "en-GB", True)
    assert len(facts.pages) == 3
    assert facts.pages[0].startswith(rf.TITLE) and facts.pages[1] == rf.PARAGRAPHS[1]
    never_laid_out = facts_of(tmp_path, rf.word_report(pages=3, laid_out=False), "report.docx")
    assert never_laid_out.pages == facts.pages  # split at its page breaks instead


# --- a failed redaction: blocking, quoting the words the text layer still holds ---

@pytest.mark.parametrize(("made", "said"), [("boxed", "hidden under a shape drawn over it"),
                                            ("white", "white on a white background")])
def test_text_a_reader_cannot_see_in_a_printed_report_is_a_failed_redaction(printed: dict[str, bytes],
                                                                            tmp_path: Path, made: str,
                                                                            said: str) -> None:
    facts = facts_of(tmp_path, printed[made])
    [finding] = facts.findings
    assert (finding.where, finding.check, finding.blocking) == ("page 1", "redaction", True)
    assert rf.NAME in finding.quote and said in finding.message and rf.NAME in finding.message
    assert rf.NAME in facts.pages[0]  # the text layer still holds it: that is the leak


@pytest.mark.parametrize(("made", "said"), [(rf.off_page, "outside the page"), (rf.invisible, "invisible"),
                                            (rf.box_in_form, "hidden under a shape")])
def test_text_off_the_page_invisible_or_under_a_placed_drawing_is_a_failed_redaction(
        tmp_path: Path, made: Callable[[], bytes], said: str) -> None:
    [finding] = only(facts_of(tmp_path, made()), "redaction")
    assert finding.quote == rf.NAME and said in finding.message and finding.blocking


def test_a_scans_recognised_text_and_a_banner_are_no_redaction(tmp_path: Path) -> None:
    assert only(facts_of(tmp_path, rf.invisible(behind=True)), "redaction") == []
    assert only(facts_of(tmp_path, rf.box_behind()), "redaction") == []


def test_a_redaction_marked_but_never_applied_is_a_failed_redaction(tmp_path: Path) -> None:
    [finding] = only(facts_of(tmp_path, rf.annotated(rf.typed(f"The victim, {rf.NAME}, lived alone."), redact=True)),
                     "redaction")
    assert (finding.quote, finding.blocking) == (rf.NAME, True) and "never applied" in finding.message


# --- metadata ---

def test_a_pdfs_author_and_a_path_in_its_creator_are_metadata(printed: dict[str, bytes], tmp_path: Path) -> None:
    path = "C:\\Users\\jdoe\\Documents\\DHR final.docx"
    facts = facts_of(tmp_path, rf.with_metadata(printed["clean"], Author=rf.NAME, Creator=path,
                                                Subject="Domestic Homicide Review"))
    found = only(facts, "metadata")
    assert [f.quote for f in found] == [rf.NAME, path]
    assert "Author" in found[0].message and "file path" in found[1].message
    assert all(not f.blocking and f.where == "metadata" for f in found)


def test_a_word_reports_properties_name_its_author_company_and_template(tmp_path: Path) -> None:
    facts = facts_of(tmp_path, rf.word_report(author=rf.NAME, company="Exampleshire Council", template=True),
                     "report.docx")
    quotes = [f.quote for f in only(facts, "metadata")]
    assert quotes[:3] == [rf.NAME, rf.NAME, "Exampleshire Council"]  # author, last modified by, company
    assert "C:\\Users\\jdoe" in quotes[3]


# --- Word: tracked changes, comments, hidden text, earlier versions ---

def test_words_tracked_changes_are_found_with_their_text_and_author(tmp_path: Path) -> None:
    found = only(facts_of(tmp_path, rf.word_report(tracked=True), "report.docx"), "tracked-changes")
    assert [f.quote for f in found] == [f"{rf.NAME} was known to police.", "Adult A was known to police."]
    assert all(f.where == "paragraph 2" and "Jo Bloggs" in f.message for f in found)


def test_a_word_footers_file_path_is_metadata(tmp_path: Path) -> None:
    path = "C:\\Users\\jdoe\\Documents\\DHR final.docx"
    [found] = only(facts_of(tmp_path, rf.word_report(footer=path), "report.docx"), "metadata")
    assert (found.where, found.quote) == ("a footer", path)


def test_a_pdfs_comments_attachments_and_earlier_versions(printed: dict[str, bytes], tmp_path: Path) -> None:
    [note] = facts_of(tmp_path, rf.annotated(printed["clean"], note=True)).findings
    assert (note.check, note.where, note.quote) == ("comments", "page 1", f"Check with {rf.NAME}'s sister")
    assert "Jo Bloggs" in note.message
    [attached] = facts_of(tmp_path, rf.annotated(printed["clean"], attached=True)).findings
    assert (attached.check, attached.quote) == ("versions", "Overview report DRAFT v3.docx")
    [resaved] = facts_of(tmp_path, rf.annotated(printed["clean"], resaved=True)).findings
    assert resaved.check == "versions" and "saved once more" in resaved.message


def test_words_comments_are_found_where_they_are_anchored(tmp_path: Path) -> None:
    [found] = only(facts_of(tmp_path, rf.word_report(comment=True), "report.docx"), "comments")
    assert (found.where, found.quote) == ("paragraph 2", f"Is {rf.NAME} the right name here?")
    assert "Jo Bloggs" in found.message


def test_words_hidden_text_is_found_and_kept_out_of_the_pages(tmp_path: Path) -> None:
    facts = facts_of(tmp_path, rf.word_report(hidden=True), "report.docx")
    [found] = only(facts, "hidden-text")
    assert (found.where, found.quote) == ("paragraph 2", f"Real name: {rf.NAME}.")
    assert rf.NAME not in "".join(facts.pages)


def test_an_earlier_version_kept_in_a_word_report_is_found(tmp_path: Path) -> None:
    [found] = only(facts_of(tmp_path, rf.word_report(versions=True), "report.docx"), "versions")
    assert "_UIVersionString" in found.message


# --- identifying patterns, the content scans' own ---

def test_identifying_patterns_are_found_on_their_page(tmp_path: Path) -> None:
    facts = facts_of(tmp_path, rf.word_report(pages=2, extra="Call 01234 567890 or write to AB1 2DE."),
                     "report.docx")
    found = only(facts, "pattern")
    assert [(f.where, f.quote) for f in found] == [("page 2", "01234 567890"), ("page 2", "AB1 2DE")]
    assert "phone number" in found[0].message and "postcode" in found[1].message


def test_many_findings_of_one_check_are_counted_not_listed(tmp_path: Path) -> None:
    facts = facts_of(tmp_path, rf.typed(*[f"Call 01234 5678{n:02d}" for n in range(MAX_FINDINGS + 5)]))
    found = only(facts, "pattern")
    assert len(found) == MAX_FINDINGS + 1 and found[-1].message == "and 5 more places like those above"


# --- accessibility basics ---

def test_a_scanned_report_has_no_text_layer(printed: dict[str, bytes], tmp_path: Path) -> None:
    facts = facts_of(tmp_path, printed["scanned"])
    assert "no-text" in checks(facts) and facts.pages == ("",)


def test_a_report_without_title_or_language_says_so(printed: dict[str, bytes], tmp_path: Path) -> None:
    untitled = facts_of(tmp_path, printed["untitled"])  # Chromium titles it "about:blank", in its own language
    assert checks(untitled) == ["no-title"] and untitled.title is None
    assert checks(facts_of(tmp_path, rf.typed("Text."))) == ["no-title", "no-language", "untagged"]
    word = facts_of(tmp_path, rf.word_report(title="Microsoft Word - DHR final.docx", language=None), "report.docx")
    assert checks(word) == ["no-title", "no-language"] and word.language is None


# --- the file itself: its type, encryption, damage ---

@pytest.mark.parametrize(("data", "name", "said"), [
    (rf.word_report(), "report.pdf", "named .pdf but is a Word document"),
    (rf.typed("Text."), "report.docx", "named .docx but is a PDF"),
    (b"Just some text", "report.docx", "named .docx but is neither"),
    (b"", "report.pdf", "named .pdf but is neither"),
])
def test_a_file_that_is_not_what_its_name_says(tmp_path: Path, data: bytes, name: str, said: str) -> None:
    facts = facts_of(tmp_path, data, name)
    assert facts.findings[0].check == "type" and said in facts.findings[0].message


def test_a_word_file_named_pdf_is_still_checked_as_word(tmp_path: Path) -> None:
    facts = facts_of(tmp_path, rf.word_report(author=rf.NAME), "report.pdf")
    assert facts.format == "docx" and checks(facts)[:2] == ["type", "metadata"]


def test_encrypted_documents(printed: dict[str, bytes], tmp_path: Path) -> None:
    locked = facts_of(tmp_path, rf.encrypted(printed["clean"]))
    assert checks(locked) == ["encrypted"] and locked.pages == ()
    assert checks(facts_of(tmp_path, rf.encrypted(printed["clean"], "", copying=False))) == ["encrypted"]
    assert facts_of(tmp_path, rf.encrypted(printed["clean"], "")).findings == ()  # permissions that allow copying
    assert checks(facts_of(tmp_path, rf.encrypted_word(), "report.docx")) == ["encrypted"]


@pytest.mark.parametrize(("data", "name"), [(b"%PDF-1.7\n" + bytes(range(256)) * 50, "report.pdf"),
                                            (rf.typed("Text.")[:300], "report.pdf"),
                                            (rf.word_report()[:2000], "report.docx"),
                                            (rf.entities(), "report.docx")])
def test_a_damaged_or_hostile_document_is_unreadable(tmp_path: Path, data: bytes, name: str) -> None:
    facts = facts_of(tmp_path, data, name)
    assert checks(facts) == ["unreadable"] and facts.pages == ()


def test_a_missing_file_or_a_folder_is_unreadable(tmp_path: Path) -> None:
    (tmp_path / "folder.pdf").mkdir()
    assert checks(inspect(tmp_path / "folder.pdf")) == ["unreadable"]
    assert checks(inspect(tmp_path / "missing.docx")) == ["unreadable"]


def test_other_kinds_of_file_are_not_read(tmp_path: Path) -> None:
    assert facts_of(tmp_path, b"a,b\n", "plan.csv") == DocumentFacts("", (), None, None, False, ())


def test_the_checks_are_named_and_only_a_failed_redaction_blocks() -> None:
    assert set(CHECKS) == {"redaction", "metadata", "tracked-changes", "comments", "hidden-text", "versions",
                           "pattern", "no-text", "no-title", "no-language", "untagged", "type", "encrypted",
                           "unreadable"}
    assert [check for check in CHECKS if Finding("file", check, "", "").blocking] == ["redaction"]


def test_facts_survive_a_cache(tmp_path: Path) -> None:
    facts = facts_of(tmp_path, rf.word_report(tracked=True), "report.docx")
    assert pickle.loads(pickle.dumps(facts)) == facts


# --- bounded: limits reached are findings, within seconds ---

def _aborts(data: bytes) -> DocumentFacts:
    os.abort()


def _hoards(data: bytes) -> DocumentFacts:
    hoard = [bytearray(50_000_000) for _ in range(100)]
    return DocumentFacts("pdf", (str(len(hoard)),), None, None, False, ())


def _fails(data: bytes) -> DocumentFacts:
    raise ValueError("a library's own failure")


@pytest.mark.parametrize(("reader", "said"), [(_aborts, "SIGABRT"), (_hoards, "MB of memory"),
                                              (_fails, "could not be read (ValueError)")])
def test_a_reader_that_crashes_hoards_or_fails_ends_as_a_finding(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                  reader: Callable[[bytes], DocumentFacts],
                                                                  said: str) -> None:
    monkeypatch.setitem(reading.READERS, "pdf", reader)
    [finding] = facts_of(tmp_path, rf.typed("Text.")).findings
    assert finding.check == "unreadable" and said in finding.message


def test_where_the_system_cannot_fork_a_failing_reader_is_still_a_finding(tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(os, "fork")
    monkeypatch.setitem(reading.READERS, "pdf", _fails)
    assert checks(facts_of(tmp_path, rf.typed("Text."))) == ["unreadable"]


@pytest.mark.slow
@pytest.mark.parametrize(("make", "name", "said"), [
    (lambda: rf.zip_bomb(), "bomb.docx", "larger than 100 MB"),
    (lambda: rf.zip_bomb(members=210, size=1_000_000), "bombs.docx", "would unpack to more than 200 MB"),
    (rf.lying_zip, "lying.docx", "damaged"),
    (lambda: rf.many_pages(MAX_PAGES + 5), "pages.pdf", f"only the first {MAX_PAGES:,} were read"),
    (lambda: many_shapes(MAX_OBJECTS + 5), "shapes.pdf", f"more than {MAX_OBJECTS:,} objects"),
    (lambda: many_shapes(MAX_OBJECTS + 5, in_form=True), "form.pdf", f"more than {MAX_OBJECTS:,} objects"),
    (lambda: many_characters(MAX_PAGE_CHARS + 20_000), "chars.pdf", f"only the first {MAX_PAGE_CHARS:,}"),
])
def test_a_hostile_document_ends_as_a_finding_within_seconds(tmp_path: Path, make: Callable[[], bytes], name: str,
                                                             said: str) -> None:
    path = tmp_path / name
    path.write_bytes(make())
    start = time.monotonic()
    facts = inspect(path)
    assert time.monotonic() - start < 15
    assert any(f.check == "unreadable" and said in f.message for f in facts.findings), facts.findings


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(base=st.sampled_from(["pdf", "docx"]), cuts=st.lists(st.tuples(st.integers(0, 40_000), st.binary(max_size=8)),
                                                            max_size=6))
def test_no_damage_to_a_document_makes_inspect_raise(tmp_path: Path, base: str,
                                                     cuts: list[tuple[int, bytes]]) -> None:
    data = bytearray(rf.typed("Call 01234 567890.") if base == "pdf" else rf.word_report(tracked=True))
    for at, junk in cuts:
        data[at % len(data):at % len(data) + len(junk)] = junk
    facts = facts_of(tmp_path, bytes(data), f"report.{base}")
    assert all(f.check in CHECKS for f in facts.findings)
