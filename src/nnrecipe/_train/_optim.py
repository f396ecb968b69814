"""Building the optimizer from the config."""

from __future__ import annotations

import torch
from torch import nn

from .._core._config import TrainConfig

__all__ = ["make_optimizer"]


def make_optimizer(config: TrainConfig, model: nn.Module) -> torch.optim.Optimizer:
    """The optimizer the config names, over the model's trainable parameters.

    Raises:
        ValueError: The model has no trainable parameters.
    """
    params = [p for p in model.parameters() if p.requires_grad]
    if not params:
        raise ValueError(
            "the model has no trainable parameters (all have requires_grad=False, or layers are "
            "kept in a plain list/dict instead of nn.ModuleList/nn.ModuleDict)"
        )
    if config.optimizer == "adam":
        return torch.optim.Adam(params, lr=config.lr, weight_decay=config.weight_decay)
    if config.optimizer == "adamw":
        return torch.optim.AdamW(params, lr=config.lr, weight_decay=config.weight_decay)
    return torch.optim.SGD(params, lr=config.lr, momentum=config.momentum, nesterov=config.momentum > 0, weight_decay=config.weight_decay)
