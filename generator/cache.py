"""The build cache: what one build learned, kept in a git-ignored folder (.dhr-cache/) for the next.

One file per build settings holds each review folder's record (keyed by its files' bytes, see
records.py), each output's template fingerprint and digests of its values and bytes, what was
written to the site folder, and the search shards. A second, its bulk, holds the reviews' models
and each review's part of the data files, read only by a build that has something to render.
The files' name is a digest of the generator's own code, the versions of the libraries that
shape the output, and the settings (content, templates and site folders, base URL, preview,
search), so another version or other settings never read them. Nothing in them is trusted
blindly: records are matched by content, outputs by their template and values, and every file
of the site folder is checked by size, time and inode before it is kept. Deleting the folder
costs one slower build, never a wrong one.

It is a pickle, like Python's own __pycache__: only a file in the project's own folder is read.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from functools import cache
from importlib.metadata import version
from pathlib import Path
from typing import Any

LIBRARIES = ("jinja2", "markdown", "nh3", "pyyaml", "pagefind")
KEEP = 4  # cache files kept, newest first: one per combination of settings in use


@cache
def generator_version() -> bytes:
    """A digest of the generator's code and of the libraries' versions: any change starts afresh."""
    digest = hashlib.blake2b(sys.version.encode(), digest_size=20)
    for name in LIBRARIES:
        digest.update(f"{name} {version(name)}".encode())
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.digest()


def state_file(cache_dir: Path, settings: tuple[Any, ...]) -> Path:
    key = hashlib.blake2b(generator_version() + repr((os.getcwd(), *settings)).encode(), digest_size=12)
    return cache_dir / f"build-{key.hexdigest()}.pickle"


def load(path: Path) -> dict[str, Any] | None:
    """The saved state, or None when there is none or it cannot be read (it is then rebuilt)."""
    try:
        with path.open("rb") as file:
            state = pickle.load(file)
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, TypeError, ValueError):
        return None
    return state if isinstance(state, dict) else None


def bulk_file(path: Path) -> Path:
    """Where the bulk of the state at `path` is kept."""
    return path.with_suffix(".bulk")


def save(path: Path, state: dict[str, Any], bulk: dict[str, Any]) -> None:
    """Write the state, and beside it its bulk: what only a build that renders needs (see Builder.save).

    Each is written under a temporary name and renamed, so a killed build leaves the old one;
    the bulk goes first. The caller puts the same token in both, so that a state is never read
    with another build's bulk.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    ignore = path.parent / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# dhr's build cache: safe to delete\n*\n")
    _write(bulk_file(path), bulk)
    _write(path, state)
    for old in sorted(path.parent.glob("build-*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)[KEEP:]:
        old.unlink(missing_ok=True)
        bulk_file(old).unlink(missing_ok=True)


def _write(path: Path, value: dict[str, Any]) -> None:
    handle, temporary = tempfile.mkstemp(prefix=".build-", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as file:
            pickle.dump(value, file, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
