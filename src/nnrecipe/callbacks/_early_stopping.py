from __future__ import annotations

import logging
import math
from typing import Any

import torch

from .._core._monitor import ModeName
from ._base import MonitorCallback

__all__ = ["EarlyStopping"]

log = logging.getLogger(__name__)


class EarlyStopping(MonitorCallback):
    """Stop when the monitored value has stopped improving; restore the best weights.

    Keras semantics: ``patience`` counts the values logged since the last improvement
    (validations for ``val_*`` values, train rows for training values); an improvement
    never stops training; with a ``baseline`` the wait restarts only on values that beat
    both the best so far and the baseline, so a run that never beats the baseline stops
    after ``patience`` values; ``start_from_epoch`` ignores every value logged during the
    first epochs (epoch indices ``< start_from_epoch``, counted as Keras counts them: the
    value at the end of epoch ``e`` belongs to epoch ``e``).

    Deliberate differences from Keras: a monitor that is never logged is an error before the
    first step (Keras warns at each epoch and never stops); a non-finite monitored value
    stops at once (Keras counts it as one more value without improvement); ``mode="auto"``
    needs a metric that declares its direction; the best weights are restored by default.

    Args:
        monitor: Value to watch, e.g. ``"val_loss"``.
        min_delta: Smallest absolute change that counts as an improvement.
        patience: Values without improvement before stopping.
        mode: ``"auto"``, ``"min"`` or ``"max"``.
        baseline: Training stops unless the model beats this value within ``patience``.
        restore_best_weights: Load the best weights seen when training ends (also when
            another callback stopped the run).
        start_from_epoch: Epochs of warm-up during which nothing is counted.

    Example:
        >>> import torch, nnrecipe
        >>> from nnrecipe.callbacks import EarlyStopping
        >>> X, y = torch.randn(128, 4), torch.randint(0, 2, (128,))  # noise: nothing to learn
        >>> stop = EarlyStopping(monitor="val_loss", patience=2)
        >>> result = nnrecipe.fit(torch.nn.Linear(4, 2), (X, y), val=(X[:64], y[:64]), callbacks=[stop],
        ...                       config=nnrecipe.TrainConfig(epochs=100, lr=0.5, optimizer="sgd"), runs_dir=None)
        >>> result.stopped_early, result.epochs < 100, result.weights
        (True, True, 'best')
    """

    def __init__(
        self,
        monitor: str = "val_loss",
        *,
        min_delta: float = 0.0,
        patience: int = 0,
        mode: ModeName = "auto",
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
        self.best: float | None = None
        self.wait, self.best_step, self.stopped_step = 0, -1, -1
        self.restored_step: int | None = None  # set when the best weights were put back
        self.best_weights: dict[str, torch.Tensor] | None = None

    def on_monitored(self, step: int, value: float) -> None:
        if self.trainer.epoch < self.start_from_epoch:
            return
        if not math.isfinite(value):
            log.warning("EarlyStopping: %s=%s at step %d is not finite; stopping", self.monitor, value, step)
            self.trainer.stop_training, self.stopped_step = True, step
            return
        self.wait += 1
        if self.is_improvement(value, self.best):
            self.best, self.best_step = value, step
            if self.restore_best_weights:
                self.best_weights = {k: v.detach().clone() for k, v in self.trainer.model.state_dict().items()}
            # The wait restarts only on a value that beats the baseline as well.
            if self.baseline is None or self.is_improvement(value, self.baseline):
                self.wait = 0
            return  # an improving run never stops
        if self.wait >= self.patience:
            self.trainer.stop_training, self.stopped_step = True, step
            log.info("EarlyStopping: no improvement of %s for %d values; stopping at step %d", self.monitor, self.wait, step)

    def on_train_end(self, logs: dict[str, Any]) -> None:
        if self.restore_best_weights and self.best_weights is not None:
            log.info("EarlyStopping: restoring the weights of step %d (%s=%.5g)", self.best_step, self.monitor, self.best)
            self.trainer.model.load_state_dict(self.best_weights)
            self.restored_step = self.best_step
            self.trainer.restored = (self.best_step, self.monitor)  # what later callbacks see in the model

    def state_dict(self) -> dict[str, Any]:
        return {
            "wait": self.wait,
            "best": self.best,
            "best_step": self.best_step,
            "best_weights": self.best_weights,
        }

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.wait, self.best, self.best_step = state["wait"], state["best"], state["best_step"]
        self.best_weights = state["best_weights"]
