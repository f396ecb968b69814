"""MSE between a (B, 1) output and a (B,) target: a (B, B) table, the model learns the mean."""

import torch
import torch.nn.functional as F

from ._case import Case, Family
from ._data import regression
from ._models import mlp


def build(buggy: bool) -> Case:
    train, val = regression()

    def loss(out: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        return ((out - y) ** 2).mean() if buggy else F.mse_loss(out.squeeze(-1), y)

    return Case(lambda: mlp(d=8, out=1), train, loss, val)


FAMILY = Family("broadcasting_mse", "regression", "output_semantics", "https://github.com/deepset-ai/FARM/issues/229", build)
