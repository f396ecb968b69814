from __future__ import annotations

import copy
import logging
import math
from typing import Any, Literal

import torch

from ._base import MonitorCallback

__all__ = ["EarlyStopping"]

log = logging.getLogger(__name__)


class EarlyStopping(MonitorCallback):
    """Stop when the monitored value has stopped improving; restore the best weights.

    Counted in validations (each epoch, or every ``val_every`` steps).

    Args:
        monitor: Value to watch, e.g. ``"val_loss"``.
        min_delta: Smallest absolute change that counts as an improvement.
        patience: Validations without improvement before stopping.
        mode: ``"auto"``, ``"min"`` or ``"max"``.
        baseline: Training stops unless the model beats this value within ``patience``.
        restore_best_weights: Load the best weights seen when training ends.
        start_from_epoch: Epochs of warm-up during which nothing is counted.

    Example:
        >>> from nnrecipe.callbacks import EarlyStopping
        >>> stop = EarlyStopping(monitor="val_accuracy", patience=3)
        >>> stop.mode
        'max'
    """

    def __init__(
        self,
        monitor: str = "val_loss",
        *,
        min_delta: float = 0.0,
        patience: int = 0,
        mode: Literal["auto", "min", "max"] = "auto",
        baseline: float | None = None,
        restore_best_weights: bool = True,
        start_from_epoch: int = 0,
    ) -> None:
        super().__init__(monitor, mode, min_delta)
        if patience < 0 or start_from_epoch < 0:
            raise ValueError(f"patience and start_from_epoch must be >= 0; got {patience=}, {start_from_epoch=}")
        self.patience, self.baseline = patience, baseline
        self.restore_best_weights, self.start_from_epoch = restore_best_weights, start_from_epoch
        self.on_train_begin({})

    def on_train_begin(self, logs: dict[str, Any]) -> None:
        self.wait, self.best, self.best_step = 0, self.worst, -1
        self.stopped_step, self.seen = -1, 0
        self.best_weights: dict[str, torch.Tensor] | None = None
        self.stop_training = False

    def on_validation_end(self, step: int, logs: dict[str, Any]) -> None:
        value = logs.get(self.monitor)
        if value is None or self.trainer.epoch < self.start_from_epoch:
            return
        if not math.isfinite(value):
            log.warning("EarlyStopping: %s=%s at step %d is not finite; stopping", self.monitor, value, step)
            self.stop_training, self.stopped_step = True, step
            return
        self.wait += 1
        self.seen += 1
        if self.is_improvement(value, self.best):
            self.best, self.best_step = value, step
            if self.restore_best_weights:
                self.best_weights = copy.deepcopy(self.trainer.model.state_dict())
            if self.baseline is None or self.is_improvement(value, self.baseline):
                self.wait = 0
                return
        # Never at the first validation counted (Keras: epoch > 0), so a baseline gets a chance.
        if self.wait >= self.patience and self.seen > 1:
            self.stop_training, self.stopped_step = True, step
            log.info("EarlyStopping: no improvement of %s for %d validations; stopping at step %d", self.monitor, self.wait, step)

    def on_train_end(self, logs: dict[str, Any]) -> None:
        if self.restore_best_weights and self.best_weights is not None:
            log.info("EarlyStopping: restoring the weights of step %d (%s=%.5g)", self.best_step, self.monitor, self.best)
            self.trainer.model.load_state_dict(self.best_weights)

    def state_dict(self) -> dict[str, Any]:
        return {
            "wait": self.wait,
            "best": self.best,
            "best_step": self.best_step,
            "best_weights": self.best_weights,
            "seen": self.seen,
        }

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.wait, self.best, self.best_step = state["wait"], state["best"], state["best_step"]
        self.best_weights, self.seen = state["best_weights"], state["seen"]
