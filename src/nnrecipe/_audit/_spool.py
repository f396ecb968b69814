"""An append-only table of fixed-width rows that moves itself to disk when it grows too large.

Rows are appended chunk by chunk and read back chunk by chunk (or a few at a time). Reads
from disk go through ``os.pread`` into fresh buffers rather than a memory map: pages of a
mapped file count towards the process's resident memory until unmapped, a file read does not.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from ._budget import Budget

__all__ = ["Spool"]


class Spool:
    """Rows of ``dtype`` (a plain or structured numpy dtype) with ``width`` values each.

    Args:
        budget: Where the file goes once the rows outgrow ``limit`` bytes.
        dtype: The dtype of one value (or of one record, for structured rows).
        width: Values per row; ``0`` for records of a structured dtype.
        limit: Bytes kept in memory at most.
        name: A file name stem, for debugging.
        expected: Rows expected, if known: a table that will not fit starts on disk, so
            it never fills its share of memory first.

    Example:
        >>> s = Spool(Budget(1 << 20), np.float32, 2, limit=16)
        >>> s.append(np.ones((3, 2), np.float32)); s.append(np.zeros((2, 2), np.float32))
        >>> len(s), s.on_disk, s.read(2, 4).tolist()
        (5, True, [[1.0, 1.0], [0.0, 0.0]])
        >>> s.close()
    """

    def __init__(self, budget: Budget, dtype: Any, width: int, *, limit: int, name: str = "table", expected: int = 0) -> None:
        self.dtype = np.dtype(dtype)
        self.width = width
        self._shape = (width,) if width else ()
        self._row_bytes = self.dtype.itemsize * max(width, 1)
        self._budget, self._limit, self._name = budget, limit, name
        self._parts: list[np.ndarray] = []
        self._rows = 0
        self._fd: int | None = None
        self._path: Path | None = None
        self._frozen: np.ndarray | None = None
        if expected * self._row_bytes > limit:
            self._spill()

    def __len__(self) -> int:
        return self._rows

    @property
    def on_disk(self) -> bool:
        return self._fd is not None

    @property
    def nbytes(self) -> int:
        return self._rows * self._row_bytes

    def append(self, rows: np.ndarray) -> None:
        """Add rows (``(b, width)`` or ``(b,)`` records); they are copied."""
        rows = np.ascontiguousarray(rows, dtype=self.dtype).reshape((-1, *self._shape))
        if len(rows) == 0:
            return
        self._frozen = None
        self._rows += len(rows)
        if self._fd is None and self.nbytes > self._limit:
            self._spill()
        if self._fd is not None:
            _write_all(self._fd, rows.tobytes())
        else:
            self._parts.append(rows.copy())

    def _spill(self) -> None:
        self._path = self._budget.folder / f"{self._name}-{id(self):x}.bin"
        self._fd = os.open(self._path, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o600)
        for part in self._parts:
            _write_all(self._fd, part.tobytes())
        self._parts = []

    def read(self, lo: int, hi: int) -> np.ndarray:
        """Rows ``lo`` to ``hi`` (a fresh array when on disk, possibly a view in memory)."""
        lo, hi = max(0, lo), min(hi, self._rows)
        if hi <= lo:
            return np.zeros((0, *self._shape), self.dtype)
        if self._fd is None:
            return self.array()[lo:hi]
        data = os.pread(self._fd, (hi - lo) * self._row_bytes, lo * self._row_bytes)
        return np.frombuffer(bytearray(data), dtype=self.dtype).reshape((hi - lo, *self._shape))

    def chunks(self, rows: int) -> Iterator[tuple[int, np.ndarray]]:
        """``(first row, rows)`` blocks of at most ``rows`` rows, in order."""
        for lo in range(0, self._rows, max(1, rows)):
            yield lo, self.read(lo, lo + rows)

    def take(self, positions: np.ndarray) -> np.ndarray:
        """The rows at ``positions`` (any order; each read separately when on disk)."""
        positions = np.asarray(positions, dtype=np.int64)
        if self._fd is None:
            return self.array()[positions]
        out = np.empty((len(positions), *self._shape), self.dtype)
        for k, p in enumerate(positions):
            out[k] = self.read(int(p), int(p) + 1)[0]
        return out

    def array(self) -> np.ndarray:
        """All rows as one array: only for tables kept in memory."""
        if self._fd is not None:
            raise RuntimeError(f"{self._name} is on disk; read it in chunks")
        if self._frozen is None:
            self._frozen = np.concatenate(self._parts) if self._parts else np.zeros((0, *self._shape), self.dtype)
            self._parts = [self._frozen]
        return self._frozen

    def close(self) -> None:
        """Free the memory or delete the file."""
        self._parts, self._frozen, self._rows = [], None, 0
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
        if self._path is not None:
            self._path.unlink(missing_ok=True)
            self._path = None


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while len(view):
        view = view[os.write(fd, view) :]
