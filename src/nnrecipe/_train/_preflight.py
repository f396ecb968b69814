"""Checks made before the first step (and before a run folder exists), so that bad input
fails fast with the fix instead of as a raw torch error in the middle of a run."""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from .._core._config import TrainConfig
from .._core._data import DataSource, TensorData
from .._core._errors import ConfigError, DataError
from .._core._experiment import Augment
from .._core._losses import LossFn
from .._core._metrics import Direction, Metric
from .._core._monitor import Monitor
from .._core._task import TaskKind
from ..callbacks import Callback, MonitorCallback
from ._batches import apply_augment, step_generator
from ._summary import ModelSummary, summarize

__all__ = ["check_callbacks", "check_settings", "check_split", "logged_directions", "summarize_or_explain"]

SAMPLE = 64  # examples of a split run through the model and the loss before training


def logged_directions(metrics: list[Metric], has_val: bool, cfg: TrainConfig) -> dict[str, Direction | None]:
    """Every name a run logs, with its declared direction (``None``: undeclared)."""
    names: dict[str, Direction | None] = {"loss": "min", "lr": None}
    if cfg.grad_clip_norm is not None:
        names["grad_norm"] = None
    if has_val:
        names["val_loss"] = "min"
        names.update({f"val_{m.name}": m.direction for m in metrics})
    return names


def check_callbacks(callbacks: Sequence[Callback], directions: dict[str, Direction | None], has_val: bool) -> None:
    """Every monitored name is logged, and its direction is known.

    Raises:
        ConfigError: Naming the callback, the value and the logged names.
    """
    for cb in callbacks:
        for name in cb.monitors():
            if name not in directions:
                raise ConfigError(
                    f"{type(cb).__name__} monitors {name!r}, which this run never logs; "
                    f"logged names: {sorted(directions)}" + ("" if has_val else " (pass val data to log val_* values)")
                )
        if isinstance(cb, MonitorCallback):
            Monitor.resolve(cb.monitor, cb.requested_mode, directions)


def check_settings(cfg: TrainConfig, batch_size: int) -> None:
    """Settings that only make sense against the data (the config checks itself otherwise)."""
    if not 1 <= cfg.accumulate_steps <= batch_size:
        raise ConfigError(
            f"accumulate_steps={cfg.accumulate_steps} must be between 1 and the batch size ({batch_size}): each "
            "batch is split into that many micro-batches; raise batch_size or lower accumulate_steps"
        )


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


def check_split(
    model: nn.Module, src: DataSource, name: str, loss_fn: LossFn, task: TaskKind, device: torch.device, *,
    augment: Augment | None = None, metrics: Sequence[Metric] = (),
) -> None:
    """A sample of ``src`` goes through the model, the loss and ``metrics``; labels fit the outputs.

    Run in eval mode without gradients (no running statistics change). ``Dataset`` and
    ``DataLoader`` splits are checked on their first examples, in-memory labels in full.

    Raises:
        DataError: Naming the split, the shapes and the fix.
    """
    x, y = src.head(SAMPLE)
    if augment is not None:
        try:
            x, y = apply_augment(augment, (x, y), step_generator(0, 0, x.device))
        except DataError:
            raise
        except Exception as e:
            raise DataError(f"augment raised {type(e).__name__} on a {name} batch of shape {tuple(x.shape)}: {e}") from e
    x, y = x.to(device), y.to(device)
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            try:
                out = model(x)
            except Exception as e:
                raise DataError(
                    f"the model failed on {name} inputs of shape {tuple(x.shape)} (dtype {x.dtype}): "
                    f"{type(e).__name__}: {e}. Every split must have the shape the model's first layer expects."
                ) from e
            if task in ("classification", "autoregressive"):
                _check_labels(src, name, y, out.shape[-1], task)
            try:
                loss_fn(out, y)
            except Exception as e:
                raise DataError(
                    f"the loss failed on {name} outputs of shape {tuple(out.shape)} and targets of shape "
                    f"{tuple(y.shape)}: {type(e).__name__}: {e}. Targets must match what the loss expects."
                ) from e
            for m in metrics:
                try:
                    m.batch_sum(out.float(), y)
                except Exception as e:
                    raise DataError(
                        f"the metric {m.name!r} failed on {name} outputs of shape {tuple(out.shape)} and targets "
                        f"of shape {tuple(y.shape)}: {type(e).__name__}: {e}. Pick metrics that fit the task."
                    ) from e
    finally:
        model.train(was_training)


def _check_labels(src: DataSource, name: str, sample: torch.Tensor, classes: int, task: TaskKind) -> None:
    y = src.y if isinstance(src, TensorData) else sample
    if y.is_floating_point():
        raise DataError(f"{name} labels are floats ({y.dtype}) but the task is {task}; convert them with y.long()")
    lo, hi = int(y.min()), int(y.max())
    if lo < 0 or hi >= classes:
        raise DataError(
            f"{name} labels range over [{lo}, {hi}] but the model outputs {classes} classes "
            f"(valid labels 0..{classes - 1}); remap the labels or widen the last layer"
        )
