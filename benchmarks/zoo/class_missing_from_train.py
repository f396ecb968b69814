"""A class present in validation but absent from training: the model can never predict it."""

from ._case import Case, Family
from ._data import vectors
from ._models import mlp


def build(buggy: bool) -> Case:
    (X, y), val = vectors()
    if buggy:
        keep = y != 1  # a middle class: the label range alone cannot reveal it
        X, y = X[keep], y[keep]
    return Case(lambda: mlp(), (X, y), "cross_entropy", val)


FAMILY = Family("class_missing_from_train", "classification", "audit:*class*", "recipe", build,
                needs="the audit branch (issue 8: a class missing from training)")
