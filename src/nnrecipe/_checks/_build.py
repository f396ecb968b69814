"""The one model object the checks work on: the caller's instance, or a factory's build."""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import nn

from .._core._errors import ConfigError
from .._core._experiment import ModelLike, build_model

__all__ = ["build", "build_from_factory"]


def build(model: ModelLike, seed: int, device: torch.device | None) -> tuple[nn.Module, Callable[..., nn.Module] | None]:
    """The model to check and, for a factory, the factory itself.

    An instance is used as it is (its state is snapshotted and put back, never deep
    copied); a factory is called under ``seed`` and its model moved to ``device``.

    Raises:
        ConfigError: ``model`` is neither a module nor a factory, or the factory fails or
            returns something else.
    """
    if isinstance(model, nn.Module):
        return model, None
    if not callable(model):
        raise ConfigError(f"model must be an nn.Module or a factory returning one; got {type(model).__name__}")
    built = build_from_factory(model, seed)
    return (built.to(device) if device is not None else built), model


def build_from_factory(factory: Callable[..., nn.Module], seed: int) -> nn.Module:
    """Call the factory under ``seed`` (as :func:`nnrecipe.build_model` does for training)."""
    try:
        return build_model(factory, {}, seed=seed)
    except ConfigError:
        raise
    except Exception as e:
        raise ConfigError(f"the model factory raised {type(e).__name__}: {e}; it must build the model with no arguments") from e
