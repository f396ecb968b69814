import os

import pytest
import torch
from torch import nn


@pytest.fixture(autouse=True)
def no_fsync(monkeypatch):
    """Atomic writes without waiting for the disk (a page cache survives what these tests do)."""
    monkeypatch.setattr(os, "fsync", lambda fd: None)


@pytest.fixture
def blobs():
    g = torch.Generator().manual_seed(0)
    X = torch.randn(192, 10, generator=g)
    y = (X[:, 0] > 0).long() + (X[:, 1] > 0.5).long()
    return X, y


def noisy_model() -> nn.Module:
    """Dropout and batch norm: a diagnostic that drew from the RNG or left train mode would show."""
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(10, 32), nn.BatchNorm1d(32), nn.ReLU(), nn.Dropout(0.3), nn.Linear(32, 16), nn.Tanh(), nn.Linear(16, 3))
