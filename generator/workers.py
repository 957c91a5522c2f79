"""Both cores: a function mapped over many items in forked worker processes.

The workers are forked, so they inherit the function and everything it refers to (the model,
the compiled templates) without pickling it; only the items and the results cross between
processes, so keep both small. Few items, one core or no `fork` (Windows, macOS spawn by
default): the function runs here, in order, as a plain loop.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

PARALLEL_FROM = 64  # items before it pays to start workers

_task: Callable[[Any], Any] | None = None  # the function the workers run, inherited through fork


@contextmanager
def fork_map(task: Callable[[Any], Any], items: Sequence[Any], chunksize: int = 32) -> Iterator[Iterator[Any]]:
    """`task` of each item, in order, as each is ready; on every core when there are many items.

    The workers start at once, so the caller can do other work before it reads the results;
    leaving the block stops them (any work not yet begun is dropped if the block failed).
    """
    global _task  # handed to the forked workers
    cores = os.cpu_count() or 1
    if len(items) < max(PARALLEL_FROM, chunksize + 1) or cores < 2 or not hasattr(os, "fork"):
        yield map(task, items)  # (one chunk would go to one worker)
        return
    import multiprocessing  # here: 8 ms to import, which a small build does not need
    from concurrent.futures import ProcessPoolExecutor
    _task = task
    try:
        pool = ProcessPoolExecutor(cores, mp_context=multiprocessing.get_context("fork"),
                                   initializer=_die_with_parent, initargs=(_prctl(), os.getpid()))
        results = pool.map(_run, items, chunksize=chunksize)  # forks every worker now
    finally:
        _task = None
    try:
        yield results
    except BaseException:
        pool.shutdown(cancel_futures=True)
        raise
    pool.shutdown()


def _run(item: Any) -> Any:
    return _task(item)  # type: ignore[misc]


def _prctl() -> Callable[..., int] | None:
    """Linux's prctl, found here before the workers are forked (so each sets its parent-death signal at once)."""
    if sys.platform != "linux":
        return None
    import ctypes

    return ctypes.CDLL(None).prctl


def _die_with_parent(prctl: Callable[..., int] | None, parent: int) -> None:
    """A worker of a build that is killed stops too (Linux), rather than waiting for work or writing on; one
    whose parent was killed before it could ask stops at once."""
    if prctl is not None:
        import signal

        pr_set_pdeathsig = 1
        prctl(pr_set_pdeathsig, signal.SIGKILL)
        if os.getppid() != parent:
            os._exit(1)
