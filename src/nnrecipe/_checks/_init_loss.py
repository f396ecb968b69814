"""Loss at init against its expected value: ln C, the prior's entropy, or the targets' variance."""

from __future__ import annotations

import math

import torch

from ._context import CheckContext
from ._last_layer import seeded_loss
from ._result import CheckResult
from ._targets import target_prior

__all__ = ["check_init_loss"]

NAME = "init_loss"


def check_init_loss(ctx: CheckContext) -> CheckResult:
    """Measure the loss of the fresh model on a training batch and compare it with theory.

    Classification: ``ln C`` (uniform predictions, default init) or the entropy of the label
    prior (bias set to the log prior). Regression: the loss of a constant prediction of 0 or
    of the target mean, computed with the user's own loss.
    """
    x, y = ctx.batch(256, minimum=1)
    model = ctx.fresh_model()
    measured = seeded_loss(ctx, model, x, y)
    with torch.no_grad():
        out = ctx.forward(model.eval(), x[:2])
    outputs = ctx.num_classes(out) if ctx.task != "regression" else out[0].numel()
    details: dict[str, object] = {"loss": measured}
    if not math.isfinite(measured):
        return _result("fail", f"loss at init is {measured}", "a finite loss", details)
    if ctx.task in ("classification", "autoregressive", "binary"):
        prior = target_prior(ctx.all_y, ctx.task, outputs)
        low, high = prior.prior_loss, prior.uniform_loss
        expected = f"{high:.4g} (ln {outputs if ctx.task != 'binary' else 2}, uniform) or {low:.4g} (label-prior entropy)"
    else:
        with torch.no_grad():
            full = ctx.forward(model.train(), x)
            zero = float(ctx.compute_loss(torch.zeros_like(full), y))
            mean = y.double().reshape(len(y), -1).mean(0).to(full.dtype)
            at_mean = float(ctx.compute_loss(torch.broadcast_to(mean.reshape(-1), full.reshape(len(full), -1).shape).reshape(full.shape), y))
        low, high = at_mean, max(zero, at_mean)
        expected = f"about {zero:.4g} (predicting 0) or {at_mean:.4g} (predicting the target mean)"
    details.update(expected_low=low, expected_high=high)
    # Default inits give small random outputs, which add a little on top of the uniform loss.
    # Regression outputs at default init have a variance comparable to standardised targets'.
    warn_at, fail_at = (1.15, 1.45) if ctx.task != "regression" else (3.0, 10.0)
    if measured > high * fail_at + 0.05:
        return _result("fail", f"loss at init {measured:.4g}, {measured / max(high, 1e-12):.1f}x the expected", expected, details)
    if measured > high * warn_at + 0.02:
        return _result("warn", f"loss at init {measured:.4g}, above the expected", expected, details)
    if measured < low * 0.8 - 0.02:
        return _result("warn", f"loss at init {measured:.4g}, below what any constant prediction can reach",
                       expected, details, low=True)
    return CheckResult(name=NAME, status="pass", measured=f"loss at init {measured:.4g}", expected=expected, details=details)


def _result(status: str, measured: str, expected: str, details: dict[str, object], *, low: bool = False) -> CheckResult:
    if low:
        why = "an untrained model cannot beat the best constant prediction: the model is already trained, " \
              "the inputs leak the labels, or the loss is not computed as you think"
        fix = "check that the model is freshly initialised and the loss is averaged over the batch"
    else:
        why = "a high initial loss means confident wrong outputs: a badly scaled last layer, outputs " \
              "that are not what the loss expects, or targets on another scale"
        fix = "shrink the last layer's weights, set its bias to the prior (fix_init=True), check the " \
              "output_semantics row, and standardise regression targets"
    return CheckResult(name=NAME, status=status, measured=measured, expected=expected, why=why, fix=fix,  # type: ignore[arg-type]
                       details=details)
