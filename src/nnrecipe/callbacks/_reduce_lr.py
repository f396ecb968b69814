from __future__ import annotations

import logging
from typing import Any, Literal

from ._base import MonitorCallback

__all__ = ["ReduceLROnPlateau"]

log = logging.getLogger(__name__)


class ReduceLROnPlateau(MonitorCallback):
    """Multiply the learning rate by ``factor`` when the monitored value plateaus.

    It scales the scheduled learning rate, so it composes with warmup and decay.

    Args:
        monitor: Value to watch.
        factor: Multiplier in (0, 1).
        patience: Validations without improvement before reducing.
        mode: ``"auto"``, ``"min"`` or ``"max"``.
        min_delta: Smallest absolute change that counts as an improvement.
        cooldown: Validations to wait after a reduction before counting again.
        min_lr: The learning rate never goes below this.

    Example:
        >>> from nnrecipe.callbacks import ReduceLROnPlateau
        >>> ReduceLROnPlateau(factor=0.5, patience=2).factor
        0.5
    """

    def __init__(
        self,
        monitor: str = "val_loss",
        *,
        factor: float = 0.1,
        patience: int = 10,
        mode: Literal["auto", "min", "max"] = "auto",
        min_delta: float = 1e-4,
        cooldown: int = 0,
        min_lr: float = 0.0,
    ) -> None:
        super().__init__(monitor, mode, min_delta)
        if not 0 < factor < 1:
            raise ValueError(f"factor must be in (0, 1): the learning rate is multiplied by it; got {factor=}")
        if patience < 0 or cooldown < 0 or min_lr < 0:
            raise ValueError(f"patience, cooldown and min_lr must be >= 0; got {patience=}, {cooldown=}, {min_lr=}")
        self.factor, self.patience, self.cooldown, self.min_lr = factor, patience, cooldown, min_lr
        self.on_train_begin({})

    def on_train_begin(self, logs: dict[str, Any]) -> None:
        self.best, self.wait, self.cooldown_counter = self.worst, 0, 0

    def on_validation_end(self, step: int, logs: dict[str, Any]) -> None:
        value = logs.get(self.monitor)
        if value is None:
            return
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.wait = 0
        if self.is_improvement(value, self.best):
            self.best, self.wait = value, 0
            return
        if self.cooldown_counter > 0:
            return
        self.wait += 1
        if self.wait >= self.patience:
            lr = self.trainer.optimizer.param_groups[0]["lr"]
            new_lr = max(lr * self.factor, self.min_lr)
            if new_lr < lr and lr > 0:
                self.trainer.lr_scale *= new_lr / lr
                for group in self.trainer.optimizer.param_groups:
                    group["lr"] *= new_lr / lr
                log.info("ReduceLROnPlateau: lr %.3g -> %.3g at step %d", lr, new_lr, step)
            self.cooldown_counter, self.wait = self.cooldown, 0

    def state_dict(self) -> dict[str, Any]:
        return {"best": self.best, "wait": self.wait, "cooldown_counter": self.cooldown_counter}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.best, self.wait, self.cooldown_counter = state["best"], state["wait"], state["cooldown_counter"]
