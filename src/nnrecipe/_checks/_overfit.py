"""Overfit one small batch to the minimum achievable loss (zero, for a correct setup)."""

from __future__ import annotations

import math

import torch
from torch import nn

from ._context import CheckContext
from ._result import CheckResult
from ._short_run import short_run

__all__ = ["check_overfit_batch"]

NAME = "overfit_batch"
BATCH = 16
STEPS = 400
LR = 3e-3


def _target(ctx: CheckContext, y: torch.Tensor, classes: int) -> float:
    if ctx.task in ("classification", "autoregressive"):
        return 0.02 * math.log(max(classes, 2))
    if ctx.task == "binary":
        return 0.02 * math.log(2)
    return 0.01 * float(y.double().var(unbiased=False)) + 1e-8


def _predictions(ctx: CheckContext, out: torch.Tensor) -> list[float] | list[int]:
    if ctx.task in ("classification", "autoregressive") and out.ndim >= 2 and out.shape[-1] > 1:
        return out.argmax(-1).reshape(len(out), -1)[:, 0].tolist()
    if ctx.task == "binary":
        return (out.reshape(len(out), -1)[:, 0] > 0).long().tolist()
    return [round(v, 4) for v in out.reshape(len(out), -1)[:, 0].tolist()]


def check_overfit_batch(ctx: CheckContext) -> CheckResult:
    """Train on one batch of up to 16 examples, dropout off, until the loss reaches ~0.

    Fails when the loss plateaus above the minimum: probabilities fed to a logits loss,
    a loss that broadcasts, a model too crippled to memorise 16 examples.
    """
    x, y = ctx.batch(BATCH, minimum=2)
    model = ctx.fresh_model()
    for m in model.modules():
        if isinstance(m, nn.modules.dropout._DropoutNd):
            m.p = 0.0  # regularisation off: the point is to memorise
    with torch.no_grad():
        classes = ctx.num_classes(ctx.forward(model.eval(), x[:1]))
    target = _target(ctx, y, classes)
    run = short_run(ctx, model, (x, y), steps=STEPS, lr=LR if ctx.optimizer is None else None,
                    batch_size=len(x), on_step=lambda step, loss, opt: loss < target)
    with torch.no_grad():
        out = ctx.forward(model.train(), x)
    labels = y.reshape(len(y), -1)[:, 0].tolist()
    predicted = _predictions(ctx, out)
    losses = run.losses
    final = losses[-1]
    start = losses[0]
    details = {"losses": losses, "target": target, "labels": labels, "predictions": predicted, "batch": len(x)}
    pairs = " ".join(f"{a}:{b}" for a, b in zip(labels[:8], predicted[:8], strict=False))
    measured = f"loss {start:.4g} -> {final:.4g} in {len(losses)} steps on {len(x)} examples (label:prediction {pairs})"
    expected = f"loss below {target:.3g}, predictions equal to labels"
    if run.diverged_at is not None:
        measured = f"loss became {final} at step {run.diverged_at} on {len(x)} examples"
    elif final < target:
        return CheckResult(name=NAME, status="pass", measured=measured, expected=expected, details=details)
    tail = losses[-20:]
    still_falling = len(tail) > 1 and tail[-1] < 0.8 * tail[0]
    status = "warn" if run.diverged_at is None and final < 0.1 * start and (still_falling or run.timed_out) else "fail"
    return CheckResult(
        name=NAME, status=status, measured=measured, expected=expected,  # type: ignore[arg-type]
        why="a network that cannot memorise 16 examples has a bug between output and loss, or too "
        "little capacity; training on all the data will not fix it",
        fix="feed logits (not probabilities) to cross_entropy, give output and target the same shape, "
        "check that the input reaches the output; if the loss is still falling, raise the budget",
        details=details,
    )
