"""Turning what the user has (arrays, tensors, a Dataset, a DataLoader) into batches.

In-memory tensors take a fast path: once per epoch the whole set is permuted with one
gather, and batches are then contiguous views. Small models spend most of their time in
per-example ``__getitem__`` and collate; this path has neither.

Processes training together split every batch: process ``rank`` of ``size`` takes a
contiguous part of it (:func:`part`), so that together they use exactly the examples one
process would, in the same order.
"""

from __future__ import annotations

import abc
import itertools
from collections.abc import Iterator
from typing import Any, TypeAlias

import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset, TensorDataset
from torch.utils.data.dataloader import default_collate

from ._errors import DataError

__all__ = ["Batch", "DataLike", "DataSource", "DatasetData", "LoaderData", "TensorData", "as_source", "part"]

Batch: TypeAlias = tuple[torch.Tensor, torch.Tensor]
DataLike: TypeAlias = "tuple[Any, Any] | Dataset[Any] | DataLoader[Any] | DataSource"


def part(n: int, rank: int, size: int) -> slice:
    """Process ``rank``'s contiguous part of a batch of ``n`` examples split among ``size``.

    The parts' sizes differ by at most one (the first ``n % size`` parts are one larger).

    Example:
        >>> [part(10, r, 4) for r in range(4)]
        [slice(0, 3, None), slice(3, 6, None), slice(6, 8, None), slice(8, 10, None)]
    """
    base, extra = divmod(n, size)
    lo = rank * base + min(rank, extra)
    return slice(lo, lo + base + (rank < extra))


def _epoch_generator(seed: int, epoch: int) -> torch.Generator:
    # Data order is a pure function of (seed, epoch): resuming mid-epoch needs no stored state.
    return torch.Generator().manual_seed(seed * 1_000_003 + epoch)


class DataSource(abc.ABC):
    """A split of data that yields ``(inputs, targets)`` batches, epoch by epoch."""

    @abc.abstractmethod
    def __len__(self) -> int:
        """Number of examples."""

    @abc.abstractmethod
    def batches(
        self, batch_size: int, *, seed: int, epoch: int, shuffle: bool, start: int = 0
    ) -> Iterator[Batch]:
        """Yield the batches of one epoch, skipping the first ``start`` of them."""

    @abc.abstractmethod
    def head(self, n: int) -> Batch:
        """The first ``n`` examples as one batch (for summaries and checks)."""

    def num_batches(self, batch_size: int, *, drop_last: bool = False) -> int:
        n = len(self)
        return n // batch_size if drop_last else -(-n // batch_size)

    def part_batches(self, batch_size: int, *, seed: int, epoch: int, start: int, rank: int, size: int) -> Iterator[tuple[Batch, float]]:
        """Process ``rank``'s :func:`part` of each shuffled batch of one epoch, from batch
        ``start``, with its share: the part's size over an equal split's (1.0 unless the
        batch does not split evenly).

        This default cuts the whole batch (views of in-memory data); a source that can load
        only the part (``DatasetData``) overrides it.

        Raises:
            DataError: A batch has fewer examples than there are processes.
        """
        for x, y in self.batches(batch_size, seed=seed, epoch=epoch, shuffle=True, start=start):
            _check_part(len(x), size)
            where = part(len(x), rank, size)
            yield (x[where], y[where]), (where.stop - where.start) * size / len(x)


def _to_tensor(a: Any, what: str) -> torch.Tensor:
    if isinstance(a, torch.Tensor):
        return a
    if isinstance(a, (list, tuple)):
        try:
            a = np.asarray(a)
        except ValueError as e:
            raise DataError(
                f"{what} is ragged (its rows have different lengths): {e}. "
                "Pad or crop every example to the same shape before passing it."
            ) from None
    if isinstance(a, np.ndarray):
        if a.dtype == object:
            raise DataError(
                f"{what} is an array of Python objects (ragged rows or mixed types). "
                "Pad or crop every example to the same shape and use a numeric dtype."
            )
        if a.dtype.kind in "US":
            raise DataError(
                f"{what} holds strings ({a.dtype}); encode them as integers first, e.g. "
                "`classes, y = np.unique(y, return_inverse=True)`."
            )
        if a.dtype == np.float64:
            a = a.astype(np.float32)
        return torch.from_numpy(np.ascontiguousarray(a))
    raise DataError(f"{what} has unsupported type {type(a).__name__}; pass a tensor or a numpy array")


def check_pair(X: torch.Tensor | np.ndarray, y: torch.Tensor | np.ndarray, name: str) -> None:
    """Inputs and targets have an example dimension, the same length, and are not empty.

    Raises:
        DataError: Naming the split and the fix.
    """
    if X.ndim == 0 or y.ndim == 0:
        raise DataError(f"{name}: X and y need a first (example) dimension; got scalars")
    if len(X) != len(y):
        raise DataError(
            f"{name}: X has {len(X)} examples but y has {len(y)}; "
            "they must have the same first dimension (one target per example)."
        )
    if len(X) == 0:
        raise DataError(f"{name} split is empty; pass at least one example or leave the split out")


class TensorData(DataSource):
    """Inputs and targets held in memory as two tensors with the same first dimension.

    Args:
        X: Inputs, shape ``(n, ...)``; float64 arrays are converted to float32.
        y: Targets, shape ``(n, ...)``.
        name: The split's name, used in error messages.

    Raises:
        DataError: Lengths differ, the split is empty, or inputs are not finite.

    Example:
        >>> data = TensorData(torch.randn(10, 3), torch.arange(10) % 2)
        >>> [tuple(x.shape) for x, _ in data.batches(4, seed=0, epoch=0, shuffle=False)]
        [(4, 3), (4, 3), (2, 3)]
    """

    def __init__(self, X: Any, y: Any, *, name: str = "train") -> None:
        self.X = _to_tensor(X, f"{name} X")
        self.y = _to_tensor(y, f"{name} y")
        self.name = name
        check_pair(self.X, self.y, name)
        if self.X.is_floating_point() and not bool(torch.isfinite(self.X).all()):
            bad = (~torch.isfinite(self.X.reshape(len(self.X), -1))).any(1).nonzero().flatten()
            raise DataError(
                f"{name} X has non-finite values (NaN or Inf) in {len(bad)} examples, first at "
                f"indices {bad[:5].tolist()}; drop or impute them (`nnrecipe audit` lists them all)."
            )
        if self.y.is_floating_point() and not bool(torch.isfinite(self.y).all()):
            raise DataError(f"{name} y has non-finite values; drop those examples or fix the targets")

    def __len__(self) -> int:
        return len(self.X)

    def to(self, device: torch.device) -> TensorData:
        if self.X.device == device:
            return self
        moved = object.__new__(TensorData)
        moved.X, moved.y, moved.name = self.X.to(device), self.y.to(device), self.name
        return moved

    def batches(
        self, batch_size: int, *, seed: int, epoch: int, shuffle: bool, start: int = 0
    ) -> Iterator[Batch]:
        X, y = self.X, self.y
        if shuffle:
            perm = torch.randperm(len(X), generator=_epoch_generator(seed, epoch)).to(X.device)
            X, y = X[perm], y[perm]  # one gather per epoch; batches below are views
        for lo in range(start * batch_size, len(X), batch_size):
            yield X[lo : lo + batch_size], y[lo : lo + batch_size]

    def head(self, n: int) -> Batch:
        return self.X[:n], self.y[:n]


class DatasetData(DataSource):
    """A map-style ``Dataset`` of ``(input, target)`` pairs, batched with ``default_collate``."""

    def __init__(self, dataset: Dataset[Any], *, name: str = "train") -> None:
        self.dataset = dataset
        self.name = name
        try:
            n = len(dataset)  # type: ignore[arg-type]
        except TypeError:
            raise DataError(
                f"{name}: the Dataset has no __len__; wrap it in a DataLoader instead"
            ) from None
        if n == 0:
            raise DataError(f"{name} split is empty; pass at least one example")
        self._n = n

    def __len__(self) -> int:
        return self._n

    def _collate(self, idx: list[int]) -> Batch:
        items = [self.dataset[i] for i in idx]
        if not isinstance(items[0], (tuple, list)) or len(items[0]) != 2:
            raise DataError(
                f"{self.name}: Dataset items must be (input, target) pairs; "
                f"got {type(items[0]).__name__}"
            )
        x, y = default_collate(items)
        return x, y

    def batches(
        self, batch_size: int, *, seed: int, epoch: int, shuffle: bool, start: int = 0
    ) -> Iterator[Batch]:
        for batch, _ in self.part_batches(batch_size, seed=seed, epoch=epoch, start=start, rank=0, size=1, shuffle=shuffle):
            yield batch

    def part_batches(
        self, batch_size: int, *, seed: int, epoch: int, start: int, rank: int, size: int, shuffle: bool = True
    ) -> Iterator[tuple[Batch, float]]:
        """Loads and collates only this process's part of each batch."""
        order = (
            torch.randperm(self._n, generator=_epoch_generator(seed, epoch)).tolist()
            if shuffle
            else list(range(self._n))
        )
        for lo in range(start * batch_size, self._n, batch_size):
            batch = order[lo : lo + batch_size]
            _check_part(len(batch), size)
            where = part(len(batch), rank, size)
            yield self._collate(batch[where]), (where.stop - where.start) * size / len(batch)

    def head(self, n: int) -> Batch:
        return self._collate(list(range(min(n, self._n))))


class LoaderData(DataSource):
    """A user's ``DataLoader``, used as it is (its batch size and sampler win).

    Resuming mid-epoch replays the epoch's sampler from the RNG state saved at the start of
    the epoch and skips the batches already seen, so the order is the same as uninterrupted.
    """

    def __init__(self, loader: DataLoader[Any], *, name: str = "train") -> None:
        self.loader = loader
        self.name = name
        try:
            self._n = len(loader.dataset)  # type: ignore[arg-type]
        except TypeError:
            self._n = 0
        if self._n == 0 and is_sized(loader.dataset):
            raise DataError(f"{name} DataLoader's dataset is empty; pass at least one example")

    def __len__(self) -> int:
        return self._n

    def num_batches(self, batch_size: int, *, drop_last: bool = False) -> int:
        return len(self.loader)

    def batches(
        self, batch_size: int, *, seed: int, epoch: int, shuffle: bool, start: int = 0
    ) -> Iterator[Batch]:
        for batch in itertools.islice(iter(self.loader), start, None):
            yield _as_pair(batch, self.name)

    def head(self, n: int) -> Batch:
        xs: list[torch.Tensor] = []
        ys: list[torch.Tensor] = []
        got = 0
        for batch in self.loader:
            x, y = _as_pair(batch, self.name)
            xs.append(x)
            ys.append(y)
            got += len(x)
            if got >= n:
                break
        return torch.cat(xs)[:n], torch.cat(ys)[:n]


def _check_part(n: int, size: int) -> None:
    if n < size:
        raise DataError(
            f"a batch of {n} examples cannot be split among {size} processes (each needs at least one); "
            "use a batch size (and a data set size) that leaves every process a part, or fewer processes"
        )


def is_sized(obj: object) -> bool:
    try:
        len(obj)  # type: ignore[arg-type]
    except TypeError:
        return False
    return True


def _as_pair(batch: Any, name: str) -> Batch:
    if isinstance(batch, (tuple, list)) and len(batch) == 2:
        return batch[0], batch[1]
    raise DataError(
        f"{name}: batches must be (inputs, targets) pairs; got {type(batch).__name__}. "
        "Return `x, y` from your Dataset's __getitem__."
    )


def as_source(data: Any, *, name: str = "train") -> DataSource:
    """Wrap any supported data form as a :class:`DataSource`.

    Args:
        data: ``(X, y)`` arrays or tensors, a ``TensorDataset`` of two tensors, a map-style
            ``Dataset`` of pairs, a ``DataLoader``, or a ``DataSource``.
        name: The split's name, used in error messages.

    Returns:
        A data source; tensors and ``TensorDataset`` take the in-memory fast path.

    Raises:
        DataError: The data cannot be used (see :class:`TensorData`).
        DataError: The form is not supported.

    Example:
        >>> len(as_source((np.zeros((5, 2)), np.zeros(5))))
        5
    """
    if isinstance(data, DataSource):
        return data
    if isinstance(data, (tuple, list)) and len(data) == 2:
        return TensorData(data[0], data[1], name=name)
    if isinstance(data, TensorDataset) and len(data.tensors) == 2:
        return TensorData(data.tensors[0], data.tensors[1], name=name)
    if isinstance(data, DataLoader):
        return LoaderData(data, name=name)
    if isinstance(data, Dataset):
        return DatasetData(data, name=name)
    raise DataError(
        f"{name} data of type {type(data).__name__} is not supported; pass (X, y) arrays or "
        "tensors, a torch Dataset of (x, y) pairs, or a DataLoader"
    )
