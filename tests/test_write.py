"""Stage 5: output goes to a fresh folder that replaces the old one only on success, writing only what differs."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.output.write import SiteWriter, still_written


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
    (tmp_path / ".site.piece-def456").write_text('{"reviews": [')  # a data file being written in pieces
    _build(tmp_path / "site", {"index.html": b"new"})
    assert [p.name for p in tmp_path.iterdir()] == ["site"]


@pytest.mark.parametrize("staged", [True, False])
@pytest.mark.parametrize("path", ["../escaped.html", "reviews/../../escaped.html", "/tmp/escaped.html",
                                  "reviews/a/../../../escaped.html"])
def test_nothing_is_written_outside_the_output_folder(tmp_path: Path, path: str, staged: bool) -> None:
    """The staged folder is checked by the path's parts (it is new, and holds no links), the live site's with
    every link resolved: either way, nothing lands outside."""
    (tmp_path / "site").mkdir()
    writer = SiteWriter(tmp_path / "site", {}, staged=staged)
    with pytest.raises(ValueError, match="outside the output folder"):
        writer.put(path, b"x")
    writer.abandon()
    assert not (tmp_path / "escaped.html").exists() and not Path("/tmp/escaped.html").exists()


def test_a_link_in_the_live_site_never_leads_a_write_outside(tmp_path: Path) -> None:
    """In place (dhr serve), a folder of the site that is a link elsewhere is refused."""
    (tmp_path / "site").mkdir()
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "site/reviews").symlink_to(tmp_path / "elsewhere")
    writer = SiteWriter(tmp_path / "site", {}, staged=False)
    with pytest.raises(ValueError, match="outside the output folder"):
        writer.put("reviews/a.html", b"x")
    assert not any((tmp_path / "elsewhere").iterdir())


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


def test_a_small_change_is_moved_over_the_old_files_and_the_rest_is_left_alone(tmp_path: Path) -> None:
    out = tmp_path / "site"
    files = {f"reviews/r{n}/index.html": b"review %d" % n for n in range(30)}
    first = _build(out, {**files, "gone/index.html": b"soon gone"})
    before = {path: (out / path).stat() for path in files}
    folder = out.stat().st_ino
    second = _build(out, {**files, "reviews/r3/index.html": b"edited", "new.html": b"new"}, first.written)
    assert sorted(second.changed) == ["new.html", "reviews/r3/index.html"]
    assert out.stat().st_ino == folder  # moved in file by file, not swapped
    assert (out / "reviews/r3/index.html").read_bytes() == b"edited" and (out / "new.html").read_bytes() == b"new"
    assert not (out / "gone").exists()  # removed, and its folder pruned
    kept = {path: (out / path).stat() for path in files if path != "reviews/r3/index.html"}
    assert all((kept[p].st_ino, kept[p].st_mtime_ns) == (before[p].st_ino, before[p].st_mtime_ns) for p in kept)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]
    assert second.written == still_written(out, second.written)  # the records match the files on disk


def test_folders_are_kept_replaced_or_dropped_whole(tmp_path: Path) -> None:
    out = tmp_path / "site"
    files = {f"page{n}.html": b"%d" % n for n in range(30)}
    first = _build(out, files)
    for shard in ("index/0", "index/1", "index/2"):
        (out / shard).mkdir(parents=True)
        (out / shard / "entry.json").write_text(f"old {shard}")
    writer = SiteWriter(out, still_written(out, first.written))
    for path, data in files.items():
        writer.put(path, data)
    writer.keep_tree("index/0")
    (writer.folder() / "index/1").mkdir(parents=True)
    (writer.folder() / "index/1/entry.json").write_text("new index/1")
    writer.new_tree("index/1")
    writer.drop_tree("index/2")
    assert writer.source("page1.html") == out / "page1.html"
    writer.finish()
    assert (out / "index/0/entry.json").read_text() == "old index/0"
    assert (out / "index/1/entry.json").read_text() == "new index/1"
    assert not (out / "index/2").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]
