"""Opening every supported data form as a :class:`~._source.Source` read in chunks.

The trainer's :func:`nnrecipe.data.as_source` rejects data with NaN outright; the audit must
instead find and list them, so arrays are read here without that check. One example that
fails to load (a corrupt file, a ``__getitem__`` that raises) is recorded and skipped.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from torch.utils.data import DataLoader, Dataset, TensorDataset

from .._core._data import DataSource, TensorData, is_sized
from .._core._errors import DataError
from ._batches import BatchSource
from ._csv_table import CsvSource
from ._dataset import DatasetSource
from ._image_folder import ImageFolderSource
from ._source import ArraySource, Source

__all__ = ["open_source"]


def open_source(data: Any, name: str, *, label_column: str = "label") -> Source:
    """Open one split given in any supported form; nothing is read beyond a first probe.

    Args:
        data: ``(X, y)`` arrays (memory-mapped too) or tensors, a ``TensorDataset``, a
            ``Dataset`` of pairs, a ``DataLoader``, a :class:`~nnrecipe.data.DataSource`, a folder
            of images with one sub-folder per class, or a ``.csv`` file.
        name: The split's name.
        label_column: The label column of a CSV file.

    Raises:
        DataError: The data cannot be audited at all (ragged, lengths differ, empty,
            string labels, no images, no label column), or its form is not supported.
    """
    if isinstance(data, (str, Path)):
        path = Path(data)
        if path.is_dir():
            return ImageFolderSource(path, name)
        if path.suffix.lower() in (".csv", ".tsv") and path.is_file():
            return CsvSource(path, name, label_column=label_column)
        if not path.exists():
            raise DataError(f"{name}: {str(path)!r} does not exist")
        raise DataError(
            f"{name}: {str(path)!r} is neither a folder of images (one sub-folder per class) "
            "nor a .csv file with a label column"
        )
    if isinstance(data, (tuple, list)) and len(data) == 2:
        return ArraySource(data[0], data[1], name)
    if isinstance(data, TensorDataset) and len(data.tensors) == 2:
        return ArraySource(data.tensors[0], data.tensors[1], name)
    if isinstance(data, TensorData):
        return ArraySource(data.X, data.y, name)
    if isinstance(data, DataLoader):
        if isinstance(data.dataset, Dataset) and is_sized(data.dataset):
            # Per-example access keeps indices meaningful and isolates a broken example.
            return DatasetSource(data.dataset, name)
        return BatchSource(lambda: data, name)
    if isinstance(data, DataSource):
        return BatchSource(lambda: data.batches(1024, seed=0, epoch=0, shuffle=False), name)
    if isinstance(data, Dataset):
        if not is_sized(data):
            raise DataError(f"{name}: the Dataset has no __len__; wrap it in a DataLoader instead")
        return DatasetSource(data, name)
    raise DataError(
        f"{name} data of type {type(data).__name__} is not supported; pass (X, y) arrays or "
        "tensors, a torch Dataset of (x, y) pairs, a DataLoader, a folder of images "
        "(one sub-folder per class) or a .csv file"
    )
