"""Forty percent of the training labels replaced at random: the labels are mostly noise."""

import torch

from ._case import Case, Family
from ._data import vectors
from ._models import mlp


def build(buggy: bool) -> Case:
    (X, y), val = vectors(n=1024)
    if buggy:
        g = torch.Generator().manual_seed(11)
        flip = torch.rand(len(y), generator=g) < 0.4
        y = torch.where(flip, torch.randint(0, 4, (len(y),), generator=g), y)
    return Case(lambda: mlp(), (X, y), "cross_entropy", val)


FAMILY = Family("label_noise", "classification", "audit:label_errors|label_noise", "recipe", build)
