"""Hidden layers kept in a Python list: not registered, never trained, never saved."""

import torch
from torch import nn

from ._case import Case, Family
from ._data import vectors


class Stack(nn.Module):
    def __init__(self, registered: bool) -> None:
        super().__init__()
        layers = [nn.Linear(16, 64), nn.Linear(64, 64)]
        self.layers = nn.ModuleList(layers) if registered else layers
        self.head = nn.Linear(64, 4)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for layer in self.layers:
            x = torch.relu(layer(x))
        return self.head(x)


def build(buggy: bool) -> Case:
    train, val = vectors()
    return Case(lambda: Stack(registered=not buggy), train, "cross_entropy", val)


FAMILY = Family("layers_in_python_list", "classification", "gradient_flow",
                "https://github.com/pytorch/pytorch/issues/59925", build)
