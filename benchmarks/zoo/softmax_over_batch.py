"""Softmax over dim 0: each example's probabilities depend on the rest of the batch."""

import torch
from torch import nn

from ._case import Case, Family
from ._data import vectors
from ._models import mlp


class Net(nn.Module):
    def __init__(self, dim: int) -> None:
        super().__init__()
        self.dim, self.body = dim, mlp()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.log_softmax(self.body(x), dim=self.dim)


def build(buggy: bool) -> Case:
    train, val = vectors()
    return Case(lambda: Net(0 if buggy else 1), train, "nll", val)


FAMILY = Family("softmax_over_batch", "classification", "batch_independence",
                "https://github.com/DeepReinforcementLearning/DeepReinforcementLearningInAction/issues/32", build)
