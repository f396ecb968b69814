"""The loss's sign flipped: training maximises the cross-entropy."""

import torch
import torch.nn.functional as F

from ._case import Case, Family
from ._data import vectors
from ._models import mlp


def build(buggy: bool) -> Case:
    train, val = vectors()

    def loss(out: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        return -F.cross_entropy(out, y) if buggy else F.cross_entropy(out, y)

    return Case(lambda: mlp(), train, loss, val)


FAMILY = Family("negated_cross_entropy", "classification", "output_semantics", "recipe", build)
