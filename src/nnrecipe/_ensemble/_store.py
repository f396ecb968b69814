"""Storing a run's validation and test predictions, from the weights that scored its objective.

Runs this at the end of every :func:`~nnrecipe.fit_experiment` (each ``nnrecipe fit`` run
and each tuning trial), so an ensemble never retrains. The weights are the retrospective
best checkpoint: the ``weights/best.safetensors`` a :class:`~nnrecipe.callbacks.ModelCheckpoint`
kept for its monitor (a tuning trial's is its goal metric), whose validation value is the
run's objective. A run without a ModelCheckpoint has only its final weights (its last
resume checkpoint), and its predictions say so (``monitor: null``).

Cost: one pass over the validation and test splits at the end of a run. A failure here is
logged and never fails the run, whose weights and logs are already safe.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import torch

from .._core._data import as_source
from .._core._device import resolve_device
from .._core._errors import CheckpointError, ConfigError
from .._core._experiment import Experiment
from .._core._losses import resolve_loss
from .._core._task import infer_task
from .._train._checkpoint import latest_checkpoint
from .._train._runs import read_run_config
from .._train._trainer import FitResult
from ..callbacks import Callback, ModelCheckpoint
from ._predictions import FOLDER, Predictions, read_predictions, sha256_file, write_predictions
from ._rebuild import predict_split, rebuild_model, run_experiment

__all__ = ["read_result", "store_fit_predictions", "store_predictions"]

log = logging.getLogger(__name__)

BEST = Path("weights") / "best.safetensors"


@dataclasses.dataclass(frozen=True)
class _Weights:
    path: Path  # relative to the run folder
    step: int | None
    monitor: str | None
    value: float | None


def store_fit_predictions(result: FitResult, experiment: Experiment, callbacks: Sequence[Callback]) -> Path | None:
    """The last step of ``fit_experiment``: store the run's predictions; never raises.

    Returns:
        The predictions folder, or ``None`` (no run folder, a diverged run, or a failure,
        which is logged with the way to store them later).
    """
    if result.run_dir is None or result.diverged or experiment.val is None:
        return None  # nothing to store, or nothing an ensemble could select on
    try:
        weights = _fit_weights(result.run_dir, result, callbacks)
        device = next(iter(result.model.parameters()), torch.zeros(())).device
        return _store(result.run_dir, experiment, weights, result.steps, device).run_dir / FOLDER
    except Exception as e:  # noqa: BLE001 - the run is complete and saved; its predictions are an extra
        log.warning(
            "run %s: its predictions were not stored (%s: %s); store them later with `nnrecipe ensemble --store-missing %s`",
            result.run_dir, type(e).__name__, e, result.run_dir,
        )
        return None


def store_predictions(run_dir: str | Path, *, experiment: Experiment | None = None) -> Predictions:
    """Store the predictions of a run trained before runs stored them (or whose store failed).

    The weights are the run's ``weights/best.safetensors`` when it kept one, else its final
    weights; the model is rebuilt from ``experiment`` (default: the experiment file the run
    recorded) and the run's recorded hyperparameters.

    Raises:
        CheckpointError: ``run_dir`` is no run folder, or it kept no weights.
        ConfigError: The experiment cannot be loaded or no longer fits the weights.

    Example:
        >>> store_predictions("runs/mnist1d-cnn-20261201-141500")  # doctest: +SKIP
    """
    run_dir = Path(run_dir)
    read_run_config(run_dir)  # a clear error when it is no run folder
    result = read_result(run_dir)
    if result.get("diverged"):
        raise CheckpointError(f"run {run_dir} diverged; its weights are not a model worth an ensemble")
    experiment = run_experiment(run_dir, experiment)
    return _store(run_dir, experiment, _folder_weights(run_dir, result), result.get("steps"), resolve_device("auto"))


def _store(run_dir: Path, experiment: Experiment, weights: _Weights, steps: int | None, device: torch.device) -> Predictions:
    if experiment.val is None:
        raise ConfigError(f"experiment {experiment.name!r} has no validation split; an ensemble is selected on validation predictions")
    model = rebuild_model(experiment, run_dir, run_dir / weights.path).to(device)
    _, loss = resolve_loss(experiment.loss)
    val = as_source(experiment.val, name="val")
    task = infer_task(val.head(256)[1], experiment.loss, experiment.task)
    pred, targets, rule = predict_split(model, val, task, loss)
    predicted = {"val": (pred, targets)}
    if experiment.test is not None:
        pred, targets, _ = predict_split(model, as_source(experiment.test, name="test"), task, loss, rule)
        predicted["test"] = (pred, targets)
    info = {
        "rule": rule.to_dict(), "loss": loss, "monitor": weights.monitor, "monitor_value": weights.value,
        "step": weights.step, "steps": steps, "weights": weights.path.as_posix(),
        "weights_sha256": sha256_file(run_dir / weights.path), "experiment": experiment.source,
    }
    write_predictions(run_dir, info, predicted)
    return read_predictions(run_dir)


def _fit_weights(run_dir: Path, result: FitResult, callbacks: Sequence[Callback]) -> _Weights:
    kept = [cb for cb in callbacks if isinstance(cb, ModelCheckpoint) and cb.best_step >= 0]
    kept.sort(key=lambda cb: cb.monitor != result.monitor)  # the run's own monitor first
    if kept and (run_dir / BEST).is_file():
        cb = kept[0]
        # best_step >= 0 means a value was kept, so best is set
        return _Weights(BEST, int(cb.best_step), cb.monitor, float(cb.best if cb.best is not None else "nan"))
    return _final(run_dir, result.steps)


def _folder_weights(run_dir: Path, result: dict[str, Any]) -> _Weights:
    if (run_dir / BEST).is_file():
        index = _read_json(run_dir / "weights" / "index.json")
        monitor = index.get("monitor") or result.get("monitor")
        step = index.get("best_step", result.get("best_step"))
        best = result.get("best") or {}
        value = best.get(monitor) if best.get("step") == step else None
        return _Weights(BEST, step, monitor, value)
    return _final(run_dir, result.get("steps"))


def _final(run_dir: Path, steps: int | None) -> _Weights:
    ckpt = latest_checkpoint(run_dir / "checkpoints")
    if ckpt is None or not (ckpt / "model.safetensors").is_file():
        raise CheckpointError(f"run {run_dir} kept no weights (no weights/best.safetensors, no checkpoint); re-run it")
    return _Weights((ckpt / "model.safetensors").relative_to(run_dir), steps, None, None)


def read_result(run_dir: Path) -> dict[str, Any]:
    """The run's ``result.json`` (empty when it has none: it never finished, or it is unreadable)."""
    return _read_json(Path(run_dir) / "result.json")


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}
