"""A hidden layer whose biases start very negative: every ReLU is dead and nothing below it learns.

The clean twin is a deep plain MLP (eight layers, no normalisation) that trains slowly but
surely: small early gradients are a warning at most.
"""

import torch

from ._case import Case, Family
from ._data import vectors
from ._models import mlp


def build(buggy: bool) -> Case:
    train, val = vectors()

    def model():  # type: ignore[no-untyped-def]
        net = mlp(hidden=48, depth=8)
        if buggy:
            with torch.no_grad():
                net[6].bias.fill_(-20.0)
        return net

    return Case(model, train, "cross_entropy", val)


FAMILY = Family("dead_layer", "classification", "gradient_flow", "recipe", build)
