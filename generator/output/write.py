"""Stage 5, write: put output files into a hidden folder beside the site, applied only on success.

A failed build never touches the last good site: everything is written to a hidden folder
beside it, which is applied at the end, or deleted if anything went wrong. When much changed,
the folder is completed with links to the unchanged files and swapped in, in one atomic step on
Linux (renameat2 with RENAME_EXCHANGE; elsewhere two renames, and the next build repairs an
interrupted one). When little changed, each new file is renamed over its old one instead, so a
rebuild costs what it changed, not the size of the site; every file is replaced whole, and a
build killed while doing so leaves files the next build recognises as not its own and redoes.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .outdir import clear_stale_lock, lock_path


@contextmanager
def staged(out_dir: Path) -> Iterator[Path]:
    """Yield an empty folder; when the block succeeds it becomes `out_dir`."""
    out_dir = out_dir.resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    _recover(out_dir)
    stage = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.build-", dir=out_dir.parent))
    try:
        yield stage
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    _swap(stage, out_dir)


def _recover(out_dir: Path) -> None:
    """Clear what a killed build left beside the site, first restoring the site if it was mid-swap."""
    olds = sorted(out_dir.parent.glob(f".{out_dir.name}.old-*"), key=lambda p: p.stat().st_mtime)
    if olds and not out_dir.exists():
        olds.pop().rename(out_dir)
    for leftover in out_dir.parent.glob(f".{out_dir.name}.*"):
        if leftover == lock_path(out_dir):
            clear_stale_lock(leftover)
            continue
        if leftover.is_dir() and not leftover.is_symlink():
            shutil.rmtree(leftover, ignore_errors=True)
        else:  # a data file being written in pieces
            leftover.unlink(missing_ok=True)


def _swap(stage: Path, out_dir: Path) -> None:
    stage.chmod(0o755)  # mkdtemp makes it private; a web server must be able to read it
    if not out_dir.exists():
        stage.rename(out_dir)
    elif _exchange(stage, out_dir):
        shutil.rmtree(stage, ignore_errors=True)  # it now holds the old site
    else:
        old = out_dir.parent / f".{out_dir.name}.old-{stage.name.rsplit('-', 1)[-1]}"
        out_dir.rename(old)
        stage.rename(out_dir)
        shutil.rmtree(old, ignore_errors=True)


def _exchange(first: Path, second: Path) -> bool:
    """Swap two folders in one atomic step; False where the system cannot (not Linux, old kernel)."""
    import ctypes  # here: 5 ms to import, which a rebuild that moves files one by one does not need

    renameat2 = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None) if sys.platform == "linux" else None
    if renameat2 is None:
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(first), at_fdcwd, os.fsencode(second), rename_exchange) == 0:
        return True
    error = ctypes.get_errno()
    if error in (errno.ENOSYS, errno.EINVAL, errno.EXDEV):
        return False
    raise OSError(error, os.strerror(error), str(second))


Stamp = tuple[int, int, int]  # a file's size, modification time and inode, as written
Written = dict[str, tuple[bytes, Stamp]]  # path -> (a digest of what was written there, the file's stamp)


def digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=20).digest()


def stamp(path: Path | str) -> Stamp | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ino)


def still_written(folder: Path, written: Written) -> Written:
    """The records whose files are still exactly as written: not edited, replaced or deleted since.

    A file whose stamp changed but whose bytes are still those written (a site folder copied back from a deploy
    host's cache has new inodes and times) is verified by its digest, and kept with its new stamp.
    """
    top = str(folder.resolve())
    still = {}
    for path, entry in written.items():
        now = stamp(f"{top}/{path}")
        if now == entry[1]:
            still[path] = entry
        elif now is not None and now[0] == entry[1][0] and readable_digest(f"{top}/{path}") == entry[0]:
            still[path] = (entry[0], now)
    return still


def file_digest(path: Path | str) -> bytes:
    """`digest` of a file's bytes, read in pieces; raises OSError when it cannot be read."""
    with open(path, "rb") as file:
        return hashlib.file_digest(file, lambda: hashlib.blake2b(digest_size=20)).digest()


def readable_digest(path: Path | str) -> bytes | None:
    """`file_digest`, or None when the file cannot be read (or its path cannot name a file)."""
    try:
        return file_digest(path)
    except (OSError, ValueError):
        return None


OVERLAY_SHARE = 0.1  # of the outputs changed, up to which a staged build moves new files over old ones


class SiteWriter:
    """Writes one build of the site, writing only what differs from what is already there.

    Staged (`dhr build`): new files go into a folder beside the site. At the end, when at most
    `OVERLAY_SHARE` of the outputs changed, each is moved over its old one; otherwise unchanged
    ones become hard links to the current site's (so they keep their times) and the folder
    replaces the site in one step. When nothing differs, nothing is written at all. Live (`dhr
    serve`): each new file replaces the old one in place under a temporary name, so a reader never
    sees half a file. `written` describes what is on disk (see `still_written`), and is updated.
    Folders of files not tracked one by one (the search index's shards) are kept, replaced or
    dropped whole: `keep_tree`, `new_tree`, `drop_tree`.
    """

    def __init__(self, out_dir: Path, written: Written, staged: bool = True) -> None:
        self.out_dir, self.written, self.is_staged = out_dir.resolve(), written, staged
        self.changed: list[str] = []
        self._paths: set[str] = set()
        self._fresh: dict[str, bytes] = {}  # path -> digest, of the files this build wrote
        self._trees: list[str] = []
        self._new_trees: list[str] = []
        self._dropped: list[str] = []
        self._linked: set[str] = set()
        self._stage: Path | None = None if staged else self.out_dir
        self._context: contextlib.ExitStack | None = None
        self._dirty = False  # something other than `store` wrote into the staged folder
        self._folders: set[str] = set()  # the folders `_write` made (or found) in the staged folder

    def put(self, path: str, data: bytes | Iterable[bytes]) -> None:
        """The bytes of one output, whole or in pieces."""
        self.record(path, *self.store(path, data))

    def store(self, path: str, data: bytes | Iterable[bytes]) -> tuple[bytes, bool]:
        """Write one output unless its file already holds these bytes; its digest, and whether it was written.

        It changes nothing in this writer, so a forked worker can call it (after `prepare`); `record` the result.
        """
        if not isinstance(data, bytes):
            return self._store_pieces(path, data)
        token = digest(data)
        if path in self.written and self.written[path][0] == token:
            return token, False
        self._write(path, lambda target: target.write_bytes(data))
        return token, True

    def _store_pieces(self, path: str, pieces: Iterable[bytes]) -> tuple[bytes, bool]:
        """`store` for an output made in pieces (a large data file): each is written as it comes, never all held."""
        self.prepare()  # first: it clears what a killed build left beside the site
        hasher = hashlib.blake2b(digest_size=20)
        handle, scratch = tempfile.mkstemp(prefix=f".{self.out_dir.name}.piece-", dir=self.out_dir.parent)
        try:
            with os.fdopen(handle, "wb") as file:
                for piece in pieces:
                    hasher.update(piece)
                    file.write(piece)
            token = hasher.digest()
            if path in self.written and self.written[path][0] == token:
                return token, False
            os.chmod(scratch, 0o644)  # as a file written whole would be (mkstemp makes it private)
            self._write(path, lambda target: os.replace(scratch, target))
            return token, True
        finally:
            Path(scratch).unlink(missing_ok=True)

    def record(self, path: str, token: bytes, wrote: bool) -> None:
        """One output of this build, as `store` left it."""
        self._paths.add(path)
        if wrote:
            self._fresh[path] = token
            self.changed.append(path)

    def copy(self, path: str, source: Path) -> None:
        """A file copied as it is (kept while its bytes are unchanged)."""
        token = file_digest(source)
        wrote = not (path in self.written and self.written[path][0] == token)
        if wrote:
            self._write(path, lambda target: shutil.copyfile(source, target))
        self.record(path, token, wrote)

    def keep(self, path: str) -> None:
        """An output known to be unchanged on disk."""
        self._paths.add(path)

    def keep_tree(self, path: str) -> None:
        """A folder of the current site to carry over as it is (not tracked in `written`)."""
        self._trees.append(path)

    def new_tree(self, path: str) -> None:
        """A folder written whole into `folder()`, to replace the current site's."""
        self._dirty = True
        self._new_trees.append(path)

    def drop_tree(self, path: str) -> None:
        """A folder of the current site that this build no longer has."""
        self._dropped.append(path)

    def source(self, path: str) -> Path:
        """Where this build's file at `path` is now (written by this build, or unchanged on the site)."""
        return (self._stage or self.out_dir) / path if path in self._fresh else self.out_dir / path

    @property
    def paths(self) -> set[str]:
        """Every output of this build so far."""
        return self._paths

    def digest(self, path: str) -> bytes:
        """The digest of the bytes this build has at `path`."""
        return self._fresh[path] if path in self._fresh else self.written[path][0]

    def folder(self) -> Path:
        """The folder to write this build's files into: the staged folder (made on first use) or the live site."""
        self._dirty = True
        return self.prepare()

    def prepare(self) -> Path:
        """Make the staged folder now, so that workers can `store` into it; dropped at the end if left unused."""
        if self._stage is None:
            self._context = contextlib.ExitStack()
            self._stage = self._context.enter_context(staged(self.out_dir))
        return self._stage

    def _write(self, path: str, write: Callable[[Path], object]) -> None:
        """Write one file at `path` in the folder being written. The staged folder is new and holds no links while
        the build writes, so there the path's own parts are checked; the live site's, with every link resolved."""
        top = self.prepare()
        if self.is_staged:
            if path.startswith("/") or ".." in path.split("/") or "\0" in path:
                raise ValueError(f"refusing to write outside the output folder: {path}")
            target = top / path
        else:
            target = (top / path).resolve()
            if not target.is_relative_to(top):
                raise ValueError(f"refusing to write outside the output folder: {path}")
        folder = path.rpartition("/")[0]
        if folder not in self._folders:  # (in the staged folder, a syscall spared for each file of a folder made)
            target.parent.mkdir(parents=True, exist_ok=True)
            if self.is_staged:
                self._folders.add(folder)
        temporary = target.with_name(f".{target.name}.tmp") if not self.is_staged else target
        write(temporary)
        if temporary != target:
            temporary.replace(target)

    def finish(self) -> list[str]:
        """Complete the build (apply the staged folder); returns the paths removed."""
        removed = sorted(set(self.written) - self._paths)
        if not self.is_staged:
            for path in removed:
                (self.out_dir / path).unlink(missing_ok=True)
                _prune(self.out_dir, (self.out_dir / path).parent)
        elif self._stage is not None and not (self._dirty or self._fresh or removed):
            self.abandon()  # prepared, but nothing differs: the site stays exactly as it was
        elif self.out_dir.is_dir() and len(self._fresh) + len(removed) <= OVERLAY_SHARE * len(self._paths):
            self._overlay(removed)
        elif self._stage is not None or removed:
            self.settle()
            stage = self.prepare()
            for tree in self._trees:
                shutil.copytree(self.out_dir / tree, stage / tree, copy_function=os.link, dirs_exist_ok=True)
            assert self._context is not None  # made with the staged folder
            self._context.close()  # swaps the folder in
        for path in removed:
            del self.written[path]
        for path, token in self._fresh.items():
            self.written[path] = (token, stamp(self.out_dir / path) or (0, 0, 0))
        return removed

    def _overlay(self, removed: list[str]) -> None:
        """Apply a small change: move each new file and folder over its old one, delete what went."""
        stage = self.prepare()
        for path in self._fresh:
            (self.out_dir / path).parent.mkdir(parents=True, exist_ok=True)
            os.replace(stage / path, self.out_dir / path)
        for tree in self._new_trees:
            if (self.out_dir / tree).exists():
                (self.out_dir / tree).rename(stage / f"{tree}.old")
            (self.out_dir / tree).parent.mkdir(parents=True, exist_ok=True)
            (stage / tree).rename(self.out_dir / tree)
        for tree in self._dropped:
            shutil.rmtree(self.out_dir / tree, ignore_errors=True)
        for path in removed:
            (self.out_dir / path).unlink(missing_ok=True)
            _prune(self.out_dir, (self.out_dir / path).parent)
        self.abandon()  # the staged folder now holds only what was replaced

    def abandon(self) -> None:
        """Drop the staged folder, leaving the site as it is: the build failed, or was applied file by file."""
        if self._context is not None:
            self._context.__exit__(RuntimeError, RuntimeError("build abandoned"), None)

    def settle(self) -> None:
        """Make the staged folder complete so far: link in the unchanged outputs not yet there."""
        stage = self.folder()
        made: set[str] = set()
        for path in sorted(self._paths - set(self._fresh) - self._linked):
            folder = path.rpartition("/")[0]
            if folder not in made:
                os.makedirs(f"{stage}/{folder}", exist_ok=True)
                made.add(folder)
            os.link(f"{self.out_dir}/{path}", f"{stage}/{path}")
            self._linked.add(path)


def _prune(top: Path, folder: Path) -> None:
    """Remove folders left empty by deletions, up to the output folder."""
    while folder != top and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent
