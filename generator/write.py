"""Stage 5, write: put output files into a fresh folder that replaces the site only on success.

A failed build never touches the last good site: everything is written to a hidden folder
beside it, which is swapped in at the end, or deleted if anything went wrong. The swap is one
atomic step on Linux (renameat2 with RENAME_EXCHANGE), so a build killed at any moment leaves
a complete site; elsewhere it takes two renames, and the next build repairs an interrupted one.
"""

from __future__ import annotations

import ctypes
import errno
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .progress import Progress
from .render import Output


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
        shutil.rmtree(leftover, ignore_errors=True)


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


def write_outputs(outputs: list[Output], folder: Path, progress: Progress | None = None) -> int:
    """Write every output under `folder`; returns the number of files written."""
    progress = progress or Progress()
    top = folder.resolve()
    for output in outputs:
        target = (top / output.path).resolve()
        if not target.is_relative_to(top):
            raise ValueError(f"refusing to write outside the output folder: {output.path}")
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(output.data, Path):
            shutil.copyfile(output.data, target)
        else:
            target.write_bytes(output.data)
        progress.advance()
    return len(outputs)


Written = dict[str, object]  # path -> what was last written there (an Output, or a source file's stat)


def recorded(outputs: list[Output]) -> Written:
    """What `write_outputs` put on disk, as `sync_outputs` tracks it."""
    return {o.path: _token(o) for o in outputs}


def sync_outputs(outputs: list[Output], folder: Path, written: Written) -> tuple[list[str], list[str]]:
    """Make `folder` match `outputs`, writing only what changed and deleting what is gone.

    Each file is written to a temporary name and renamed into place, so a server never reads
    half a file. `written` records what is on disk and is updated; returns (written, removed) paths.
    """
    top = folder.resolve()
    changed = []
    for output in outputs:
        token = _token(output)
        previous = written.get(output.path)
        if previous is token or (previous is not None and previous == token):
            continue
        if isinstance(previous, Output) and isinstance(token, Output) and previous.data == token.data:
            written[output.path] = token  # rendered again, to the same bytes
            continue
        _replace(top, output)
        written[output.path] = token
        changed.append(output.path)
    removed = sorted(set(written) - {o.path for o in outputs})
    for path in removed:
        (top / path).unlink(missing_ok=True)
        del written[path]
        _prune(top, (top / path).parent)
    return changed, removed


def _token(output: Output) -> object:
    if isinstance(output.data, Path):
        st = output.data.stat()
        return (str(output.data), st.st_size, st.st_mtime_ns)
    return output


def _replace(top: Path, output: Output) -> None:
    target = (top / output.path).resolve()
    if not target.is_relative_to(top):
        raise ValueError(f"refusing to write outside the output folder: {output.path}")
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.tmp")
    if isinstance(output.data, Path):
        shutil.copyfile(output.data, temporary)
    else:
        temporary.write_bytes(output.data)
    temporary.replace(target)


def _prune(top: Path, folder: Path) -> None:
    """Remove folders left empty by deletions, up to the output folder."""
    while folder != top and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent
