"""The whole build, in-process, on mutated content: it succeeds or reports content problems, nothing else.

Every kind of content file (review, letter, action plan, site.yaml, page) is mutated the ways a
careless user or an attacker would: random bytes, truncation, another encoding, a value of
another type, deep nesting, huge values, control characters.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import TEMPLATES, TODAY, ContentTree
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.authoring.report import render_overdue, render_report
from generator.build.pipeline import build, check
from generator.content.load import load_content
from generator.content.validate import validate
from generator.problems import ContentError, Problems

pytestmark = pytest.mark.slow

PLAN_YAML = """\
recommendations:
  - number: 1
    text: Review how repeat callers are flagged.
    scope: local
    agency: Test Police
    actions:
      - Audit repeat-caller flags
    lead: Head of Public Protection
    target: 2025-06-30
    status: complete
    completed: 2025-05-02
    updates:
      - date: 2025-04-01
        text: Audit under way.
"""
FILES = ("site.yaml", "pages/about.md", "reviews/alice/review.md", "reviews/alice/letter-2024-08-07.md",
         "reviews/alice/action-plan.yaml")
VALUES = st.sampled_from([
    "[]", "{}", "[a, [b, {c: d}]]", "{a: 1}", "12", "-1", "1e400", "true", "null", "~", '""', "2024-02-30",
    "0001-01-01", "9999-12-31", "2024-13", "'javascript:alert(1)'", "'../../../etc/passwd'", "'a\\x00b'",
    "\"\\e[31mred\"", "\"\\u0085\\u2028\"", "'" + "x" * 5000 + "'", "x" * 300_000,
    "!!binary aGVsbG8=", "[" * 200 + "]" * 200,
    "{a: " * 100 + "b" + "}" * 100, "'\\\\server\\share'", "'C:\\\\x.pdf'", "'ﷺ'", "'%2e%2e/x.pdf'",
])

MARKDOWN = st.sampled_from([  # text nested or repeated past what a Markdown parser copes with
    "\n" + "".join("    " * i + "- x\n" for i in range(300)), "\n" + ">" * 3000 + " x\n", "[" * 3000 + "x",
    "\n- <b>bold</b> &amp; <script>x</script>\n", "\n- " + "*" * 5000 + "\n", "\n" + "<div>" * 2000 + "\n",
])


@st.composite
def mutation(draw: st.DrawFn) -> tuple[str, str, object]:
    name = draw(st.sampled_from(FILES))
    kind = draw(st.sampled_from(["bytes", "truncate", "encoding", "value", "nest", "control", "insert"]))
    if kind == "bytes":
        return name, kind, draw(st.binary(max_size=300))
    if kind == "truncate":
        return name, kind, draw(st.integers(min_value=0, max_value=600))
    if kind == "encoding":
        return name, kind, draw(st.sampled_from(["utf-16", "utf-32", "latin-1", "cp1252", "utf-8-sig"]))
    if kind == "control":
        return name, kind, (draw(st.integers(min_value=0, max_value=600)),
                            draw(st.sampled_from(["\0", "\x1b[2J", "\x07", "\x7f", "\x85", "\ufffe", "\x0b"])))
    if kind == "insert":
        return name, kind, (draw(st.integers(min_value=0, max_value=600)), draw(st.text(max_size=40) | MARKDOWN))
    return name, kind, (draw(st.integers(min_value=0, max_value=40)), draw(VALUES))


def mutate(path: Path, kind: str, how: object) -> None:
    data = path.read_bytes()
    text = data.decode("utf-8", "replace")
    if kind == "bytes":
        path.write_bytes(how)  # type: ignore[arg-type]
    elif kind == "truncate":
        path.write_bytes(data[:how])  # type: ignore[misc]
    elif kind == "encoding":
        path.write_bytes(text.replace("Alice", "Alïce £ “x”").encode(how, "replace"))  # type: ignore[arg-type]
    elif kind in ("control", "insert"):
        at, what = how  # type: ignore[misc]
        path.write_text(text[:at] + what + text[at:], encoding="utf-8")
    else:  # a value of another type (or a deeply nested one) in place of one field's value
        index, value = how  # type: ignore[misc]
        lines = text.split("\n")
        fields = [i for i, line in enumerate(lines) if ":" in line and line != "---"] or [0]
        at = fields[index % len(fields)]
        key = lines[at].split(":", 1)[0]  # with its indentation: nested fields are replaced too
        lines[at] = f"{key}: {value}"
        if kind == "nest":
            lines[at] = f"{key}: " + "[" * (index * 50 + 1) + "x" + "]" * (index * 50 + 1)
        path.write_text("\n".join(lines), encoding="utf-8")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(changes=st.lists(mutation(), min_size=1, max_size=3))
def test_a_mutated_content_tree_builds_or_reports_problems(tmp_path_factory: object, changes: list) -> None:
    root = Path(tmp_path_factory.mktemp("fuzz"))  # type: ignore[attr-defined]
    tree = ContentTree(root / "content")
    tree.write("reviews/alice/action-plan.yaml", PLAN_YAML)
    for name, kind, how in changes:
        mutate(tree.root / name, kind, how)
    try:
        checked = check(tree.root, today=TODAY)[1]
    except ContentError as error:
        checked = error.problems
    reported = Problems()  # `dhr check --report` reads the same content, errors and all
    content = validate(load_content(tree.root, reported), reported, TODAY)
    assert render_report(content, reported) and render_overdue(content, TODAY)
    try:
        built = build(tree.root, root / "site", TEMPLATES, search=False, today=TODAY)[0].problems
    except ContentError as error:
        built = error.problems
        assert built.errors
        assert not (root / "site").exists()
    finally:
        shutil.rmtree(root, ignore_errors=True)
    assert [str(p) for p in built.errors + built.warnings] == [str(p) for p in checked.errors + checked.warnings]
    for problem in built.items:
        assert problem.line >= 1
        assert str(problem).isprintable(), str(problem)
