"""Stage 5, write: put output files into a fresh folder that replaces the site only on success.

A failed build never touches the last good site: everything is written to a hidden folder
beside it, which is swapped in at the end, or deleted if anything went wrong.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .render import Output


@contextmanager
def staged(out_dir: Path) -> Iterator[Path]:
    """Yield an empty folder; when the block succeeds it becomes `out_dir`."""
    out_dir = out_dir.resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    for leftover in out_dir.parent.glob(f".{out_dir.name}.*"):  # from a build that was killed
        shutil.rmtree(leftover, ignore_errors=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.build-", dir=out_dir.parent))
    try:
        yield stage
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    _swap(stage, out_dir)


def _swap(stage: Path, out_dir: Path) -> None:
    stage.chmod(0o755)  # mkdtemp makes it private; a web server must be able to read it
    if not out_dir.exists():
        stage.rename(out_dir)
        return
    old = out_dir.parent / f".{out_dir.name}.old-{stage.name.rsplit('-', 1)[-1]}"
    out_dir.rename(old)
    stage.rename(out_dir)
    shutil.rmtree(old, ignore_errors=True)


def write_outputs(outputs: list[Output], folder: Path) -> int:
    """Write every output under `folder`; returns the number of files written."""
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
    return len(outputs)
