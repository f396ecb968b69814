"""Input-independent baseline: the real inputs must beat inputs set to zero."""

from __future__ import annotations

import torch

from ._context import CheckContext, CheckSkipped
from ._loss_decreases import real_run
from ._result import CheckResult
from ._short_run import evaluate, short_run

__all__ = ["check_input_independent_baseline"]

NAME = "input_independent_baseline"
EXPECTED = "validation loss on real inputs at least 5% below the zero-input model's"


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
    real, real_model = real_run(ctx, None if train[0] is ctx.X else train)
    zero_model = ctx.fresh_model()
    zeros = torch.zeros_like(train[0])
    blind = short_run(ctx, zero_model, (zeros, train[1]), steps=len(real.losses))
    real_loss, real_acc = evaluate(ctx, real_model, held)
    zero_loss, zero_acc = evaluate(ctx, zero_model, (torch.zeros_like(held[0]), held[1]))
    gain = (zero_loss - real_loss) / max(abs(zero_loss), 1e-12)
    details = {"real_loss": real_loss, "zero_loss": zero_loss, "real_accuracy": real_acc,
               "zero_accuracy": zero_acc, "steps": len(real.losses), "evaluated_on": where, "relative_gain": gain}
    acc = f", accuracy {real_acc:.1%} vs {zero_acc:.1%}" if real_acc is not None and zero_acc is not None else ""
    measured = f"after {len(real.losses)} steps, {where} loss {real_loss:.4g} (real) vs {zero_loss:.4g} (zeros){acc}"
    if real.diverged_at is not None or blind.diverged_at is not None:
        return CheckResult(name=NAME, status="fail", measured=measured + "; a run diverged", expected=EXPECTED,
                           why="the comparison needs two finite runs", fix="see loss_decreases", details=details)
    if gain >= 0.05:
        return CheckResult(name=NAME, status="pass", measured=measured, expected=EXPECTED, details=details)
    return CheckResult(
        name=NAME, status="fail" if gain < 0.01 else "warn", measured=measured, expected=EXPECTED,
        why="the model learns no more from the real inputs than from zeros: it ignores its input "
        "(a multiplication by zero, a detached branch), or the labels do not follow the inputs "
        "(inputs and labels shuffled separately, a wrong join)",
        fix="check that inputs reach the output (gradient_flow, batch_independence) and that "
        "inputs and labels are indexed together; with a weak signal, train longer to be sure",
        details=details,
    )
