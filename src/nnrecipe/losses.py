"""Losses by name, guarded against silent broadcasting.

Stages take a loss name (``"cross_entropy"``, ``"bce_with_logits"``, ``"mse"``...) or any
callable ``(output, target) -> scalar``; :func:`resolve_loss` is how a name becomes that
callable.

Example:
    >>> import torch
    >>> from nnrecipe.losses import resolve_loss
    >>> loss_fn, _ = resolve_loss("mse")
    >>> float(loss_fn(torch.zeros(4, 1), torch.ones(4)))
    1.0
"""

from ._core._losses import LOSSES, LossFn, LossLike, resolve_loss

__all__ = ["LOSSES", "LossFn", "LossLike", "resolve_loss"]
