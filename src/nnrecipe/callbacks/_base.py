"""The callback protocol: a small, fixed set of hooks called by name from the loop."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import torch
from torch import nn

from .._core._config import TrainConfig
from .._core._data import DataSource
from .._core._losses import LossFn
from .._core._metrics import Direction
from .._core._monitor import ModeName, Monitor
from .._core._task import TaskKind

__all__ = ["Callback", "MonitorCallback", "TrainerState"]


@dataclasses.dataclass(eq=False)
class TrainerState:
    """What callbacks read while training runs, and the two things they may set.

    Callbacks answer the loop only through ``stop_training`` and ``lr_scale``; everything
    else is the loop's, to read.

    Attributes:
        model: The model being trained.
        optimizer: Its optimizer.
        device: Where the model and the step's tensors live.
        run_dir: The run folder, or ``None`` when the run writes no files (callbacks that
            write files do so only when it is set).
        total_steps: Steps the run takes unless stopped.
        steps_per_epoch: Optimizer steps in one epoch.
        step: Optimizer steps taken so far.
        epoch: The epoch in progress (0-based). After an epoch's last step and its
            validation it moves on, before ``on_epoch_end``, so a resume point written then
            starts the next epoch.
        batch_in_epoch: Batches of the current epoch already used.
        lr: The learning rate of the optimizer's first group at the latest step.
        lr_scale: Multiplier on the scheduled learning rate: the learning rate is always
            ``base_lr x schedule(step) x lr_scale`` (ReduceLROnPlateau lowers it).
        stop_training: Set to stop after the current step; reset at the start of every fit.
        batch: The latest training ``(inputs, targets)`` batch, as the model saw it.
        restored: ``(step, monitor)`` of earlier weights a callback put back into the model
            at the end of training (``EarlyStopping(restore_best_weights=True)``); ``None``
            while the model holds the weights of the latest step.
        directions: Every name the run logs, with its declared direction (``None`` when
            undeclared): what ``Monitor.resolve`` reads in ``mode="auto"``.
        config: The run's training config (``None`` outside a run).
        train / val: The run's data splits (``val`` is ``None`` without validation data);
            diagnostics draw their fixed batch from them.
        loss_fn: The loss ``(output, target) -> scalar`` the run minimises.
        task: The task kind the trainer inferred.
    """

    model: nn.Module
    optimizer: torch.optim.Optimizer
    run_dir: Path | None
    total_steps: int
    device: torch.device = dataclasses.field(default_factory=lambda: torch.device("cpu"))
    steps_per_epoch: int = 1
    step: int = 0
    epoch: int = 0
    batch_in_epoch: int = 0
    lr: float = 0.0
    lr_scale: float = 1.0
    stop_training: bool = False
    batch: tuple[torch.Tensor, torch.Tensor] | None = None
    restored: tuple[int, str] | None = None
    directions: Mapping[str, Direction | None] = dataclasses.field(default_factory=lambda: {"loss": "min", "val_loss": "min"})
    config: TrainConfig | None = None
    train: DataSource | None = None
    val: DataSource | None = None
    loss_fn: LossFn | None = None
    task: TaskKind | None = None


class Callback:
    """Base class of callbacks. Override only the hooks you need.

    Hooks, in the order the loop calls them: ``on_train_begin``; for each epoch
    ``on_epoch_begin``; for each step, once the optimizer step is taken, ``on_log`` (every
    ``log_every`` steps, with the train row), ``on_validation_end`` (after each validation,
    with the validation row), ``on_epoch_end`` (after an epoch's last step), then
    ``on_step_end``: the step and everything about it is done. Finally ``on_train_end``
    (not called when training ends by an exception).

    Rows (``on_log``, ``on_validation_end``) hold Python floats. ``on_step_end`` logs hold
    the step's device tensors (``loss``, ``nonfinite`` and ``grad_norm`` when clipping):
    reading one with ``float()`` waits for the device, so read them at your own cadence.

    A callback stops training by setting ``self.trainer.stop_training = True``
    (``self.stop_training = True`` is the same flag), and changes the learning rate only
    through ``self.trainer.lr_scale``. State that must survive a resume goes in
    :meth:`state_dict` (tensors, numbers, strings, lists and dicts only: it is stored
    without pickle); reset per-run state in ``on_train_begin``, as one callback may serve
    several fits.

    Example:
        >>> import torch, nnrecipe
        >>> class StopAtLoss(Callback):
        ...     def on_log(self, step, logs):
        ...         if logs["loss"] < 0.5:
        ...             self.trainer.stop_training = True
        >>> X = torch.randn(64, 4, generator=torch.Generator().manual_seed(0))
        >>> y = (X[:, 0] > 0).long()
        >>> cfg = nnrecipe.TrainConfig(epochs=50, lr=0.1, log_every=1)
        >>> result = nnrecipe.fit(torch.nn.Linear(4, 2), (X, y), config=cfg, callbacks=[StopAtLoss()], runs_dir=None)
        >>> result.stopped_early, result.history[-1]["loss"] < 0.5
        (True, True)
    """

    trainer: TrainerState  # set by set_trainer when the callback joins a run (a plain attribute: read every step)

    def set_trainer(self, trainer: TrainerState) -> None:
        self.trainer = trainer

    @property
    def stop_training(self) -> bool:
        """The trainer's one stop flag (``False`` before the callback joins a run)."""
        trainer = self.__dict__.get("trainer")
        return False if trainer is None else trainer.stop_training

    @stop_training.setter
    def stop_training(self, value: bool) -> None:
        if "trainer" not in self.__dict__:
            raise RuntimeError(f"{type(self).__name__} is not part of a run yet; set stop_training from a hook")
        self.trainer.stop_training = value

    def monitors(self) -> tuple[str, ...]:
        """Names of the logged values this callback reads; checked before the first step."""
        return ()

    def on_train_begin(self, logs: dict[str, Any]) -> None: ...
    def on_epoch_begin(self, epoch: int, logs: dict[str, Any]) -> None: ...
    def on_log(self, step: int, logs: dict[str, Any]) -> None: ...
    def on_validation_end(self, step: int, logs: dict[str, Any]) -> None: ...
    def on_epoch_end(self, epoch: int, logs: dict[str, Any]) -> None: ...
    def on_step_end(self, step: int, logs: dict[str, Any]) -> None: ...
    def on_train_end(self, logs: dict[str, Any]) -> None: ...

    def state_dict(self) -> dict[str, Any]:
        return {}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        del state


class MonitorCallback(Callback):
    """Shared base of callbacks that watch one logged value (Keras semantics).

    A validation value (``val_*``) is watched at each validation, a training value
    (``loss``) at each train row (every ``log_every`` steps); subclasses implement
    :meth:`on_monitored`. In ``mode="auto"`` the direction is the metric's declared one
    (resolved when the run starts, from the run's metrics); an undeclared name is an error
    before the first step, asking for ``mode``.

    Args:
        monitor: The logged name, e.g. ``"val_loss"`` or ``"val_accuracy"``.
        mode: ``"min"``, ``"max"``, or ``"auto"``.
        min_delta: Smallest absolute change that counts as an improvement.
    """

    def __init__(self, monitor: str, mode: ModeName, min_delta: float) -> None:
        if mode not in ("auto", "min", "max"):
            raise ValueError(f"mode must be 'auto', 'min' or 'max'; got {mode=}")
        if min_delta < 0:
            raise ValueError(f"min_delta is an absolute amount and must be >= 0; got {min_delta=}")
        self.monitor, self.requested_mode, self.min_delta = monitor, mode, min_delta
        self._resolved: Monitor | None = None

    @property
    def watch(self) -> Monitor:
        """The resolved monitor (resolved from the built-in names until a run declares more)."""
        if self._resolved is None:
            trainer = self.__dict__.get("trainer")
            directions = None if trainer is None else trainer.directions
            self._resolved = Monitor.resolve(self.monitor, self.requested_mode, directions)
        return self._resolved

    @property
    def mode(self) -> Direction:
        return self.watch.mode

    def monitors(self) -> tuple[str, ...]:
        return (self.monitor,)

    def set_trainer(self, trainer: TrainerState) -> None:
        super().set_trainer(trainer)
        self._resolved = None  # this run's metrics may declare the direction

    def is_improvement(self, value: float, reference: float | None) -> bool:
        return self.watch.is_improvement(value, reference, self.min_delta)

    def on_monitored(self, step: int, value: float) -> None:
        """Called with the monitored value each time it is logged."""

    def on_log(self, step: int, logs: dict[str, Any]) -> None:
        if not self.monitor.startswith("val_") and self.monitor in logs:
            self.on_monitored(step, float(logs[self.monitor]))

    def on_validation_end(self, step: int, logs: dict[str, Any]) -> None:
        if self.monitor.startswith("val_") and self.monitor in logs:
            self.on_monitored(step, float(logs[self.monitor]))
