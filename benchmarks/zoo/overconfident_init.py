"""A last layer initialised 30 times too large: confident wrong outputs and a high loss at init."""

import torch

from ._case import Case, Family
from ._data import vectors
from ._models import mlp


def build(buggy: bool) -> Case:
    train, val = vectors()

    def model():  # type: ignore[no-untyped-def]
        net = mlp()
        if buggy:
            with torch.no_grad():
                net[2].weight.mul_(30.0)
        return net

    return Case(model, train, "cross_entropy", val)


FAMILY = Family("overconfident_init", "classification", "init_loss", "recipe", build)
