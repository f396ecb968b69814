"""What a run writes as it goes: JSONL and CSV metrics, TensorBoard event files.

JSONL is the source of truth (one flushed line per row, so a crash loses at most the line
being written); CSV is regenerated from it; TensorBoard gets scalars, weight and gradient
histograms and the hyperparameters, through PyTorch's writer (no TensorFlow needed).
"""

from __future__ import annotations

import csv
import json
import logging
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import torch
from torch import nn

from ._runs import METRICS, read_metrics

__all__ = ["RunLog"]

log = logging.getLogger(__name__)


class RunLog:
    """Writes rows to ``metrics.jsonl`` and, if asked, TensorBoard events in ``run_dir``.

    Args:
        run_dir: The run folder.
        tensorboard: Also write TensorBoard event files.
        resume_step: When resuming, rows after this step (written by the interrupted run
            after its last checkpoint) are dropped so that the curve has no duplicates.
    """

    def __init__(self, run_dir: Path, *, tensorboard: bool, resume_step: int | None = None) -> None:
        self.run_dir = run_dir
        path = run_dir / METRICS
        if resume_step is not None:
            kept = [r for r in read_metrics(run_dir) if r.get("step", 0) <= resume_step]
            path.write_text("".join(json.dumps(r) + "\n" for r in kept))
        self._file = open(path, "a")
        self._tb: Any = None
        if tensorboard:
            try:
                from torch.utils.tensorboard import SummaryWriter
            except ImportError:  # pragma: no cover - tensorboard is a dependency
                log.warning("tensorboard is not installed; no event files (pip install tensorboard)")
            else:
                self._tb = SummaryWriter(str(run_dir / "tensorboard"), purge_step=resume_step)

    def row(self, row: Mapping[str, Any]) -> None:
        self._file.write(json.dumps(row) + "\n")
        self._file.flush()
        if self._tb is not None:
            step = int(row["step"])
            for key, value in row.items():
                if key not in ("step", "epoch", "time") and isinstance(value, (int, float)):
                    self._tb.add_scalar(_tb_tag(key), value, step)

    def scalar(self, key: str, value: float, step: int) -> None:
        """A TensorBoard-only point (the learning rate between logged rows)."""
        if self._tb is not None:
            self._tb.add_scalar(_tb_tag(key), value, step)

    def histograms(self, model: nn.Module, step: int) -> None:
        if self._tb is None:
            return
        for name, p in model.named_parameters():
            self._tb.add_histogram(f"weights/{name}", p.detach().float().cpu(), step)
            if p.grad is not None and torch.isfinite(p.grad).all():
                self._tb.add_histogram(f"gradients/{name}", p.grad.detach().float().cpu(), step)

    def hparams(self, hparams: Mapping[str, Any], metrics: Mapping[str, float]) -> None:
        if self._tb is None:
            return
        from torch.utils.tensorboard.summary import hparams as hparams_summary

        clean = {k: v if isinstance(v, (int, float, str, bool)) else str(v) for k, v in hparams.items()}
        finite = {k: v for k, v in metrics.items() if isinstance(v, float) and math.isfinite(v)}
        # Written into this run's own event file (SummaryWriter.add_hparams makes a sub-run).
        writer = self._tb._get_file_writer()
        for summary in hparams_summary(clean, {f"hparam/{k}": v for k, v in finite.items()}):
            writer.add_summary(summary)
        for k, v in finite.items():
            self._tb.add_scalar(f"hparam/{k}", v)

    def close(self) -> None:
        self._file.close()
        if self._tb is not None:
            self._tb.close()
        write_csv(self.run_dir)


def _tb_tag(key: str) -> str:
    if key.startswith("val_"):
        return f"val/{key[4:]}"
    return f"train/{key}"


def write_csv(run_dir: Path) -> None:
    """``metrics.csv`` with one column per key ever logged, regenerated from the JSONL."""
    rows = read_metrics(run_dir)
    columns: dict[str, None] = {}
    for r in rows:
        columns.update(dict.fromkeys(r))
    with open(run_dir / "metrics.csv", "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(columns))
        writer.writeheader()
        writer.writerows(rows)
