"""Stage 6: Pagefind indexes each text once, on its review's page or its document's text page, with their filters."""

from __future__ import annotations

import gzip
import json
import os
import sys
from pathlib import Path

import pytest

from generator.output import search_index
from generator.output.search_index import (
    bundles,
    index_shards,
    pagefind_command,
    pagefind_version,
    plan,
    searched,
    shard_count,
    shard_of,
    still_indexed,
)

PAGE = """<!doctype html><html lang="en"><body><main data-pagefind-body>
<h1 data-pagefind-sort="title:alice"><span data-pagefind-meta="title">Alice</span></h1>
<p data-pagefind-filter="theme">MARAC</p><p data-pagefind-filter="year">2024</p>
<p>The panel praised the wombat analysis.</p></main></body></html>"""


def test_a_shard_indexes_only_its_pages_with_their_filters(tmp_path: Path) -> None:
    site = tmp_path / "site"
    pages = {"reviews/alice/index.html": PAGE, "about/index.html": PAGE.replace("Alice", "About"),
             "agencies/kent-police/index.html": PAGE.replace("Alice", "Kent Police").replace("wombat", "koala"),
             "agencies/kent-police/page/2/index.html": PAGE.replace("Alice", "Page two").replace("wombat", "emu"),
             "recommendations/index.html": PAGE.replace("Alice", "All recommendations").replace("wombat", "numbat"),
             "learning/page/2/index.html": PAGE.replace("Alice", "Feedback").replace("wombat", "quokka")}
    for path, html in pages.items():
        (site / path).parent.mkdir(parents=True, exist_ok=True)
        (site / path).write_text(html)
    wanted = plan({path: b"1" for path in pages if searched(path)})
    shards = index_shards(lambda path: site / path, site, wanted, site)
    bundle = site / "pagefind/0"
    assert (bundle / "pagefind-component-ui.js").is_file() and (bundle / "pagefind-entry.json").is_file()
    assert still_indexed(site, shards) == shards
    fragments = list((bundle / "fragment").iterdir())
    records = [json.loads(gzip.decompress(f.read_bytes()).removeprefix(b"pagefind_dcd")) for f in fragments]
    assert [r["url"] for r in records] == ["/reviews/alice/"]
    [alice] = [r for r in records if r["url"] == "/reviews/alice/"]
    assert alice["filters"] == {"theme": ["MARAC"], "year": ["2024"]}
    assert "wombat analysis" in alice["content"]
    (bundle / "pagefind-entry.json").write_text("{}")  # edited by hand: no longer trusted
    assert still_indexed(site, shards) == {}
    assert not list(tmp_path.glob(".site.index-*"))  # the scratch folders are gone


def test_pages_are_split_into_shards_by_a_stable_key() -> None:
    pages = {f"reviews/r{n}/index.html": bytes([n]) for n in range(40)}
    documents = {f"reviews/r{n}/documents/report/index.html": bytes([n]) for n in range(0, 40, 2)}
    assert shard_count(40, 10) == 4 and shard_count(0, 10) == 1
    assert [shard_count(n) for n in (0, 14, 15, 30, 60, 100, 10_000)] == [1, 1, 1, 2, 4, 6, 6]
    assert [shard_count(n, most=2) for n in (14, 30, 1_000)] == [1, 2, 2]
    assert bundles([*pages, "recommendations/index.html", "learning/index.html"], 10) == (
        "/pagefind/0/", "/pagefind/1/", "/pagefind/2/", "/pagefind/3/")  # the lists are not indexed
    assert bundles([*pages, *documents], 10) == ("/pagefind/0/", "/pagefind/1/", "/pagefind/2/", "/pagefind/3/",
                                                 "/pagefind/documents-0/", "/pagefind/documents-1/")
    assert bundles(["reviews/r1/index.html"]) == ("/pagefind/0/",) and bundles([]) == ()
    shards = plan({**pages, **documents}, 10)
    assert sorted(shards) == ["pagefind/0", "pagefind/1", "pagefind/2", "pagefind/3", "pagefind/documents-0",
                              "pagefind/documents-1"]
    assert sorted(p for _, members in shards.values() for p in members) == sorted({**pages, **documents})
    assert all(members for _, members in shards.values())
    assert all(("/documents/" in p) == name.startswith("pagefind/documents-")
               for name, (_, members) in shards.items() for p in members)
    assert plan(pages, 10).items() <= shards.items()  # the review pages' shards are the same planned apart
    assert plan(documents, 10).items() <= shards.items()  # and so are the documents' (once they are rendered)
    edited = plan({**pages, **documents, "reviews/r7/index.html": b"edited"}, 10)
    changed = [name for name in shards if shards[name][0] != edited[name][0]]
    assert len(changed) == 1 and "reviews/r7/index.html" in shards[changed[0]][1]
    assert plan({"reviews/r1/index.html": b"1"}, 4).keys() == {shard_of("reviews/r1/index.html", 1)}  # no empty one
    assert shard_of("reviews/r1/documents/report/index.html", 2).startswith("pagefind/documents-")


def test_a_shard_is_keyed_by_the_pagefind_that_indexes_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """Another Pagefind re-indexes every shard. The binary run is known by its path, size and time (not by asking
    importlib.metadata, which costs a rebuild 30 ms to start)."""
    command = pagefind_command()
    if len(command) == 1:
        info = os.stat(command[0])
        assert pagefind_version() == f"{command[0]} {info.st_size} {info.st_mtime_ns}"
    pages = {"reviews/a/index.html": b"a"}
    before = plan(pages)["pagefind/0"][0]
    monkeypatch.setattr(search_index, "pagefind_version", lambda: "a newer pagefind")
    assert plan(pages)["pagefind/0"][0] != before


def test_which_outputs_are_indexed() -> None:
    """Each text once, where it is published: the review pages and their documents' text pages; the lists across
    reviews repeat those texts, and are pages to browse only."""
    assert searched("reviews/alice/index.html")
    assert searched("reviews/alice/documents/overview-report/index.html")
    assert not searched("reviews/index.html") and not searched("reviews/alice/report.pdf")
    assert not searched("reviews/page/2/index.html") and not searched("reviews/alice/documents/index.html")
    assert not searched("reviews/alice/documents/report/page/2/index.html")
    assert not searched("reviews/alice/documents/report.pdf") and not searched("reviews/alice/index.html/index.html")
    assert not searched("themes/marac/index.html")
    assert not searched("agencies/kent-police/index.html")
    assert not searched("recommendations/status/planned/index.html")
    assert not searched("recommendations/index.html") and not searched("recommendations/page/3/index.html")
    assert not searched("learning/index.html") and not searched("learning/page/12/index.html")


FAKE_PAGEFIND = """import os, sys, time
out = sys.argv[sys.argv.index("--output-path") + 1]
os.makedirs(out)
with open(os.path.join(out, "started"), "w") as f:
    f.write(repr(time.time()))
time.sleep(1.5)
"""


@pytest.mark.parametrize("background", [False, True])
def test_a_build_indexes_every_shard_at_once_and_dhr_serve_a_few(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                  background: bool) -> None:
    """A build starts all its shards at once (they fill what the rendering leaves of the cores); `dhr serve`
    indexes at most PARALLEL at a time, so that the server stays quick to rebuild."""
    script = tmp_path / "pagefind.py"
    script.write_text(FAKE_PAGEFIND)
    monkeypatch.setattr(search_index, "pagefind_command", lambda: (sys.executable, str(script)))
    site = tmp_path / "site"
    pages = [f"reviews/r{n}/index.html" for n in range(4)]
    for page in pages:
        (site / page).parent.mkdir(parents=True)
        (site / page).write_text(PAGE)
    wanted = {f"pagefind/{n}": (b"key", [page]) for n, page in enumerate(pages)}
    index_shards(lambda path: site / path, site, wanted, tmp_path / "out", background=background)
    starts = sorted(float((tmp_path / "out" / name / "started").read_text()) for name in wanted)
    if background:
        assert starts[search_index.PARALLEL] - starts[0] >= 1.4  # the third waited for one of the first two
    else:
        assert starts[-1] - starts[0] < 1.0
