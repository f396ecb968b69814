"""Losses by name, made safe against silent broadcasting."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeAlias

import torch
import torch.nn.functional as F

from ._errors import ConfigError, DataError
from ._names import unknown_name

__all__ = ["LOSSES", "LossFn", "LossLike", "resolve_loss"]

LossFn: TypeAlias = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]
LossLike: TypeAlias = "str | LossFn"


def _flat_classes(out: torch.Tensor, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    # (B, T, C) logits with (B, T) targets: the sequence case of autoregressive models.
    if out.ndim == y.ndim + 1 and out.shape[:-1] == y.shape and out.ndim > 2:
        return out.reshape(-1, out.shape[-1]), y.reshape(-1)
    return out, y


def _same_shape(out: torch.Tensor, y: torch.Tensor, loss: str) -> torch.Tensor:
    if out.shape == y.shape:
        return y.to(out.dtype)
    if out.numel() == y.numel():
        # (B, 1) output with (B,) targets: reshape rather than broadcast to (B, B).
        return y.reshape(out.shape).to(out.dtype)
    raise DataError(
        f"{loss}: output shape {tuple(out.shape)} and target shape {tuple(y.shape)} differ and "
        "would broadcast silently; make the model output one value per target."
    )


def cross_entropy(out: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    out, y = _flat_classes(out, y)
    return F.cross_entropy(out, y)


def nll(out: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    out, y = _flat_classes(out, y)
    return F.nll_loss(out, y)


def bce_with_logits(out: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return F.binary_cross_entropy_with_logits(out, _same_shape(out, y, "bce_with_logits"))


def bce(out: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return F.binary_cross_entropy(out, _same_shape(out, y, "bce"))


def mse(out: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return F.mse_loss(out, _same_shape(out, y, "mse"))


def mae(out: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return F.l1_loss(out, _same_shape(out, y, "mae"))


def huber(out: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return F.huber_loss(out, _same_shape(out, y, "huber"))


LOSSES: dict[str, LossFn] = {
    "cross_entropy": cross_entropy,
    "nll": nll,
    "bce_with_logits": bce_with_logits,
    "bce": bce,
    "mse": mse,
    "mae": mae,
    "l1": mae,
    "huber": huber,
}


def _smoothed(smoothing: float) -> LossFn:
    def cross_entropy(out: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        out, y = _flat_classes(out, y)
        return F.cross_entropy(out, y, label_smoothing=smoothing)

    return cross_entropy


def resolve_loss(loss: LossLike, *, label_smoothing: float = 0.0) -> tuple[LossFn, str]:
    """Return the loss callable and its name.

    Args:
        loss: A name from :data:`LOSSES` or a callable ``(output, target) -> scalar tensor``.
        label_smoothing: Applied by the ``"cross_entropy"`` loss only.

    Returns:
        ``(fn, name)``; a callable's name is its ``__name__``.

    Raises:
        ConfigError: Unknown loss name (the message lists the known ones), or not a callable.
        TypeError: Neither a string nor a callable.

    Example:
        >>> fn, name = resolve_loss("mse")
        >>> float(fn(torch.zeros(2, 1), torch.ones(2)))
        1.0
    """
    if isinstance(loss, str):
        if loss not in LOSSES:
            raise unknown_name("loss", loss, LOSSES)
        if loss == "cross_entropy" and label_smoothing:
            return _smoothed(label_smoothing), loss
        return LOSSES[loss], loss
    if callable(loss):
        return loss, getattr(loss, "__name__", type(loss).__name__)
    raise ConfigError(f"loss must be a name or a callable (output, target) -> tensor; got {loss!r}")
