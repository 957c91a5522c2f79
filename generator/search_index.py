"""Stage 6, index: the Pagefind search index of the review pages, in shards.

The review pages are the indexed body (each carries its filters and sort keys); the lists across
reviews repeat their text, so they are left out (`is_indexed`). They are split
by a hash of their path into shards of about `SHARD_SIZE` pages, each its own Pagefind bundle
under /pagefind/N/; the search page merges them at query time (Pagefind's mergeIndex), and
Pagefind merges their results and filter counts. A shard is keyed by its pages' digests, so an
edit re-indexes one shard, not the site. Each shard is indexed from disk by Pagefind's own
command, from the `pagefind` package's bundled binary, which exits only once every file is written.
(Pagefind 1.5's Python API was tried first: it answers at most one call every 100 ms, and its
close() can stop the indexer before its last files are flushed.)
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from fnmatch import fnmatch
from importlib.metadata import version
from pathlib import Path

from .write import Stamp, stamp

REVIEW_PAGES = "reviews/*/index.html"
SHARD_SIZE = 1000
PARALLEL = 2  # shards indexed at once; each Pagefind process uses more than one core as well

Shards = dict[str, tuple[bytes, dict[str, Stamp]]]  # bundle folder (pagefind/N) -> (its key, its files' stamps)


class SearchIndexError(RuntimeError):
    """Pagefind could not index the site."""


def is_indexed(path: str) -> bool:
    """Whether the output at `path` goes into the search index."""
    return fnmatch(path, REVIEW_PAGES) and path.count("/") == 2


def shard_count(reviews: int, shard_size: int = SHARD_SIZE) -> int:
    return max(1, -(-reviews // shard_size))


def bundles(count: int) -> tuple[str, ...]:
    """The URL of each shard's bundle; the first also serves Pagefind's scripts."""
    return tuple(f"/pagefind/{n}/" for n in range(count))


def plan(pages: dict[str, bytes], count: int) -> dict[str, tuple[bytes, list[str]]]:
    """Each shard's folder, key and pages, from the indexed pages' paths and digests."""
    members: list[list[str]] = [[] for _ in range(count)]
    for path in sorted(pages):
        members[int.from_bytes(hashlib.blake2b(path.encode(), digest_size=4).digest(), "big") % count].append(path)
    shards = {}
    for number, paths in enumerate(members):
        key = hashlib.blake2b(f"pagefind {version('pagefind')}".encode(), digest_size=20)
        for path in paths:
            key.update(path.encode() + b"\0" + pages[path])
        shards[f"pagefind/{number}"] = (key.digest(), paths)
    return shards


def stale(wanted: dict[str, tuple[bytes, list[str]]], shards: Shards) -> dict[str, tuple[bytes, list[str]]]:
    """The wanted shards that the current index does not already hold as they are."""
    return {name: entry for name, entry in wanted.items() if shards.get(name, (b"",))[0] != entry[0]}


def still_indexed(site: Path, shards: Shards) -> Shards:
    """The shards whose files are all still exactly as Pagefind wrote them."""
    return {name: entry for name, entry in shards.items()
            if entry[1] and all(stamp(f"{site}/{name}/{p}") == s for p, s in entry[1].items())}


def index_shards(source: Callable[[str], Path], out_dir: Path, wanted: dict[str, tuple[bytes, list[str]]],
                 place: Path, background: bool = False) -> Shards:
    """Index each wanted shard's pages, each read from `source(path)`; returns their records.

    Each bundle is written to `place / name`. Scratch folders go beside `out_dir`, named so that
    the next build clears any a killed build left. `background`: Pagefind runs at a low priority
    (`nice`, where there is one), so that `dhr serve` stays quick to rebuild pages meanwhile.
    Raises SearchIndexError.
    """
    work = (out_dir.parent, f".{out_dir.name}.index-")
    nice = shutil.which("nice") if background else None
    prefix = [nice, "-n", "10"] if nice else []
    with ThreadPoolExecutor(PARALLEL) as pool:
        done = list(pool.map(lambda item: (item[0], item[1][0],
                                           _index(source, item[1][1], place / item[0], work, prefix)),
                             wanted.items()))
    return {name: (key, files) for name, key, files in done}


def _index(source: Callable[[str], Path], pages: list[str], bundle: Path, work: tuple[Path, str],
           prefix: list[str]) -> dict[str, Stamp]:
    """Index `pages` into `bundle`, through a scratch folder holding hard links to just those pages."""
    scratch = Path(tempfile.mkdtemp(prefix=work[1], dir=work[0]))
    try:
        for page in pages:
            (scratch / page).parent.mkdir(parents=True, exist_ok=True)
            os.link(source(page), scratch / page)
        shutil.rmtree(bundle, ignore_errors=True)  # never write into files shared with the previous site
        command = [*prefix, sys.executable, "-m", "pagefind", "--site", str(scratch), "--output-path", str(bundle),
                   "--force-language", "en", "--quiet"]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise SearchIndexError(f"pagefind failed ({done.returncode}): "
                                   f"{(done.stderr or done.stdout).strip()[-2000:]}")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return {str(p.relative_to(bundle)): stamp(p) for p in bundle.rglob("*") if p.is_file()}  # type: ignore[misc]
