"""Using every core for many small computations without their thread pools fighting.

The neighbour search makes many small faiss calls and matrix products (one per cell). With
OpenMP or BLAS threads inside each call, the threads meet at barriers: on a busy machine
(a descheduled thread stalls the others) faiss calls measured four times slower than with
one thread, and BLAS threads inside two Python threads twelve times slower. So each call
runs on one thread and the calls run in parallel on Python threads (numpy and faiss release
the GIL), a few at a time so that memory stays bounded.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

__all__ = ["faiss", "one_thread_per_call", "parallel_map", "workers"]

T = TypeVar("T")
R = TypeVar("R")


def faiss() -> Any:
    """The faiss module, imported on first use."""
    try:
        import faiss as module
    except ImportError as err:  # pragma: no cover - a declared dependency
        raise ImportError("the audit's neighbour search needs faiss: pip install faiss-cpu") from err
    return module


def workers() -> int:
    """The cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


@contextlib.contextmanager
def one_thread_per_call() -> Iterator[None]:
    """faiss and BLAS calls use one thread each inside the block (restored after)."""
    from threadpoolctl import threadpool_limits

    module = faiss()
    before = module.omp_get_max_threads()
    module.omp_set_num_threads(1)
    try:
        with threadpool_limits(1, user_api="blas"):
            yield
    finally:
        module.omp_set_num_threads(before)


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
