"""Checks made before the first step, so that bad input fails fast with the fix."""

from __future__ import annotations

import torch
from torch import nn

from .._core._config import TrainConfig
from .._core._data import DataSource, TensorData
from .._core._errors import DataError
from .._core._metrics import Metric
from ._summary import ModelSummary, summarize
from .._core._task import TaskKind

__all__ = ["logged_names", "summarize_or_explain", "check_targets"]


def logged_names(metrics: list[Metric], has_val: bool, cfg: TrainConfig) -> set[str]:
    names = {"loss", "lr"} | ({"grad_norm"} if cfg.grad_clip_norm else set())
    if has_val:
        names |= {"val_loss"} | {f"val_{m.name}" for m in metrics}
    return names


def summarize_or_explain(model: nn.Module, example: torch.Tensor) -> ModelSummary:
    try:
        summary = summarize(model, example)
    except Exception as e:
        raise DataError(
            f"the model failed on a batch of inputs of shape {tuple(example.shape)} "
            f"(dtype {example.dtype}): {type(e).__name__}: {e}. Check that the data has the "
            "shape the model's first layer expects."
        ) from e
    return summary


def check_targets(model: nn.Module, train: DataSource, val: DataSource | None, task: TaskKind, device: torch.device) -> None:
    """Labels out of the model's output range fail here, not as a CUDA assert later."""
    if task not in ("classification", "autoregressive"):
        return
    x, _ = train.head(2)
    was_training = model.training
    model.eval()
    with torch.no_grad():
        classes = model(x.to(device)).shape[-1]
    model.train(was_training)
    for src in (train, val):
        if not isinstance(src, TensorData):
            continue
        y = src.y
        if y.is_floating_point():
            raise DataError(f"{src.name} labels are floats ({y.dtype}) but the task is {task}; convert them with y.long()")
        lo, hi = int(y.min()), int(y.max())
        if lo < 0 or hi >= classes:
            raise DataError(
                f"{src.name} labels range over [{lo}, {hi}] but the model outputs {classes} classes "
                f"(valid labels 0..{classes - 1}); remap the labels or widen the last layer"
            )
