"""A class frequent in validation but nearly absent from training (2 examples): it is never learned.

A class missing entirely already shows as labels out of the training range; two stray
examples hide it from that test.
"""

import torch

from ._case import Case, Family
from ._data import vectors
from ._models import mlp


def build(buggy: bool) -> Case:
    (X, y), val = vectors()
    if buggy:
        rare = torch.nonzero(y == 1).flatten()[:2]  # a middle class: the label range alone cannot reveal it
        keep = (y != 1)
        keep[rare] = True
        X, y = X[keep], y[keep]
    return Case(lambda: mlp(), (X, y), "cross_entropy", val)


FAMILY = Family("class_missing_from_train", "classification", "audit:*class*|labels_out_of_range", "recipe", build)
