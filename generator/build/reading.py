"""Stages 1 and 2 for a Builder: the content read and checked, each review folder's record made again only where
its files' bytes changed.

`ContentReader` owns the `ReadState` (the records, the folders' files, `site.yaml` and the pages parsed and
checked) and puts each published review's models into the store, where the rest of the build reads them, with
what the document checks found in each file it lists (kept by the file's digest: see documents.py).
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

from ..content.load import load_settings, walk_reviews
from ..content.validate import Vocabulary, validate_settings, vocabulary_of
from ..output import cache
from ..problems import Problems
from ..workers import fork_map
from .documents import document_key
from .records import FolderRecord, files_digest, folder_key, record_of, store_keys
from .state import ReadState


class ContentReader:
    """Reads the content folder for each run of a Builder, keeping what is unchanged."""

    def __init__(self, content_dir: Path, state: ReadState, store: cache.Store, restored: bool) -> None:
        self.content_dir, self.state, self._store = content_dir, state, store
        self._stored = not restored  # every published record's model is known to be in the store

    def settings(self, problems: Problems) -> tuple[Any, list[Any], dict[str, Any], list[Any], Vocabulary]:
        """site.yaml and the pages: their files, their values and the vocabulary (themes, agencies)."""
        site_file, page_files = load_settings(self.content_dir, problems, self.state.files)
        values, pages = validate_settings(site_file, page_files, problems, self.state.checked)
        return site_file, page_files, values, pages, vocabulary_of(values)

    def knows(self, path: Path) -> bool:
        """Whether `path` is a file of a review folder the last run read (so an edit can be read alone)."""
        return path.name in self.state.folders.get(str(path.parent), ())

    def reviews(self, vocabulary: Vocabulary, problems: Problems, edited: set[Path] | None) -> list[FolderRecord]:
        """Every review folder's record, made again only where the bytes of its files or documents changed."""
        read = self.state
        if edited is None or not all(self.knows(path) for path in edited):
            read.folders = walk_reviews(self.content_dir, problems)
            look_at = read.folders
        else:
            look_at = {folder: read.folders[folder] for folder in {str(p.parent) for p in edited}}
        stale = []  # the folders to make records of: each worker reads its folders' files (not held here)
        folders, version = list(look_at.items()), cache.generator_version()
        with fork_map(files_digest, folders, chunksize=256) as digests:
            for (folder, names), files in zip(folders, digests, strict=True):
                record = read.records.get(folder)
                if record is None or files is None or \
                        not record.is_current(folder_key(version, vocabulary, files)):
                    stale.append((folder, names, vocabulary))
        for folder in set(read.records) - set(read.folders):
            del read.records[folder]
        self._store.commit()  # nothing left buffered that a worker's read could write again
        with fork_map(partial(record_of, known=self._store.get), stale) as made:
            for folder, record in made:
                if record.data is not None:  # its models and documents' facts, pickled: into the store, not kept here
                    for store_key, data in record.data.items():
                        self._store.put(store_key, data)
                    record.data = None
                read.records[folder] = record
        self._store.commit()  # before any worker reads a model
        return [read.records[folder] for folder in read.folders]

    def with_models(self, records: list[FolderRecord], vocabulary: Vocabulary) -> list[FolderRecord]:
        """The records, each published one with its model in the store (those lacking it are made again)."""
        return records if self.check_store() else self.reviews(vocabulary, Problems(), None)

    def check_store(self) -> bool:
        """Whether the store holds every published record's model, the first time it is asked after a restore.

        When the store was deleted or damaged, the records whose model is lost are forgotten, and
        the next run walks every folder to make them again.
        """
        if self._stored:
            return True
        self._stored = True
        present = self._store.present()
        lost = [f for f, r in self.state.records.items() if r.model and not r.holds_review
                and not present.issuperset(store_keys(r.model))]
        for folder in lost:
            del self.state.records[folder]
        if lost:
            self.state.folders = {}
        return not lost

    def live_keys(self) -> set[bytes]:
        """The store keys of every published record's models, and of the facts of every document a record names
        (those never read are not in the store)."""
        records = self.state.records.values()
        return {key for r in records if r.model for key in store_keys(r.model)} | \
            {document_key(stamp) for r in records for _, stamp in r.documents if stamp is not None}
