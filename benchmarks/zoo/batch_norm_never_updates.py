"""Batch norm switched to eval inside forward: its running statistics stay at 0 and 1 for ever."""

import torch
from torch import nn

from ._case import Case, Family
from ._data import sequences


class Net(nn.Module):
    def __init__(self, freeze_bn: bool) -> None:
        super().__init__()
        self.freeze_bn = freeze_bn
        self.conv = nn.Conv1d(1, 16, 5, padding=2, bias=False)
        self.bn = nn.BatchNorm1d(16)
        self.head = nn.Linear(16, 3)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.freeze_bn:
            self.bn.eval()  # meant to "freeze" a pretrained layer, applied to a fresh one
        h = torch.relu(self.bn(self.conv(x)))
        return self.head(h.mean(-1))


def build(buggy: bool) -> Case:
    train, val = sequences()
    return Case(lambda: Net(freeze_bn=buggy), train, "cross_entropy", val)


FAMILY = Family("batch_norm_never_updates", "sequence classification", "layer_use",
                "https://github.com/paiml/aprender/pull/2166", build)
