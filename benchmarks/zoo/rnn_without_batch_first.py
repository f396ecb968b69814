"""A GRU built without batch_first fed (batch, time, features): it runs along the batch instead of time."""

import torch
from torch import nn

from ._case import Case, Family
from ._data import sequences


class Reader(nn.Module):
    def __init__(self, batch_first: bool) -> None:
        super().__init__()
        self.gru = nn.GRU(1, 32, batch_first=batch_first)
        self.head = nn.Linear(32, 3)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out, _ = self.gru(x.transpose(1, 2))  # (B, L, 1)
        return self.head(out[:, -1])  # the last step, as read by code that assumes batch_first


def build(buggy: bool) -> Case:
    train, val = sequences()
    return Case(lambda: Reader(batch_first=not buggy), train, "cross_entropy", val)


FAMILY = Family("rnn_without_batch_first", "sequence classification", "batch_independence",
                "https://github.com/facebookresearch/fairseq/issues/2449", build)
