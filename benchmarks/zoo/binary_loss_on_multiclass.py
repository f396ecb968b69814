"""A binary loss on labels 0..3: above 1 the loss has no minimum and runs to minus infinity."""

from torch import nn

from ._case import Case, Family
from ._data import binary, vectors


def build(buggy: bool) -> Case:
    if buggy:
        (X, y), (Xv, yv) = vectors()
        train, val = (X, y.float()), (Xv, yv.float())
    else:
        train, val = binary()
    return Case(lambda: nn.Sequential(nn.Linear(16, 32), nn.ReLU(), nn.Linear(32, 1)), train, "bce_with_logits", val)


FAMILY = Family("binary_loss_on_multiclass", "binary", "output_semantics", "recipe", build)
