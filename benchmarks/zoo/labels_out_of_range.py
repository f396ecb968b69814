"""Labels numbered 1..C for a model with C outputs: the last class has no output."""

from ._case import Case, Family
from ._data import vectors
from ._models import mlp


def build(buggy: bool) -> Case:
    (X, y), (Xv, yv) = vectors()
    shift = 1 if buggy else 0
    return Case(lambda: mlp(), (X, y + shift), "cross_entropy", (Xv, yv + shift))


FAMILY = Family("labels_out_of_range", "classification", "output_semantics",
                "https://github.com/pytorch/pytorch/issues/15666", build)
