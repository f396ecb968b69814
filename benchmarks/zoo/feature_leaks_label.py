"""A column that is the label itself (an ID or outcome field left in the features)."""

import torch

from ._case import Case, Family
from ._data import vectors
from ._models import mlp


def build(buggy: bool) -> Case:
    (X, y), (Xv, yv) = vectors(d=15)
    extra = (lambda t: t.float()[:, None] - 1.5) if buggy else (lambda t: torch.randn(len(t), 1, generator=torch.Generator().manual_seed(3)))
    return Case(lambda: mlp(), (torch.cat([X, extra(y)], 1), y), "cross_entropy", (torch.cat([Xv, extra(yv)], 1), yv))


FAMILY = Family("feature_leaks_label", "classification", "audit:target_leakage", "recipe", build)
