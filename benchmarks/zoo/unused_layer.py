"""A layer defined in __init__ and never called in forward: its weights are random and untrained."""

import torch
from torch import nn

from ._case import Case, Family
from ._data import vectors


class Net(nn.Module):
    def __init__(self, use_second: bool) -> None:
        super().__init__()
        self.use_second = use_second
        self.first, self.second, self.head = nn.Linear(16, 64), nn.Linear(64, 64), nn.Linear(64, 4)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = torch.relu(self.first(x))
        if self.use_second:
            h = torch.relu(self.second(h))
        return self.head(h)


def build(buggy: bool) -> Case:
    train, val = vectors()
    return Case(lambda: Net(use_second=not buggy), train, "cross_entropy", val)


FAMILY = Family("unused_layer", "classification", "gradient_flow", "https://github.com/Project-MONAI/GenerativeModels/issues/402", build)
