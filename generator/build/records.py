"""One review folder's part of the build, made from its files alone and keyed by their bytes.

A `FolderRecord` is what the rest of the build needs from a review folder: the problems found in it,
the facts the rules spanning reviews check, and the key of the published review's model (Markdown
rendered), which is kept pickled in the build's `cache.Store` until a page or a data file needs
it. A published review's PDF and Word files are read by the document checks (documents.py): what
they find is among its problems, and what they read is in its model. The record's own key is a
digest of the generator's version, the themes and agencies of site.yaml and every file's name and
bytes; the documents it names are checked by the digests of their bytes. A record whose key and
documents still match is used as it is, so an unchanged review costs one read and one hash of its
files, in `dhr serve` and, through the build cache (cache.py), from one `dhr build` to the next.
"""

from __future__ import annotations

import hashlib
import pickle
from dataclasses import dataclass, field
from pathlib import Path

from ..clock import build_date
from ..content.load import read_digest, reader_for, review_folder, unreadable
from ..content.validate import Facts, Vocabulary, check_review
from ..output.cache import Store, compact, generator_version
from ..output.write import readable_digest
from ..problems import Problem, Problems
from ..site.model import SMALL_VALUES, Review, make_review
from .documents import Known, check_listed

compact(*SMALL_VALUES)  # before any model is pickled, here or in a worker this process forks

DocumentStamp = bytes | None  # a digest of a document's bytes; None when it cannot be read


def folder_key(version: bytes, vocabulary: Vocabulary, files: bytes) -> bytes:
    """The digest a folder's record is kept under: the generator's version, the vocabulary, `files_digest`, and
    the build date's year (the latest year a date may have follows it)."""
    return hashlib.blake2b(version + repr((vocabulary, build_date().year)).encode() + b"\1" + files,
                           digest_size=20).digest()


def files_digest(folder_and_names: tuple[str, list[str]]) -> bytes | None:
    """A digest of a folder's files' names and bytes as they are now; None when one cannot be read.

    Every file is read: a change is seen by its bytes, never by its size or time. (Mapped over
    the folders on both cores: reading ten thousand folders took a second on one.)
    """
    folder, names = folder_and_names
    try:
        return _combined({name: read_digest(f"{folder}/{name}")[0] for name in names})
    except OSError:
        return None


def _combined(digests: dict[str, bytes]) -> bytes:
    digest = hashlib.blake2b(digest_size=20)
    for name, each in digests.items():
        digest.update(name.encode() + b"\0" + each)
    return digest.digest()


@dataclass
class FolderRecord:
    key: bytes
    facts: Facts | None  # None when the folder has no review.md
    problems: tuple[Problem, ...]
    documents: tuple[tuple[str, DocumentStamp], ...]  # the local documents named, as they were
    model: bytes | None  # the review's key when it is published and has no errors (its models: `store_keys`)
    data: dict[bytes, bytes] | None = None  # store key -> value: its models pickled, and its documents' facts
    # read anew, from the worker that made them until stored
    _review: Review | None = field(default=None, repr=False, compare=False)

    @property
    def published(self) -> bool:
        return self.model is not None

    def review(self, store: Store) -> Review:
        """The review's model, light (see Review.lightened) unless it was made here; unpickled on first use."""
        if self._review is None:
            self._review = store.value(store_keys(self.model)[1])  # type: ignore[arg-type]
        return self._review

    @property
    def holds_review(self) -> bool:
        """Whether its model is held here (made in this process, or read from the store), not only stored."""
        return self._review is not None

    def is_current(self, key: bytes | None) -> bool:
        return self.key == key and all(readable_digest(path) == stamp for path, stamp in self.documents)

    def __getstate__(self) -> dict[str, object]:
        return {**self.__dict__, "_review": None}


def make_record(folder: Path, files: dict[str, bytes], key: bytes, vocabulary: Vocabulary,
                known: Known = lambda key: None) -> FolderRecord:
    """Load, check and model one review folder from its files' bytes (named as walk_reviews lists them); `known`
    recalls what the document checks found in a file before (see documents.py)."""
    problems = Problems()
    parsed = {name: reader_for(name)(folder / name, data, problems) for name, data in files.items()}
    raw = review_folder(folder, parsed, problems)
    if raw is None:
        return FolderRecord(key, None, tuple(problems.items), (), None)
    valid = check_review(raw, vocabulary, problems)
    listed = valid.values.get("documents")  # read only where valid: the record is kept with its problems too
    documents = tuple((str(folder / d["file"]), readable_digest(folder / d["file"])) for d in listed
                      if isinstance(d, dict) and isinstance(d.get("file"), str)) if isinstance(listed, list) else ()
    checked, fresh = check_listed(valid, dict(documents), known, problems)
    review = None
    if valid.values.get("status") == "published" and not problems.errors:
        # The review also shows what its documents hold, so its own key covers their bytes too (and, through
        # `key`, the generator's version, which names what read them).
        review = make_review(valid, hashlib.blake2b(key + repr(documents).encode(), digest_size=20).digest(), checked)
    if review is None:
        return FolderRecord(key, Facts.of(valid), tuple(problems.items), documents, None, fresh or None)
    models = (pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL) for model in (review, review.lightened()))
    return FolderRecord(key, Facts.of(valid), tuple(problems.items), documents, review.key,
                        {**dict(zip(store_keys(review.key), models, strict=True)), **fresh}, review)


def record_of(args: tuple[str, list[str], Vocabulary], known: Known = lambda key: None) -> tuple[str, FolderRecord]:
    """A folder's record, from its files as they are now, keyed by those bytes (`known`: see make_record)."""
    folder, names, vocabulary = args
    files, digests, problems = {}, {}, Problems()
    for name in names:
        try:
            digests[name], files[name] = read_digest(f"{folder}/{name}")
        except OSError as error:
            unreadable(f"{folder}/{name}", error, problems)
    if problems.items:  # a key no folder's files can have: the record is made again next time
        return folder, FolderRecord(b"", None, tuple(problems.items), (), None)
    key = folder_key(generator_version(), vocabulary, _combined(digests))
    return folder, make_record(Path(folder), files, key, vocabulary, known)


def store_keys(review_key: bytes) -> tuple[bytes, bytes]:
    """Where a review's models are kept in the store: whole (for its own page), and light (for the rest)."""
    return b"review\0" + review_key, b"light\0" + review_key
