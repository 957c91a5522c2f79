"""Stage 2: one test per validation rule, each checking the exact `path:line: field: ...` message."""

from __future__ import annotations

import pytest
from conftest import ContentTree

from generator.content.kinds import nearest
from generator.problems import display_path

BASE = """\
title: Alice
csp: Test Community Safety Partnership
status: published
documents:
  - title: Overview report
    kind: report
    file: report.pdf
  - title: Action plan
    kind: action-plan
    file: report.pdf
"""


def test_the_fixture_content_is_clean(tree: ContentTree) -> None:
    assert tree.problems() == []


def test_unknown_field_suggests_the_nearest(tree: ContentTree) -> None:
    tree.review(BASE + "tittle: Alice\n")
    assert tree.problems() == ["reviews/alice/review.md:12: tittle: unknown field; did you mean 'title'?"]


def test_missing_required_field(tree: ContentTree) -> None:
    tree.review(BASE.replace("csp: Test Community Safety Partnership\n", ""))
    assert tree.problems() == [
        "reviews/alice/review.md:2: csp: this required field is missing or empty; "
        "add 'csp: Kent and Medway Community Safety Partnership'"
    ]


@pytest.mark.parametrize("empty", ["title:", "title: ~", 'title: ""', "title: '  '"])
def test_empty_required_field(tree: ContentTree, empty: str) -> None:
    tree.review(BASE.replace("title: Alice", empty))
    assert tree.problems() == ["reviews/alice/review.md:2: title: this required field is missing or empty; "
                               "add 'title: Salome'"]


def test_wrong_type(tree: ContentTree) -> None:
    tree.review(BASE + "themes: coercive control\n")
    assert tree.problems() == ["reviews/alice/review.md:12: themes: expected a list of theme from site.yaml; "
                               "put each item on its own line starting with '- '"]


def test_list_where_text_expected(tree: ContentTree) -> None:
    tree.review(BASE + "chair:\n  - A\n  - B\n")
    assert tree.problems() == ["reviews/alice/review.md:13: chair: expected text, found a list; "
                               "write a single value after the colon"]


def test_impossible_date(tree: ContentTree) -> None:
    tree.review(BASE + "published: 2024-02-30\n")
    assert tree.problems() == ["reviews/alice/review.md:12: published: '2024-02-30' is not a real date; "
                               "check the day and the month"]


def test_date_in_another_format(tree: ContentTree) -> None:
    tree.review(BASE + "published: 7 August 2024\n")
    assert tree.problems() == ["reviews/alice/review.md:12: published: '7 August 2024' is not a date; write "
                               "YYYY-MM-DD, or YYYY-MM when only the month is known"]


@pytest.mark.parametrize("death", ["2023-05-14", "14 May 2023", "14th May 2023"])
def test_full_date_of_death_is_refused(tree: ContentTree, death: str) -> None:
    tree.review(BASE + f"death: {death}\n")
    assert tree.problems() == ["reviews/alice/review.md:12: death: a full date of death is refused, to protect "
                               "anonymity; give the month and year only, e.g. 2023-05"]


@pytest.mark.parametrize("death", ["2023-05", "2023", "'2023-05'"])
def test_month_or_year_of_death_is_accepted(tree: ContentTree, death: str) -> None:
    tree.review(BASE + f"death: {death}\n")
    assert tree.problems() == []


def test_month_of_death_out_of_range(tree: ContentTree) -> None:
    tree.review(BASE + "death: 2023-13\n")
    assert tree.problems() == ["reviews/alice/review.md:12: death: '2023-13' has no month 13; "
                               "use a month from 01 to 12"]


def test_the_latest_year_follows_the_build_date_not_the_wall_clock(tree: ContentTree,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """A build as of 1 June 2020 (SOURCE_DATE_EPOCH) takes years up to 2021, whatever today is."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1590969600")
    tree.review(BASE.replace("published: 2024-09-01", "published: 2019-09-01") + "death: 2022-05\n")
    assert "reviews/alice/review.md:12: death: '2022-05' is not a year a review's dates can have; check the year: " \
           "it must be from 1900 to 2021" in tree.problems()


def test_unknown_theme_suggests_the_nearest(tree: ContentTree) -> None:
    tree.review(BASE + "themes:\n  - coersive control\n")
    assert tree.problems() == ["reviews/alice/review.md:13: themes: 'coersive control' is not a theme in "
                               "site.yaml; did you mean 'coercive control'?"]


def test_unknown_status_suggests_the_nearest(tree: ContentTree) -> None:
    tree.review(BASE.replace("status: published", "status: publshed"))
    assert tree.problems() == ["reviews/alice/review.md:4: status: 'publshed' is not one of draft, submitted, "
                               "published, withdrawn; did you mean 'published'?"]


def test_no_is_text_not_false(tree: ContentTree) -> None:
    """YAML 1.1 would read NO as false; a reference of NO stays the text NO."""
    tree.review(BASE + "reference: NO\n")
    content, problems = tree.check()
    assert problems.items == []
    assert content.reviews[0].values["reference"] == "NO"


def test_bool_field_accepts_only_true_or_false(tree: ContentTree) -> None:
    tree.write("reviews/alice/letter-2024-08-07.md",
               "---\ndate: 2024-08-07\noutcome: publish\nresubmission: yes\n---\nText.\n")
    assert tree.problems() == ["reviews/alice/letter-2024-08-07.md:4: resubmission: 'yes' is not true or false; "
                               "write true or false, without quotes"]


def test_letter_file_name_date_must_match(tree: ContentTree) -> None:
    tree.write("reviews/alice/letter-2024-08-07.md", "---\ndate: 2024-08-08\noutcome: publish\n---\nText.\n")
    assert tree.problems() == ["reviews/alice/letter-2024-08-07.md:2: date: 2024-08-08 differs from the date in "
                               "the file name (2024-08-07); make the file name and the date field agree"]


def test_letter_file_name_must_carry_a_date(tree: ContentTree) -> None:
    tree.write("reviews/alice/letter-august.md", "---\ndate: 2024-08-08\noutcome: publish\n---\nText.\n")
    assert tree.problems() == ["reviews/alice/letter-august.md:1: file name: 'letter-august.md' is not named "
                               "letter-YYYY-MM-DD.md; name the file after the letter's date, e.g. letter-2024-08-07.md"]


def test_letter_needs_a_review_beside_it(tree: ContentTree) -> None:
    tree.write("reviews/orphan/letter-2024-08-07.md", "---\ndate: 2024-08-07\noutcome: publish\n---\nText.\n")
    assert tree.problems() == ["reviews/orphan/letter-2024-08-07.md:1: review.md: this file's folder has no "
                               "review.md; move the file into its review's folder, or add review.md beside it"]


def test_two_reviews_with_the_same_slug(tree: ContentTree) -> None:
    tree.write("reviews/kent/alice/review.md", tree.root.joinpath("reviews/alice/review.md").read_text())
    tree.write("reviews/kent/alice/letter-2024-08-07.md", "---\ndate: 2024-08-07\noutcome: publish\n---\nText.\n")
    tree.write("reviews/kent/alice/report.pdf", b"%PDF")
    folder = display_path(tree.root / "reviews/alice")
    assert tree.problems() == [f"reviews/kent/alice/review.md:1: folder name: 'alice' is also the folder name "
                               f"of {folder}, and each review needs its own web address; "
                               "rename one of the two folders"]


@pytest.mark.parametrize(("name", "suggestion"), [("Alice", "alice"), ("alice smith", "alice-smith"),
                                                  ("alice_2", "alice-2"), ("élise", "elise")])
def test_slug_must_be_lower_case_letters_digits_and_hyphens(tree: ContentTree, name: str, suggestion: str) -> None:
    (tree.root / "reviews/alice").rename(tree.root / "reviews" / name)
    assert tree.problems() == [f"reviews/{name}/review.md:1: folder name: '{name}' cannot be a web address; "
                               "rename the folder with lower-case letters, digits and hyphens, "
                               f"e.g. '{suggestion}'"]


def test_a_review_cannot_take_the_lists_address(tree: ContentTree) -> None:
    (tree.root / "reviews/alice").rename(tree.root / "reviews/page")
    assert tree.problems() == ["reviews/page/review.md:1: folder name: '/reviews/page/' is used by the list of "
                               "reviews; rename the folder, e.g. 'page-review'"]


def test_published_review_needs_a_letter(tree: ContentTree) -> None:
    (tree.root / "reviews/alice/letter-2024-08-07.md").unlink()
    assert tree.problems() == ["reviews/alice/review.md:4: status: a published review needs its QA Panel letter; "
                               "add the letter as letter-YYYY-MM-DD.md in this folder (dhr new letter), "
                               "or set status: submitted"]


def test_a_draft_needs_no_letter(tree: ContentTree) -> None:
    tree.review(BASE.replace("status: published", "status: draft"))
    (tree.root / "reviews/alice/letter-2024-08-07.md").unlink()
    assert tree.problems() == []


def test_latest_letter_asking_for_resubmission_blocks_publication(tree: ContentTree) -> None:
    tree.write("reviews/alice/letter-2024-10-01.md", "---\ndate: 2024-10-01\noutcome: resubmit\n---\nText.\n")
    assert tree.problems() == ["reviews/alice/review.md:4: status: the latest QA letter (letter-2024-10-01.md) "
                               "asks for the report to be resubmitted; resubmit the report and add the panel's new "
                               "letter, or set status: submitted"]


def test_an_earlier_resubmit_letter_is_fine(tree: ContentTree) -> None:
    tree.write("reviews/alice/letter-2024-01-01.md", "---\ndate: 2024-01-01\noutcome: resubmit\n---\nText.\n")
    assert tree.problems() == []


def test_missing_document_file(tree: ContentTree) -> None:
    tree.review(BASE.replace("file: report.pdf\n  - title: Action", "file: reprot.pdf\n  - title: Action"))
    assert tree.problems() == ["reviews/alice/review.md:6: documents.file: 'reprot.pdf' does not exist in alice/; "
                               "check the spelling, or copy the document into the review's folder"]


@pytest.mark.parametrize("file", ["../../secret.pdf", "/etc/secret.pdf", "javascript:alert(1)/a.pdf",
                                  "sub\\\\a.pdf", "a//b.pdf", "./a.pdf", "C:/a.pdf"])
def test_a_document_file_is_a_plain_relative_path(tree: ContentTree, file: str) -> None:
    tree.write("secret.pdf", b"%PDF")
    tree.review(BASE.replace("file: report.pdf\n  - title: Action", f'file: "{file}"\n  - title: Action'))
    shown = file.replace("\\\\", "\\")
    assert tree.problems() == [f"reviews/alice/review.md:8: documents.file: '{shown}' is not the name of a file in "
                               "the review's folder; give the file's name, e.g. report.pdf, or sub-folder/report.pdf, "
                               "with no '..', ':' or backslash, each name under 200 characters; "
                               "for a document on another website use url:"]


def test_a_link_to_a_document_outside_the_review_folder(tree: ContentTree) -> None:
    tree.write("secret.pdf", b"%PDF")
    (tree.root / "reviews/alice/linked.pdf").symlink_to(tree.root / "secret.pdf")
    tree.review(BASE.replace("file: report.pdf\n  - title: Action", "file: linked.pdf\n  - title: Action"))
    assert tree.problems() == ["reviews/alice/review.md:6: documents.file: 'linked.pdf' is outside the "
                               "review's folder; put the document in the review's folder and give its file name"]


def test_report_of_20_mb_or_more(tree: ContentTree) -> None:
    with open(tree.root / "reviews/alice/report.pdf", "wb") as f:
        f.truncate(20 * 1000 * 1000)
    assert tree.problems() == ["reviews/alice/review.md:9: documents.file: the report is 20.0 MB; the Home Office "
                               "asks for less than 20 MB; compress the PDF (for example, reduce image resolution)"]


def test_document_needs_file_or_url(tree: ContentTree) -> None:
    tree.review(BASE + "  - title: Summary\n    kind: executive-summary\n")
    assert tree.problems() == ["reviews/alice/review.md:12: documents: 'Summary' needs either file or url, not "
                               "neither; give file: for a PDF in the review's folder, or url: for one published "
                               "elsewhere"]


def test_unknown_document_field(tree: ContentTree) -> None:
    tree.review(BASE + "  - title: Summary\n    kind: executive-summary\n    url: https://example.org/s.pdf\n"
                "    size: 3\n")
    assert tree.problems() == ["reviews/alice/review.md:15: documents.size: unknown field; "
                               "remove it, or use one of title, kind, file, url, acknowledge"]


def test_no_report_and_no_action_plan_are_warnings(tree: ContentTree) -> None:
    tree.review("title: Alice\ncsp: Test\nstatus: published\n")
    _, problems = tree.check()
    assert problems.errors == []
    assert [str(p).split("review.md:", 1)[1] for p in problems.warnings] == [
        "4: warning: documents: a published review lists no action plan; add action-plan.yaml (dhr new action-plan), "
        "list the action plan under documents "
        "(kind: action-plan), or annex it to the report",
        "4: warning: documents: a published review lists no report; add the report under documents, with kind: report",
    ]
    assert not problems.failed() and problems.failed(strict=True)


@pytest.mark.parametrize(("text", "what"), [
    ("She died on 3 March 2021.", "'3 March 2021' looks like a full date"),
    ("Write to jo@example.org for help.", "'jo@example.org' looks like an e-mail address"),
    ("Call 01632 960 123 for help.", "'01632 960 123' looks like a phone number"),
])
def test_identifying_details_in_a_summary_are_warnings(tree: ContentTree, text: str, what: str) -> None:
    tree.review(BASE, body=f"A summary.\n\n{text}\n")
    [warning] = tree.problems()
    assert warning.startswith(f"reviews/alice/review.md:15: warning: summary: {what}, which could identify people; ")


def test_duplicate_keys_are_reported(tree: ContentTree) -> None:
    tree.review(BASE + "title: Bob\n")
    assert tree.problems() == ["reviews/alice/review.md:12: title: this field appears twice (first on line 2); "
                               "keep one of the two lines"]


def test_every_problem_is_reported_in_one_run(tree: ContentTree) -> None:
    tree.review(BASE.replace("status: published", "status: maybe") + "tittle: x\ndeath: 2020-01-02\n")
    tree.write("reviews/bob/review.md", "---\ntitle: Bob\n---\n")
    problems = tree.problems()
    assert len(problems) == 5, problems
    assert [p.split(": ", 1)[0] for p in problems] == [
        "reviews/alice/review.md:4", "reviews/alice/review.md:12", "reviews/alice/review.md:13",
        "reviews/bob/review.md:2", "reviews/bob/review.md:2",
    ]


def test_site_settings_are_validated(tree: ContentTree) -> None:
    tree.write("site.yaml", "title: T\nowner: O\nquick_exit_url: bbc weather\n"
               "themes: [coercive control, Coercive Control]\ncolour: red\n")
    assert tree.problems() == [
        "site.yaml:3: quick_exit_url: 'bbc weather' is not a web address; write the full address, starting https://",
        "site.yaml:4: themes: 'Coercive Control' is listed twice, or would share another theme's address "
        "/themes/coercive-control/; keep one of them",
        "site.yaml:5: colour: unknown field; remove it, or use one of title, description, base_url, language, "
        "owner, contact, quick_exit_url, helplines, themes, agencies, partnerships",
    ]


def test_missing_site_settings(tree: ContentTree) -> None:
    (tree.root / "site.yaml").unlink()
    assert tree.problems()[0] == ("site.yaml:1: site.yaml: the site settings file is missing; "
                                  "create content/site.yaml with at least title and themes")


@pytest.mark.parametrize("name", ["Reviews", "search", "my page"])
def test_page_names_must_be_free_web_addresses(tree: ContentTree, name: str) -> None:
    tree.write(f"pages/{name}.md", "---\ntitle: A page\n---\n")
    [problem] = tree.problems()
    assert problem.startswith(f"pages/{name}.md:1: file name: ")


@pytest.mark.parametrize(("file", "text"), [
    ("site.yaml", "title: T\nowner: O\nquick_exit_url: https://www.bbc.co.uk/\nthemes: MARAC\n"),
    ("site.yaml", "title: [T]\nowner: {a: b}\nquick_exit_url: 3\nthemes:\n  - [x]\nhelplines: 2\n"),
    ("site.yaml", "- just\n- a list\n"),
    ("reviews/alice/review.md", "---\ntitle: A\ncsp: B\nstatus: published\ndocuments: report.pdf\n---\n"),
    ("reviews/alice/review.md", "---\ntitle: A\ncsp: B\nstatus: published\ndocuments:\n  - report.pdf\n---\n"),
    ("reviews/alice/review.md", "---\ntitle: A\ncsp: B\nstatus: [published]\n---\n"),
    ("reviews/alice/letter-2024-08-07.md", "---\ndate: [2024-08-07]\noutcome: {a: 1}\n---\n"),
    ("reviews/alice/letter-2024-08-07.md", "---\n---\n"),
    ("reviews/alice/letter-2024-08-07.md", "---\ndate: 2024-08-07\noutcome: publish\nacknowledge: yes\n---\nME1 1AA\n"),
    ("reviews/alice/review.md", "---\ntitle: A\ncsp: B\nstatus: published\naliases: old\n---\n"),
])
def test_wrong_types_anywhere_are_problems_not_crashes(tree: ContentTree, file: str, text: str) -> None:
    tree.write(file, text)
    problems = tree.problems()
    assert problems and all(p.startswith(file + ":") for p in problems), problems


@pytest.mark.parametrize("body", ["", "\n\n", "<!-- Paste the letter's text here. -->\n"])
def test_a_letter_without_text_is_a_warning(tree: ContentTree, body: str) -> None:
    tree.write("reviews/alice/letter-2024-08-07.md", f"---\ndate: 2024-08-07\noutcome: publish\n---\n{body}")
    assert tree.problems() == ["reviews/alice/letter-2024-08-07.md:5: warning: letter: the letter has no text; "
                               "paste the letter's text below the front matter"]


@pytest.mark.parametrize("name", ["index.html", "evil.svg", "script.js", "page.htm"])
def test_only_document_types_can_be_published_as_documents(tree: ContentTree, name: str) -> None:
    tree.write(f"reviews/alice/{name}", "<script>alert(1)</script>")
    tree.review(BASE.replace("file: report.pdf\n  - title: Action", f"file: {name}\n  - title: Action"))
    assert tree.problems() == [f"reviews/alice/review.md:6: documents.file: '{name}' is not a document type the site "
                               "publishes; give a PDF, Word, OpenDocument, spreadsheet, CSV or text file"]


def test_aliases_must_be_free_review_addresses(tree: ContentTree) -> None:
    tree.review(BASE.replace("title: Alice", "title: Bob"), slug="bob")
    tree.write("reviews/bob/letter-2024-08-07.md", "---\ndate: 2024-08-07\noutcome: publish\n---\nText.\n")
    tree.write("reviews/bob/report.pdf", b"%PDF")
    tree.review(BASE + "aliases:\n  - alice-old\n  - bob\n  - Not A Slug\n")
    assert tree.problems() == [
        "reviews/alice/review.md:12: aliases: '/reviews/bob/' is already the address of a review or another alias; "
        "remove it, or rename one of the two",
        "reviews/alice/review.md:12: aliases: 'Not A Slug' cannot be a review's address; give the review's earlier "
        "folder name: lower-case letters, digits and hyphens",
    ]


def test_two_names_that_would_share_a_partnerships_address_are_an_error(tree: ContentTree) -> None:
    tree.review(BASE.replace("csp: Test Community Safety Partnership", "csp: A&B"), slug="bob")
    tree.write("reviews/bob/letter-2024-08-07.md", "---\ndate: 2024-08-07\noutcome: publish\n---\nText.\n")
    tree.write("reviews/bob/report.pdf", b"%PDF")
    tree.review(BASE.replace("csp: Test Community Safety Partnership", "csp: A B"), slug="carol")
    tree.write("reviews/carol/letter-2024-08-07.md", "---\ndate: 2024-08-07\noutcome: publish\n---\nText.\n")
    tree.write("reviews/carol/report.pdf", b"%PDF")
    assert tree.problems() == [
        "reviews/carol/review.md:3: csp: 'A B' and 'A&B' would share the address /partnerships/a-b/; spell it the "
        "same way in every review: 'A&B'"]


@pytest.mark.parametrize(("text", "what"), [
    ("She lived at 14 Any Street, ME14 1XQ.", "'ME14 1XQ' looks like a postcode"),
    ("NHS number 943 476 5919.", "'943 476 5919' looks like an NHS number"),
])
def test_postcodes_and_nhs_numbers_in_letters_are_warnings(tree: ContentTree, text: str, what: str) -> None:
    tree.write("reviews/alice/letter-2024-08-07.md",
               f"---\ndate: 2024-08-07\noutcome: publish\n---\nDear Chair,\n\n{text}\n")
    [warning] = tree.problems()
    assert warning == (f"reviews/alice/letter-2024-08-07.md:7: warning: letter: {what}, which could identify people; "
                       f"{'remove it, or acknowledge it' if 'postcode' in what else 'remove it'}; if it must stay, "
                       "acknowledge it in the front matter with a reason")


def test_letters_may_carry_the_home_offices_e_mail_and_phone(tree: ContentTree) -> None:
    tree.write("reviews/alice/letter-2024-08-07.md", "---\ndate: 2024-08-07\noutcome: publish\n---\n"
               "Please e-mail DHREnquiries@homeoffice.gov.uk or call 020 7035 4848.\n")
    assert tree.problems() == []


def test_an_acknowledged_warning_is_not_repeated(tree: ContentTree) -> None:
    tree.write("reviews/alice/letter-2024-08-07.md", "---\ndate: 2024-08-07\noutcome: publish\nacknowledge:\n"
               "  - text: SW1P 4DF\n    reason: the Home Office's own address\n---\n2 Marsham Street, SW1P 4DF\n")
    assert tree.problems() == []
    tree.write("reviews/alice/letter-2024-08-07.md", "---\ndate: 2024-08-07\noutcome: publish\nacknowledge:\n"
               "  - text: SW1P 4DF\n---\n2 Marsham Street, SW1P 4DF\n")
    assert tree.problems() == ["reviews/alice/letter-2024-08-07.md:5: acknowledge.reason: this required field is "
                               "missing or empty; add 'reason: the Home Office's own address'"]


THEMES = ("coercive control", "physical abuse", "equality and diversity", "mental health", "MARAC",
          "economic abuse", "honour-based abuse", "substance misuse")


@pytest.mark.parametrize(("typed", "meant"), [
    ("coersive control", "coercive control"), ("Coercive Control", "coercive control"), ("marac", "MARAC"),
    ("MARC", "MARAC"), ("mental  health", "mental health"), ("phsyical abuse", "physical abuse"),
    ("econmic abuse", "economic abuse"), ("honour based abuse", "honour-based abuse"),
    ("substance missuse", "substance misuse"),
])
def test_a_likely_misspelling_is_suggested(typed: str, meant: str) -> None:
    assert nearest(typed, THEMES) == meant


@pytest.mark.parametrize("typed", [
    "physical disability", "neurodiversity", "sexual abuse", "mental capacity", "emotional abuse",
    "controlling behaviour", "diversity", "abuse", "health", "MAPPA",
])
def test_a_different_meaning_is_never_suggested(typed: str) -> None:
    """Sharing a word is not a misspelling: 'physical disability' is no typo of 'physical abuse'."""
    assert nearest(typed, THEMES) is None
