"""A regression loss with its sign flipped: predictions are pushed away from the targets."""

import torch
import torch.nn.functional as F

from ._case import Case, Family
from ._data import regression
from ._models import mlp


def build(buggy: bool) -> Case:
    train, val = regression()

    def loss(out: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        value = F.mse_loss(out.squeeze(-1), y)
        return -value if buggy else value

    return Case(lambda: mlp(d=8, out=1), train, loss, val)


FAMILY = Family("negated_mse", "regression", "output_semantics", "recipe", build)
