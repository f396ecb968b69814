"""A map-style ``Dataset`` read example by example, so one bad example is only recorded.

The common shape and dtype of inputs and labels come from a probe of up to 2,000 examples
spread evenly over the dataset; an example that differs, fails to load or has a label that
is not a number is listed as broken and skipped.
"""

from __future__ import annotations

import collections
from collections.abc import Iterator
from typing import Any

import numpy as np
import torch
from torch.utils.data import Dataset

from .._core._errors import DataError
from ._source import Chunk, Source
from ._split import Broken

__all__ = ["DatasetSource", "item_arrays"]

_PROBE = 2000


def _numeric(v: Any) -> np.ndarray | None:
    """A value as a numeric array, or ``None`` when it is not one (a string, a dict...)."""
    if isinstance(v, torch.Tensor):
        t = v.detach().cpu()
        return (t.float() if t.dtype == torch.bfloat16 else t).numpy()
    if isinstance(v, (bool, int, float, np.integer, np.floating, np.bool_)):
        return np.asarray(v)
    if isinstance(v, np.ndarray) and v.dtype.kind in "biuf":
        return v
    if isinstance(v, (list, tuple)):
        try:
            a = np.asarray(v)
        except ValueError:
            return None
        return a if a.dtype.kind in "biuf" else None
    return None


def item_arrays(item: Any, name: str) -> tuple[np.ndarray | None, np.ndarray | None, str]:
    """``(input, label, label type name)`` of one ``(x, y)`` item; ``None`` where not numeric.

    Raises:
        DataError: The item is not an ``(x, y)`` pair.
    """
    if not isinstance(item, (tuple, list)) or len(item) != 2:
        raise DataError(
            f"{name}: Dataset items must be (input, target) pairs; got {type(item).__name__}. "
            "Return `x, y` from your Dataset's __getitem__."
        )
    x, t = item
    return _numeric(x), _numeric(t), type(t).__name__


class DatasetSource(Source):
    """A sized map-style dataset of ``(x, y)`` pairs."""

    def __init__(self, dataset: Dataset[Any], name: str) -> None:
        super().__init__(name)
        self.dataset = dataset
        self.n_total = len(dataset)  # type: ignore[arg-type]
        if self.n_total == 0:
            raise DataError(f"{name} split is empty; pass at least one example or leave the split out")
        self._probe()

    def _probe(self) -> None:
        inputs: collections.Counter[tuple[tuple[int, ...], str]] = collections.Counter()
        labels: collections.Counter[tuple[int, ...]] = collections.Counter()
        label_types: collections.Counter[str] = collections.Counter()
        failures: list[str] = []
        for i in np.unique(np.linspace(0, self.n_total - 1, min(self.n_total, _PROBE)).astype(np.int64)):
            try:
                x, t, kind = item_arrays(self.dataset[int(i)], self.name)
            except DataError:
                raise
            except Exception as e:  # noqa: BLE001 - a bad example must not stop the audit
                failures.append(f"{type(e).__name__}: {e}")
                continue
            label_types[kind] += 1
            if x is not None:
                inputs[(x.shape, str(x.dtype))] += 1
            if t is not None:
                labels[t.shape] += 1
        if not inputs:
            why = failures[0] if failures else "no numeric input"
            raise DataError(f"{self.name}: none of the {sum(label_types.values()) + len(failures)} examples probed could be loaded; the first failure: {why}")
        if not labels:
            raise DataError(
                f"{self.name}: every label is a {label_types.most_common(1)[0][0]}, not a number; encode "
                "classes as integers, e.g. `classes = sorted(set(names)); y = classes.index(name)`."
            )
        (self.shape, self.source_dtype), _ = inputs.most_common(1)[0]
        self.label_shape: tuple[int, ...] = labels.most_common(1)[0][0]

    def _check(self, i: int, broken: list[Broken]) -> tuple[np.ndarray, np.ndarray] | None:
        try:
            x, t, kind = item_arrays(self.dataset[i], self.name)
        except DataError:
            raise
        except Exception as e:  # noqa: BLE001 - one bad example must not stop the audit
            broken.append(Broken(i, "unreadable", f"loading failed: {type(e).__name__}: {e}"))
            return None
        if t is None:
            broken.append(Broken(i, "label_type", f"label of type {kind} is not a number"))
        elif x is None or x.shape != self.shape:
            broken.append(Broken(i, "wrong_shape", f"shape {None if x is None else x.shape} differs from the common {self.shape}"))
        elif str(x.dtype) != self.source_dtype:
            broken.append(Broken(i, "wrong_dtype", f"dtype {x.dtype} differs from the common {self.source_dtype}"))
        elif t.shape != self.label_shape:
            broken.append(Broken(i, "wrong_shape", f"label shape {t.shape} differs from the common {self.label_shape}"))
        else:
            return x, t
        return None

    def _read(self, rows: int, broken: list[Broken]) -> Iterator[Chunk]:
        xs: list[np.ndarray] = []
        ys: list[np.ndarray] = []
        index: list[int] = []
        for i in range(self.n_total):
            pair = self._check(i, broken)
            if pair is not None:
                xs.append(pair[0].reshape(-1))
                ys.append(pair[1])
                index.append(i)
            if len(index) == rows or (i == self.n_total - 1 and index):
                yield Chunk(np.stack(xs).astype(np.float32), np.stack(ys), np.asarray(index, dtype=np.int64))
                xs, ys, index = [], [], []

    def fetch(self, index: np.ndarray) -> np.ndarray:
        rows = [item_arrays(self.dataset[int(i)], self.name)[0] for i in index]
        return np.stack([np.asarray(r, dtype=np.float32).reshape(-1) for r in rows])
