"""Validation examples copied from the training set: the validation score measures memory."""

import torch

from ._case import Case, Family
from ._data import vectors
from ._models import mlp


def build(buggy: bool) -> Case:
    (X, y), (Xv, yv) = vectors()
    if buggy:
        Xv, yv = torch.cat([Xv[:128], X[:128]]), torch.cat([yv[:128], y[:128]])
    return Case(lambda: mlp(), (X, y), "cross_entropy", (Xv, yv))


FAMILY = Family("duplicates_across_splits", "classification", "audit:leakage", "recipe", build)
