"""Weights drawn from numpy's global generator: every build is a different model."""

import numpy as np
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
                net[0].weight.copy_(torch.from_numpy(np.random.normal(0, 0.25, tuple(net[0].weight.shape))))
        return net

    return Case(model, train, "cross_entropy", val)


FAMILY = Family("unseeded_init", "classification", "determinism", "recipe", build)
