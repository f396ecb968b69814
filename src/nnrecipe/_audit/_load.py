"""Decoding every supported data form into a :class:`LoadedSplit`, keeping broken examples apart.

The trainer's :func:`nnrecipe.as_source` rejects data with NaN outright; the audit must
instead find and list them, so arrays are converted here without that check. One example
that fails to load (a corrupt file, a ``__getitem__`` that raises) is recorded and skipped.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import numpy as np
from torch.utils.data import DataLoader, Dataset, TensorDataset

from .._core._data import DataSource, TensorData, _to_tensor, check_pair, is_sized
from .._core._errors import DataError
from ._csv_table import load_csv
from ._dataset import from_dataset
from ._image_folder import load_image_folder
from ._split import LoadedSplit

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
            string labels, no images, no label column), or its form is not supported.
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
        if isinstance(data.dataset, Dataset) and is_sized(data.dataset):
            # Per-example access keeps indices meaningful and isolates a broken example.
            return from_dataset(data.dataset, name)
        return _from_batches(iter(data), name)
    if isinstance(data, DataSource):
        return _from_batches(data.batches(1024, seed=0, epoch=0, shuffle=False), name)
    if isinstance(data, Dataset):
        if not is_sized(data):
            raise DataError(f"{name}: the Dataset has no __len__; wrap it in a DataLoader instead")
        return from_dataset(data, name)
    raise DataError(
        f"{name} data of type {type(data).__name__} is not supported; pass (X, y) arrays or "
        "tensors, a torch Dataset of (x, y) pairs, a DataLoader, a folder of images "
        "(one sub-folder per class) or a .csv file"
    )


def _numpy(a: Any, what: str) -> np.ndarray:
    t = _to_tensor(a, what)  # the trainer's messages for ragged, object and string arrays
    return t.detach().cpu().numpy()


def _from_arrays(X: Any, y: Any, name: str) -> LoadedSplit:
    xs, ys = _numpy(X, f"{name} X"), _numpy(y, f"{name} y")
    check_pair(xs, ys, name)
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
