"""A split read chunk by chunk, whatever its form: the interface every reader implements,
and the reader of arrays and tensors (memory-mapped arrays included).

A reader yields the usable examples flattened to float32, in order, with their labels and
their positions in the split as passed; examples that cannot be used (unreadable, another
shape or dtype, a text label) are recorded in ``broken`` on the first pass and skipped.
Every pass yields the same examples in the same order.
"""

from __future__ import annotations

import abc
import dataclasses
import mmap
from collections.abc import Iterator
from typing import Any

import numpy as np
import torch

from .._core._data import _to_tensor, check_pair
from .._core._errors import DataError
from ._split import Broken

__all__ = ["ArraySource", "Chunk", "Source", "as_array"]


@dataclasses.dataclass(frozen=True)
class Chunk:
    """Consecutive usable examples of a split.

    Attributes:
        X: ``(b, d)`` float32, the examples flattened.
        y: ``(b, ...)`` their labels as given, or ``None`` without labels.
        index: ``(b,)`` int64, their positions in the split as passed.
    """

    X: np.ndarray
    y: np.ndarray | None
    index: np.ndarray


class Source(abc.ABC):
    """One split of examples, read in chunks.

    Attributes:
        name: ``"train"``, ``"val"`` or ``"test"``.
        shape: The shape of one example.
        source_dtype: The examples' dtype before conversion to float32.
        n_total: Examples in the split, broken ones included (known after the first pass
            for streams without a length).
        broken: Examples that could not be used, filled by the first pass.
        class_names: Class names when labels came from folder names or CSV strings.
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self.shape: tuple[int, ...] = ()
        self.source_dtype = "float32"
        self.n_total = 0
        self.broken: list[Broken] = []
        self.class_names: list[str] | None = None
        self._passes = 0

    @property
    def width(self) -> int:
        """Values per flattened example."""
        return int(np.prod(self.shape, dtype=np.int64))

    def chunks(self, rows: int) -> Iterator[Chunk]:
        """The usable examples, at most ``rows`` per chunk; broken ones are recorded once."""
        first = self._passes == 0
        found: list[Broken] = []
        for chunk in self._read(rows, found):
            if len(chunk.index):
                yield chunk
        if first:
            self.broken = sorted(found, key=lambda b: b.index)
        self._passes += 1

    @abc.abstractmethod
    def _read(self, rows: int, broken: list[Broken]) -> Iterator[Chunk]:
        """Yield chunks; append what cannot be used to ``broken``."""

    def fetch(self, index: np.ndarray) -> np.ndarray | None:
        """The examples at these positions (flat float32), or ``None`` without random access."""
        return None

    def relabel(self, values: np.ndarray) -> np.ndarray:
        """Final label values for those the first pass yielded (CSV class names are numbered
        as they appear until the whole file has been read); unchanged by default."""
        return values


def as_array(a: Any, what: str) -> np.ndarray:
    """A numpy view of ``a`` without copying it (a memory map stays one).

    Raises:
        DataError: Ragged lists, Python objects, strings, or an unsupported type.
    """
    if isinstance(a, torch.Tensor):
        t = a.detach().cpu()
        return (t.float() if t.dtype == torch.bfloat16 else t).numpy()
    if isinstance(a, np.ndarray):
        try:
            _to_tensor(np.array(a[:1]), what)  # the trainer's messages for object and string arrays
        except TypeError as e:
            raise DataError(f"{what} has dtype {a.dtype}, which is not numeric; convert it to numbers") from e
        return a
    return _to_tensor(a, what).numpy()  # lists and tuples: small by nature


def release(a: np.ndarray, lo: int, hi: int) -> None:
    """Unmap the pages of rows ``lo:hi`` of a read-only or shared memory-mapped array.

    The data stays in the operating system's page cache, but no longer counts towards this
    process's resident memory, so reading a 3 GB memory map in chunks holds one chunk.
    Copy-on-write maps (``mode="c"``) are left alone: unmapping would drop their changes.
    """
    owner: Any = a
    while owner is not None and not isinstance(owner, np.memmap):
        owner = owner.base if isinstance(owner, np.ndarray) else None
    mm = getattr(owner, "_mmap", None)
    if owner is None or not isinstance(mm, mmap.mmap) or owner.mode not in ("r", "r+") or not a.flags.c_contiguous:
        return
    start = np.frombuffer(mm, dtype=np.uint8).ctypes.data
    row = a.strides[0]
    first = a.ctypes.data + lo * row - start
    last = a.ctypes.data + hi * row - start
    page = mmap.PAGESIZE
    first, last = (first // page) * page, (last // page) * page
    if last > first >= 0:
        mm.madvise(mmap.MADV_DONTNEED, first, last - first)


class ArraySource(Source):
    """``(X, y)`` numpy arrays (memory-mapped or not) or tensors, read in slices of rows."""

    def __init__(self, X: Any, y: Any, name: str) -> None:
        super().__init__(name)
        self.X, self.y = as_array(X, f"{name} X"), as_array(y, f"{name} y")
        check_pair(self.X, self.y, name)
        self.shape, self.n_total, self.source_dtype = tuple(self.X.shape[1:]), len(self.X), str(self.X.dtype)

    def _read(self, rows: int, broken: list[Broken]) -> Iterator[Chunk]:
        for lo in range(0, self.n_total, rows):
            hi = min(lo + rows, self.n_total)
            x = np.array(self.X[lo:hi], dtype=np.float32, copy=True).reshape(hi - lo, -1)
            y = np.array(self.y[lo:hi], copy=True)
            release(self.X, lo, hi)
            release(self.y, lo, hi)
            yield Chunk(x, y, np.arange(lo, hi, dtype=np.int64))

    def fetch(self, index: np.ndarray) -> np.ndarray:
        return np.asarray(self.X[np.asarray(index, dtype=np.int64)], dtype=np.float32).reshape(len(index), -1)
