"""`dhr check --report`: the publication checklist, pass, warning or fail per check."""

from __future__ import annotations

import re
import subprocess
import sys

from conftest import REPO, ContentTree

from generator.authoring.report import FAIL, PASS, WARN, checklist


def _checks(tree: ContentTree, slug: str = "alice") -> dict[str, tuple[str, str]]:
    content, problems = tree.check()
    review = next(r for r in content.reviews if r.slug == slug)
    return {c.name: (c.result, c.detail) for c in checklist(review, problems)}


def test_a_ready_review_passes_everything(tree: ContentTree) -> None:
    checks = _checks(tree)
    assert {name: result for name, (result, _) in checks.items()} == {
        "QA letter annexed": PASS, "latest letter outcome": PASS, "report linked": PASS,
        "action plan listed": PASS, "report under 20 MB": PASS, "no full date of death": PASS, "anonymity": PASS}
    assert checks["report under 20 MB"] == (PASS, "0.0 MB")
    assert checks["latest letter outcome"] == (PASS, "May now be published (letter-2024-08-07.md)")


def test_what_is_left_before_publishing(tree: ContentTree) -> None:
    tree.review("title: Alice\ncsp: Test\nstatus: draft\ndeath: 2020-01-02\n", body="Born 3 March 1980.\n")
    tree.write("reviews/alice/letter-2024-09-01.md", "---\ndate: 2024-09-01\noutcome: resubmit\n---\nText.\n")
    checks = _checks(tree)
    assert checks["latest letter outcome"] == (FAIL, "Should be resubmitted (letter-2024-09-01.md)")
    assert checks["report linked"] == (WARN, "none listed")
    assert checks["report under 20 MB"] == (WARN, "no report to measure")
    assert checks["no full date of death"] == (FAIL, "month and year only")
    assert checks["anonymity"] == (WARN, "1 to look at (see the warnings)")


def test_acknowledgements_are_shown(tree: ContentTree) -> None:
    tree.write("reviews/alice/letter-2024-08-07.md", "---\ndate: 2024-08-07\noutcome: publish\nacknowledge:\n"
               "  - text: SW1P 4DF\n    reason: the Home Office's own address\n---\nSW1P 4DF\n")
    assert _checks(tree)["anonymity"] == (PASS, "'SW1P 4DF' acknowledged: the Home Office's own address")


def test_cli_prints_the_checklist_and_the_totals(tree: ContentTree) -> None:
    result = subprocess.run([sys.executable, "-m", "generator", "check", "--report", "--content", str(tree.root)],
                            cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0
    assert result.stdout.splitlines()[:3] == ["Publication checklist (Home Office QA rules): 1 reviews", "",
                                              "alice: Alice (published)"]
    assert "Checks: 7 passed, 0 to look at, 0 failed" in result.stdout.splitlines()
    assert any(line.startswith("Overdue actions on ") for line in result.stdout.splitlines())
    assert result.stdout.splitlines()[-1] == "1 reviews: 0 errors, 0 warnings"


def test_a_warning_on_many_files_is_one_line_and_the_report_lists_every_one(tree: ContentTree) -> None:
    text = (tree.root / "reviews/alice/review.md").read_text()
    no_report = text[:text.index("documents:")] + "---\nA summary.\n"
    for number in range(8):
        tree.write(f"reviews/r{number}/review.md", no_report)
        tree.write(f"reviews/r{number}/letter-2024-08-07.md", (tree.root / "reviews/alice/letter-2024-08-07.md")
                   .read_text())

    def dhr(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "generator", *args, "--content", str(tree.root)], cwd=REPO,
                              capture_output=True, text=True)

    checked, reported = dhr("check"), dhr("check", "--report")
    lines = checked.stderr.splitlines()
    report_lines = [line for line in reported.stderr.splitlines() if "a published review lists no report" in line]
    assert len(report_lines) == 8 and all(re.match(r"\S+/r\d/review.md:\d+: warning: ", line) for line in report_lines)
    [grouped] = [line for line in lines if "a published review lists no report" in line]
    assert grouped.startswith(report_lines[0]) and "(and 7 more places alike: " in grouped
    assert report_lines[1].split(": warning")[0] in grouped and "dhr check --report lists every one" in grouped
    assert checked.stdout.strip().endswith("0 errors, 16 warnings")
    assert reported.stdout.strip().endswith("9 reviews: 0 errors, 16 warnings")
