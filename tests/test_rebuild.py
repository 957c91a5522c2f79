"""Incremental rebuilds: which outputs a change re-renders, and that the result equals a clean build."""

from __future__ import annotations

import gzip
import itertools
import json
import os
import shutil
from pathlib import Path

import pytest
from conftest import TEMPLATES, TODAY, ContentTree

from generator import workers
from generator.build import pipeline as build_module
from generator.build.pipeline import Builder
from generator.output import write
from generator.problems import ContentError
from generator.site import export

BOB = "title: Bob\ncsp: Other Community Safety Partnership\nstatus: published\npublished: 2023-05-01\n"


@pytest.fixture
def builder(tree: ContentTree, tmp_path: Path) -> Builder:
    tree.review(BOB, slug="bob")
    tree.write("reviews/bob/letter-2023-01-10.md", "---\ndate: 2023-01-10\noutcome: publish\n---\nBob's letter.\n")
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    built = Builder(tree.root, templates, tmp_path / "site", search=False, today=TODAY)
    built.run()
    return built


_fresh = itertools.count()


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file of a built site but the search index, by path."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and not p.relative_to(folder).as_posix().startswith("pagefind/")}


def _rerun(builder: Builder) -> list[str]:
    """Rebuild, check the site equals a clean build's, and return the paths rendered anew."""
    rendered = builder.run()
    fresh = builder.out_dir.parent / f"fresh-{next(_fresh)}"
    Builder(builder.content_dir, builder.templates, fresh, search=False, today=TODAY).run()
    assert snapshot(builder.out_dir) == snapshot(fresh)
    return sorted(rendered.rendered)


def test_nothing_changed_renders_nothing(builder: Builder) -> None:
    assert _rerun(builder) == []


def test_a_file_or_document_replaced_with_the_same_size_and_times_is_rebuilt(tree: ContentTree,
                                                                             builder: Builder) -> None:
    """Changes are found by the bytes' digests, never by size and modification time."""
    for name, old, new in (("letter-2024-08-07.md", b"First point.", b"Fresh point."),
                           ("report.pdf", b"dhr-index benchmark", b"dhr-index benchmarx")):
        path = tree.root / "reviews/alice" / name
        st = path.stat()
        path.write_bytes(path.read_bytes().replace(old, new))
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
        assert path.stat().st_size == st.st_size
        assert "reviews/alice/index.html" in _rerun(builder) or name == "report.pdf"
        assert (builder.out_dir / "reviews/alice" / (name if name.endswith(".pdf") else "index.html")).read_bytes() \
            .count(new.split(b" ")[-1]) >= 1


def test_editing_a_letters_text_renders_its_review_page_and_the_data(tree: ContentTree, builder: Builder) -> None:
    tree.write("reviews/alice/letter-2024-08-07.md",
               (tree.root / "reviews/alice/letter-2024-08-07.md").read_text().replace("First point.", "New point."))
    assert _rerun(builder) == [  # only the data files holding the points are made again, and the review's pages (its
        "feedback-points.csv", "learning/index.html", "reviews.json",  # report's text page shows the review's filters)
        "reviews/alice/documents/report/index.html", "reviews/alice/index.html"]


def test_data_files_made_before_their_parts_are_known_are_kept_once_they_are(tree: ContentTree, tmp_path: Path,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(export.Parts, "AHEAD", 0)  # as in a first build of many reviews: each part is made once
    tree.review(BOB, slug="bob")  # the file is written, beside the workers
    tree.write("reviews/bob/letter-2023-01-10.md", "---\ndate: 2023-01-10\noutcome: publish\n---\nBob's letter.\n")
    builder = Builder(tree.root, TEMPLATES, tmp_path / "site", search=False, today=TODAY)
    assert "reviews.json" in builder.run().rendered
    assert _rerun(builder) == []
    tree.write("reviews/bob/letter-2023-01-10.md", "---\ndate: 2023-01-10\noutcome: publish\n---\nBob's text.\n")
    assert _rerun(builder) == sorted(["reviews/bob/index.html", "reviews.json", *export.TABLES])  # made, unknown


def test_changing_an_outcome_renders_the_lists_that_show_it(tree: ContentTree, builder: Builder) -> None:
    letter = tree.root / "reviews/alice/letter-2024-08-07.md"
    letter.write_text(letter.read_text().replace("outcome: publish\n", "outcome: publish-after-changes\n"))
    assert _rerun(builder) == [  # of the data files, those that show a letter's outcome; every list of reviews,
        "feed.xml", "index.html", "learning/index.html", "letters.csv",  # that holds Alice, whose outcome filter has
        "partnerships/test-community-safety-partnership/index.html", "reviews.csv",  # a new choice (a list offers
        "reviews.json", "reviews/alice/documents/report/index.html",  # only the choices its own reviews have)
        "reviews/alice/index.html", "reviews/index.html", "reviews/list.json",
        "themes/coercive-control/index.html", "years/2024/index.html",
    ]


def test_adding_a_theme_renders_the_theme_pages_and_the_lists(tree: ContentTree, builder: Builder) -> None:
    tree.review(BOB + "themes:\n  - MARAC\n", slug="bob")
    assert _rerun(builder) == [  # a new theme page is a new path, so _headers changes too; the feed shows no themes,
        "_headers", "index.html",  # and of the data files, only two show a review's themes (Bob has no points); the
        "partnerships/other-community-safety-partnership/index.html",  # lists holding Bob gain a choice of theme,
        "reviews.csv", "reviews.json", "reviews/bob/index.html", "reviews/index.html",  # and search an example
        "reviews/list.json", "search/index.html", "sitemap.xml", "themes/index.html", "themes/marac/index.html",
        "years/2023/index.html",
    ]


def test_editing_a_template_renders_the_pages_that_use_it(builder: Builder) -> None:
    review = builder.templates / "review.html"
    review.write_text(review.read_text().replace("Link to this letter", "Permanent link to this letter"))
    assert _rerun(builder) == ["reviews/alice/index.html", "reviews/bob/index.html"]
    macros = builder.templates / "macros.html"
    macros.write_text(macros.read_text().replace("Themes: ", "Themes - "))
    assert _rerun(builder) == [  # review.html imports a macro from macros.html too
        "agencies/index.html", "counties/index.html", "death-years/index.html", "index.html", "learning/index.html",
        "partnerships/index.html", "partnerships/most-reviews/index.html",
        "partnerships/other-community-safety-partnership/index.html",
        "partnerships/test-community-safety-partnership/index.html", "recommendations/index.html",
        "regions/index.html", "reviews/alice/documents/report/index.html", "reviews/alice/index.html",
        "reviews/bob/index.html", "reviews/index.html",
        "themes/coercive-control/index.html", "themes/index.html", "years/2023/index.html", "years/2024/index.html",
        "years/index.html",
    ]


def test_editing_the_base_layout_renders_every_page_but_not_the_data(builder: Builder) -> None:
    base = builder.templates / "base.html"
    base.write_text(base.read_text().replace("Skip to main content", "Skip to the content"))
    rendered = _rerun(builder)
    assert "reviews.json" not in rendered and "reviews.csv" not in rendered and "sitemap.xml" not in rendered
    pages = {p for p in snapshot(builder.out_dir) if p.endswith(".html") and not p.startswith("admin/")}  # (the CMS's
    assert {p for p in rendered if p.endswith(".html")} == pages  # page is made of site.yaml, not of base.html)


def test_editing_site_settings_renders_every_page(tree: ContentTree, builder: Builder) -> None:
    tree.write("site.yaml", (tree.root / "site.yaml").read_text().replace("title: Test reviews", "title: Reviews"))
    copied = ("assets/", "reviews/alice/report.pdf", "admin/cms/")  # (the CMS's bundle: copied as it is)
    assert len(_rerun(builder)) == len([p for p in snapshot(builder.out_dir) if not p.startswith(copied)])


def test_deleting_a_review_removes_its_page_and_every_reference(tree: ContentTree, builder: Builder) -> None:
    shutil.rmtree(tree.root / "reviews/bob")
    rendered = _rerun(builder)
    assert "reviews/bob/index.html" not in rendered
    outputs = snapshot(builder.out_dir)
    assert not any(path.startswith(("reviews/bob/", "partnerships/other-", "years/2023/")) for path in outputs)
    assert not any(b"/reviews/bob/" in data or b"Bob" in data for data in outputs.values())
    assert "sitemap.xml" in rendered and "index.html" in rendered and "reviews/alice/index.html" not in rendered


def test_a_failed_run_keeps_the_caches_and_recovers(tree: ContentTree, builder: Builder) -> None:
    letter = tree.root / "reviews/alice/letter-2024-08-07.md"
    good = letter.read_text()
    letter.write_text(good.replace("outcome: publish", "outcome: maybe"))
    with pytest.raises(ContentError):
        builder.run()
    letter.write_text(good)
    assert _rerun(builder) == []


def test_two_quick_saves_of_the_same_size_are_both_seen(tree: ContentTree, builder: Builder) -> None:
    letter = tree.root / "reviews/alice/letter-2024-08-07.md"
    text = letter.read_text()
    letter.write_text(text.replace("First point.", "Fixed point."))
    builder.run()
    first = (builder.out_dir / "reviews/alice/index.html").read_bytes()
    letter.write_text(text.replace("First point.", "Later point."))  # same size, within the same clock tick
    builder.run()
    assert b"Fixed point." in first
    assert b"Later point." in (builder.out_dir / "reviews/alice/index.html").read_bytes()


def _cached_build(tree: ContentTree, out: Path, cache: Path, **options: object) -> list[str]:
    """One `dhr build` run: a new Builder restored from the build cache; returns the files it wrote."""
    return Builder(tree.root, TEMPLATES, out, cache_dir=cache, today=TODAY, **options).run().written  # type: ignore[arg-type]


def test_a_build_with_nothing_changed_writes_nothing(tree: ContentTree, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    site, cache = tmp_path / "site", tmp_path / "cache"
    assert _cached_build(tree, site, cache, search=False)
    times = {p: p.stat().st_mtime_ns for p in site.rglob("*")}
    read, load = [], build_module.cache.load
    monkeypatch.setattr(build_module.cache, "load", lambda path: read.append(path.suffix) or load(path))
    assert _cached_build(tree, site, cache, search=False) == []
    assert {p: p.stat().st_mtime_ns for p in site.rglob("*")} == times
    assert read == [".pickle"]  # only the state: the store of the reviews' models is not even opened


def test_site_settings_kept_in_the_build_cache_are_trusted_only_while_their_bytes_are_the_same(
        tree: ContentTree, tmp_path: Path) -> None:
    """site.yaml, parsed and checked, is kept in the state for the next `dhr build`: read again by its bytes."""
    site, cache, settings = tmp_path / "site", tmp_path / "cache", tree.root / "site.yaml"
    _cached_build(tree, site, cache, search=False)
    before = settings.stat()
    settings.write_bytes(settings.read_bytes().replace(b"title: Test reviews", b"title: Best reviews"))
    os.utime(settings, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert settings.stat().st_size == before.st_size
    _cached_build(tree, site, cache, search=False)
    assert b"Best reviews" in (site / "index.html").read_bytes()
    settings.write_text(settings.read_text() + "colour: blue\n")
    with pytest.raises(ContentError) as failed:
        _cached_build(tree, site, cache, search=False)
    assert [(Path(p.path).name, p.field) for p in failed.value.problems.errors] == [("site.yaml", "colour")]


@pytest.mark.parametrize("share", [0.0, 1.0], ids=["swapped", "moved-in"])
def test_cached_builds_equal_clean_builds_over_edits_additions_and_deletions(tree: ContentTree, tmp_path: Path,
                                                                              monkeypatch: pytest.MonkeyPatch,
                                                                              share: float) -> None:
    monkeypatch.setattr(write, "OVERLAY_SHARE", share)  # a whole new folder swapped in, or each new file moved in
    site, cache = tmp_path / "site", tmp_path / "cache"
    letter = tree.root / "reviews/alice/letter-2024-08-07.md"
    steps = [
        lambda: None,
        lambda: letter.write_text(letter.read_text().replace("First point.", "An edited point.")),
        lambda: (tree.write("reviews/bob/letter-2023-01-10.md", "---\ndate: 2023-01-10\noutcome: publish\n---\nBob.\n"),
                 tree.review(BOB, slug="bob")),
        lambda: tree.write("site.yaml", (tree.root / "site.yaml").read_text().replace("Test reviews", "Reviews")),
        lambda: letter.write_text(letter.read_text().replace("outcome: publish\n", "outcome: publish-after-changes\n")),
        lambda: tree.write("reviews/alice/report.pdf", b"%PDF-1.4 a longer, replaced report"),
        lambda: shutil.rmtree(tree.root / "reviews/alice"),
        lambda: tree.review(BOB.replace("status: published", "status: withdrawn"), slug="bob"),
    ]
    for number, step in enumerate(steps):
        step()
        _cached_build(tree, site, cache, search=False)
        clean = tmp_path / f"clean-{number}"
        Builder(tree.root, TEMPLATES, clean, search=False, today=TODAY).run()
        assert snapshot(site) == snapshot(clean), f"step {number}"


def test_pages_rendered_in_workers_from_light_reviews_equal_pages_rendered_whole(
        tree: ContentTree, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Many reviews: the build keeps each light, and a worker reads the whole review from the store for its page."""
    for number in range(workers.PARALLEL_FROM + 6):
        tree.review(BOB.replace("title: Bob", f"title: Review {number}"), slug=f"review-{number}")
        tree.write(f"reviews/review-{number}/letter-2023-01-10.md",
                   f"---\ndate: 2023-01-10\noutcome: publish\n---\nThe letter about review {number}.\n")
    site, cache, templates = tmp_path / "site", tmp_path / "cache", tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)

    def cached_build() -> list[str]:
        return Builder(tree.root, templates, site, cache_dir=cache, today=TODAY, search=False).run().rendered

    def whole() -> dict[str, bytes]:  # one process: every review made here, whole
        with monkeypatch.context() as patch:
            patch.setattr(workers, "PARALLEL_FROM", 10**6)
            clean = tmp_path / f"clean-{next(_fresh)}"
            Builder(tree.root, templates, clean, search=False, today=TODAY).run()
        return snapshot(clean)

    cached_build()
    assert "The letter about review 7." in (site / "reviews/review-7/index.html").read_text()
    assert snapshot(site) == whole()
    (templates / "review.html").write_text((templates / "review.html").read_text() + "{# changed #}")
    assert len([p for p in cached_build() if p.startswith("reviews/review-")]) == workers.PARALLEL_FROM + 6
    assert snapshot(site) == whole()  # every page again, in workers, from the restored build's light reviews


def test_a_site_file_changed_by_hand_is_written_again(tree: ContentTree, tmp_path: Path) -> None:
    site, cache = tmp_path / "site", tmp_path / "cache"
    _cached_build(tree, site, cache, search=False)
    (site / "reviews/alice/index.html").write_text("tampered")
    (site / "feed.xml").unlink()
    assert sorted(_cached_build(tree, site, cache, search=False)) == ["feed.xml", "reviews/alice/index.html"]
    clean = tmp_path / "clean"
    Builder(tree.root, TEMPLATES, clean, search=False, today=TODAY).run()
    assert snapshot(site) == snapshot(clean)


def test_the_cache_is_kept_apart_for_other_settings_and_survives_damage(tree: ContentTree, tmp_path: Path) -> None:
    site, cache = tmp_path / "site", tmp_path / "cache"
    _cached_build(tree, site, cache, search=False)
    _cached_build(tree, site, cache, search=False, preview=True)
    assert len(list(cache.glob("build-*.pickle"))) == 2
    for state in cache.glob("build-*.pickle"):
        state.write_bytes(b"not a pickle")
    assert _cached_build(tree, site, cache, search=False)  # unreadable: built afresh, correctly
    letter = tree.root / "reviews/alice/letter-2024-08-07.md"
    letter.write_text(letter.read_text().replace("First point.", "A point edited after the store was lost."))
    packs = list(cache.glob("build-*.packs/*.pack"))
    assert packs
    for pack in packs:
        pack.write_bytes(b"cut short")  # the reviews' models lost: the reviews are made again
    assert "reviews/alice/index.html" in _cached_build(tree, site, cache, search=False)
    clean = tmp_path / "clean"
    Builder(tree.root, TEMPLATES, clean, search=False, today=TODAY).run()
    assert snapshot(site) == snapshot(clean)


def _search(site: Path) -> list[tuple[str, str]]:
    """Each indexed page's address and title, from every shard of the search index."""
    found = []
    for fragment in site.glob("pagefind/*/fragment/*.pf_fragment"):
        record = json.loads(gzip.decompress(fragment.read_bytes()).removeprefix(b"pagefind_dcd"))
        found.append((record["url"], record["meta"]["title"]))
    return sorted(found)


def test_a_rebuild_reindexes_only_the_shard_of_the_edited_page(tree: ContentTree, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(write, "OVERLAY_SHARE", 1.0)  # moved in file by file, shard by shard
    for number in range(6):
        tree.review(BOB.replace("title: Bob", f"title: Review {number}"), slug=f"review-{number}")
        tree.write(f"reviews/review-{number}/letter-2023-01-10.md",
                   "---\ndate: 2023-01-10\noutcome: publish\n---\nA.\n")
    site, cache = tmp_path / "site", tmp_path / "cache"

    def build() -> list[str]:
        built = Builder(tree.root, TEMPLATES, site, cache_dir=cache, today=TODAY, shard_size=2).run()
        clean = tmp_path / f"clean-{next(_fresh)}"
        Builder(tree.root, TEMPLATES, clean, today=TODAY, shard_size=2).run()
        assert snapshot(site) == snapshot(clean) and _search(site) == _search(clean)
        assert sorted(p.name for p in (site / "pagefind").iterdir()) == sorted(
            p.name for p in (clean / "pagefind").iterdir())
        return built.indexed

    first = build()  # 7 reviews, 2 a shard (the lists are not indexed), and any documents' text pages apart
    assert len([name for name in first if not name.startswith("pagefind/documents-")]) == 4
    assert not [url for url, _ in _search(site) if not url.startswith("/reviews/")]
    review = tree.root / "reviews/review-3/review.md"
    review.write_text(review.read_text().replace("title: Review 3", "title: Renamed"))
    assert len(build()) == 1
    assert ("/reviews/review-3/", "Renamed") in _search(site)
    for number in range(4):
        shutil.rmtree(tree.root / f"reviews/review-{number}")
    assert build()  # 3 reviews: 2 shards, the others dropped
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_after_a_save_the_edited_review_page_is_written_before_the_rest_of_the_site(
        tree: ContentTree, builder: Builder, monkeypatch: pytest.MonkeyPatch) -> None:
    """Before the rules across reviews are checked, even (they took 3/4 of a save at 10,000 reviews)."""
    letter = tree.root / "reviews/alice/letter-2024-08-07.md"
    letter.write_text(letter.read_text().replace("First point.", "A point saved just now."))

    def stopped(*args: object, **kwargs: object) -> None:
        raise RuntimeError("stopped before the rules across reviews")

    with monkeypatch.context() as patch:
        patch.setattr(build_module, "check_across", stopped)
        with pytest.raises(RuntimeError, match="stopped"):
            builder.run(staged=False, edited={letter})
    assert "A point saved just now." in (builder.out_dir / "reviews/alice/index.html").read_text()
    rendered = builder.run(staged=False, edited={letter})  # the rest of the site; the page is not made twice
    assert "reviews/alice/index.html" not in rendered.rendered and "reviews.json" in rendered.rendered
    fresh = builder.out_dir.parent / "fresh-after-save"
    Builder(builder.content_dir, builder.templates, fresh, search=False, today=TODAY).run()
    assert snapshot(builder.out_dir) == snapshot(fresh)


def test_a_save_filed_otherwise_or_in_error_across_reviews_ends_as_a_clean_build(tree: ContentTree,
                                                                                 builder: Builder) -> None:
    """The page written first is filed as the last run filed it; the run that follows corrects it, or shows the
    error that only the rules across reviews find."""
    review = tree.root / "reviews/alice/review.md"
    text = review.read_text()
    review.write_text(text.replace("csp: Test Community Safety Partnership", "csp: Other Community Safety Partnership"))
    builder.run(staged=False, edited={review})
    assert "/partnerships/other-community-safety-partnership/" in (builder.out_dir / "reviews/alice/index.html"
                                                                  ).read_text()
    fresh = builder.out_dir.parent / "fresh-refiled"
    Builder(builder.content_dir, builder.templates, fresh, search=False, today=TODAY).run()
    assert snapshot(builder.out_dir) == snapshot(fresh)
    review.write_text(text.replace("status: published", "status: published\naliases:\n  - bob"))
    with pytest.raises(ContentError) as raised:
        builder.run(staged=False, edited={review})
    assert ["already the address of a review" in str(problem) for problem in raised.value.problems.errors] == [True]
    review.write_text(text)
    builder.run(staged=False, edited={review})
    fresh = builder.out_dir.parent / "fresh-fixed"
    Builder(builder.content_dir, builder.templates, fresh, search=False, today=TODAY).run()
    assert snapshot(builder.out_dir) == snapshot(fresh)


def test_a_cache_from_another_deploy_is_used_where_it_fits_and_else_ignored_with_one_line(
        tree: ContentTree, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What a deploy host's cache can bring: the same folders (used), a moved folder, an older generator, another
    machine's libraries (each ignored, and said in one line), a damaged file (cleared, and said). Every site equals
    a clean build."""
    project = tmp_path / "project"
    shutil.copytree(tree.root, project / "content")
    monkeypatch.chdir(project)
    said: list[str] = []

    def deploy(folder: Path) -> list[str]:
        """A build as Netlify runs it: in the repository's folder, its cache restored beside it."""
        monkeypatch.chdir(folder)
        said.clear()
        return Builder(folder / "content", TEMPLATES, folder / "site", cache_dir=folder / ".dhr-cache",
                       search=False, today=TODAY, say=said.append).run().written

    assert deploy(project) and said == []
    assert deploy(project) == [] and said == []  # the same folders: the cache is used, nothing is written
    moved = tmp_path / "moved"
    project.rename(moved)
    shutil.rmtree(moved / "site")  # a deploy starts without the site
    assert deploy(moved) and len(said) == 1 and "none is used" in said[0]
    monkeypatch.setattr(build_module.cache, "generator_version", lambda: b"an older dhr")
    shutil.rmtree(moved / "site")
    assert deploy(moved) and len(said) == 1 and "another version of dhr" in said[0]
    monkeypatch.undo()
    for state in (moved / ".dhr-cache").glob("build-*.pickle"):  # one bit flipped in each
        data = bytearray(state.read_bytes())
        data[len(data) // 2] ^= 0x01
        state.write_bytes(bytes(data))
    shutil.rmtree(moved / "site")
    assert deploy(moved) and any("was damaged" in line for line in said)
    clean = tmp_path / "clean"
    Builder(moved / "content", TEMPLATES, clean, search=False, today=TODAY).run()
    assert snapshot(moved / "site") == snapshot(clean)



def test_a_site_copied_back_from_a_deploy_cache_is_kept_where_its_bytes_are_those_written(
        tree: ContentTree, tmp_path: Path) -> None:
    """Netlify's cache gives the site back as copies (new inodes and times): each file is verified by its digest,
    kept where its bytes are those written, and written again where they are not."""
    site, cache = tmp_path / "site", tmp_path / "cache"
    assert _cached_build(tree, site, cache, search=False)
    shutil.copytree(site, tmp_path / "copied")
    shutil.rmtree(site)
    (tmp_path / "copied").rename(site)
    (site / "about/index.html").write_text("changed on the host")
    assert _cached_build(tree, site, cache, search=False) == ["about/index.html"]
    clean = tmp_path / "clean"
    Builder(tree.root, TEMPLATES, clean, search=False, today=TODAY).run()
    assert snapshot(site) == snapshot(clean)
