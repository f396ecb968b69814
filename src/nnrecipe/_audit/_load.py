"""Decoding every supported data form into a :class:`LoadedSplit`, keeping broken examples apart.

The trainer's :func:`nnrecipe.as_source` rejects data with NaN outright; the audit must
instead find and list them, so arrays are converted here without that check. One example
that fails to load (a corrupt file, a ``__getitem__`` that raises) is recorded and skipped.
"""

from __future__ import annotations

import collections
import logging
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset, TensorDataset

from .._data import DataSource, TensorData, _to_tensor
from .._errors import DataError
from ._csv_table import load_csv
from ._image_folder import load_image_folder
from ._split import Broken, LoadedSplit

__all__ = ["load_split"]

log = logging.getLogger(__name__)


def load_split(data: Any, name: str, *, label_column: str = "label") -> LoadedSplit:
    """Decode one split given in any supported form.

    Args:
        data: ``(X, y)`` arrays or tensors, a ``TensorDataset``, a ``Dataset`` of pairs, a
            ``DataLoader``, a :class:`~nnrecipe.DataSource`, a folder of images with one
            sub-folder per class, or a ``.csv`` file.
        name: The split's name.
        label_column: The label column of a CSV file.

    Returns:
        The usable examples flattened to float32, with the broken ones listed.

    Raises:
        DataError: The data cannot be audited at all (ragged, lengths differ, empty,
            string labels, no images, no label column).
        TypeError: The form is not supported.
    """
    if isinstance(data, (str, Path)):
        path = Path(data)
        if path.is_dir():
            return load_image_folder(path, name)
        if path.suffix.lower() in (".csv", ".tsv") and path.is_file():
            return load_csv(path, name, label_column=label_column)
        if not path.exists():
            raise DataError(f"{name}: {str(path)!r} does not exist")
        raise DataError(
            f"{name}: {str(path)!r} is neither a folder of images (one sub-folder per class) "
            "nor a .csv file with a label column"
        )
    if isinstance(data, (tuple, list)) and len(data) == 2:
        return _from_arrays(data[0], data[1], name)
    if isinstance(data, TensorDataset) and len(data.tensors) == 2:
        return _from_arrays(data.tensors[0], data.tensors[1], name)
    if isinstance(data, TensorData):
        return _from_arrays(data.X, data.y, name)
    if isinstance(data, DataLoader):
        if isinstance(data.dataset, Dataset) and _sized(data.dataset):
            # Per-example access keeps indices meaningful and isolates a broken example.
            return _from_dataset(data.dataset, name)
        return _from_batches(iter(data), name)
    if isinstance(data, DataSource):
        return _from_batches(data.batches(1024, seed=0, epoch=0, shuffle=False), name)
    if isinstance(data, Dataset):
        if not _sized(data):
            raise DataError(f"{name}: the Dataset has no __len__; wrap it in a DataLoader instead")
        return _from_dataset(data, name)
    raise TypeError(
        f"{name} data of type {type(data).__name__} is not supported; pass (X, y) arrays or "
        "tensors, a torch Dataset of (x, y) pairs, a DataLoader, a folder of images "
        "(one sub-folder per class) or a .csv file"
    )


def _sized(obj: object) -> bool:
    try:
        len(obj)  # type: ignore[arg-type]
    except TypeError:
        return False
    return True


def _numpy(a: Any, what: str) -> np.ndarray:
    t = _to_tensor(a, what)  # the trainer's messages for ragged, object and string arrays
    return t.detach().cpu().numpy()


def _from_arrays(X: Any, y: Any, name: str) -> LoadedSplit:
    xs, ys = _numpy(X, f"{name} X"), _numpy(y, f"{name} y")
    if xs.ndim == 0 or ys.ndim == 0:
        raise DataError(f"{name}: X and y need a first (example) dimension; got scalars")
    if len(xs) != len(ys):
        raise DataError(
            f"{name}: X has {len(xs)} examples but y has {len(ys)}; they must have the same "
            "first dimension (one label per example)."
        )
    if len(xs) == 0:
        raise DataError(f"{name} split is empty; pass at least one example or leave the split out")
    source_dtype = str(xs.dtype)
    flat = xs.reshape(len(xs), -1)
    flat = flat if flat.dtype == np.float32 else flat.astype(np.float32)
    return LoadedSplit(
        name=name,
        X=flat,
        index=np.arange(len(xs), dtype=np.int64),
        y=ys,
        shape=tuple(xs.shape[1:]),
        n_total=len(xs),
        source_dtype=source_dtype,
    )


def _label_value(t: Any) -> float | None:
    """A label as a number, or ``None`` when it is not one (a string, a list...)."""
    if isinstance(t, torch.Tensor) and t.numel() == 1:
        return float(t.item())
    if isinstance(t, np.ndarray) and t.size == 1:
        return float(t.reshape(()).item())
    if isinstance(t, (bool, int, float, np.integer, np.floating)):
        return float(t)
    return None


def _from_dataset(dataset: Dataset[Any], name: str) -> LoadedSplit:
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
        except Exception as e:  # one bad example must not stop the audit
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


def _from_batches(batches: Any, name: str) -> LoadedSplit:
    xs: list[np.ndarray] = []
    ys: list[np.ndarray] = []
    for batch in batches:
        if not isinstance(batch, (tuple, list)) or len(batch) != 2:
            raise DataError(f"{name}: batches must be (inputs, targets) pairs; got {type(batch).__name__}")
        xs.append(_numpy(batch[0], f"{name} X"))
        ys.append(_numpy(batch[1], f"{name} y"))
    if not xs:
        raise DataError(f"{name} split is empty; pass at least one example or leave the split out")
    return _from_arrays(np.concatenate(xs), np.concatenate(ys), name)


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
