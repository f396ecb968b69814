"""Short training runs for the checks that train: a handful of steps on the in-memory sample."""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Callable

import torch
from torch import nn

from .._data import TensorData
from ._context import CheckContext

__all__ = ["RunOutcome", "short_run", "evaluate"]

StepHook = Callable[[int, float, torch.optim.Optimizer], bool]


@dataclasses.dataclass
class RunOutcome:
    """Per-step training losses of a short run.

    Attributes:
        losses: The loss of each step, in order.
        diverged_at: The first step whose loss was not finite, or ``None``.
        timed_out: The run stopped at the check's time budget.
    """

    losses: list[float]
    diverged_at: int | None = None
    timed_out: bool = False


def short_run(
    ctx: CheckContext,
    model: nn.Module,
    data: tuple[torch.Tensor, torch.Tensor],
    *,
    steps: int,
    lr: float | None = None,
    batch_size: int | None = None,
    on_step: StepHook | None = None,
) -> RunOutcome:
    """Train ``model`` in place for ``steps`` steps (fewer if ``on_step`` says stop).

    Seeded from ``ctx.seed`` (init of the optimizer state, data order, dropout), so two calls
    with equal arguments give equal losses on a deterministic model. The loop is this
    module's own rather than :class:`nnrecipe.Trainer`'s: the checks need the user's optimizer
    factory, the raw loss of every step, the step a loss first turned non-finite, and a stop
    at the check's time budget, with no run folder and no validation.
    """
    torch.manual_seed(ctx.seed)
    optimizer = ctx.make_optimizer(model, lr)
    source = TensorData(data[0], data[1], name="check sample")
    size = min(batch_size or ctx.batch_size, len(source))
    outcome = RunOutcome([])
    deadline = time.perf_counter() + ctx.budget
    model.train()
    epoch = 0
    while True:
        for x, y in source.batches(size, seed=ctx.seed, epoch=epoch, shuffle=True):
            loss = ctx.compute_loss(ctx.forward(model, x), y)
            value = float(loss)
            outcome.losses.append(value)
            if not math.isfinite(value):
                outcome.diverged_at = len(outcome.losses) - 1
                return outcome
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            step = len(outcome.losses)
            if step >= steps or (on_step is not None and on_step(step, value, optimizer)):
                return outcome
            if time.perf_counter() > deadline:
                outcome.timed_out = True
                return outcome
        epoch += 1


def evaluate(ctx: CheckContext, model: nn.Module, data: tuple[torch.Tensor, torch.Tensor]) -> tuple[float, float | None]:
    """Mean loss (weighted by batch size) and accuracy, for classification, in eval mode."""
    model.eval()
    total, correct, count = 0.0, 0, 0
    with torch.no_grad():
        for lo in range(0, len(data[0]), 256):
            x, y = data[0][lo : lo + 256], data[1][lo : lo + 256]
            out = ctx.forward(model, x)
            total += float(ctx.compute_loss(out, y)) * len(x)
            count += len(x)
            if ctx.task in ("classification", "autoregressive") and out.ndim >= 2 and out.shape[-1] > 1:
                correct += int((out.argmax(-1).reshape(-1) == y.reshape(-1)).sum())
    accuracy = correct / max(data[1].numel(), 1) if ctx.task in ("classification", "autoregressive") else None
    return total / max(count, 1), accuracy
