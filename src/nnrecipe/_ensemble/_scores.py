"""The metrics an ensemble is selected and judged on, as one score per example.

Every metric here is a mean over examples of a per-example score (correct or not, the
log loss, the squared or absolute error, each averaged over the example's own elements).
That is what lets greedy selection score every candidate at once, and the bootstrap
resample examples: the metric of a resample is the mean of its examples' scores.
Metrics work on predictions with any leading dimensions (``(candidates, N, ...)``).
"""

from __future__ import annotations

from typing import Literal, get_args

import torch

from .._core._errors import ConfigError
from .._core._task import TaskKind

__all__ = ["EPS", "METRICS", "MetricName", "better", "default_metric", "higher_is_better", "metric_for", "per_example", "score", "task_metrics"]

MetricName = Literal["accuracy", "nll", "mse", "mae"]
METRICS: tuple[str, ...] = get_args(MetricName)
EPS = 1e-7  # probabilities are clamped here before a log: one confident mistake costs ~16, not inf


def task_metrics(task: TaskKind) -> tuple[MetricName, ...]:
    """The metrics that fit ``task``: accuracy and log loss on probabilities, errors on values."""
    return ("mse", "mae") if task == "regression" else ("accuracy", "nll")


def higher_is_better(metric: MetricName) -> bool:
    return metric == "accuracy"


def better(metric: MetricName, a: float, b: float) -> bool:
    """Whether value ``a`` of ``metric`` is strictly better than ``b``."""
    return a > b if higher_is_better(metric) else a < b


def default_metric(task: TaskKind, monitor: str | None, loss: str) -> MetricName:
    """The metric to select on: the one the runs were judged by (their monitor), where we have it.

    Example:
        >>> default_metric("classification", "val_loss", "cross_entropy"), default_metric("regression", "val_mae", "mse")
        ('nll', 'mae')
    """
    name = (monitor or "").removeprefix("val_")
    if name in ("accuracy", "acc") and task != "regression":
        return "accuracy"
    if name in ("mse", "mae") and task == "regression":
        return name  # type: ignore[return-value]
    if name == "loss":
        if task != "regression":
            return "nll"
        return "mae" if loss in ("mae", "l1") else "mse"
    return task_metrics(task)[0]


def metric_for(metric: str, task: TaskKind) -> MetricName:
    """Check that ``metric`` is one of ours and fits ``task``.

    Raises:
        ConfigError: Naming the metrics that fit the task.
    """
    fits = task_metrics(task)
    if metric not in fits:
        raise ConfigError(f"ensemble metric {metric!r} does not fit a {task} task; use one of {list(fits)}")
    return metric  # type: ignore[return-value]


def per_example(metric: MetricName, pred: torch.Tensor, y: torch.Tensor, task: TaskKind) -> torch.Tensor:
    """Scores of shape ``pred.shape[:lead] + (N,)`` in float64, for targets ``y`` of shape ``(N, ...)``.

    Example:
        >>> p = torch.tensor([[0.9, 0.1], [0.4, 0.6]])
        >>> per_example("accuracy", p, torch.tensor([0, 0]), "classification").tolist()
        [1.0, 0.0]
    """
    if task in ("classification", "autoregressive"):
        if metric == "accuracy":
            elem = (pred.argmax(-1) == y).double()
        else:
            index = y.long().unsqueeze(-1).expand(*pred.shape[:-1], 1)
            elem = -pred.gather(-1, index).squeeze(-1).double().clamp_min(EPS).log()
    elif task == "binary":
        target = (y > 0.5).double() if y.is_floating_point() else y.double()
        p = pred.double().clamp(EPS, 1 - EPS)
        elem = ((p > 0.5).double() == target).double() if metric == "accuracy" else -(target * p.log() + (1 - target) * (1 - p).log())
    else:
        diff = pred.double() - y.double()
        elem = diff.square() if metric == "mse" else diff.abs()
    lead = elem.ndim - y.ndim  # candidate dimensions in front of the examples
    return elem.reshape(*elem.shape[: lead + 1], -1).mean(-1)


def score(metric: MetricName, pred: torch.Tensor, y: torch.Tensor, task: TaskKind) -> float:
    """The metric over all examples (the mean of :func:`per_example`)."""
    return float(per_example(metric, pred, y, task).mean())
