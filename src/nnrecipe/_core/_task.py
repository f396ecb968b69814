"""Task kinds and their inference from targets and loss."""

from __future__ import annotations

from typing import Literal, get_args

import torch

from ._errors import ConfigError

__all__ = ["TaskKind", "infer_task"]

TaskKind = Literal["classification", "binary", "regression", "autoregressive"]
TASK_KINDS: tuple[str, ...] = get_args(TaskKind)

_LOSS_TASK: dict[str, TaskKind] = {
    "cross_entropy": "classification",
    "nll": "classification",
    "bce_with_logits": "binary",
    "bce": "binary",
    "mse": "regression",
    "mae": "regression",
    "l1": "regression",
    "huber": "regression",
    "smooth_l1": "regression",
}


def infer_task(y: torch.Tensor | None, loss: object, task: str | None = None) -> TaskKind:
    """Return the task kind, from ``task`` if given, else from the loss name, else from ``y``.

    Args:
        y: Targets of the training set (or a sample of them); may be ``None``.
        loss: The loss name or callable the user gave.
        task: An explicit task kind, which wins.

    Returns:
        One of ``"classification"``, ``"binary"``, ``"regression"``, ``"autoregressive"``.

    Raises:
        ConfigError: ``task`` is not a known kind.

    Example:
        >>> infer_task(torch.tensor([0, 2, 1]), "cross_entropy")
        'classification'
    """
    if task is not None:
        if task not in TASK_KINDS:
            raise ConfigError(f"unknown {task=}; expected one of {TASK_KINDS}")
        return task  # type: ignore[return-value]
    if isinstance(loss, str) and loss in _LOSS_TASK:
        return _LOSS_TASK[loss]
    if y is None:
        return "regression"
    if y.dtype in (torch.int64, torch.int32, torch.int16, torch.uint8, torch.int8):
        return "autoregressive" if y.ndim >= 2 else "classification"
    if y.dtype == torch.bool:
        return "binary"
    if y.is_floating_point() and y.numel() > 0:
        unique = torch.unique(y[:10_000])
        if unique.numel() <= 2 and bool(((unique == 0) | (unique == 1)).all()):
            return "binary"
    return "regression"
