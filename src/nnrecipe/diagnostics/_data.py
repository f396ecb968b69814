"""What the diagnostics recorded during training, as typed data (what the report draws).

Each diagnostic's files (``<run>/diagnostics/<kind>.json`` and ``.safetensors``) read into
one frozen dataclass of NumPy arrays; a callback's ``data()`` gives the same object from
memory. Arrays are indexed ``[record, ...]`` and ``steps[record]`` is the optimizer step
each record was taken after (0: the model as initialised).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

import numpy as np
import torch

__all__ = ["ActivationData", "FirstLayerData", "NormData", "PredictionData", "activation_data", "first_layer_data", "norm_data", "prediction_data"]


def _np(t: torch.Tensor) -> np.ndarray:
    a = t.detach().cpu().numpy()
    a.setflags(write=False)
    return a


@dataclasses.dataclass(frozen=True, eq=False)
class PredictionData:
    """Predictions on a fixed batch over training.

    Attributes:
        task: ``classification``, ``binary``, ``autoregressive`` or ``regression``.
        split: Where the fixed batch comes from (``val``, or ``train`` without validation data).
        steps: ``(records,)`` the step of each record; ``cadence`` the final spacing.
        p_true: ``(records, examples)`` probability of the true class (mean over positions
            for sequences); ``None`` for regression.
        correct: ``(records, examples)`` 1 when right (the share of right positions for sequences).
        top: ``(records, examples)`` the predicted class, when there is one per example.
        value: ``(records, examples, outputs)`` for regression: the first outputs.
        targets: One target per example (the first values of each for regression).
        classes: The number of classes, when there are classes.
    """

    task: str
    split: str
    steps: np.ndarray
    cadence: int
    p_true: np.ndarray | None
    correct: np.ndarray | None
    top: np.ndarray | None
    value: np.ndarray | None
    targets: tuple[Any, ...]
    classes: int | None

    @property
    def examples(self) -> int:
        return len(self.targets)


def prediction_data(meta: Mapping[str, Any], arrays: Mapping[str, torch.Tensor]) -> PredictionData:
    get = (lambda k: _np(arrays[k]) if k in arrays else None)
    return PredictionData(
        task=str(meta["task"]), split=str(meta["split"]), steps=_np(arrays["steps"]), cadence=int(meta["cadence"]),
        p_true=get("p_true"), correct=get("correct"), top=get("top"), value=get("value"),
        targets=tuple(tuple(t) if isinstance(t, list) else t for t in meta["targets"]), classes=meta.get("classes"),
    )


@dataclasses.dataclass(frozen=True, eq=False)
class ActivationData:
    """Activation statistics per layer over training.

    Attributes:
        layers: Layer names in forward order (``act#2``: a module's second call).
        families: Each layer's activation family (``rectifier``, ``tanh``, ``sigmoid``, or
            ``none`` for a parametrised layer's raw output).
        steps: ``(records,)``; ``cadence`` the final spacing.
        stats: ``(records, layers, 4)``: mean, std, saturated share, dead share (NaN where
            undefined: family ``none``).
        split: Where the fixed batch comes from; ``examples`` its size.
    """

    layers: tuple[str, ...]
    families: tuple[str, ...]
    steps: np.ndarray
    cadence: int
    stats: np.ndarray
    split: str
    examples: int

    def stat(self, name: str) -> np.ndarray:
        """``(records, layers)`` of ``mean``, ``std``, ``saturated`` or ``dead``."""
        names = ("mean", "std", "saturated", "dead")
        if name not in names:
            raise ValueError(f"unknown statistic {name!r}; one of {names}")
        return self.stats[:, :, names.index(name)]


def activation_data(meta: Mapping[str, Any], arrays: Mapping[str, torch.Tensor]) -> ActivationData:
    return ActivationData(
        layers=tuple(meta["layers"]), families=tuple(meta["families"]), steps=_np(arrays["steps"]), cadence=int(meta["cadence"]),
        stats=_np(arrays["stats"]), split=str(meta["split"]), examples=int(meta["examples"]),
    )


@dataclasses.dataclass(frozen=True, eq=False)
class NormData:
    """Gradient, update and weight norms per layer, and the learning rate, over training.

    Attributes:
        layers: Modules holding parameters, in registration order.
        steps: ``(records,)``; ``cadence`` the final spacing.
        grad: ``(records, layers)`` L2 norm of the layer's gradient at that step.
        update: ``(records, layers)`` L2 norm of the change one optimizer step made.
        weight: ``(records, layers)`` L2 norm of the layer's parameters after the step.
        lr: ``(records,)`` the learning rate of that step.
    """

    layers: tuple[str, ...]
    steps: np.ndarray
    cadence: int
    grad: np.ndarray
    update: np.ndarray
    weight: np.ndarray
    lr: np.ndarray

    @property
    def ratio(self) -> np.ndarray:
        """``(records, layers)`` update / weight norm: about 1e-3 is healthy (Karpathy)."""
        with np.errstate(divide="ignore", invalid="ignore"):
            return self.update / self.weight


def norm_data(meta: Mapping[str, Any], arrays: Mapping[str, torch.Tensor]) -> NormData:
    return NormData(
        layers=tuple(meta["layers"]), steps=_np(arrays["steps"]), cadence=int(meta["cadence"]), grad=_np(arrays["grad"]),
        update=_np(arrays["update"]), weight=_np(arrays["weight"]), lr=_np(arrays["lr"]),
    )


@dataclasses.dataclass(frozen=True, eq=False)
class FirstLayerData:
    """Snapshots of the first layer's weights, to be drawn as pictures.

    Attributes:
        layer: The module's name; ``kind`` ``linear``, ``conv1d``, ``conv2d`` or ``conv3d``.
        weight_shape: The full weight's shape (``(out, in, k)`` for a conv1d).
        input_shape: One example's shape as the model gets it.
        steps: ``(snapshots,)`` when each was taken.
        weights: ``(snapshots, rows, *weight_shape[1:])``: the first ``rows`` filters (conv)
            or rows (linear) of the weight, float32.
        rows_total: How many the layer has (``weights`` holds the first ones).
    """

    layer: str
    kind: str
    weight_shape: tuple[int, ...]
    input_shape: tuple[int, ...]
    steps: np.ndarray
    weights: np.ndarray
    rows_total: int


def first_layer_data(meta: Mapping[str, Any], arrays: Mapping[str, torch.Tensor]) -> FirstLayerData:
    return FirstLayerData(
        layer=str(meta["layer"]), kind=str(meta["layer_kind"]), weight_shape=tuple(meta["weight_shape"]),
        input_shape=tuple(meta["input_shape"]), steps=_np(arrays["steps"]), weights=_np(arrays["weights"].float()),
        rows_total=int(meta["rows_total"]),
    )
