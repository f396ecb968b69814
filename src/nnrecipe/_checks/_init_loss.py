"""Loss at init against its expected value, computed with the loss as the user configured it."""

from __future__ import annotations

import math

import torch

from .._core._losses import LossFn
from ._base import Check
from ._context import CheckContext
from ._outputs import from_logits, output_space
from ._result import CheckResult
from ._targets import prior_bias

__all__ = ["InitLoss", "expected_init_loss"]

NAME = "init_loss"


def _normalised(ctx: CheckContext, out: torch.Tensor, y: torch.Tensor, loss: LossFn) -> bool:
    """True when the loss sees normalised scores: a softmax inside (shift-invariant), probabilities, or a binary logit.

    Then random outputs of a default init barely move the loss from its uniform value;
    a loss on raw values (MSE on one-hot targets) grows with the outputs' spread instead.
    """
    if ctx.task == "binary":
        return True
    if output_space(ctx.task, out, y, loss) != "logits":
        return True
    try:
        a, b = float(loss(out, y)), float(loss(out + 3.0, y))
    except Exception:  # noqa: BLE001 - the user's code may raise anything
        return False
    return abs(a - b) <= 1e-4 * max(abs(a), 1.0)


def expected_init_loss(ctx: CheckContext, out: torch.Tensor, y: torch.Tensor, loss: LossFn) -> tuple[float, float, str]:
    """``(low, high, text)``: the user's loss for the two outputs a fresh model is expected near.

    Classification: uniform outputs (the default init; ``ln C`` for a plain cross-entropy)
    and the label prior (a bias set to the log prior; its entropy). Regression: predicting 0
    and predicting the target mean. Weights, smoothing, ignored targets and the reduction
    all enter through the loss itself.
    """
    with torch.no_grad():
        if ctx.task == "regression":
            zero = float(loss(torch.zeros_like(out), y))
            mean = y.double().reshape(len(y), -1).mean(0).to(out.dtype)
            at_mean = float(loss(torch.broadcast_to(mean.reshape(-1), out.reshape(len(out), -1).shape).reshape(out.shape), y))
            return at_mean, max(zero, at_mean), f"about {zero:.4g} (predicting 0) or {at_mean:.4g} (predicting the target mean)"
        binary = ctx.task == "binary"
        space = output_space(ctx.task, out, y, loss)
        width = ctx.num_classes(out)
        prior = prior_bias(ctx.all_y.to(y.device), ctx.task, width).to(out.device, out.dtype)
        uniform = float(loss(from_logits(torch.zeros_like(out), space, binary), y))
        at_prior = float(loss(from_logits(torch.zeros_like(out) + prior, space, binary), y))
    name = "ln 2" if binary else f"ln {width}"
    text = f"{uniform:.4g} (uniform outputs; {name} for a plain cross-entropy) or {at_prior:.4g} (the label prior)"
    return min(uniform, at_prior), max(uniform, at_prior), text


class InitLoss(Check):
    """Measure the fresh model's loss on a training batch and compare it with the expected one.

    Default inits give small random outputs: a little above the uniform loss for a loss on
    normalised scores (softmax, sigmoid); for a loss on raw values (regression, MSE on
    one-hot targets) their variance, comparable to the targets', adds to it.
    """

    name = NAME

    def run(self, ctx: CheckContext) -> CheckResult:
        x, y = ctx.batch(256, minimum=1)
        measured = ctx.init_loss()
        details: dict[str, object] = {"loss": measured}
        if not math.isfinite(measured):
            return _result("fail", f"loss at init is {measured}", f"loss at init {measured}", "a finite loss", details)
        out, loss = ctx.classes_last(ctx.seeded_forward(ctx.fresh_model(), x).float(), y)
        low, high, expected = expected_init_loss(ctx, out, y, loss)
        details.update(expected_low=low, expected_high=high)
        tight = ctx.task != "regression" and _normalised(ctx, out, y, loss)
        warn_at, fail_at = (1.15, 1.45) if tight else (3.0, 10.0)
        ratio = measured / max(high, 1e-12)
        if measured > high * fail_at + 0.05:
            return _result("fail", f"loss at init {measured:.4g}, {ratio:.1f}x the expected", f"{measured:.3g}, {ratio:.1f}x expected", expected, details)
        if measured > high * warn_at + 0.02:
            return _result("warn", f"loss at init {measured:.4g}, above the expected", f"{measured:.3g}, {ratio:.2f}x expected", expected, details)
        if measured < low * 0.8 - 0.02:
            return _result("warn", f"loss at init {measured:.4g}, below what any constant prediction can reach",
                           f"{measured:.3g}, below any constant", expected, details, low=True)
        return CheckResult(name=NAME, status="pass", measured=f"loss at init {measured:.4g}", expected=expected,
                           summary=f"{measured:.3g} (expected {high:.3g})", details=details)


def _result(status: str, measured: str, summary: str, expected: str, details: dict[str, object], *, low: bool = False) -> CheckResult:
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
                       summary=summary, details=details)
