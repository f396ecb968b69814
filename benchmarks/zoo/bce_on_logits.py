"""BCELoss (which expects probabilities) fed logits: values outside [0, 1]."""

from torch import nn

from ._case import Case, Family
from ._data import binary


def build(buggy: bool) -> Case:
    train, val = binary()
    return Case(lambda: nn.Sequential(nn.Linear(16, 32), nn.ReLU(), nn.Linear(32, 1), *([] if buggy else [nn.Sigmoid()])),
                train, "bce", val)


FAMILY = Family("bce_on_logits", "binary", "output_semantics", "recipe", build)
