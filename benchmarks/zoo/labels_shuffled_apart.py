"""Inputs and labels shuffled separately: the labels no longer follow the inputs."""

import torch

from ._case import Case, Family
from ._data import vectors
from ._models import mlp


def build(buggy: bool) -> Case:
    (X, y), (Xv, yv) = vectors()
    if buggy:
        y = y[torch.randperm(len(y), generator=torch.Generator().manual_seed(7))]
    return Case(lambda: mlp(), (X, y), "cross_entropy", (Xv, yv))


FAMILY = Family("labels_shuffled_apart", "classification", "input_independent_baseline", "recipe", build)
