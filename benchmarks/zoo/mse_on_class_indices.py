"""A regression loss on class indices: every output is pulled towards the label's number."""

import torch
import torch.nn.functional as F

from ._case import Case, Family
from ._data import vectors
from ._models import mlp


def build(buggy: bool) -> Case:
    train, val = vectors()

    def loss(out: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        if buggy:
            return F.mse_loss(out, y.float().unsqueeze(1).expand_as(out))
        return F.mse_loss(out, F.one_hot(y, out.shape[1]).float())  # one-hot targets: a published choice

    return Case(lambda: mlp(), train, loss, val)


FAMILY = Family("mse_on_class_indices", "classification", "output_semantics", "recipe", build)
