"""A map-style ``Dataset`` decoded example by example, so one bad example is only recorded."""

from __future__ import annotations

import collections
from typing import Any

import numpy as np
import torch
from torch.utils.data import Dataset

from .._core._errors import DataError
from ._split import Broken, LoadedSplit

__all__ = ["from_dataset"]


def _label_value(t: Any) -> float | None:
    """A label as a number, or ``None`` when it is not one (a string, a list...)."""
    if isinstance(t, torch.Tensor) and t.numel() == 1:
        return float(t.item())
    if isinstance(t, np.ndarray) and t.size == 1:
        return float(t.reshape(()).item())
    if isinstance(t, (bool, int, float, np.integer, np.floating)):
        return float(t)
    return None


def from_dataset(dataset: Dataset[Any], name: str) -> LoadedSplit:
    """Load every ``(x, y)`` item; failures, odd shapes or dtypes and text labels become broken.

    Raises:
        DataError: The dataset is empty, its items are not pairs, or no item is usable.
    """
    n = len(dataset)  # type: ignore[arg-type]
    if n == 0:
        raise DataError(f"{name} split is empty; pass at least one example or leave the split out")
    xs: list[np.ndarray | None] = [None] * n
    labels = np.full(n, np.nan)
    broken: list[Broken] = []
    label_types: collections.Counter[str] = collections.Counter()
    for i in range(n):
        try:
            item = dataset[i]
        except Exception as e:  # noqa: BLE001 - one bad example must not stop the audit
            broken.append(Broken(i, "unreadable", f"loading failed: {type(e).__name__}: {e}"))
            continue
        if not isinstance(item, (tuple, list)) or len(item) != 2:
            raise DataError(
                f"{name}: Dataset items must be (input, target) pairs; got {type(item).__name__}. "
                "Return `x, y` from your Dataset's __getitem__."
            )
        x, t = item
        value = _label_value(t)
        label_types[type(t).__name__] += 1
        if value is None:
            broken.append(Broken(i, "label_type", f"label {t!r} of type {type(t).__name__} is not a number"))
            continue
        labels[i] = value
        xs[i] = np.asarray(x.detach().cpu() if isinstance(x, torch.Tensor) else x)
    if all(b.kind == "label_type" for b in broken) and len(broken) == n:
        raise DataError(
            f"{name}: every label is a {label_types.most_common(1)[0][0]}, not a number; encode "
            "classes as integers, e.g. `classes = sorted(set(names)); y = classes.index(name)`."
        )
    return _common_shape(name, xs, labels, broken, n)


def _common_shape(
    name: str, xs: list[np.ndarray | None], labels: np.ndarray, broken: list[Broken], n: int
) -> LoadedSplit:
    """Keep the examples of the most common shape and numeric dtype; list the others."""
    shapes = collections.Counter(x.shape for x in xs if x is not None)
    if not shapes:
        raise DataError(f"{name}: none of the {n} examples could be loaded; the first failure: {broken[0].reason}")
    shape, _ = shapes.most_common(1)[0]
    same_shape = [i for i, x in enumerate(xs) if x is not None and x.shape == shape]
    for i, x in enumerate(xs):
        if x is not None and x.shape != shape:
            broken.append(Broken(i, "wrong_shape", f"shape {x.shape} differs from the common {shape}"))
    numeric = collections.Counter(
        str(xs[i].dtype) for i in same_shape if xs[i].dtype.kind in "biuf"  # type: ignore[union-attr]
    )
    if not numeric:
        raise DataError(f"{name}: no example has a numeric dtype; convert inputs to numbers")
    dtype, _ = numeric.most_common(1)[0]
    keep: list[int] = []
    for i in same_shape:
        got = str(xs[i].dtype)  # type: ignore[union-attr]
        if got != dtype:
            broken.append(Broken(i, "wrong_dtype", f"dtype {got} differs from the common {dtype}"))
        else:
            keep.append(i)
    X = np.empty((len(keep), int(np.prod(shape, dtype=np.int64))), dtype=np.float32)
    for row, i in enumerate(keep):
        X[row] = xs[i].reshape(-1)  # type: ignore[union-attr]
    broken.sort(key=lambda b: b.index)
    return LoadedSplit(
        name=name,
        X=X,
        index=np.asarray(keep, dtype=np.int64),
        y=labels[keep],
        shape=tuple(shape),
        n_total=n,
        broken=broken,
        source_dtype=dtype,
    )
