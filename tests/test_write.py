"""Stage 5: output goes to a fresh folder that replaces the old one only on success."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.render import Output
from generator.write import staged, write_outputs


def test_a_successful_build_replaces_the_old_site(tmp_path: Path) -> None:
    out = tmp_path / "site"
    out.mkdir()
    (out / "stale.html").write_text("old")
    with staged(out) as folder:
        write_outputs([Output("index.html", b"new"), Output("a/b/index.html", b"deep")], folder)
        assert (out / "stale.html").exists()  # untouched until the end
    assert sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()) == ["a/b/index.html", "index.html"]
    assert [p.name for p in tmp_path.iterdir()] == ["site"]


def test_a_failure_leaves_the_old_site_and_no_leftovers(tmp_path: Path) -> None:
    out = tmp_path / "site"
    out.mkdir()
    (out / "index.html").write_text("old")
    with pytest.raises(RuntimeError), staged(out) as folder:
        write_outputs([Output("index.html", b"new")], folder)
        raise RuntimeError("the build failed")
    assert (out / "index.html").read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["site"]


def test_leftovers_of_a_killed_build_are_cleared(tmp_path: Path) -> None:
    (tmp_path / ".site.build-abc123").mkdir()
    (tmp_path / ".site.build-abc123/half.html").write_text("half")
    with staged(tmp_path / "site") as folder:
        write_outputs([Output("index.html", b"new")], folder)
    assert [p.name for p in tmp_path.iterdir()] == ["site"]


def test_nothing_is_written_outside_the_output_folder(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="outside the output folder"), staged(tmp_path / "site") as folder:
        write_outputs([Output("../escaped.html", b"x")], folder)
    assert not (tmp_path / "escaped.html").exists()


def test_local_files_are_copied(tmp_path: Path) -> None:
    source = tmp_path / "report.pdf"
    source.write_bytes(b"%PDF")
    with staged(tmp_path / "site") as folder:
        write_outputs([Output("reviews/a/report.pdf", source)], folder)
    assert (tmp_path / "site/reviews/a/report.pdf").read_bytes() == b"%PDF"


def test_sync_writes_only_what_changed_and_removes_what_is_gone(tmp_path: Path) -> None:
    from generator.write import sync_outputs

    site, written = tmp_path / "site", {}
    site.mkdir()
    a, b = Output("index.html", b"home"), Output("reviews/bob/index.html", b"bob")
    assert sync_outputs([a, b], site, written) == (["index.html", "reviews/bob/index.html"], [])
    stamp = (site / "index.html").stat().st_mtime_ns
    assert sync_outputs([a, b], site, written) == ([], [])
    assert sync_outputs([Output("index.html", b"home"), b], site, written) == ([], [])  # same bytes again
    assert (site / "index.html").stat().st_mtime_ns == stamp
    assert sync_outputs([Output("index.html", b"new home")], site, written) == (
        ["index.html"], ["reviews/bob/index.html"])
    assert (site / "index.html").read_bytes() == b"new home"
    assert sorted(p.name for p in site.iterdir()) == ["index.html"]  # the empty review folders are pruned
