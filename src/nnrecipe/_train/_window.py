"""The training loss between two logged rows, summed on the device and read once per row.

Reading a loss with ``.item()`` every step makes the host wait for the device every step;
summing on the device and reading every ``log_every`` steps does not. The row's ``loss`` is
the mean over the steps since the previous row, the quantity the progress line shows too.
"""

from __future__ import annotations

import time
from typing import Any

import torch

from ._step import StepOutput

__all__ = ["LossWindow"]


class LossWindow:
    """Sums of the loss (and of the gradient norm when clipping) since the last row.

    Args:
        device: Where the step's tensors live.
    """

    def __init__(self, device: torch.device) -> None:
        self.device = device
        self.loss_sum = torch.zeros((), device=device)
        self.norm_sum: torch.Tensor | None = None
        self.steps = 0
        self.start = time.perf_counter()

    def add(self, out: StepOutput) -> None:
        self.loss_sum += out.loss
        if out.grad_norm is not None:
            self.norm_sum = out.grad_norm.detach().clone() if self.norm_sum is None else self.norm_sum + out.grad_norm
        self.steps += 1

    def read(self, step: int, epoch: int, lr: float) -> dict[str, Any]:
        """The train row for the steps since the previous one, and a fresh window."""
        n = max(self.steps, 1)
        row: dict[str, Any] = {"step": step, "epoch": epoch, "loss": float(self.loss_sum) / n, "lr": lr}
        if self.norm_sum is not None:
            row["grad_norm"] = float(self.norm_sum) / n
        row["time"] = time.perf_counter() - self.start
        self.loss_sum = torch.zeros((), device=self.device)
        self.norm_sum, self.steps = None, 0
        return row

    def state_dict(self) -> dict[str, Any]:
        return {"loss_sum": self.loss_sum, "norm_sum": self.norm_sum, "steps": self.steps}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.loss_sum = state["loss_sum"].to(self.device)
        norm = state["norm_sum"]
        self.norm_sum = None if norm is None else norm.to(self.device)
        self.steps = state["steps"]
