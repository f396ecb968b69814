"""Short training runs for the checks that train: a handful of steps on the in-memory sample."""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import torch
from torch import nn

from .._train._trainer import Trainer
from ..callbacks import Callback

if TYPE_CHECKING:
    from ._context import CheckContext

__all__ = ["Evaluation", "RunOutcome", "TrainedRun", "evaluate", "short_run", "train_and_measure"]

StepHook = Callable[[int, float], bool]
LrAt = Callable[[int], float]


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


@dataclasses.dataclass(frozen=True)
class Evaluation:
    """Per-example losses (eval mode) and, for classification, the accuracy."""

    losses: list[float]
    accuracy: float | None

    @property
    def mean(self) -> float:
        return sum(self.losses) / max(len(self.losses), 1)


@dataclasses.dataclass(frozen=True)
class TrainedRun:
    """A short run and what it achieved, as plain numbers (the model itself is not kept).

    Attributes:
        outcome: The per-step losses.
        before, after: Training-mode loss on a fixed training batch (same dropout mask)
            before and after the run; ``after`` is ``nan`` when the run diverged.
        train: Eval-mode losses on that fixed training batch after the run.
        held: Eval-mode losses on held-out data after the run, or ``None`` without any.
        where: What the held-out data is.
        seconds: Wall time of the run and its measurements.
    """

    outcome: RunOutcome
    before: float
    after: float
    train: Evaluation
    held: Evaluation | None
    where: str
    seconds: float

    @property
    def steps(self) -> int:
        return len(self.outcome.losses)

    @property
    def drop(self) -> float:
        """Relative fall of the fixed-batch loss (``nan`` after a divergence)."""
        return (self.before - self.after) / max(abs(self.before), 1e-12)


class _Guarded(nn.Module):
    """The user's model behind the checks' forward, which turns its failures into clear errors."""

    def __init__(self, inner: nn.Module, forward: Callable[[nn.Module, torch.Tensor], torch.Tensor]) -> None:
        super().__init__()
        self.inner = inner
        self._checked_forward = forward

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self._checked_forward(self.inner, x)


class _Recorder(Callback):
    """Records every step's loss, follows the check's learning rates, stops when the check's
    step hook says so or at the time budget. It answers the loop only through
    ``stop_training`` and ``lr_scale``, like any callback."""

    def __init__(self, on_step: StepHook | None, budget: float, lr_at: LrAt | None) -> None:
        self.on_step, self.budget, self.lr_at = on_step, budget, lr_at
        self.outcome = RunOutcome([])

    def on_train_begin(self, logs: dict[str, Any]) -> None:
        self.stop_training = False
        self.outcome = RunOutcome([])
        self.deadline = time.perf_counter() + self.budget
        self.base = float(self.trainer.optimizer.param_groups[0]["lr"])
        self._follow(0)

    def _follow(self, step: int) -> None:
        if self.lr_at is not None and self.base > 0:
            self.trainer.lr_scale = self.lr_at(step) / self.base  # the next step's rate

    def on_step_end(self, step: int, logs: dict[str, Any]) -> None:
        value = float(logs["loss"])
        self.outcome.losses.append(value)
        if not math.isfinite(value) or float(logs.get("nonfinite", 0.0)):
            self.outcome.diverged_at = step - 1
            self.stop_training = True
        elif self.on_step is not None and self.on_step(step, value):
            self.stop_training = True
        elif time.perf_counter() > self.deadline:
            self.outcome.timed_out = self.stop_training = True
        self._follow(step)


def short_run(
    ctx: CheckContext,
    model: nn.Module,
    data: tuple[torch.Tensor, torch.Tensor],
    *,
    steps: int,
    lr: float | None = None,
    batch_size: int | None = None,
    on_step: StepHook | None = None,
    lr_at: LrAt | None = None,
) -> RunOutcome:
    """Train ``model`` in place for ``steps`` steps (fewer if ``on_step`` says stop).

    Runs on :class:`nnrecipe.Trainer` with no run folder and the user's optimizer (their
    factory, or the one the config names), seeded from ``ctx.seed`` (optimizer state, data
    order, dropout), so two calls with equal arguments give equal losses on a deterministic
    model.

    Args:
        lr: The learning rate of every step (default: the optimizer's own).
        lr_at: The learning rate of step ``s`` (0-based), for sweeps; wins over ``lr``.
        on_step: Called with ``(step, loss)`` after each step; returning True stops the run.
    """
    size = min(batch_size or ctx.batch_size, len(data[0]))
    recorder = _Recorder(on_step, ctx.budget, lr_at)
    config = ctx.config.replace(
        batch_size=size, max_steps=steps, schedule="constant", warmup_steps=0, accumulate_steps=1,
        device=ctx.device.type if ctx.device.type in ("cpu", "cuda", "mps") else "auto",
        precision="fp32", tensorboard=False, log_every=steps, threads=torch.get_num_threads(),
        val_every=None, checkpoint_every=None, histogram_every=None, compile=False,
    )
    # The context builds the optimizer on the model itself (the trainer sees it behind the
    # guard), turning a failing factory into a clear UserCodeError.
    trainer = Trainer(config, callbacks=[recorder], metrics=[], runs_dir=None,
                      optimizer=lambda params: ctx.make_optimizer(model, lr))
    # The trainer's target preflight refuses targets a loss may accept (soft labels,
    # ignore_index padding); output_semantics judges targets against the loss instead.
    trainer.fit(_Guarded(model, ctx.forward), data, ctx.compute_loss, task="regression")
    return recorder.outcome


def evaluate(ctx: CheckContext, model: nn.Module, data: tuple[torch.Tensor, torch.Tensor]) -> Evaluation:
    """Per-example losses and, for classification, accuracy, in eval mode."""
    model.eval()
    losses: list[float] = []
    correct = 0
    with torch.no_grad():
        for lo in range(0, len(data[0]), 256):
            x, y = data[0][lo : lo + 256], data[1][lo : lo + 256]
            out = ctx.forward(model, x)
            # One example at a time through the user's loss: a paired test needs each one.
            losses += [float(ctx.compute_loss(out[i : i + 1], y[i : i + 1])) for i in range(len(x))]
            out, _ = ctx.classes_last(out, y)
            if ctx.task in ("classification", "autoregressive") and out.ndim >= 2 and out.shape[-1] > 1:
                correct += int((out.argmax(-1).reshape(-1) == y.reshape(-1)).sum())
    accuracy = correct / max(data[1].numel(), 1) if ctx.task in ("classification", "autoregressive") else None
    return Evaluation(losses, accuracy)


def train_and_measure(ctx: CheckContext, model: nn.Module, steps: int, *, zero_inputs: bool) -> TrainedRun:
    """Train ``model`` on the training split (inputs zeroed if asked) and measure it.

    Without validation data a quarter of the sample is held out; with fewer than 8
    examples everything trains and nothing is held out.
    """
    if ctx.Xv is not None or len(ctx.X) >= 8:
        train, held, where = ctx.split()
    else:
        train, held, where = (ctx.X, ctx.y), None, "nothing held out (too few examples)"

    def inputs(x: torch.Tensor) -> torch.Tensor:
        return torch.zeros_like(x) if zero_inputs else x

    start = time.perf_counter()
    fixed = (inputs(train[0][:512]), train[1][:512])
    before = ctx.seeded_loss(model, *fixed)
    outcome = short_run(ctx, model, (inputs(train[0]), train[1]), steps=steps)
    after = ctx.seeded_loss(model, *fixed) if outcome.diverged_at is None else math.nan
    held_eval = evaluate(ctx, model, (inputs(held[0]), held[1])) if held is not None else None
    train_eval = evaluate(ctx, model, fixed)
    return TrainedRun(outcome, before, after, train_eval, held_eval, where, time.perf_counter() - start)
