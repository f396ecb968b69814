"""Evaluation over a whole split: sums over every example, never an average of batch means."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from typing import Any

import torch
from torch import nn

from ._data import DataSource, as_source
from ._losses import LossFn, LossLike, resolve_loss
from ._metrics import Metric, MetricLike, default_metrics, resolve_metrics
from ._task import TaskKind, infer_task

__all__ = ["evaluate", "evaluate_source"]

EVAL_BATCH = 512


def evaluate_source(
    model: nn.Module,
    src: DataSource,
    loss_fn: LossFn,
    metrics: Sequence[Metric],
    *,
    amp_dtype: torch.dtype | None = None,
    prefix: str = "",
) -> dict[str, float]:
    """Loss and metrics of ``model`` (in eval mode, restored after) over all of ``src``."""
    device = next(iter(model.parameters()), torch.zeros(())).device
    was_training = model.training
    model.eval()
    loss_sum = torch.zeros((), dtype=torch.float64, device=device)
    sums = [torch.zeros((), dtype=torch.float64, device=device) for _ in metrics]
    counts = [0] * len(metrics)
    n = 0
    autocast = torch.autocast(device.type, dtype=amp_dtype) if amp_dtype else contextlib.nullcontext()
    try:
        with torch.no_grad(), autocast:
            for x, y in src.batches(EVAL_BATCH, seed=0, epoch=0, shuffle=False):
                x, y = x.to(device, non_blocking=True), y.to(device, non_blocking=True)
                out = model(x)
                loss_sum += loss_fn(out, y).double() * len(x)
                n += len(x)
                for i, m in enumerate(metrics):
                    s, c = m.batch_sum(out.float(), y)
                    sums[i] += s
                    counts[i] += c
    finally:
        model.train(was_training)
    row = {f"{prefix}loss": float(loss_sum) / n}
    for m, s, c in zip(metrics, sums, counts):
        row[f"{prefix}{m.name}"] = m.finish(float(s) / max(c, 1))
    return row


def evaluate(
    model: nn.Module,
    data: Any,
    loss: LossLike = "cross_entropy",
    *,
    metrics: Sequence[MetricLike] | None = None,
    task: TaskKind | None = None,
) -> dict[str, float]:
    """Loss and metrics of a model over a whole dataset.

    Example:
        >>> import torch
        >>> X, y = torch.randn(10, 3), torch.arange(10) % 2
        >>> sorted(evaluate(torch.nn.Linear(3, 2), (X, y)))
        ['accuracy', 'loss']
    """
    src = as_source(data, name="data")
    loss_fn, _ = resolve_loss(loss)
    kind = infer_task(src.head(256)[1], loss, task)
    resolved = resolve_metrics(metrics if metrics is not None else default_metrics(kind), kind)
    return evaluate_source(model, src, loss_fn, resolved)
