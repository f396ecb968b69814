"""Input-independent baseline: the real inputs must beat inputs set to zero."""

from __future__ import annotations

import math
import time

import torch
from torch import nn

from ._context import CheckContext, CheckSkipped
from ._loss_decreases import real_run
from ._result import CheckResult
from ._short_run import RunOutcome, evaluate, short_run

__all__ = ["check_input_independent_baseline"]

NAME = "input_independent_baseline"
EXPECTED = "held-out loss on real inputs clearly below the zero-input model's (paired z > 3)"


def _split(ctx: CheckContext) -> tuple[tuple[torch.Tensor, torch.Tensor], tuple[torch.Tensor, torch.Tensor], str]:
    if ctx.Xv is not None and ctx.yv is not None and len(ctx.Xv) > 0:
        return (ctx.X, ctx.y), (ctx.Xv, ctx.yv), "validation sample"
    if len(ctx.X) < 8:
        raise CheckSkipped(f"needs validation data or at least 8 training examples; got {len(ctx.X)}")
    cut = len(ctx.X) * 3 // 4
    return (ctx.X[:cut], ctx.y[:cut]), (ctx.X[cut:], ctx.y[cut:]), "held-out quarter of the training sample"


def check_input_independent_baseline(ctx: CheckContext) -> CheckResult:
    """Train the same model, steps and seed on real and on zeroed inputs; compare on held-out data.

    A model trained on zeros learns the best constant (the prior or the mean). Real inputs
    that do no better mean the model ignores them, or the labels do not follow the inputs.
    """
    train, held, where = _split(ctx)
    start = time.perf_counter()
    real, real_model = real_run(ctx, None if train[0] is ctx.X else train)
    blind, zero_model = _zero_run(ctx, train, len(real.losses))
    real_losses, real_acc, zero_losses, zero_acc, z = _compare(ctx, real_model, zero_model, held)
    spent = time.perf_counter() - start
    if z <= 3 and real.diverged_at is None and spent * 5 < ctx.budget:
        # Inconclusive after a short run: a slow learner gets four times the steps, both sides.
        steps = 4 * len(real.losses)
        real, real_model = real_run(ctx, None if train[0] is ctx.X else train, steps)
        blind, zero_model = _zero_run(ctx, train, steps)
        real_losses, real_acc, zero_losses, zero_acc, z = _compare(ctx, real_model, zero_model, held)
    real_loss, zero_loss = _mean(real_losses), _mean(zero_losses)
    details = {"real_loss": real_loss, "zero_loss": zero_loss, "real_accuracy": real_acc, "zero_accuracy": zero_acc,
               "steps": len(real.losses), "evaluated_on": where, "z": z, "examples": len(real_losses)}
    acc = f", accuracy {real_acc:.1%} vs {zero_acc:.1%}" if real_acc is not None and zero_acc is not None else ""
    measured = (f"after {len(real.losses)} steps, {where} loss {real_loss:.4g} (real) vs {zero_loss:.4g} "
                f"(zeros){acc}; paired z {z:.1f} over {len(real_losses)} examples")
    if real.diverged_at is not None or blind.diverged_at is not None:
        return CheckResult(name=NAME, status="fail", measured=measured + "; a run diverged", expected=EXPECTED,
                           why="the comparison needs two finite runs", fix="see loss_decreases", details=details)
    if z > 3:
        return CheckResult(name=NAME, status="pass", measured=measured, expected=EXPECTED, details=details)
    first, last = real.fixed_batch_loss
    learned = first - last >= 0.02 * abs(first)
    identical = real_losses == zero_losses
    details.update(identical=identical, train_loss_before=first, train_loss_after=last)
    if not identical and not learned:
        return CheckResult(
            name=NAME, status="warn", measured=measured + f"; the training loss itself barely moved ({first:.4g} -> {last:.4g})",
            expected=EXPECTED, why="inconclusive: the model learned too little in this budget to compare",
            fix="raise the budget or the learning rate (see lr_range), then run the check again", details=details,
        )
    return CheckResult(
        name=NAME, status="fail" if identical or z <= 1 else "warn", measured=measured, expected=EXPECTED,
        why="the model learns no more from the real inputs than from zeros: it ignores its input "
        "(a multiplication by zero, a detached branch), or the labels do not follow the inputs "
        "(inputs and labels shuffled separately, a wrong join)",
        fix="check that inputs reach the output (gradient_flow, batch_independence) and that "
        "inputs and labels are indexed together; with a weak signal, train longer to be sure",
        details=details,
    )


def _zero_run(ctx: CheckContext, train: tuple[torch.Tensor, torch.Tensor], steps: int) -> tuple[RunOutcome, nn.Module]:
    model = ctx.fresh_model()
    return short_run(ctx, model, (torch.zeros_like(train[0]), train[1]), steps=steps), model


def _compare(
    ctx: CheckContext, real: nn.Module, zero: nn.Module, held: tuple[torch.Tensor, torch.Tensor]
) -> tuple[list[float], float | None, list[float], float | None, float]:
    real_losses, real_acc = evaluate(ctx, real, held)
    zero_losses, zero_acc = evaluate(ctx, zero, (torch.zeros_like(held[0]), held[1]))
    z = _paired_z([b - a for a, b in zip(real_losses, zero_losses, strict=True)])
    return real_losses, real_acc, zero_losses, zero_acc, z


def _mean(values: list[float]) -> float:
    return sum(values) / max(len(values), 1)


def _paired_z(diffs: list[float]) -> float:
    """How many standard errors the mean improvement lies above zero (0 when all are equal)."""
    if len(diffs) < 2:
        return 0.0
    mean = _mean(diffs)
    sd = math.sqrt(sum((d - mean) ** 2 for d in diffs) / (len(diffs) - 1))
    if sd == 0.0:
        return 0.0 if mean <= 0 else math.inf
    return mean / (sd / math.sqrt(len(diffs)))
