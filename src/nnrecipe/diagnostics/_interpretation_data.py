"""What the model gets right and wrong after training, as typed data (what the report draws)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

import numpy as np
import torch

from ._data import _np

__all__ = ["ClassMetrics", "InterpretationData", "Scatter", "TopLosses", "interpretation_data", "interpretation_files"]

_TOP_FIELDS = ("indices", "losses", "targets", "predicted", "confidence", "inputs")  # TopLosses' arrays


@dataclasses.dataclass(frozen=True, eq=False)
class ClassMetrics:
    """Per class: precision, recall and F1 (NaN where undefined: never predicted, or absent),
    and support (examples, or positions for sequences, of the class)."""

    precision: np.ndarray
    recall: np.ndarray
    f1: np.ndarray
    support: np.ndarray


@dataclasses.dataclass(frozen=True, eq=False)
class TopLosses:
    """The examples with the highest loss, worst first.

    Attributes:
        indices: Position of each in the split (in the order it is read).
        losses: Each one's loss.
        targets / predicted: Its target and the predicted class (classification: ``-1`` for
            sequences) or the first predicted values (regression).
        confidence: The probability of the predicted class (NaN for regression).
        inputs: The inputs, as the model got them, downsampled to at most 64 x 64 pixels
            per image or 4096 values; ``input_shape`` is one example's full shape.
    """

    indices: np.ndarray
    losses: np.ndarray
    targets: np.ndarray
    predicted: np.ndarray
    confidence: np.ndarray
    inputs: np.ndarray
    input_shape: tuple[int, ...]


@dataclasses.dataclass(frozen=True, eq=False)
class Scatter:
    """Regression: predictions against targets for up to 2,000 examples spread over the split
    (``(points, outputs)`` each, the first outputs), and errors over all of it."""

    predicted: np.ndarray
    targets: np.ndarray
    mae: float
    rmse: float
    r2: float


@dataclasses.dataclass(frozen=True, eq=False)
class InterpretationData:
    """The model after training, on the whole validation split.

    Attributes:
        task: The task kind; ``split`` the split (``val``); ``examples`` its size.
        weights: ``"best"`` (the run's ``weights/best.safetensors``, kept by a
            ModelCheckpoint for ``monitor`` at ``step``) or ``"final"`` (the weights at the
            end of training, ``step`` its last).
        classes: Number of classes (2 for binary targets), or ``None`` for regression.
        accuracy: Share of right predictions (of positions, for sequences).
        confusion: ``(classes, classes)`` counts, rows true and columns predicted (for up to
            100 classes; ``None`` above, where ``confused`` still lists the worst pairs).
        per_class: Precision, recall, F1 and support per class.
        confused: ``(true, predicted, count)`` of the most frequent mistakes, most first.
        top_losses: The worst examples.
        scatter: Regression's predictions against targets.
    """

    task: str
    split: str
    examples: int
    weights: str
    step: int
    monitor: str | None
    classes: int | None
    accuracy: float | None
    confusion: np.ndarray | None
    per_class: ClassMetrics | None
    confused: tuple[tuple[int, int, int], ...]
    top_losses: TopLosses
    scatter: Scatter | None


def interpretation_data(meta: Mapping[str, Any], arrays: Mapping[str, torch.Tensor]) -> InterpretationData:
    get = (lambda k: _np(arrays[k]) if k in arrays else None)
    per_class = ClassMetrics(*(_np(arrays[k]) for k in ("precision", "recall", "f1", "support"))) if "support" in arrays else None
    top = TopLosses(**{k: _np(arrays[f"top_{k}"]) for k in _TOP_FIELDS}, input_shape=tuple(meta["input_shape"]))
    scatter = None
    if "scatter_predicted" in arrays:
        e = meta["errors"]
        scatter = Scatter(_np(arrays["scatter_predicted"]), _np(arrays["scatter_targets"]), float(e["mae"]), float(e["rmse"]), float(e["r2"]))
    return InterpretationData(
        task=str(meta["task"]), split=str(meta["split"]), examples=int(meta["examples"]), weights=str(meta["weights"]),
        step=int(meta["step"]), monitor=meta.get("monitor"), classes=meta.get("classes"), accuracy=meta.get("accuracy"),
        confusion=get("confusion"), per_class=per_class, confused=tuple(tuple(int(v) for v in c) for c in meta["confused"]),  # type: ignore[misc]
        top_losses=top, scatter=scatter,
    )


def interpretation_files(data: InterpretationData) -> tuple[dict[str, Any], dict[str, torch.Tensor]]:
    """The inverse of :func:`interpretation_data`: JSON data and arrays to store."""
    t = data.top_losses
    meta: dict[str, Any] = {
        "task": data.task, "split": data.split, "examples": data.examples, "weights": data.weights, "step": data.step,
        "monitor": data.monitor, "classes": data.classes, "accuracy": data.accuracy, "confused": [list(c) for c in data.confused],
        "input_shape": list(t.input_shape),
    }
    arrays = {f"top_{k}": torch.from_numpy(np.array(getattr(t, k))) for k in _TOP_FIELDS}
    if data.confusion is not None:
        arrays["confusion"] = torch.from_numpy(np.array(data.confusion))
    if data.per_class is not None:
        arrays.update({k: torch.from_numpy(np.array(getattr(data.per_class, k))) for k in ("precision", "recall", "f1", "support")})
    if data.scatter is not None:
        s = data.scatter
        arrays["scatter_predicted"], arrays["scatter_targets"] = torch.from_numpy(np.array(s.predicted)), torch.from_numpy(np.array(s.targets))
        meta["errors"] = {"mae": s.mae, "rmse": s.rmse, "r2": s.r2}
    return meta, arrays
