"""Global pooling that averages over the batch too (mean over dims 0, 2, 3, broadcast back)."""

import torch
from torch import nn

from ._case import Case, Family
from ._data import images


class Net(nn.Module):
    def __init__(self, buggy: bool) -> None:
        super().__init__()
        self.buggy = buggy
        self.conv = nn.Sequential(nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.Conv2d(16, 16, 3, padding=1), nn.ReLU())
        self.fc = nn.Linear(16, 4)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.conv(x)
        pooled = h.mean(dim=(2, 3))
        if self.buggy:  # "normalise" the pooled features by the batch's mean feature map
            pooled = pooled - h.mean(dim=(0, 2, 3))
        return self.fc(pooled)


def build(buggy: bool) -> Case:
    train, val = images()
    return Case(lambda: Net(buggy), train, "cross_entropy", val)


FAMILY = Family("cnn_pool_over_batch", "images", "batch_independence", "https://github.com/ethanfetaya/NRI/issues/25", build)
