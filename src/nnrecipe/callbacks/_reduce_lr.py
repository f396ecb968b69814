from __future__ import annotations

import logging
from typing import Any

from .._core._monitor import ModeName
from ._base import MonitorCallback

__all__ = ["ReduceLROnPlateau"]

log = logging.getLogger(__name__)


class ReduceLROnPlateau(MonitorCallback):
    """Multiply the learning rate by ``factor`` when the monitored value plateaus.

    It only lowers ``trainer.lr_scale``: the learning rate is always
    ``base_lr x schedule(step) x lr_scale``, so it composes with warmup and decay, and it
    is resumed exactly. Keras semantics: after ``patience`` values without improvement the
    rate is cut, unless it is already at ``min_lr``; a cut starts a ``cooldown`` of values
    during which nothing is counted.

    Deliberate differences from Keras: ``min_lr`` bounds the rate at the moment of a cut (a
    decaying schedule may take it lower afterwards); a monitor that is never logged is an
    error before the first step (Keras warns and never cuts).

    Args:
        monitor: Value to watch.
        factor: Multiplier in (0, 1).
        patience: Values without improvement before reducing.
        mode: ``"auto"``, ``"min"`` or ``"max"``.
        min_delta: Smallest absolute change that counts as an improvement.
        cooldown: Values to wait after a reduction before counting again.
        min_lr: A cut never takes the learning rate below this.

    Example:
        >>> import torch, nnrecipe
        >>> from nnrecipe.callbacks import ReduceLROnPlateau
        >>> X, y = torch.randn(64, 4), torch.randint(0, 2, (64,))
        >>> plateau = ReduceLROnPlateau(factor=0.5, patience=0, min_delta=10.0)  # nothing counts as progress
        >>> cfg = nnrecipe.TrainConfig(epochs=4, lr=0.1, batch_size=64, log_every=1)  # one step per epoch
        >>> result = nnrecipe.fit(torch.nn.Linear(4, 2), (X, y), val=(X, y), config=cfg, callbacks=[plateau], runs_dir=None)
        >>> [row["lr"] for row in result.history if "lr" in row]
        [0.1, 0.1, 0.05, 0.025]
    """

    def __init__(
        self,
        monitor: str = "val_loss",
        *,
        factor: float = 0.1,
        patience: int = 10,
        mode: ModeName = "auto",
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
        self.best: float | None = None
        self.wait, self.cooldown_counter = 0, 0

    def on_monitored(self, step: int, value: float) -> None:
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
            lr = self.trainer.lr
            if lr > self.min_lr:
                new_lr = max(lr * self.factor, self.min_lr)
                self.trainer.lr_scale *= new_lr / lr
                self.cooldown_counter, self.wait = self.cooldown, 0
                log.info("ReduceLROnPlateau: lr %.3g -> %.3g at step %d", lr, new_lr, step)

    def state_dict(self) -> dict[str, Any]:
        return {"best": self.best, "wait": self.wait, "cooldown_counter": self.cooldown_counter}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.best, self.wait, self.cooldown_counter = state["best"], state["wait"], state["cooldown_counter"]
