"""Prediction dynamics: how the predictions on a fixed batch move during training."""

from __future__ import annotations

from typing import Any

import torch

from .._ensemble._outputs import OutputRule
from ._base import SLOTS, Diagnostic
from ._data import PredictionData, prediction_data
from ._probe import fixed_batch, quiet

__all__ = ["MAX_VALUES", "PredictionDynamics"]

MAX_VALUES = 4  # outputs kept per example for regression (the first ones)
_CLASS_TASKS = ("classification", "autoregressive")


class PredictionDynamics(Diagnostic):
    """The model's predictions on a fixed batch, recorded at the cadence.

    Karpathy's recipe watches them move: predictions that keep jumping between records late
    in training mean a learning rate too high; ones frozen from the start, a model that does
    not learn. Compact per example and record: for classification the probability of the
    true class (``p_true``), the predicted class (``top``) and whether it is right
    (``correct``: the share of right positions for sequences); for binary targets the same
    with the 0.5 threshold; for regression the first :data:`MAX_VALUES` outputs (``value``).

    The batch is the first ``examples`` validation examples (training ones without
    validation data), in eval mode, never augmented.

    Args:
        examples: Size of the fixed batch.
        every: Steps between records at first; ``None``: the run's ``log_every``.
        slots: Records kept at most.

    Example:
        >>> import torch, nnrecipe
        >>> from nnrecipe.diagnostics import PredictionDynamics
        >>> X, y = torch.randn(64, 4), torch.randint(0, 2, (64,))
        >>> dynamics = PredictionDynamics(examples=8, every=1)
        >>> _ = nnrecipe.fit(torch.nn.Linear(4, 2), (X, y), val=(X, y), callbacks=[dynamics], runs_dir=None,
        ...                  config=nnrecipe.TrainConfig(epochs=1))
        >>> dynamics.data().p_true.shape  # the initial model, then one record per step
        (2, 8)
    """

    kind = "predictions"

    def __init__(self, *, examples: int = 64, every: int | None = None, slots: int = SLOTS) -> None:
        super().__init__(every=every, slots=slots)
        if examples < 1:
            raise ValueError(f"examples must be >= 1; got {examples=}")
        self.examples = examples

    def start(self) -> bool:
        found = fixed_batch(self.trainer, self.examples)
        task, loss = self.trainer.task, self.trainer.loss_fn
        if found is None or task is None or loss is None:
            return False
        self.split, (self.x, self.y) = found
        with quiet(self.trainer.model, self.trainer.device):
            out = self.trainer.model(self.x)
        self.rule = OutputRule.infer(out, self.y, task, getattr(loss, "__name__", ""))
        return True

    def measure(self, step: int) -> dict[str, torch.Tensor]:
        with quiet(self.trainer.model, self.trainer.device):
            pred = self.rule.apply(self.trainer.model(self.x))
        if self.rule.task == "regression":
            return {"value": pred.reshape(len(pred), -1)[:, :MAX_VALUES]}
        y = self.y
        if self.rule.task in _CLASS_TASKS:
            p_true = pred.gather(-1, y.long().unsqueeze(-1)).squeeze(-1)
            top = pred.argmax(-1)
            correct = (top == y).float()
        else:  # binary: the probability of 1, against 0/1 targets
            p = pred.reshape(y.shape) if pred.numel() == y.numel() else pred
            p_true = torch.where(y > 0.5, p, 1 - p)
            top = (p > 0.5).long()
            correct = (top == (y > 0.5).long()).float()
        flat = (lambda t: t.reshape(len(t), -1).float().mean(1))
        record = {"p_true": flat(p_true), "correct": flat(correct)}
        if top.ndim == 1:
            record["top"] = top.to(torch.int32)
        return record

    def meta(self) -> dict[str, Any]:
        y = self.y.reshape(len(self.y), -1)[:, :MAX_VALUES] if self.rule.task == "regression" else self.y.reshape(len(self.y), -1)[:, 0]
        return {"task": self.rule.task, "split": self.split, "examples": len(self.x), "classes": self.rule.classes,
                "targets": y.float().tolist() if self.rule.task == "regression" else y.long().tolist(),
                "sequence": self.y.ndim > 1 and self.rule.task != "regression"}

    def data(self) -> PredictionData:
        """What was recorded so far (the same data :func:`~nnrecipe.diagnostics.read_diagnostics` reads)."""
        return prediction_data({"cadence": self.records.cadence, **self.meta()}, self.records.arrays())
