"""A callback that records what the analyses need from each trial: gradient norms and losses."""

from __future__ import annotations

import math
from typing import Any

import torch

from ..callbacks import Callback

__all__ = ["TrialProbe"]


class TrialProbe(Callback):
    """Samples the global gradient norm and the training loss every ``every`` steps.

    The gradients are still in place after the optimizer step, so reading them costs one
    norm per parameter tensor and no extra backward pass. Declaring the study's goal metric
    in :meth:`monitors` makes the trainer reject a goal that is never logged before the
    first step.

    Args:
        goal_metric: The validation value the study is scored on.
        every: Sampling period in steps.

    Example:
        >>> probe = TrialProbe("val_accuracy", every=5)
        >>> probe.monitors()
        ('val_accuracy',)
    """

    def __init__(self, goal_metric: str, *, every: int = 5) -> None:
        if every < 1:
            raise ValueError(f"every must be >= 1; got {every=}")
        self.goal_metric, self.every = goal_metric, every
        self.grad_norms: list[tuple[int, float]] = []
        self.losses: list[tuple[int, float]] = []

    def monitors(self) -> tuple[str, ...]:
        return (self.goal_metric,)

    def on_train_begin(self, logs: dict[str, Any]) -> None:
        self.grad_norms, self.losses = [], []

    def on_step_end(self, step: int, logs: dict[str, Any]) -> None:
        if step % self.every and step > 10:  # every step at first: early instability is fast
            return
        self.losses.append((step, float(logs["loss"])))
        norm = logs.get("grad_norm")  # measured before clipping when the trainer clips
        if norm is None:
            grads = [p.grad.detach() for p in self.trainer.model.parameters() if p.grad is not None]
            norm = float(torch.linalg.vector_norm(torch.stack([torch.linalg.vector_norm(g) for g in grads]))) if grads else math.nan
        self.grad_norms.append((step, float(norm)))
