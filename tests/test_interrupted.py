"""A build killed at any moment (SIGKILL) leaves the previous site complete; the next build recovers."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import REPO, TEMPLATES

from generator.build.pipeline import build

sys.path.insert(0, str(REPO / "benchmarks"))
from corpus import generate

pytestmark = pytest.mark.slow

# Pagefind writes these, in each shard, in no fixed order, under names that hash their bytes.
UNORDERED = re.compile(r"pagefind/[^/]+/(?:filter/|index/|pagefind-entry\.json|pagefind\.)")


def state(site: Path) -> dict[str, bytes | int]:
    """The site's files and bytes; Pagefind's unordered files (their names hash their bytes) only counted."""
    found: dict[str, bytes | int] = {}
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        name = str(path.relative_to(site))
        if found_kind := UNORDERED.match(name):
            kind = found_kind.group()
            found[kind] = int(found.get(kind, 0)) + 1
        else:
            found[name] = path.read_bytes()
    return found


def _differences(found: dict[str, bytes | int], expected: dict[str, bytes | int]) -> list[str]:
    return sorted(k for k in set(found) | set(expected) if found.get(k) != expected.get(k))[:6]


@pytest.mark.parametrize("delay", [0.3, 0.8, 1.3, 1.9, 2.6])
def test_a_killed_build_leaves_a_complete_site(tmp_path: Path, delay: float) -> None:
    content, out = generate(tmp_path / "content", 150), tmp_path / "site"
    build(content, out, TEMPLATES)
    before = state(out)
    review = content / "reviews/review-00001/review.md"
    review.write_text(review.read_text().replace("title: ", "title: Renamed ", 1))
    build(content, tmp_path / "expected", TEMPLATES)
    after = state(tmp_path / "expected")
    assert before != after

    process = subprocess.Popen([sys.executable, "-m", "generator", "build", "--content", str(content),
                                "--out", str(out), "--templates", str(TEMPLATES)], cwd=REPO,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(delay)
    process.kill()
    process.wait()
    now = state(out)
    assert now in (before, after), (f"killed after {delay} s, the site is neither the old nor the new one: unlike "
                                    f"the old in {_differences(now, before)}, the new in {_differences(now, after)}")

    build(content, out, TEMPLATES)  # recovers without any cleaning by hand
    assert state(out) == after
    assert sorted(p.name for p in tmp_path.iterdir()) == ["content", "expected", "site"]


def test_a_swap_interrupted_between_two_renames_is_repaired(tmp_path: Path) -> None:
    """Without the atomic exchange the swap is two renames; the next build repairs a kill between them."""
    from generator.output.write import staged

    out = tmp_path / "site"
    out.mkdir()
    (out / "index.html").write_text("good")
    out.rename(tmp_path / ".site.old-abc")  # killed here: no site/, the good one set aside
    with pytest.raises(RuntimeError), staged(out):
        raise RuntimeError("this build fails")
    assert (out / "index.html").read_text() == "good"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]
