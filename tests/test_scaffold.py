"""`dhr new`: files that pass validation, never overwriting."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, ContentTree

from generator.authoring import new as scaffold


def test_a_new_review_and_letter_pass_validation(tree: ContentTree) -> None:
    review = scaffold.new_review(tree.root, "Jane: a review (DHR 7)", "Exampleshire CSP")
    assert review == tree.root / "reviews/jane-a-review-dhr-7/review.md"
    letter = scaffold.new_letter(tree.root, "jane-a-review-dhr-7", "2024-02-03")
    assert letter == review.parent / "letter-2024-02-03.md"
    content, problems = tree.check()
    assert problems.errors == []
    new = next(r for r in content.reviews if r.slug == "jane-a-review-dhr-7")
    assert new.values["title"] == "Jane: a review (DHR 7)" and new.values["status"] == "draft"
    assert [p.message for p in problems.warnings] == ["the letter has no text"]
    text = review.read_text()
    assert "# death:  # month and year of the death; a full date is refused, e.g. 2023-05" in text
    assert "#   dhr import letter FILE --review jane-a-review-dhr-7 " in text  # the letter and plan as received
    assert "#   dhr import action-plan FILE --review jane-a-review-dhr-7 " in text


def test_existing_files_are_never_overwritten(tree: ContentTree) -> None:
    before = (tree.root / "reviews/alice/review.md").read_text()
    with pytest.raises(scaffold.ScaffoldError, match="already exists; nothing was written"):
        scaffold.new_review(tree.root, "Alice", "Other CSP")
    with pytest.raises(scaffold.ScaffoldError, match="already exists; nothing was written"):
        scaffold.new_letter(tree.root, "alice", "2024-08-07")
    assert (tree.root / "reviews/alice/review.md").read_text() == before


@pytest.mark.parametrize(("slug", "date", "message"), [
    ("nobody", "2024-01-01", "there is no review folder 'nobody'"),
    ("alice", "7 August 2024", "'7 August 2024' is not a date"),
])
def test_letters_need_a_review_and_a_date(tree: ContentTree, slug: str, date: str, message: str) -> None:
    with pytest.raises(scaffold.ScaffoldError, match=message):
        scaffold.new_letter(tree.root, slug, date)


def test_cli_prints_the_path_and_the_next_step(tree: ContentTree) -> None:
    def dhr(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "generator", "new", *args, "--content", str(tree.root)],
                              cwd=REPO, capture_output=True, text=True)

    made = dhr("review", "Bob", "--csp", "Exampleshire CSP")
    assert made.returncode == 0
    assert made.stdout.splitlines() == [f"Created {tree.root / 'reviews/bob/review.md'}",
                                        "Next: fill in its details, then add the panel's letter from the file you "
                                        "received with: dhr import letter FILE --review bob (or write it: dhr new "
                                        "letter bob --date YYYY-MM-DD), and the action plan from its Word, Excel or "
                                        "CSV table with: dhr import action-plan FILE --review bob"]
    again = dhr("review", "Bob", "--csp", "Exampleshire CSP")
    assert again.returncode == 1 and "already exists; nothing was written" in again.stderr
    assert dhr("letter", "bob", "--date", "2025-01-02").stdout.startswith(
        f"Created {Path(tree.root / 'reviews/bob/letter-2025-01-02.md')}")
