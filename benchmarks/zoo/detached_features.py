"""Features detached before the head: the body gets no gradient and never trains."""

import torch
from torch import nn

from ._case import Case, Family
from ._data import vectors


class Net(nn.Module):
    def __init__(self, detach: bool) -> None:
        super().__init__()
        self.detach = detach
        self.body = nn.Sequential(nn.Linear(16, 64), nn.ReLU())
        self.head = nn.Linear(64, 4)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.body(x)
        return self.head(h.detach() if self.detach else h)


def build(buggy: bool) -> Case:
    train, val = vectors()
    return Case(lambda: Net(detach=buggy), train, "cross_entropy", val)


FAMILY = Family("detached_features", "classification", "gradient_flow", "recipe", build)
