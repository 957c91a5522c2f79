"""fork_map: few items, or items that make one chunk, run here; many run in forked workers, in order."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import REPO

from generator.workers import PARALLEL_FROM, fork_map


def _where(item: int) -> tuple[int, int]:
    return os.getpid(), item


@pytest.mark.parametrize(("count", "chunksize"), [(PARALLEL_FROM - 1, 32), (100, 256)],
                         ids=["few items", "one chunk"])
def test_few_items_or_a_single_chunk_run_here_in_order(count: int, chunksize: int) -> None:
    """Starting workers for what one worker would do alone only costs the fork (a rebuild's digests at 100 reviews)."""
    with fork_map(_where, list(range(count)), chunksize=chunksize) as results:
        assert list(results) == [(os.getpid(), item) for item in range(count)]


@pytest.mark.skipif((os.cpu_count() or 1) < 2 or not hasattr(os, "fork"), reason="needs two cores and fork")
def test_many_items_run_in_workers_and_come_back_in_order() -> None:
    with fork_map(_where, list(range(300)), chunksize=32) as results:
        found = list(results)
    assert [item for _, item in found] == list(range(300))
    assert {pid for pid, _ in found} - {os.getpid()}


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(sys.platform != "linux" or (os.cpu_count() or 1) < 2, reason="parent-death signals are Linux's")
def test_the_workers_of_a_killed_build_stop_with_it() -> None:
    """Killed mid-build, a build leaves no worker behind to write on (each asks for SIGKILL when its parent dies,
    with what it needs for that found before the fork). Each worker writes its pid in one write: print() makes
    two under PYTHONUNBUFFERED, and two workers' lines then interleave."""
    script = ("import os, time\nfrom generator.workers import fork_map\n"
              "def task(item):\n    os.write(1, f'{os.getpid()}\\n'.encode())\n    time.sleep(60)\n"
              "with fork_map(task, list(range(300)), chunksize=32) as results:\n    list(results)\n")
    build = subprocess.Popen([sys.executable, "-c", script], cwd=REPO, stdout=subprocess.PIPE, text=True,
                             start_new_session=True)
    try:
        lines = [build.stdout.readline() for _ in range(2)]  # type: ignore[union-attr]
        build.kill()
        build.wait()
        workers = {int(line) for line in lines if line.strip().isdigit()}
        assert len(workers) == 2, f"the workers said {lines!r}"
        deadline = time.monotonic() + 10
        while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not any(_alive(pid) for pid in workers)
    finally:  # nothing left behind, whatever happened
        with contextlib.suppress(ProcessLookupError):
            os.killpg(build.pid, signal.SIGKILL)
        build.wait()
