"""Output semantics: what the model outputs is what the loss expects, example by example."""

from __future__ import annotations

import torch

from ._context import CheckContext, UserCodeError
from ._result import CheckResult

__all__ = ["check_output_semantics"]

NAME = "output_semantics"
EXPECTED = "logits for logit losses, labels within the outputs, loss of example i uses only target i"


def _looks_like_softmax(out: torch.Tensor) -> bool:
    return out.ndim >= 2 and out.shape[-1] > 1 and bool(((out >= 0) & (out <= 1)).all()) and bool(
        torch.allclose(out.sum(-1), torch.ones(()), atol=1e-4)
    )


def _shift_invariant(ctx: CheckContext, out: torch.Tensor, y: torch.Tensor) -> bool:
    """True when adding a constant to every output leaves the loss unchanged (softmax inside)."""
    try:
        a, b = float(ctx.loss_fn(out, y)), float(ctx.loss_fn(out + 3.0, y))
    except Exception:
        return False
    return abs(a - b) <= 1e-4 * max(abs(a), 1.0)


def _accepts_logits(ctx: CheckContext, out: torch.Tensor, y: torch.Tensor) -> bool:
    """True when the loss takes values outside [0, 1] without complaint (a logits loss)."""
    try:
        value = ctx.loss_fn(torch.full_like(out, 3.0), y)
    except Exception:
        return False
    return bool(torch.isfinite(torch.as_tensor(value)).all())


def _other_target(ctx: CheckContext, y0: torch.Tensor, classes: int) -> torch.Tensor:
    if ctx.task == "binary":
        return 1 - y0
    if not y0.is_floating_point():
        return (y0 + 1) % max(classes, 2) if ctx.task in ("classification", "autoregressive") else y0 + 1
    return y0 + 1.0


def _fail(measured: str, why: str, fix: str, details: dict[str, object]) -> CheckResult:
    return CheckResult(name=NAME, status="fail", measured=measured, expected=EXPECTED, why=why, fix=fix, details=details)


def check_output_semantics(ctx: CheckContext) -> CheckResult:
    """Label range, probabilities into logit losses, and a loss that mixes examples.

    The mixing test is an experiment: change the target of example 0 only and compare the
    gradient of the loss on every other example's output. Broadcasting ``(B, 1)`` against
    ``(B,)`` turns the loss into a ``(B, B)`` table, and every output then depends on every
    target.
    """
    x, y = ctx.batch(16, minimum=2)
    model = ctx.fresh_model().train()
    with torch.no_grad():
        out = ctx.forward(model, x).detach().float()
    classes = ctx.num_classes(out)
    details: dict[str, object] = {"output_shape": list(out.shape), "target_shape": list(y.shape)}
    if ctx.task in ("classification", "autoregressive") and not y.is_floating_point():
        labels = torch.cat([ctx.all_y.reshape(-1).to(y.device), y.reshape(-1)])
        lo, hi = int(labels.min()), int(labels.max())
        details["label_range"] = [lo, hi]
        if lo < 0 or hi >= classes:
            return _fail(f"labels span {lo}..{hi} but the model outputs {classes} classes",
                         "labels outside the outputs crash the loss or, with ignore_index, are silently dropped",
                         f"make the last layer output {hi + 1} classes, or remap the labels to 0..{classes - 1}", details)
    if ctx.task == "binary" and y.is_floating_point() and bool(((y < 0) | (y > 1)).any()):
        return _fail(f"binary targets span {float(y.min()):.3g}..{float(y.max()):.3g}",
                     "binary cross-entropy needs targets in [0, 1]", "map the labels to 0 and 1", details)
    if _looks_like_softmax(out) and _shift_invariant(ctx, out, y):
        return _fail("outputs are probabilities (each row sums to 1) and the loss applies its own softmax",
                     "softmax applied twice squashes the gradient; the loss plateaus far above zero",
                     "return logits: drop the final softmax (keep it for inference only), or use nll_loss on log_softmax", details)
    if ctx.task == "binary" and bool(((out >= 0) & (out <= 1)).all()) and _accepts_logits(ctx, out, y):
        return _fail("outputs all lie in [0, 1] (sigmoid applied) and the loss takes logits",
                     "sigmoid applied twice: predictions stay near 0.5-0.73 and the loss plateaus",
                     "return logits: drop the final sigmoid, or use BCELoss on probabilities", details)
    if ctx.loss_name in ("nll", "nll_loss") and out.ndim >= 2:
        total = out.exp().sum(-1)
        if not bool(torch.allclose(total, torch.ones(()), atol=1e-3)):
            return _fail(f"nll loss on outputs whose exp sums to {float(total.mean()):.3g} per row, not 1",
                         "nll_loss expects log-probabilities; on raw logits it is unbounded below",
                         "apply log_softmax in the model, or use cross_entropy on logits", details)
    leaf = out.clone().requires_grad_(True)
    y2 = y.clone()
    y2[0] = _other_target(ctx, y[0], classes)
    grads = []
    for target in (y, y2):
        value = ctx.compute_loss(leaf, target)
        if not value.requires_grad:
            raise UserCodeError(f"the loss {ctx.loss_name!r} does not depend on the model output (no gradient)")
        grads.append(torch.autograd.grad(value, leaf)[0])
    g1, g2 = grads
    scale = float(g1.abs().max()) or 1.0
    others = float((g1[1:] - g2[1:]).abs().max())
    own = float((g1[0] - g2[0]).abs().max())
    details.update(cross_target_grad_change=others, own_target_grad_change=own)
    if others > 1e-6 * scale:
        return _fail(f"changing the target of example 0 changed the loss gradient of other examples "
                     f"(by {others:.3g}); output {tuple(out.shape)}, target {tuple(y.shape)}",
                     "the loss compares every output with every target: shapes broadcast silently "
                     "(e.g. (B, 1) - (B,) is (B, B)); the model learns the mean target",
                     "make output and target the same shape before the loss: `out.squeeze(-1)` or "
                     "`y.unsqueeze(-1)`, or use a named loss (nnrecipe reshapes instead of broadcasting)", details)
    if own == 0.0:
        return _fail("changing the target of example 0 did not change its loss gradient",
                     "a loss that ignores the targets teaches nothing", "check the loss's arguments and order", details)
    return CheckResult(name=NAME, status="pass",
                       measured=f"output {tuple(out.shape)} vs target {tuple(y.shape)}: per-example loss, "
                       f"{'logits' if not _looks_like_softmax(out) else 'probabilities'} as the loss expects",
                       expected=EXPECTED, details=details)
