"""A residual block whose forward returns the shortcut only: the body's layers never train.

The clean twin is a deep residual 1-D network (eight blocks, no normalisation) that trains.
"""

import torch
from torch import nn

from ._case import Case, Family
from ._data import sequences


class Residual(nn.Module):
    def __init__(self, width: int, add_body: bool) -> None:
        super().__init__()
        self.add_body = add_body
        self.body = nn.Sequential(nn.Conv1d(width, width, 3, padding=1), nn.ReLU(), nn.Conv1d(width, width, 3, padding=1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.relu(x + self.body(x)) if self.add_body else torch.relu(x)


class Net(nn.Module):
    def __init__(self, add_body: bool) -> None:
        super().__init__()
        self.stem = nn.Conv1d(1, 16, 5, padding=2)
        self.blocks = nn.Sequential(*[Residual(16, add_body or i != 3) for i in range(8)])
        self.head = nn.Linear(16, 3)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.blocks(torch.relu(self.stem(x))).mean(-1))


def build(buggy: bool) -> Case:
    train, val = sequences()
    return Case(lambda: Net(add_body=not buggy), train, "cross_entropy", val)


FAMILY = Family("deep_residual_net", "sequence classification", "gradient_flow", "recipe", build)
