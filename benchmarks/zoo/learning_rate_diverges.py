"""A learning rate a thousand times too large: the loss diverges in a few steps."""

import torch

from nnrecipe import CheckOptions

from ._case import Case, Family
from ._data import vectors
from ._models import mlp


def build(buggy: bool) -> Case:
    train, val = vectors()
    lr = 200.0 if buggy else 0.05
    return Case(lambda: mlp(), train, "cross_entropy", val,
                options=CheckOptions(optimizer=lambda p: torch.optim.SGD(p, lr=lr, momentum=0.9)))


FAMILY = Family("learning_rate_diverges", "classification", "loss_decreases", "recipe", build)
