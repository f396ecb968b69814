"""A cross-entropy on real-valued targets: a class loss for a regression task.

The clean twin is a Gaussian negative log-likelihood with a learned variance: its loss
is negative and unbounded below by design, a published practice that must not fail.
"""

import torch
import torch.nn.functional as F

from ._case import Case, Family
from ._data import regression
from ._models import mlp


def gaussian_nll(out: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    mean, log_var = out[:, 0], out[:, 1]
    return F.gaussian_nll_loss(mean, y, log_var.exp())


def build(buggy: bool) -> Case:
    train, val = regression()
    if buggy:
        return Case(lambda: mlp(d=8, out=2), train, "cross_entropy", val)
    return Case(lambda: mlp(d=8, out=2), train, gaussian_nll, val)


FAMILY = Family("cross_entropy_on_regression", "regression", "output_semantics", "recipe", build)
