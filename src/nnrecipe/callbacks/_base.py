"""The callback protocol: a small, fixed set of hooks called by name from the loop."""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path
from typing import Any, Literal

import torch
from torch import nn

__all__ = ["Callback", "MonitorCallback", "TrainerState"]


@dataclasses.dataclass(eq=False)
class TrainerState:
    """What callbacks may read (and the few things they may set) while training runs.

    Attributes:
        model: The model being trained.
        optimizer: Its optimizer.
        run_dir: The run folder, or ``None`` when the run writes no files.
        step: Optimizer steps taken so far.
        epoch: Completed epochs.
        batch_in_epoch: Batches of the current epoch already used.
        total_steps: Steps the run will take unless stopped.
        lr_scale: Multiplier on the scheduled learning rate (ReduceLROnPlateau lowers it).
        batch: The last ``(inputs, targets)`` batch, for callbacks that save it.
        diverged: Set when a non-finite loss or gradient was seen.
    """

    model: nn.Module
    optimizer: torch.optim.Optimizer
    run_dir: Path | None
    total_steps: int
    step: int = 0
    epoch: int = 0
    batch_in_epoch: int = 0
    lr_scale: float = 1.0
    batch: tuple[torch.Tensor, torch.Tensor] | None = None
    diverged: bool = False


class Callback:
    """Base class of callbacks. Override only the hooks you need.

    Hooks are called in this order: ``on_train_begin``; per epoch ``on_epoch_begin``, per
    step ``on_step_end``, after each validation ``on_validation_end``, ``on_epoch_end``;
    finally ``on_train_end``. A callback stops training by setting ``stop_training``.
    State that must survive a resume goes in :meth:`state_dict` (tensors, numbers,
    strings, lists and dicts only: it is stored without pickle).

    Example:
        >>> class PrintLoss(Callback):
        ...     def on_validation_end(self, step, logs):
        ...         print(step, logs["val_loss"])
    """

    stop_training: bool = False
    trainer: TrainerState

    def set_trainer(self, trainer: TrainerState) -> None:
        self.trainer = trainer

    def monitors(self) -> tuple[str, ...]:
        """Names of the logged values this callback reads; checked before the first step."""
        return ()

    def on_train_begin(self, logs: dict[str, Any]) -> None: ...
    def on_epoch_begin(self, epoch: int, logs: dict[str, Any]) -> None: ...
    def on_step_end(self, step: int, logs: dict[str, Any]) -> None: ...
    def on_validation_end(self, step: int, logs: dict[str, Any]) -> None: ...
    def on_epoch_end(self, epoch: int, logs: dict[str, Any]) -> None: ...
    def on_train_end(self, logs: dict[str, Any]) -> None: ...

    def state_dict(self) -> dict[str, Any]:
        return {}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        del state


_MAX_WORDS = ("acc", "accuracy", "auc", "top", "f1", "precision", "recall", "r2")


class MonitorCallback(Callback):
    """Shared base of callbacks that watch one logged value (Keras semantics).

    Args:
        monitor: The logged name, e.g. ``"val_loss"`` or ``"val_accuracy"``.
        mode: ``"min"``, ``"max"``, or ``"auto"`` (max for accuracy-like names, else min).
        min_delta: Smallest absolute change that counts as an improvement.
    """

    def __init__(self, monitor: str, mode: Literal["auto", "min", "max"], min_delta: float) -> None:
        if mode not in ("auto", "min", "max"):
            raise ValueError(f"mode must be 'auto', 'min' or 'max'; got {mode=}")
        if min_delta < 0:
            raise ValueError(f"min_delta is an absolute amount and must be >= 0; got {min_delta=}")
        if mode == "auto":
            name = monitor.removeprefix("val_")
            mode = "max" if any(name.startswith(w) for w in _MAX_WORDS) else "min"
        self.monitor, self.mode, self.min_delta = monitor, mode, min_delta

    def monitors(self) -> tuple[str, ...]:
        return (self.monitor,)

    @property
    def worst(self) -> float:
        return -math.inf if self.mode == "max" else math.inf

    def is_improvement(self, value: float, reference: float) -> bool:
        if self.mode == "max":
            return value - self.min_delta > reference
        return value + self.min_delta < reference
