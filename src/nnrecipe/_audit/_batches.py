"""Batches from a ``DataLoader`` over an iterable dataset, or from a :class:`~nnrecipe.data.DataSource`:
read in order, regrouped into chunks. There is no random access and no length up front."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

import numpy as np

from .._core._errors import DataError
from ._source import Chunk, Source, as_array
from ._split import Broken

__all__ = ["BatchSource"]


class BatchSource(Source):
    """Examples from a re-iterable stream of ``(inputs, targets)`` batches.

    Args:
        batches: Called once per pass; returns an iterable of batches.
        name: The split's name.
    """

    def __init__(self, batches: Callable[[], Iterable[Any]], name: str) -> None:
        super().__init__(name)
        self._batches = batches
        first = next(iter(self._pairs()), None)
        if first is None:
            raise DataError(f"{name} split is empty; pass at least one example or leave the split out")
        self.shape, self.source_dtype = tuple(first[0].shape[1:]), str(first[0].dtype)

    def _pairs(self) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        for batch in self._batches():
            if not isinstance(batch, (tuple, list)) or len(batch) != 2:
                raise DataError(f"{self.name}: batches must be (inputs, targets) pairs; got {type(batch).__name__}")
            x, y = as_array(batch[0], f"{self.name} X"), as_array(batch[1], f"{self.name} y")
            if len(x) != len(y):
                raise DataError(f"{self.name}: a batch has {len(x)} inputs but {len(y)} targets")
            yield x, y

    def _read(self, rows: int, broken: list[Broken]) -> Iterator[Chunk]:
        seen = 0
        xs: list[np.ndarray] = []
        ys: list[np.ndarray] = []
        idx: list[np.ndarray] = []
        for x, y in self._pairs():
            if tuple(x.shape[1:]) != self.shape:
                why = f"batch shape {tuple(x.shape[1:])} differs from the first batch's {self.shape}"
                broken += [Broken(seen + k, "wrong_shape", why) for k in range(len(x))]
            else:
                xs.append(np.asarray(x, dtype=np.float32).reshape(len(x), -1))
                ys.append(np.asarray(y))
                idx.append(np.arange(seen, seen + len(x), dtype=np.int64))
            seen += len(x)
            if sum(map(len, idx)) >= rows:
                yield Chunk(np.concatenate(xs), np.concatenate(ys), np.concatenate(idx))
                xs, ys, idx = [], [], []
        if idx:
            yield Chunk(np.concatenate(xs), np.concatenate(ys), np.concatenate(idx))
        self.n_total = seen
