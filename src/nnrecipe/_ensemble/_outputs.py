"""What a model's outputs become before they are averaged: class probabilities, or values.

An ensemble averages probabilities, never logits: the mean of two confident softmaxes is a
calibrated vote, the mean of their logits is another model. The rule is read once from the
loss and the first batch (where the classes are, what one example's prediction looks like),
stored with the predictions, and applied again when a saved ensemble predicts new inputs.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Literal

import torch

from .._core._task import TaskKind

__all__ = ["OutputRule", "Transform"]

Transform = Literal["softmax", "exp", "sigmoid", "identity"]
_CLASS_TASKS = ("classification", "autoregressive")


@dataclasses.dataclass(frozen=True)
class OutputRule:
    """How one model's raw outputs turn into the per-example predictions an ensemble averages.

    Attributes:
        task: The task kind.
        transform: ``softmax`` (logits of classes), ``exp`` (log-probabilities, the ``nll``
            loss), ``sigmoid`` (binary logits), ``identity`` (probabilities already, or values).
        classes_dim: Where the model puts the classes: ``-1``, or ``1`` for dense predictions
            (``(batch, classes, H, W)``); predictions are stored with the classes last.
        example_shape: The shape of one example's prediction (``(10,)`` for 10 classes).

    Example:
        >>> rule = OutputRule.infer(torch.zeros(4, 3), torch.zeros(4, dtype=torch.long), "classification", "cross_entropy")
        >>> rule.apply(torch.zeros(2, 3)).tolist()[0]
        [0.3333333432674408, 0.3333333432674408, 0.3333333432674408]
    """

    task: TaskKind
    transform: Transform
    classes_dim: int
    example_shape: tuple[int, ...]

    @property
    def output(self) -> Literal["probabilities", "values"]:
        """What is averaged: ``probabilities`` for every task but regression."""
        return "values" if self.task == "regression" else "probabilities"

    @property
    def classes(self) -> int | None:
        """The number of classes of a classification model; ``None`` for the other tasks."""
        return self.example_shape[-1] if self.task in _CLASS_TASKS else None

    @classmethod
    def infer(cls, out: torch.Tensor, y: torch.Tensor, task: TaskKind, loss: str) -> OutputRule:
        """The rule for a model whose batch outputs ``out`` go with targets ``y`` under ``loss``."""
        if task in _CLASS_TASKS:
            # (B, T, C) with (B, T) targets keeps classes last; (B, C, H, W) has them in dimension 1.
            dim = -1 if out.ndim <= 2 or tuple(out.shape[:-1]) == tuple(y.shape) else 1
            moved = out.movedim(1, -1) if dim == 1 else out
            return cls(task, "exp" if loss == "nll" else "softmax", dim, tuple(moved.shape[1:]))
        transform: Transform = "sigmoid" if task == "binary" and loss != "bce" else "identity"
        # One prediction per target, in the targets' shape: (B, 1) outputs with (B,) targets.
        shape = tuple(y.shape[1:]) if out.numel() == y.numel() else tuple(out.shape[1:])
        return cls(task, transform, -1, shape)

    def apply(self, out: torch.Tensor) -> torch.Tensor:
        """Turn a batch of raw outputs into float32 predictions of shape ``(batch, *example_shape)``."""
        out = out.float()
        if self.classes_dim == 1 and out.ndim > 2:
            out = out.movedim(1, -1)
        if self.transform == "softmax":
            out = out.softmax(-1)
        elif self.transform == "exp":
            out = out.exp()
        elif self.transform == "sigmoid":
            out = out.sigmoid()
        return out.reshape(len(out), *self.example_shape)

    def to_dict(self) -> dict[str, Any]:
        return {"task": self.task, "transform": self.transform, "classes_dim": self.classes_dim, "example_shape": list(self.example_shape)}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> OutputRule:
        return cls(d["task"], d["transform"], int(d["classes_dim"]), tuple(int(s) for s in d["example_shape"]))
