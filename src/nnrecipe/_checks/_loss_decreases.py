"""Training loss decreases over a short run with the user's optimizer."""

from __future__ import annotations

import copy
import math
import time

import torch
from torch import nn

from ._context import CheckContext
from ._last_layer import seeded_loss
from ._result import CheckResult
from ._short_run import RunOutcome, short_run

__all__ = ["check_loss_decreases", "real_run"]

NAME = "loss_decreases"
EXPECTED = "finite losses; loss on a fixed training batch at least 2% lower after the run"
STEPS = 100


def real_run(
    ctx: CheckContext, data: tuple[torch.Tensor, torch.Tensor] | None = None, steps: int = STEPS
) -> tuple[RunOutcome, nn.Module]:
    """The short run on real inputs (the whole sample by default), shared with the baseline check."""
    key = f"real_run_{'all' if data is None else 'split'}_{steps}"
    if key not in ctx.cache:
        model = ctx.fresh_model()
        x, y = ctx.batch(512)
        # The same examples and dropout mask before and after: no batch-to-batch noise.
        before = seeded_loss(ctx, copy.deepcopy(model), x, y)
        outcome = short_run(ctx, model, data or (ctx.X, ctx.y), steps=steps)
        after = seeded_loss(ctx, copy.deepcopy(model), x, y) if outcome.diverged_at is None else math.nan
        outcome.fixed_batch_loss = (before, after)
        ctx.cache[key] = (outcome, model)
    outcome, model = ctx.cache[key]
    return outcome, model


def check_loss_decreases(ctx: CheckContext) -> CheckResult:
    """Train for up to 100 steps; fail on a non-finite loss or a loss that does not go down."""
    ctx.batch(1, minimum=2)
    start = time.perf_counter()
    run, _ = real_run(ctx)
    first, last = run.fixed_batch_loss
    if run.diverged_at is None and not first - last >= 0.02 * abs(first) and (time.perf_counter() - start) * 5 < ctx.budget:
        run, _ = real_run(ctx, steps=4 * STEPS)  # a slow learner gets four times the steps
    losses = run.losses
    details: dict[str, object] = {"losses": losses, "diverged_at": run.diverged_at, "timed_out": run.timed_out}
    why = "a loss that does not decrease on the training set means nothing is learned: wrong learning " \
          "rate, wrong sign, a broken loss, or parameters missing from the optimizer"
    if run.diverged_at is not None:
        return CheckResult(name=NAME, status="fail", measured=f"loss became {losses[-1]} at step {run.diverged_at}",
                           expected=EXPECTED, why="divergence: the updates are too large or the loss has a singularity",
                           fix="lower the learning rate (see lr_range), clip gradients, look for log(0) or "
                           "division by zero in the loss", details=details)
    if len(losses) < 15:
        return CheckResult(name=NAME, status="warn", measured=f"only {len(losses)} steps fit in the {ctx.budget:.0f} s budget",
                           expected=EXPECTED, why="too few steps to judge", fix="raise the budget", details=details)
    first, last = run.fixed_batch_loss
    drop = (first - last) / max(abs(first), 1e-12)
    details.update(first=first, last=last, relative_drop=drop)
    measured = f"loss on a fixed training batch {first:.4g} -> {last:.4g} after {len(losses)} steps ({-drop:+.1%})"
    if drop >= 0.02:
        return CheckResult(name=NAME, status="pass", measured=measured, expected=EXPECTED, details=details)
    return CheckResult(
        name=NAME, status="fail" if drop < 0.002 else "warn", measured=measured, expected=EXPECTED, why=why,
        fix="try the learning rate lr_range suggests; check that optimizer receives model.parameters() "
        "and that the loss is minimised (not maximised)",
        details=details,
    )
