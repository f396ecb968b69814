"""A rare positive class whose labels are flipped in training: nothing the inputs say carries over.

The clean twin (5% positives, a default output bias) is a healthy imbalanced set-up that
must not fail: the prior it starts from is a warning at most.
"""

from torch import nn

from ._case import Case, Family
from ._data import binary


def build(buggy: bool) -> Case:
    (X, y), val = binary(rate=0.05)
    if buggy:
        y = 1 - y  # a flipped label column: 95% "positives" in training, 5% in validation
    return Case(lambda: nn.Sequential(nn.Linear(16, 32), nn.ReLU(), nn.Linear(32, 1)), (X, y), "bce_with_logits", val)


FAMILY = Family("imbalanced_binary", "binary", "input_independent_baseline", "recipe", build)
