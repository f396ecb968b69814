"""Evaluation over a whole split: sums over every example, never an average of batch means.

Processes training together split the split's batches among them (process ``rank`` takes
a contiguous run of whole batches), add up their sums, and finish the metrics from the
totals: every example counts exactly once (``DistributedSampler`` pads with duplicates),
each batch is computed as one process computes it, and every process gets the same row.
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

import torch
from torch import nn

from ._data import Batch, DataSource, as_source, part
from ._losses import LossFn, LossLike, resolve_loss
from ._metrics import Metric, MetricLike, default_metrics, resolve_metrics
from ._task import TaskKind, infer_task

if TYPE_CHECKING:
    from ._peers import Peers

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
    group: Peers | None = None,
) -> dict[str, float]:
    """Loss and metrics of ``model`` (in eval mode, restored after) over all of ``src``.

    With ``group`` (processes training together), each evaluates its part of ``src`` and
    every one returns the row of the whole.
    """
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
            for x, y in _my_batches(src, group):
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
    totals: list[float] = _totals(group, [loss_sum, *sums], [n, *counts]).tolist()  # one read of the device
    n, counts = int(totals[1 + len(metrics)]), [int(c) for c in totals[2 + len(metrics):]]
    row = {f"{prefix}loss": totals[0] / n}
    for m, total, c in zip(metrics, totals[1 : 1 + len(metrics)], counts):
        row[f"{prefix}{m.name}"] = m.finish(total / max(c, 1))
    return row


def _my_batches(src: DataSource, group: Peers | None) -> Iterator[Batch]:
    """This process's batches of ``src``: all of them, or its contiguous run of whole ones."""
    if group is None:
        return src.batches(EVAL_BATCH, seed=0, epoch=0, shuffle=False)
    mine = part(src.num_batches(EVAL_BATCH), group.rank, group.size)
    return itertools.islice(src.batches(EVAL_BATCH, seed=0, epoch=0, shuffle=False, start=mine.start), mine.stop - mine.start)


def _totals(group: Peers | None, sums: list[torch.Tensor], counts: list[int]) -> torch.Tensor:
    """Sums then counts, added up over the processes (float64: counts stay exact)."""
    packed = torch.stack([*sums, *(torch.tensor(c, dtype=torch.float64, device=sums[0].device) for c in counts)])
    return packed if group is None else group.total(packed)


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
