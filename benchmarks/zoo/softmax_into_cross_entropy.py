"""A softmax in the model before a cross-entropy: softmax twice, a squashed gradient, a plateau."""

from torch import nn

from ._case import Case, Family
from ._data import vectors
from ._models import mlp


def build(buggy: bool) -> Case:
    train, val = vectors()
    return Case(lambda: nn.Sequential(mlp(), nn.Softmax(dim=1)) if buggy else mlp(), train, "cross_entropy", val)


FAMILY = Family("softmax_into_cross_entropy", "classification", "output_semantics",
                "https://github.com/ariecattan/SciCo/issues/2", build)
