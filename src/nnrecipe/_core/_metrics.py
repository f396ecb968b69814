"""Metrics computed over the whole validation set (sums, not an average of batch averages)."""

from __future__ import annotations

import abc
import re
from collections.abc import Callable, Sequence
from typing import Literal, TypeAlias

import torch

from ._errors import ConfigError
from ._names import unknown_name
from ._task import TaskKind

__all__ = ["NAMED_DIRECTIONS", "Direction", "Metric", "MetricLike", "default_metrics", "resolve_metrics"]

MetricLike: TypeAlias = "str | Metric | Callable[[torch.Tensor, torch.Tensor], torch.Tensor]"
Direction: TypeAlias = Literal["min", "max"]


class Metric(abc.ABC):
    """A metric accumulated batch by batch and read once at the end.

    Subclasses return per-batch sums from :meth:`batch_sum`; the mean over all examples is
    the metric, so the last, smaller batch weighs what it should.

    Attributes:
        name: The logged name (``val_<name>`` in validation rows).
        direction: ``"max"`` when larger is better (accuracies), ``"min"`` when smaller is
            better (losses, errors), ``None`` when undeclared: callbacks and best-row choices
            that watch an undeclared metric must then be given ``mode``.
    """

    name: str
    direction: Direction | None = None

    @abc.abstractmethod
    def batch_sum(self, out: torch.Tensor, y: torch.Tensor) -> tuple[torch.Tensor, int]:
        """Return ``(sum over the batch, number of items)``."""

    def finish(self, mean: float) -> float:
        """Turn the mean over all items into the reported value (e.g. a square root)."""
        return mean


def _labels(out: torch.Tensor, task: TaskKind) -> torch.Tensor:
    if task == "binary" or out.ndim == 1 or (out.ndim == 2 and out.shape[-1] == 1):
        return (out.reshape(out.shape[0], -1)[:, 0] > 0).long() if out.ndim <= 2 else (out > 0).long()
    return out.argmax(-1)


class Accuracy(Metric):
    direction = "max"

    def __init__(self, task: TaskKind) -> None:
        self.name, self.task = "accuracy", task

    def batch_sum(self, out: torch.Tensor, y: torch.Tensor) -> tuple[torch.Tensor, int]:
        pred = _labels(out, self.task)
        y = y.reshape(pred.shape).long()
        return (pred == y).sum(), y.numel()


class TopK(Metric):
    direction = "max"

    def __init__(self, k: int) -> None:
        if k < 1:
            raise ConfigError(f"top-k needs k >= 1; got {k=}")
        self.name, self.k = f"top{k}", k

    def batch_sum(self, out: torch.Tensor, y: torch.Tensor) -> tuple[torch.Tensor, int]:
        out = out.reshape(-1, out.shape[-1])
        y = y.reshape(-1, 1)
        top = out.topk(min(self.k, out.shape[-1]), dim=-1).indices
        return (top == y).any(-1).sum(), len(y)


class _Pointwise(Metric):
    direction = "min"

    def __init__(self, name: str, fn: Callable[[torch.Tensor], torch.Tensor]) -> None:
        self.name, self.fn = name, fn

    def batch_sum(self, out: torch.Tensor, y: torch.Tensor) -> tuple[torch.Tensor, int]:
        y = y.reshape(out.shape) if y.numel() == out.numel() else y
        return self.fn(out.float() - y.float()).sum(), out.numel()


class RMSE(_Pointwise):
    def finish(self, mean: float) -> float:
        return mean**0.5


class CallableMetric(Metric):
    """A user function ``(output, target) -> scalar`` averaged over batches by batch size.

    Its direction is unknown unless given: a callback watching it needs ``mode``.

    Example:
        >>> def error_rate(out, y):
        ...     return (out.argmax(-1) != y).float().mean()
        >>> CallableMetric(error_rate, direction="min").direction
        'min'
    """

    def __init__(self, fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor], direction: Direction | None = None) -> None:
        if direction not in (None, "min", "max"):
            raise ValueError(f"direction must be 'min', 'max' or None; got {direction=}")
        self.fn, self.direction = fn, direction
        self.name = getattr(fn, "__name__", type(fn).__name__)

    def batch_sum(self, out: torch.Tensor, y: torch.Tensor) -> tuple[torch.Tensor, int]:
        value = torch.as_tensor(self.fn(out, y))
        if value.numel() != 1:
            raise ConfigError(f"metric {self.name!r} returned shape {tuple(value.shape)}; it must return a scalar")
        return value.reshape(()) * len(out), len(out)


_NAMED = ("accuracy", "mse", "mae", "rmse", "top<k>")
# The declared direction of every built-in name, for monitors resolved without a run's metrics.
NAMED_DIRECTIONS: dict[str, Direction] = {"loss": "min", "accuracy": "max", "acc": "max", "mse": "min", "mae": "min", "rmse": "min"}


def _named(name: str, task: TaskKind) -> Metric:
    if name in ("accuracy", "acc"):
        return Accuracy(task)
    if name == "mse":
        return _Pointwise("mse", torch.square)
    if name == "mae":
        return _Pointwise("mae", torch.abs)
    if name == "rmse":
        return RMSE("rmse", torch.square)
    if m := re.fullmatch(r"top_?(\d+)", name):
        return TopK(int(m.group(1)))
    raise unknown_name("metric", name, _NAMED)


def default_metrics(task: TaskKind) -> list[str]:
    """The metrics logged when the user names none."""
    return ["mae"] if task == "regression" else ["accuracy"]


def resolve_metrics(metrics: Sequence[MetricLike], task: TaskKind) -> list[Metric]:
    """Resolve names and callables into :class:`Metric` objects.

    Raises:
        ConfigError: An unknown name, or two metrics with the same name.

    Example:
        >>> [m.name for m in resolve_metrics(["accuracy", "top5"], "classification")]
        ['accuracy', 'top5']
    """
    out: list[Metric] = []
    for m in metrics:
        if isinstance(m, Metric):
            out.append(m)
        elif isinstance(m, str):
            out.append(_named(m, task))
        elif callable(m):
            out.append(CallableMetric(m))
        else:
            raise ConfigError(f"metric must be a name, a Metric or a callable; got {m!r}")
    names = [m.name for m in out]
    if len(set(names)) != len(names):
        raise ConfigError(f"metric names must be unique; got {names}")
    return out
