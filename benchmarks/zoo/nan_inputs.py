"""A few training rows with NaN features (a failed join, a division by zero upstream)."""

from ._case import Case, Family
from ._data import vectors
from ._models import mlp


def build(buggy: bool) -> Case:
    (X, y), val = vectors()
    if buggy:
        X = X.clone()
        X[::97, 5] = float("nan")
    return Case(lambda: mlp(), (X, y), "cross_entropy", val)


FAMILY = Family("nan_inputs", "classification", "audit:non_finite", "recipe", build)
