"""An optimizer that maximises: the training loss goes up."""

import torch

from nnrecipe import CheckOptions

from ._case import Case, Family
from ._data import vectors
from ._models import mlp


def build(buggy: bool) -> Case:
    train, val = vectors()
    return Case(lambda: mlp(), train, "cross_entropy", val,
                options=CheckOptions(optimizer=lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9, maximize=buggy)))


FAMILY = Family("gradient_ascent", "classification", "loss_decreases", "recipe", build)
