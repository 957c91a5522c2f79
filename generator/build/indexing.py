"""The build's search stage: which shards to index, started while the rest of the site is made.

`SearchShards` owns the `IndexState` (the shards on disk). In a staged build it is driven by the
Builder's run: the review pages' shards start as soon as those pages are written, the document
pages' once the site is assembled and those are written; in `dhr serve` its `update` runs on the indexer
thread after each rebuild, from a copy of what the site folder holds that the Builder takes under
its own lock. The two never touch the state at once: a lock guards every read and write of it, and
Pagefind itself runs outside the lock, so a save is never kept waiting for the index. Pages that a
rebuild writes while an update indexes are indexed by the next update, which that rebuild asks for.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

from ..output.search_index import (
    Indexing,
    Shards,
    index_shards,
    plan,
    searched,
    stale,
    still_indexed,
)
from ..output.write import SiteWriter, Written
from ..progress import Progress

Wanted = dict[str, tuple[bytes, list[str]]]  # shard folder -> its key and its pages


@dataclass
class IndexState:
    shards: Shards = field(default_factory=dict)  # each search shard on disk: its key and its files' stamps


class SearchShards:
    """The search index's shards of one output folder, and what is indexing them."""

    def __init__(self, out_dir: Path, shard_size: int | None, state: IndexState | None = None) -> None:
        self.out_dir, self.shard_size = out_dir, shard_size
        self._state = state or IndexState()
        self._lock = threading.Lock()
        self._on_disk: Shards = {}  # at the start of a staged run: the shards still as Pagefind wrote them

    def state(self) -> IndexState:
        with self._lock:
            return IndexState(dict(self._state.shards))

    def unchanged(self) -> bool:
        """Whether every shard is on disk as it was indexed (a build with nothing else to do can stop)."""
        with self._lock:
            self._on_disk = still_indexed(self.out_dir, self._state.shards)
            return self._on_disk == self._state.shards

    def start(self, writer: SiteWriter, wanted: Wanted, indexing: Indexing | None, first: bool) -> Indexing | None:
        """Start bringing the `wanted` shards up to date in a staged build (`first`: the first call of the run,
        which forgets the shards of the last); unchanged shards are carried over. Returns what is indexing."""
        with self._lock:
            if first:
                self._state.shards = {}
            outdated = stale(wanted, self._on_disk)
            for name in set(wanted) - set(outdated):
                self._state.shards[name] = self._on_disk[name]
                writer.keep_tree(name)
        if indexing and outdated:
            indexing.add(outdated)
        elif outdated:  # indexed while the rest of the site is made
            indexing = Indexing(writer.source, self.out_dir, outdated, writer.folder())
        return indexing

    def drop_others(self, writer: SiteWriter, wanted: set[str]) -> None:
        """Leave out of the new site folder every shard that is no longer wanted."""
        index = self.out_dir / "pagefind"
        for old in sorted(index.iterdir() if index.is_dir() else ()):
            if f"pagefind/{old.name}" not in wanted:
                writer.drop_tree(f"pagefind/{old.name}")

    def finish(self, writer: SiteWriter, indexing: Indexing, progress: Progress) -> list[str]:
        """Wait for the shards being indexed; returns their names."""
        progress.stage("Indexing pages for search")
        fresh = indexing.finish()
        with self._lock:
            self._state.shards.update(fresh)
        for name in indexing.names:
            writer.new_tree(name)
        return indexing.names

    def update(self, written: Written) -> list[str]:
        """For `dhr serve`: re-index, in place, the shards whose pages changed (`written`: what the site folder
        holds now); each is swapped in whole. Returns the shards indexed."""
        with self._lock:
            wanted = plan({path: entry[0] for path, entry in written.items() if searched(path)}, self.shard_size)
            shards = still_indexed(self.out_dir, self._state.shards)
        outdated = stale(wanted, shards)
        with tempfile.TemporaryDirectory(prefix=f".{self.out_dir.name}.index-", dir=self.out_dir.parent) as work:
            fresh = index_shards(lambda path: self.out_dir / path, self.out_dir, outdated, Path(work), background=True)
            with self._lock:
                for name in outdated:
                    old = Path(work) / f"{name}.old"
                    if (self.out_dir / name).exists():
                        (self.out_dir / name).rename(old)
                    (Path(work) / name).rename(self.out_dir / name)
                for name in set(shards) - set(wanted):
                    shutil.rmtree(self.out_dir / name, ignore_errors=True)
                self._state.shards = {**{n: shards[n] for n in wanted if n not in outdated}, **fresh}
        return sorted(outdated)
