"""Stage 5: output goes to a fresh folder that replaces the old one only on success, writing only what differs."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.write import SiteWriter, still_written


def _build(out: Path, files: dict[str, bytes], written: dict | None = None, staged: bool = True) -> SiteWriter:
    writer = SiteWriter(out, still_written(out, written or {}), staged)
    for path, data in files.items():
        writer.put(path, data)
    writer.finish()
    return writer


def _files(out: Path) -> list[str]:
    return sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())


def test_a_successful_build_replaces_the_old_site(tmp_path: Path) -> None:
    out = tmp_path / "site"
    out.mkdir()
    (out / "stale.html").write_text("old")
    writer = SiteWriter(out, {})
    writer.put("index.html", b"new")
    writer.put("a/b/index.html", b"deep")
    assert (out / "stale.html").exists()  # untouched until the end
    writer.finish()
    assert _files(out) == ["a/b/index.html", "index.html"]
    assert [p.name for p in tmp_path.iterdir()] == ["site"]


def test_a_failure_leaves_the_old_site_and_no_leftovers(tmp_path: Path) -> None:
    out = tmp_path / "site"
    out.mkdir()
    (out / "index.html").write_text("old")
    writer = SiteWriter(out, {})
    writer.put("index.html", b"new")
    writer.abandon()
    assert (out / "index.html").read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["site"]


def test_leftovers_of_a_killed_build_are_cleared(tmp_path: Path) -> None:
    (tmp_path / ".site.build-abc123").mkdir()
    (tmp_path / ".site.build-abc123/half.html").write_text("half")
    _build(tmp_path / "site", {"index.html": b"new"})
    assert [p.name for p in tmp_path.iterdir()] == ["site"]


def test_nothing_is_written_outside_the_output_folder(tmp_path: Path) -> None:
    writer = SiteWriter(tmp_path / "site", {})
    with pytest.raises(ValueError, match="outside the output folder"):
        writer.put("../escaped.html", b"x")
    writer.abandon()
    assert not (tmp_path / "escaped.html").exists()


def test_local_files_are_copied(tmp_path: Path) -> None:
    source = tmp_path / "report.pdf"
    source.write_bytes(b"%PDF")
    writer = SiteWriter(tmp_path / "site", {})
    writer.copy("reviews/a/report.pdf", source)
    writer.finish()
    assert (tmp_path / "site/reviews/a/report.pdf").read_bytes() == b"%PDF"


def test_unchanged_files_are_carried_over_untouched_and_nothing_is_written_when_nothing_differs(
        tmp_path: Path) -> None:
    out = tmp_path / "site"
    first = _build(out, {"index.html": b"home", "reviews/bob/index.html": b"bob"})
    stamp = (out / "reviews/bob/index.html").stat()
    second = _build(out, {"index.html": b"new home", "reviews/bob/index.html": b"bob"}, first.written)
    assert second.changed == ["index.html"] and (out / "index.html").read_bytes() == b"new home"
    after = (out / "reviews/bob/index.html").stat()
    assert (after.st_ino, after.st_mtime_ns) == (stamp.st_ino, stamp.st_mtime_ns)  # the same file, linked
    folder = out.stat().st_ino
    third = _build(out, {"index.html": b"new home", "reviews/bob/index.html": b"bob"}, second.written)
    assert third.changed == [] and out.stat().st_ino == folder  # not even swapped
    _build(out, {"index.html": b"new home"}, third.written)
    assert _files(out) == ["index.html"]


def test_live_writes_only_what_changed_and_removes_what_is_gone(tmp_path: Path) -> None:
    out = tmp_path / "site"
    out.mkdir()
    first = _build(out, {"index.html": b"home", "reviews/bob/index.html": b"bob"}, staged=False)
    stamp = (out / "index.html").stat().st_mtime_ns
    second = _build(out, {"index.html": b"home", "reviews/bob/index.html": b"bob"}, first.written, staged=False)
    assert second.changed == [] and (out / "index.html").stat().st_mtime_ns == stamp
    third = _build(out, {"index.html": b"new home"}, second.written, staged=False)
    assert third.changed == ["index.html"] and (out / "index.html").read_bytes() == b"new home"
    assert _files(out) == ["index.html"]  # the empty review folders are pruned
