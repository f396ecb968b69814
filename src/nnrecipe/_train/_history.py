"""Every logged row of a run, kept in memory for its :class:`FitResult`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..callbacks import Callback
from ._runs import read_metrics

__all__ = ["History"]


class History(Callback):
    """Collects train rows and validation rows in order (Keras' ``History``).

    A resumed run starts from the rows its folder holds up to the resume step.

    Args:
        run_dir: The run folder to read earlier rows from when resuming, or ``None``.
    """

    def __init__(self, run_dir: Path | None) -> None:
        self.run_dir = run_dir
        self.rows: list[dict[str, Any]] = []

    def on_train_begin(self, logs: dict[str, Any]) -> None:
        step = self.trainer.step
        earlier = read_metrics(self.run_dir) if self.run_dir is not None and step > 0 else []
        self.rows = [r for r in earlier if r.get("step", 0) <= step]

    def on_log(self, step: int, logs: dict[str, Any]) -> None:
        self.rows.append(logs)

    def on_validation_end(self, step: int, logs: dict[str, Any]) -> None:
        self.rows.append(logs)

    @property
    def last_validation(self) -> dict[str, Any] | None:
        return next((r for r in reversed(self.rows) if "val_loss" in r), None)
