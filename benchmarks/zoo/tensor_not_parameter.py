"""A weight kept as a tensor with requires_grad=True instead of nn.Parameter: never in parameters()."""

import torch
from torch import nn

from ._case import Case, Family
from ._data import vectors


class Peephole(nn.Module):
    def __init__(self, registered: bool) -> None:
        super().__init__()
        self.body = nn.Linear(16, 64)
        w = torch.randn(64) * 0.1
        self.w_peep = nn.Parameter(w) if registered else w.requires_grad_(True)
        self.head = nn.Linear(64, 4)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(torch.relu(self.body(x) * (1 + self.w_peep)))


def build(buggy: bool) -> Case:
    train, val = vectors()
    return Case(lambda: Peephole(registered=not buggy), train, "cross_entropy", val)


FAMILY = Family("tensor_not_parameter", "classification", "gradient_flow",
                "https://github.com/automan000/Convolutional_LSTM_PyTorch/issues/17", build)
