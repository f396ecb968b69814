"""F.dropout(..., training=True) in forward: dropout stays on at evaluation."""

import torch
import torch.nn.functional as F
from torch import nn

from ._case import Case, Family
from ._data import vectors


class Net(nn.Module):
    def __init__(self, forced: bool) -> None:
        super().__init__()
        self.forced = forced
        self.a, self.b = nn.Linear(16, 64), nn.Linear(64, 4)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = F.dropout(torch.relu(self.a(x)), 0.3, training=True if self.forced else self.training)
        return self.b(h)


def build(buggy: bool) -> Case:
    train, val = vectors()
    return Case(lambda: Net(forced=buggy), train, "cross_entropy", val)


FAMILY = Family("dropout_on_at_eval", "classification", "eval_determinism",
                "https://github.com/rixwew/pytorch-fm/issues/21", build)
