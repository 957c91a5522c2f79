"""Golden output, as Pelican tests itself: build a fictional sample site and compare every file.

After an intended change to the output, regenerate with `DHR_UPDATE_GOLDEN=1 python -m pytest
tests/test_golden.py` and read the diff before committing it.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from conftest import REPO, TEMPLATES, TODAY

from generator.build.pipeline import build

SAMPLE = REPO / "tests/fixtures/sample"
GOLDEN = REPO / "tests/golden/sample"
SKIP = ("pagefind/", "assets/", "admin/cms/")  # Pagefind's own files, and assets and the CMS copied byte for byte


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and not str(p.relative_to(folder)).startswith(SKIP)}


def test_sample_site_matches_the_golden_output(tmp_path: Path) -> None:
    out = tmp_path / "site"
    build(SAMPLE, out, TEMPLATES, today=TODAY)  # on 2025-10-15, one recommendation is overdue
    built = _files(out)
    if os.environ.get("DHR_UPDATE_GOLDEN"):
        shutil.rmtree(GOLDEN, ignore_errors=True)
        for name, data in built.items():
            (GOLDEN / name).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / name).write_bytes(data)
    golden = _files(GOLDEN)
    assert sorted(built) == sorted(golden)
    for name in golden:
        assert built[name].decode() == golden[name].decode(), name
