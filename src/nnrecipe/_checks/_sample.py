"""A random, seeded sample of the data, passed through the user's transform, held in memory."""

from __future__ import annotations

from typing import Any

import torch

from .._core._data import DataSource, TensorData, as_source
from .._core._errors import DataError
from ._options import Transform

__all__ = ["fresh_data", "sample"]

SAMPLE_SIZE = 2048


def sample(source: DataSource, n: int, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Up to ``n`` examples drawn at random (a sorted dataset's first rows are one class)."""
    if isinstance(source, TensorData):
        g = torch.Generator().manual_seed(seed)
        idx = torch.randperm(len(source), generator=g)[:n].to(source.X.device)
        return source.X[idx], source.y[idx]
    xs, ys, got = [], [], 0
    for x, y in source.batches(min(n, 256), seed=seed, epoch=0, shuffle=True):
        xs.append(torch.as_tensor(x))
        ys.append(torch.as_tensor(y))
        got += len(xs[-1])
        if got >= n:
            break
    if not xs:
        raise DataError(f"the {source.name if hasattr(source, 'name') else 'data'} yields no batch; pass at least one example")
    return torch.cat(xs)[:n], torch.cat(ys)[:n]


def fresh_data(
    train: DataSource, val: Any, transform: Transform | None, seed: int
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor | None, torch.Tensor | None]:
    """``X, y`` from the training data and ``Xv, yv`` from the validation data (or ``None``).

    Raises:
        DataError: The transform fails or changes the number of examples.
    """
    X, y = sample(train, SAMPLE_SIZE, seed)
    Xv = yv = None
    if val is not None:
        Xv, yv = sample(as_source(val, name="val"), max(SAMPLE_SIZE // 4, 1), seed + 1)
    if transform is None:
        return X, y, Xv, yv
    try:
        with torch.no_grad():
            tX = transform(X)
            tXv = transform(Xv) if Xv is not None else None
    except Exception as e:
        raise DataError(
            f"the transform raised {type(e).__name__} on a batch of shape {tuple(X.shape)}: {e}; "
            "it must map a batch of inputs to a batch of inputs"
        ) from e
    for before, after in ((X, tX), (Xv, tXv)):
        if before is not None and (not isinstance(after, torch.Tensor) or len(after) != len(before)):
            got = tuple(after.shape) if isinstance(after, torch.Tensor) else type(after).__name__
            raise DataError(f"the transform mapped a batch of {len(before)} inputs to {got}; it must keep one row per example")
    return tX, y, tXv, yv
