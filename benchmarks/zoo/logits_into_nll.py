"""nll_loss on raw logits: no log_softmax, so the loss runs to minus infinity."""

from torch import nn

from ._case import Case, Family
from ._data import vectors
from ._models import mlp


def build(buggy: bool) -> Case:
    train, val = vectors()
    return Case(lambda: mlp() if buggy else nn.Sequential(mlp(), nn.LogSoftmax(dim=1)), train, "nll", val)


FAMILY = Family("logits_into_nll", "classification", "output_semantics",
                "https://github.com/AICPS/hw2vec/issues/23", build)
