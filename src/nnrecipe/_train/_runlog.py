"""What a run writes as it goes: JSONL and CSV metrics, TensorBoard event files.

Policy (one callback, :class:`RunLog`):

- ``metrics.jsonl`` is the source of truth: each train row (every ``log_every`` steps) and
  each validation row is one line, flushed at once, so a crash loses at most the line being
  written. It is only ever appended to. On resume, the rows the interrupted run wrote after
  its resume point are dropped by writing the rows to keep to a temporary file renamed over
  it: never truncated in place, so a kill at any instant leaves every earlier row.
- ``metrics.csv`` is regenerated from the JSONL at the end of the run, atomically.
- TensorBoard (if asked) gets each row's values; the learning rate once per step at every
  step where it changes, with the point just before the change, and at the last step, so
  the curve is exact and a constant rate costs two points; weight and gradient histograms
  at each validation (or every ``histogram_every`` steps); the hyperparameters at the end.
  On resume, events after the resume step are hidden (``purge_step``), the point at the
  resume step is kept.

A write that fails (full or read-only disk) stops the run with one :class:`RunError`.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import math
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any

import torch

from .._core._files import atomic_write_text
from ..callbacks import Callback
from ._checkpoint import writing
from ._runs import METRICS, read_metrics

__all__ = ["RunLog", "write_csv"]

log = logging.getLogger(__name__)


class RunLog(Callback):
    """Writes rows to ``metrics.jsonl`` / ``metrics.csv`` and TensorBoard events in ``run_dir``.

    Args:
        run_dir: The run folder.
        tensorboard: Also write TensorBoard event files.
        histogram_every: Histograms every this many steps; ``None``: at each validation.
        hparams: The hyperparameters recorded in TensorBoard at the end.
    """

    def __init__(self, run_dir: Path, *, tensorboard: bool, histogram_every: int | None, hparams: Mapping[str, Any]) -> None:
        self.run_dir, self.tensorboard, self.histogram_every, self.hparams = run_dir, tensorboard, histogram_every, hparams
        self._file: IO[str] | None = None
        self._tb: Any = None

    def on_train_begin(self, logs: dict[str, Any]) -> None:
        path = self.run_dir / METRICS
        resume_step = self.trainer.step
        with writing(path):
            if resume_step > 0:
                kept = [r for r in read_metrics(self.run_dir) if r.get("step", 0) <= resume_step]
                atomic_write_text(path, "".join(json.dumps(r) + "\n" for r in kept))
            self._file = open(path, "a")  # noqa: SIM115 - open for the run, closed by close()
        self._lr: float | None = None
        self._lr_step = -1
        self._last_val: dict[str, Any] = {}
        if self.tensorboard:
            try:
                from torch.utils.tensorboard import SummaryWriter
            except ImportError:  # pragma: no cover - tensorboard is a dependency
                log.warning("tensorboard is not installed; no event files (pip install tensorboard)")
            else:
                # Events at steps >= purge_step from an interrupted run are hidden: keep the resume step's.
                self._tb = SummaryWriter(str(self.run_dir / "tensorboard"), purge_step=resume_step + 1 if resume_step else None)

    def _row(self, row: Mapping[str, Any]) -> None:
        assert self._file is not None
        with writing(self.run_dir / METRICS):
            self._file.write(json.dumps(row) + "\n")
            self._file.flush()
        if self._tb is not None:
            step = int(row["step"])
            for key, value in row.items():
                if key not in ("step", "epoch", "time", "lr") and isinstance(value, (int, float)):
                    self._tb.add_scalar(_tb_tag(key), value, step)

    def on_log(self, step: int, logs: dict[str, Any]) -> None:
        self._row(logs)

    def on_validation_end(self, step: int, logs: dict[str, Any]) -> None:
        self._row(logs)
        self._last_val = logs
        if self.histogram_every is None:
            self._histograms(step)

    def on_step_end(self, step: int, logs: dict[str, Any]) -> None:
        lr = self.trainer.lr
        if self._tb is not None and lr != self._lr:
            if self._lr is not None and self._lr_step != step - 1:
                self._tb.add_scalar("train/lr", self._lr, step - 1)  # the end of the previous level
            self._tb.add_scalar("train/lr", lr, step)
            self._lr_step = step
        self._lr = lr
        if self.histogram_every and step % self.histogram_every == 0:
            self._histograms(step)

    def _histograms(self, step: int) -> None:
        if self._tb is None:
            return
        for name, p in self.trainer.model.named_parameters():
            self._tb.add_histogram(f"weights/{name}", p.detach().float().cpu(), step)
            if p.grad is not None and torch.isfinite(p.grad).all():
                self._tb.add_histogram(f"gradients/{name}", p.grad.detach().float().cpu(), step)

    def on_train_end(self, logs: dict[str, Any]) -> None:
        if self._tb is not None:
            step = self.trainer.step
            if self._lr is not None and self._lr_step != step:
                self._tb.add_scalar("train/lr", self._lr, step)
            self._hparams()
        self.close()

    def _hparams(self) -> None:
        from torch.utils.tensorboard.summary import hparams as hparams_summary

        clean = {k: v if isinstance(v, (int, float, str, bool)) else str(v) for k, v in self.hparams.items()}
        metrics = {k: v for k, v in self._last_val.items() if k.startswith("val_")}
        finite = {k: v for k, v in metrics.items() if isinstance(v, float) and math.isfinite(v)}
        # Written into this run's own event file (SummaryWriter.add_hparams makes a sub-run).
        writer = self._tb._get_file_writer()
        for summary in hparams_summary(clean, {f"hparam/{k}": v for k, v in finite.items()}):
            writer.add_summary(summary)
        for k, v in finite.items():
            self._tb.add_scalar(f"hparam/{k}", v)

    def close(self) -> None:
        """Close the files (also after a crash: the trainer calls it); safe to call twice."""
        if self._file is not None:
            self._file.close()
            self._file = None
            write_csv(self.run_dir)
        if self._tb is not None:
            self._tb.close()
            self._tb = None


def _tb_tag(key: str) -> str:
    if key.startswith("val_"):
        return f"val/{key[4:]}"
    return f"train/{key}"


def write_csv(run_dir: Path) -> None:
    """``metrics.csv`` with one column per key ever logged, regenerated atomically from the JSONL."""
    rows = read_metrics(run_dir)
    columns: dict[str, None] = {}
    for r in rows:
        columns.update(dict.fromkeys(r))
    text = io.StringIO(newline="")
    writer = csv.DictWriter(text, fieldnames=list(columns))
    writer.writeheader()
    writer.writerows(rows)
    with writing(run_dir / "metrics.csv"):
        atomic_write_text(run_dir / "metrics.csv", text.getvalue())
