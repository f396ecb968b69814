"""A random, seeded sample of a data source, held in memory for the checks."""

from __future__ import annotations

import torch
from torch import nn

from .._core._data import DataSource, TensorData
from .._core._experiment import ModelLike

__all__ = ["sample", "model_device"]


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
    return torch.cat(xs)[:n], torch.cat(ys)[:n]


def model_device(model: ModelLike) -> torch.device:
    if isinstance(model, nn.Module):
        for p in model.parameters():
            return p.device
    return torch.device("cpu")
