"""Building the optimizer: the one the config names, or the user's own factory."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch
from torch import nn

from .._core._config import TrainConfig
from .._core._errors import ConfigError

__all__ = ["OptimizerFactory", "build_optimizer", "make_optimizer"]

# A user's optimizer: called with the model's trainable parameters, returns the optimizer.
OptimizerFactory = Callable[[Any], torch.optim.Optimizer]


def _trainable(model: nn.Module) -> list[nn.Parameter]:
    params = [p for p in model.parameters() if p.requires_grad]
    if not params:
        raise ConfigError(
            "the model has no trainable parameters (all have requires_grad=False, or layers are "
            "kept in a plain list/dict instead of nn.ModuleList/nn.ModuleDict)"
        )
    return params


def make_optimizer(config: TrainConfig, model: nn.Module, device: torch.device | None = None) -> torch.optim.Optimizer:
    """The optimizer the config names, over the model's trainable parameters.

    On CUDA the fused implementation is used: it is faster, and it can skip a step whose
    gradients are not finite on the device, without the host waiting for it.

    Raises:
        ConfigError: The model has no trainable parameters.
    """
    params = _trainable(model)
    fused: dict[str, Any] = {"fused": True} if device is not None and device.type == "cuda" else {}
    if config.optimizer == "adam":
        return torch.optim.Adam(params, lr=config.lr, weight_decay=config.weight_decay, **fused)
    if config.optimizer == "adamw":
        return torch.optim.AdamW(params, lr=config.lr, weight_decay=config.weight_decay, **fused)
    return torch.optim.SGD(
        params, lr=config.lr, momentum=config.momentum, nesterov=config.momentum > 0, weight_decay=config.weight_decay, **fused
    )


def build_optimizer(factory: OptimizerFactory | None, config: TrainConfig, model: nn.Module, device: torch.device) -> torch.optim.Optimizer:
    """The user's ``factory(params)`` when given, else :func:`make_optimizer`.

    Raises:
        ConfigError: The model has no trainable parameters, or the factory returned something
            that is not a ``torch.optim.Optimizer``.
    """
    if factory is None:
        return make_optimizer(config, model, device)
    optimizer = factory(_trainable(model))
    if not isinstance(optimizer, torch.optim.Optimizer):
        raise ConfigError(
            f"the optimizer factory returned {type(optimizer).__name__}, not a torch.optim.Optimizer; "
            "pass e.g. optimizer=lambda params: torch.optim.SGD(params, lr=0.1)"
        )
    return optimizer
