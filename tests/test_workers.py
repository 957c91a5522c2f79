"""fork_map: few items, or items that make one chunk, run here; many run in forked workers, in order."""

from __future__ import annotations

import os

import pytest

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
