"""The optimizer is built from the first layers only: the head never trains."""

import torch

from nnrecipe import CheckOptions

from ._case import Case, Family
from ._data import vectors
from ._models import mlp


def build(buggy: bool) -> Case:
    train, val = vectors()

    def optimizer(params: object) -> torch.optim.Optimizer:
        params = list(params)  # type: ignore[call-overload]
        return torch.optim.Adam(params[:2] if buggy else params, lr=1e-3)

    return Case(lambda: mlp(), train, "cross_entropy", val, options=CheckOptions(optimizer=optimizer))


FAMILY = Family("optimizer_misses_parameters", "classification", "gradient_flow",
                "https://github.com/facebookresearch/mmf/issues/104", build)
