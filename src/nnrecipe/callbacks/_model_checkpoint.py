from __future__ import annotations

import json
import logging
import math
from pathlib import Path
from typing import Any

from safetensors.torch import save_model

from .._core._files import atomic_path, atomic_write_text
from .._core._monitor import ModeName, Monitor
from .._train._checkpoint import writing
from .._train._runs import read_metrics, read_run_config
from ._base import MonitorCallback

__all__ = ["ModelCheckpoint", "best_checkpoint"]

log = logging.getLogger(__name__)

INDEX = "index.json"


class ModelCheckpoint(MonitorCallback):
    """Keep the weights of the best validations (top-k), the best, and the last.

    Weights are written in safetensors, each file under a temporary name then renamed.
    Files go to ``<run>/weights/``: ``step-00000120.safetensors`` for each kept
    validation, ``best.safetensors`` and ``last.safetensors``. ``index.json`` lists the
    kept steps with their monitored value. With ``save_top_k=-1`` every validation is
    kept, so :func:`best_checkpoint` can pick the best step afterwards for any metric.

    Keras semantics for what counts as "best" (``min_delta``, ``initial_value_threshold``:
    a value must beat it to be saved as best or kept). Deliberate differences from Keras:
    weights are saved at validations (every epoch, or every ``val_every`` steps; Keras'
    ``save_freq`` in batches is ``TrainConfig.val_every``), several files are kept instead of
    one ``filepath``, and a monitor that is never logged is an error before the first step
    (Keras warns and saves anyway). The optimizer state lives in the resume points
    (``<run>/checkpoints``), not here.

    Args:
        monitor: Value that ranks checkpoints.
        mode: ``"auto"``, ``"min"`` or ``"max"``.
        save_top_k: Validations to keep (1 is "best only"; -1 keeps all; 0 keeps none).
        save_last: Also keep the final weights.
        min_delta: Smallest absolute change that makes a new best.
        initial_value_threshold: A value must beat this to count (``None``: any value).

    Example:
        >>> import tempfile, torch, nnrecipe
        >>> from nnrecipe.callbacks import ModelCheckpoint
        >>> X, y = torch.randn(64, 4), torch.randint(0, 2, (64,))
        >>> keep = ModelCheckpoint(monitor="val_accuracy", save_top_k=2)
        >>> result = nnrecipe.fit(torch.nn.Linear(4, 2), (X, y), val=(X, y), callbacks=[keep],
        ...                       config=nnrecipe.TrainConfig(epochs=3), runs_dir=tempfile.mkdtemp())
        >>> sorted(p.name for p in (result.run_dir / "weights").glob("*.safetensors"))[:2]
        ['best.safetensors', 'last.safetensors']
    """

    def __init__(
        self,
        monitor: str = "val_loss",
        *,
        mode: ModeName = "auto",
        save_top_k: int = 1,
        save_last: bool = True,
        min_delta: float = 0.0,
        initial_value_threshold: float | None = None,
    ) -> None:
        super().__init__(monitor, mode, min_delta)
        if save_top_k < -1:
            raise ValueError(f"save_top_k must be -1 (all), 0 or positive; got {save_top_k=}")
        self.save_top_k, self.save_last, self.threshold = save_top_k, save_last, initial_value_threshold
        self.on_train_begin({})

    def on_train_begin(self, logs: dict[str, Any]) -> None:
        self.kept: list[list[Any]] = []  # [step, value] pairs, best first
        self.best, self.best_step = self.threshold, -1

    @property
    def folder(self) -> Path | None:
        return None if self.trainer.run_dir is None else self.trainer.run_dir / "weights"

    def _write(self, name: str) -> None:
        assert self.folder is not None
        with writing(self.folder / name):
            self.folder.mkdir(exist_ok=True)
            with atomic_path(self.folder / name) as tmp:
                save_model(self.trainer.model, str(tmp))

    def on_monitored(self, step: int, value: float) -> None:
        if self.folder is None or not math.isfinite(value):
            return
        if self.threshold is not None and not self.is_improvement(value, self.threshold):
            return
        if self.is_improvement(value, self.best):
            self.best, self.best_step = value, step
            self._write("best.safetensors")
        if self.save_top_k == 0:
            return
        self.kept.append([step, value])
        self.kept.sort(key=lambda sv: -sv[1] if self.mode == "max" else sv[1])
        if self.save_top_k != -1 and len(self.kept) > self.save_top_k:
            dropped = self.kept.pop()
            if dropped[0] == step:
                self._save_index()
                return
            (self.folder / _name(dropped[0])).unlink(missing_ok=True)
        self._write(_name(step))
        self._save_index()

    def _save_index(self) -> None:
        assert self.folder is not None
        index = {"monitor": self.monitor, "mode": self.mode, "kept": self.kept, "best_step": self.best_step}
        with writing(self.folder / INDEX):
            atomic_write_text(self.folder / INDEX, json.dumps(index))

    def on_train_end(self, logs: dict[str, Any]) -> None:
        # The step never applies a non-finite update, so the final weights are always usable.
        if self.folder is not None and self.save_last:
            self._write("last.safetensors")

    def state_dict(self) -> dict[str, Any]:
        return {"kept": self.kept, "best": self.best, "best_step": self.best_step}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.kept, self.best, self.best_step = state["kept"], state["best"], state["best_step"]
        # Drop files written after the checkpoint we resume from: they will be written again.
        if self.folder is not None and self.folder.exists():
            steps = {s for s, _ in self.kept}
            for path in self.folder.glob("step-*.safetensors"):
                if int(path.stem.split("-")[1]) not in steps:
                    path.unlink()


def _name(step: int) -> str:
    return f"step-{step:08d}.safetensors"


def best_checkpoint(run_dir: str | Path, monitor: str = "val_loss", mode: ModeName = "auto") -> tuple[int, float, Path | None]:
    """Choose the best step retrospectively from the logged curve.

    Reads ``metrics.jsonl`` and returns the step with the best ``monitor``, its value, and
    the weights file of that step if one was kept (``None`` otherwise: keep more with
    ``ModelCheckpoint(save_top_k=-1)``). In ``mode="auto"`` the direction is the one the
    run's metric declared (recorded in its ``config.json``).

    Raises:
        ValueError: ``monitor`` was never logged in this run.
        ConfigError: ``mode="auto"`` and the metric declares no direction.

    Example:
        >>> import tempfile, torch, nnrecipe
        >>> X, y = torch.randn(64, 4), torch.randint(0, 2, (64,))
        >>> run = nnrecipe.fit(torch.nn.Linear(4, 2), (X, y), val=(X, y), config=nnrecipe.TrainConfig(epochs=3),
        ...                    callbacks=[ModelCheckpoint(save_top_k=-1)], runs_dir=tempfile.mkdtemp()).run_dir
        >>> step, value, path = best_checkpoint(run, "val_loss")
        >>> path.name == f"step-{step:08d}.safetensors"
        True
    """
    run_dir = Path(run_dir)
    rows = read_metrics(run_dir)
    directions = read_run_config(run_dir).get("directions") if (run_dir / "config.json").is_file() else None
    best = Monitor.resolve(monitor, mode, directions).best(rows)
    if best is None:
        names = sorted({k for r in rows for k in r})
        raise ValueError(f"{monitor!r} was never logged in {run_dir}; logged names: {names}")
    path: Path | None = run_dir / "weights" / _name(int(best["step"]))
    if path is None or not path.exists():
        ckpt = run_dir / "checkpoints" / f"step-{int(best['step']):08d}" / "model.safetensors"
        path = ckpt if ckpt.exists() else None
    return int(best["step"]), float(best[monitor]), path
