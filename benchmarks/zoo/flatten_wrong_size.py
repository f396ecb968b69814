"""A flatten written as x.view(-1, fixed_size) with the wrong size: rows of one image spill into the next."""

import torch
from torch import nn

from ._case import Case, Family
from ._data import images


class Net(nn.Module):
    def __init__(self, buggy: bool) -> None:
        super().__init__()
        self.buggy = buggy
        self.conv = nn.Conv2d(1, 8, 3, padding=1)
        self.pool = nn.MaxPool2d(2)
        self.fc = nn.Linear(8 * 4 * 4, 4)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.pool(torch.relu(self.conv(x)))  # (B, 8, 4, 4)
        if self.buggy:
            h = h.reshape(-1, 2, 64).transpose(0, 1).reshape(-1, 128)  # a "flatten" that interleaves two images
        else:
            h = h.flatten(1)
        return self.fc(h)


def build(buggy: bool) -> Case:
    train, val = images()
    return Case(lambda: Net(buggy), train, "cross_entropy", val)


FAMILY = Family("flatten_wrong_size", "images", "batch_independence",
                "https://github.com/weka511/hpa-scc/issues/38", build)
