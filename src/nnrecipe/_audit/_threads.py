"""Using every core for faiss without its OpenMP threads fighting.

The audit makes many small faiss calls (one per cell). With OpenMP inside each call, the
threads of every call meet at a barrier, which on a busy machine (one descheduled thread
stalls the others) measured four times slower than one thread per call. So faiss runs
single-threaded here and the calls themselves run in parallel on Python threads (faiss
releases the GIL), a few at a time so that memory stays bounded.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

from ._index import _faiss

__all__ = ["faiss_one_thread_each", "parallel_map", "workers"]

T = TypeVar("T")
R = TypeVar("R")


def workers() -> int:
    """The cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


@contextlib.contextmanager
def faiss_one_thread_each() -> Iterator[None]:
    """faiss calls use one OpenMP thread inside the block (restored after)."""
    faiss = _faiss()
    before = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(1)
    try:
        yield
    finally:
        faiss.omp_set_num_threads(before)


def parallel_map(fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
    """``map(fn, items)`` on ``workers()`` threads, in order, at most two tasks ahead per worker."""
    n = workers()
    if n == 1:
        yield from map(fn, items)
        return
    with ThreadPoolExecutor(n) as pool:
        pending: list[Future[R]] = []
        for item in items:
            pending.append(pool.submit(fn, item))
            if len(pending) > 2 * n:
                yield pending.pop(0).result()
        for f in pending:
            yield f.result()
