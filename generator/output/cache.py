"""The build cache: what one build learned, kept in a git-ignored folder (.dhr-cache/) for the next.

One file per build settings holds each review folder's record (keyed by its files' bytes, see
records.py), each output's template fingerprint and digests of its values and bytes, what was
written to the site folder, and the search shards. Beside it, a `Store` (pack files) holds the
reviews' models and each review's part of the data files, by content key, read one by one as a
build needs them: they never all sit in memory at once; and Jinja keeps the compiled templates.
The files' name is a digest of the generator's own code, the versions of the libraries that
shape the output (Pagefind's is in each search shard's key), and the settings (content, templates
and site folders, base URL, preview, search), so another version or other settings never read them.

A cache cannot lie: every file and every stored value carries a digest of its bytes, checked
before anything is unpickled or unmarshalled. What fails the check, or cannot be read, is
dropped, with one warning, and made again (`CacheError`). Deleting the folder costs one slower
build, never a wrong one.
"""

from __future__ import annotations

import copyreg
import hashlib
import importlib.util
import io
import operator
import os
import pickle
import shutil
import sys
import tempfile
from collections.abc import Callable
from functools import cache
from itertools import islice
from pathlib import Path
from typing import Any, BinaryIO

import jinja2
import jinja2.bccache
import markdown
import nh3
import yaml

LIBRARIES = (jinja2, markdown, nh3, yaml)  # by their __version__ (importlib.metadata costs 30 ms a build to start)
SHIPPED = ("pypdfium2", "pypdfium2_raw")  # the document checks' PDF reader and its PDFium: by the version.json
# each ships, found without importing them (a build that reads no PDF never loads PDFium)
PIECE = 2000  # a dict's items pickled together in the state file
KEEP = 4  # cache files kept, newest first: one per combination of settings in use


@cache
def generator_version() -> bytes:
    """A digest of the generator's code and of the libraries' versions: any change starts afresh."""
    digest = hashlib.blake2b(sys.version.encode(), digest_size=20)
    for library in LIBRARIES:
        digest.update(f"{library.__name__} {library.__version__}".encode())
    for name in SHIPPED:
        digest.update(_shipped_version(name))
    package = Path(__file__).parents[1]  # every module of every sub-package
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode() + path.read_bytes())
    return digest.digest()


def _shipped_version(package: str) -> bytes:
    spec = importlib.util.find_spec(package)
    try:
        return Path(next(iter(spec.submodule_search_locations or ())), "version.json").read_bytes()  # type: ignore[union-attr]
    except (OSError, StopIteration, AttributeError):
        return f"{package} not found".encode()


def state_file(cache_dir: Path, settings: tuple[Any, ...]) -> Path:
    key = hashlib.blake2b(generator_version() + repr((os.getcwd(), *settings)).encode(), digest_size=12)
    return cache_dir / f"build-{key.hexdigest()}.pickle"


def not_ours(path: Path) -> str:
    """Where there is no state at `path` but others beside it (written by another version of the generator or its
    libraries, or for other folders or settings: a cache brought from another deploy, machine or folder), the
    line that says none of them is used; else ""."""
    others = sum(1 for other in path.parent.glob("build-*.pickle") if other != path) if not path.exists() else 0
    return (f"note: the build cache in {path.parent} holds {others} state(s) of another version of dhr or its "
            "libraries, or of other folders or settings (a cache from another deploy, machine or folder); none is "
            "used, and this build is made from the content") if others else ""


class CacheError(Exception):
    """A cached file or value failed its digest, or could not be read: the cache is cleared and the build redone."""


DIGEST = 16  # bytes of blake2b that each cached file ends with, and each stored value is indexed with


def _sum(data: bytes | memoryview) -> bytes:
    return hashlib.blake2b(data, digest_size=DIGEST).digest()


def load(path: Path) -> dict[str, Any] | None:
    """The saved state, or None when there is none; raises CacheError when it fails its digest or cannot be read."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise CacheError(f"{path.name} cannot be read ({error.strerror})") from None
    body = memoryview(data)[:-DIGEST]
    if len(data) < DIGEST or _sum(body) != data[-DIGEST:]:
        raise CacheError(f"{path.name} fails its digest")
    try:  # verified bytes, written by this same code (its name covers the code's digest)
        file, state = io.BytesIO(body), {}
        for name in pickle.load(file):
            pieces = pickle.load(file)
            state[name] = {k: v for _ in range(pieces) for k, v in pickle.load(file).items()} if pieces \
                else pickle.load(file)
    except Exception as error:
        raise CacheError(f"{path.name} cannot be read ({type(error).__name__})") from None
    return state


def clear(path: Path) -> None:
    """Delete the state at `path`, with its store and compiled templates."""
    path.unlink(missing_ok=True)
    shutil.rmtree(store_folder(path), ignore_errors=True)
    shutil.rmtree(path.with_suffix(".templates"), ignore_errors=True)


class VerifiedBytecode(jinja2.FileSystemBytecodeCache):
    """Jinja's compiled templates, each file ending with a digest that is checked before its code is unmarshalled."""

    def __init__(self, folder: Path) -> None:
        super().__init__(str(folder))
        self.damaged: list[str] = []

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        path = Path(self._get_cache_filename(bucket))
        try:
            data = path.read_bytes()
        except OSError:
            return  # none yet: compiled afresh
        if len(data) < DIGEST or _sum(data[:-DIGEST]) != data[-DIGEST:]:
            self.damaged.append(path.name)
            path.unlink(missing_ok=True)
            return
        bucket.bytecode_from_string(data[:-DIGEST])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        data = bucket.bytecode_to_string()
        path = Path(self._get_cache_filename(bucket))
        handle, temporary = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(data + _sum(data))
            os.replace(temporary, path)
        finally:
            Path(temporary).unlink(missing_ok=True)


def store_folder(path: Path) -> Path:
    """Where the store of the state at `path` keeps its pack files."""
    return path.with_suffix(".packs")


def templates_folder(path: Path) -> Path:
    """Where Jinja keeps the compiled templates for the state at `path` (its name covers the generator's code).

    Made now, with the build cache's folder.
    """
    folder = path.with_suffix(".templates")
    _make_folder(path.parent)
    folder.mkdir(exist_ok=True)
    return folder


def _make_folder(cache_dir: Path) -> None:
    """The build cache's folder, which git is told to ignore."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    ignore = cache_dir / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# dhr's build cache: safe to delete\n*\n")


def save(path: Path, state: dict[str, Any]) -> None:
    """Write the state under a temporary name and rename it, so a killed build leaves the old one.

    Only the newest `KEEP` states are kept, each with its store and compiled templates.
    """
    _make_folder(path.parent)
    _write(path, state)
    for old in sorted(path.parent.glob("build-*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)[KEEP:]:
        clear(old)


PackEntry = tuple[str, int, int, bytes]  # a value's pack file, offset, length and digest


def compact(*classes: type) -> None:
    """Pickle instances of these slotted classes (the model's many small frozen dataclasses) as their class
    and values, so that unpickling calls the class: registered with copyreg, the classes know nothing of it.

    (The pickling that dataclasses give slotted classes looks up `fields()` for every object: four
    times slower to unpickle 10,000 reviews.)
    """
    for cls in classes:
        copyreg.pickle(cls, _reducer(cls, tuple(cls.__slots__)))  # type: ignore[attr-defined]


def _reducer(cls: type, names: tuple[str, ...]) -> Callable[[object], tuple[type, tuple[object, ...]]]:
    """Reduce an instance of `cls` to its class and the values of its slots `names` (read at once by attrgetter,
    which gives a tuple of two or more)."""
    values = operator.attrgetter(*names) if len(names) > 1 else lambda obj: (getattr(obj, names[0]),)

    def reduce(obj: object) -> tuple[type, tuple[object, ...]]:
        return cls, values(obj)
    return reduce


class Store:
    """Bytes by content key, appended to pack files in the build cache; held in memory without one.

    A key names exactly what its value was made from (see records.py and export.Parts), so a
    value is never stale, and one that is missing is made again. Each `Store` appends to a pack
    of its own, so builds never write into each other's. The index (key -> where) is kept in the
    build's state; a value whose pack is gone or too short is missing. Reads are `pread`s from a
    file opened by each process, so forked workers read too.
    """

    COMPACT_AT = 0.5  # of the packs' bytes no longer used, from which `keep_only` rewrites the live ones

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self.index: dict[bytes, PackEntry] = {}
        self._memory: dict[bytes, bytes] = {}
        self._pack: BinaryIO | None = None  # this Store's own pack, being appended to
        self._name, self._size = "", 0
        self._readers: dict[tuple[int, str], int] = {}  # (process, pack) -> a file descriptor
        self.damaged = False  # a value failed its digest (it was then made again)

    def get(self, key: bytes) -> bytes | None:
        """The value, or None when it is not kept, or its bytes are gone or fail their digest (`damaged`)."""
        if self.folder is None:
            return self._memory.get(key)
        if (entry := self.index.get(key)) is None:
            return None
        name, offset, length, digest = entry
        if name == self._name:
            self._pack.flush()  # type: ignore[union-attr]
        try:
            reader = self._readers.get((os.getpid(), name))
            if reader is None:
                reader = self._readers[(os.getpid(), name)] = os.open(self.folder / name, os.O_RDONLY)
            data = os.pread(reader, length, offset)
        except OSError:
            data = b""
        if len(data) != length or _sum(data) != digest:
            self.damaged = True
            return None
        return data

    def value(self, key: bytes) -> Any:
        """A pickled value, verified by its digest before it is unpickled; raises CacheError when it cannot be had."""
        data = self.get(key)
        if data is None:
            raise CacheError("a value in the build cache's store is missing or fails its digest")
        return pickle.loads(data)

    def put(self, key: bytes, value: bytes) -> None:
        if self.folder is None:
            self._memory[key] = value
            return
        if self._pack is None:
            self.folder.mkdir(parents=True, exist_ok=True)
            self._name = f"{os.urandom(8).hex()}.pack"
            self._pack = open(self.folder / self._name, "ab")  # noqa: SIM115 - closed by `close`
            self._size = 0
        self._pack.write(value)
        self.index[key] = (self._name, self._size, len(value), _sum(value))
        self._size += len(value)

    def present(self) -> set[bytes]:
        """The keys whose value can be read (the pack is still there, and long enough)."""
        if self.folder is None:
            return set(self._memory)
        self.commit()
        sizes = {}
        for name in {entry[0] for entry in self.index.values()}:
            try:
                sizes[name] = (self.folder / name).stat().st_size
            except OSError:
                sizes[name] = -1
        return {key for key, (name, offset, length, _) in self.index.items() if offset + length <= sizes[name]}

    def commit(self) -> None:
        """Flush what was put, so that other processes (the workers) can read it."""
        if self._pack is not None:
            self._pack.flush()

    def keep_only(self, live: set[bytes]) -> None:
        """Forget every value whose key is not in `live`; rewrite the packs when half their bytes are unused."""
        if self.folder is None:
            self._memory = {key: value for key, value in self._memory.items() if key in live}
            return
        for key in [key for key in self.index if key not in live]:
            del self.index[key]
        self.commit()
        packs = {p.name: p.stat().st_size for p in self.folder.glob("*.pack")} if self.folder.is_dir() else {}
        used = sum(entry[2] for entry in self.index.values())
        if packs and used < (1 - self.COMPACT_AT) * sum(packs.values()):
            moved = [(key, self.get(key)) for key in list(self.index)]
            self.close()
            for key, value in moved:
                if value is not None:
                    self.put(key, value)
                else:
                    del self.index[key]
            self.commit()
        for name in set(packs) - {entry[0] for entry in self.index.values()} - {self._name}:
            (self.folder / name).unlink(missing_ok=True)

    def close(self) -> None:
        """Close this process's files; the next `put` starts a new pack."""
        if self._pack is not None:
            self._pack.close()
            self._pack, self._name = None, ""
        for (pid, name), reader in list(self._readers.items()):
            if pid == os.getpid():
                os.close(reader)
                del self._readers[(pid, name)]


class _Summed(io.BufferedWriter):
    """A file that keeps a digest of every byte written to it."""

    def __init__(self, raw: io.FileIO) -> None:
        super().__init__(raw)
        self.sum = hashlib.blake2b(digest_size=DIGEST)

    def write(self, data: Any) -> int:
        self.sum.update(data)
        return super().write(data)


def _write(path: Path, value: dict[str, Any]) -> None:
    handle, temporary = tempfile.mkstemp(prefix=".build-", dir=path.parent)
    try:
        with _Summed(io.FileIO(handle, "wb")) as file:  # its names, then each value: a dict in pieces, any other whole.
            pickle.dump(list(value), file)  # A pickler's memo holds every object it wrote: it then never holds
            for item in value.values():  # more than one piece's
                if isinstance(item, dict) and item:
                    pieces, items = -(-len(item) // PIECE), iter(item.items())
                    pickle.dump(pieces, file)
                    for _ in range(pieces):
                        pickle.dump(dict(islice(items, PIECE)), file, protocol=pickle.HIGHEST_PROTOCOL)
                else:
                    pickle.dump(0, file)
                    pickle.dump(item, file, protocol=pickle.HIGHEST_PROTOCOL)
            io.BufferedWriter.write(file, file.sum.digest())  # the digest itself is not summed
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
