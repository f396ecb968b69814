"""Output semantics: what the model outputs is what the loss expects, and the loss fits the task.

Each question is an experiment with the user's own loss: feed it outputs of a known meaning
(confidently right, confidently wrong, perfect, one target changed) and look at what it
says. Nothing is assumed from the loss's name.
"""

from __future__ import annotations

import torch

from .._core._losses import LossFn
from ._base import Check, UserCodeError
from ._context import CheckContext
from ._loss_probes import class_probe, regression_probe
from ._outputs import Space, class_targets, output_space
from ._result import CheckResult

__all__ = ["OutputSemantics"]

NAME = "output_semantics"
EXPECTED = "outputs in the space the loss expects, targets the loss can use, loss of example i uses only target i"

_VIEWS = {"ViewBackward0", "UnsafeViewBackward0", "ReshapeAliasBackward0", "SqueezeBackward0", "SqueezeBackward1",
          "UnsqueezeBackward0", "CloneBackward0", "ToCopyBackward0", "TransposeBackward0", "PermuteBackward0"}


def _last_op(out: torch.Tensor) -> str:
    """The last real operation that produced ``out`` (view-like steps skipped)."""
    node = out.grad_fn
    while node is not None and type(node).__name__ in _VIEWS and node.next_functions:
        node = node.next_functions[0][0]
    return type(node).__name__ if node is not None else ""


def _fail(measured: str, summary: str, why: str, fix: str, details: dict[str, object]) -> CheckResult:
    return CheckResult(name=NAME, status="fail", measured=measured, expected=EXPECTED, why=why, fix=fix,
                       summary=summary, details=details)


class OutputSemantics(Check):
    """Targets within what the loss uses, outputs in the loss's space, a loss that fits the task.

    The mixing test changes the target of example 0 only and compares the gradient of the
    loss on every other example's output: broadcasting ``(B, 1)`` against ``(B,)`` turns the
    loss into a ``(B, B)`` table, and every output then depends on every target.
    """

    name = NAME

    def run(self, ctx: CheckContext) -> CheckResult:
        x, y = ctx.batch(16, minimum=2)
        model = ctx.fresh_model().train()
        torch.manual_seed(ctx.seed)
        raw = ctx.forward(model, x)
        last = _last_op(raw)
        details: dict[str, object] = {"output_shape": list(raw.shape), "target_shape": list(y.shape), "last_op": last}
        out, loss = ctx.classes_last(raw.detach().float(), y)
        found = (_targets(ctx, out, y, loss, details) or _space(ctx, out, y, loss, last, details)
                 or _per_example(ctx, out, y, loss, details) or _fits_task(ctx, out, y, loss, details))
        if found is not None:
            return found
        space = details["output_space"]
        return CheckResult(name=NAME, status="pass", measured=f"output {tuple(out.shape)} vs target {tuple(y.shape)}: "
                           f"per-example loss on {space}, right answers score better than wrong ones",
                           expected=EXPECTED, summary=f"per-example loss on {space}", details=details)


def _targets(ctx: CheckContext, out: torch.Tensor, y: torch.Tensor, loss: LossFn, details: dict[str, object]) -> CheckResult | None:
    """Targets the loss can use: labels within the outputs (or ignored), binary targets in [0, 1]."""
    classes = ctx.num_classes(out)
    if ctx.task in ("classification", "autoregressive") and y.is_floating_point() and tuple(y.shape) != tuple(out.shape):
        return _fail(f"float targets of shape {tuple(y.shape)} with outputs {tuple(out.shape)} and a class loss",
                     "class loss on regression targets", "a class loss needs integer labels, or class probabilities "
                     "shaped like the output; these look like regression values",
                     "use a regression loss (mse) for real-valued targets, or y.long() for class labels", details)
    if ctx.task in ("classification", "autoregressive") and not y.is_floating_point():
        labels = torch.cat([ctx.all_y.reshape(-1).to(y.device), y.reshape(-1)])
        lo, hi = int(labels.min()), int(labels.max())
        details["label_range"] = [lo, hi]
        outside = [v for v in (lo, hi) if not 0 <= v < classes]
        if outside and not all(_ignored(loss, out, y, v) for v in outside):
            return _fail(f"labels span {lo}..{hi} but the model outputs {classes} classes",
                         f"labels {lo}..{hi}, {classes} outputs",
                         "labels outside the outputs crash the loss or are silently dropped",
                         f"make the last layer output {hi + 1} classes, or remap the labels to 0..{classes - 1}", details)
    if ctx.task == "binary":
        yf = ctx.all_y.double()
        low, high = float(yf.min()), float(yf.max())
        if low < 0 or high > 1:
            kind = "class labels" if float((yf - yf.round()).abs().max()) == 0 else "values"
            return _fail(f"a binary loss on targets spanning {low:.3g}..{high:.3g} ({kind})", f"binary loss, targets {low:.3g}..{high:.3g}",
                         "binary cross-entropy needs targets in [0, 1]; above 1 it has no minimum and runs to -inf",
                         "multi-class labels need cross_entropy with one output per class; otherwise map the "
                         "targets to 0 and 1", details)
    if ctx.task == "regression" and not y.is_floating_point() and classes > 1 and out.shape[:-1] == y.shape:
        return _fail(f"a regression loss on integer class indices {tuple(y.shape)} with {classes} outputs per example",
                     "regression loss on class indices", "regressing every output onto a class index does not "
                     "learn the class", "use cross_entropy for class labels", details)
    return None


def _ignored(loss: LossFn, out: torch.Tensor, y: torch.Tensor, label: int) -> bool:
    """True when the loss ignores ``label`` (``ignore_index``): its output gets no gradient."""
    probe = y.clone()
    probe.reshape(-1)[0] = label
    leaf = out.clone().requires_grad_(True)
    try:
        value = loss(leaf, probe)
        (g,) = torch.autograd.grad(value, leaf)
    except Exception:  # noqa: BLE001 - the user's code may raise anything
        return False
    first = g.reshape(-1, g.shape[-1])[0] if g.ndim >= 2 else g.reshape(-1)[:1]
    return bool(torch.isfinite(value)) and not bool(first.any())


def _space(ctx: CheckContext, out: torch.Tensor, y: torch.Tensor, loss: LossFn, last: str,
           details: dict[str, object]) -> CheckResult | None:
    """Probabilities fed to a loss that applies its own softmax or sigmoid."""
    space: Space = output_space(ctx.task, out, y, loss)
    details["output_space"] = space
    if space == "probs" and ctx.task != "binary" and _shift_invariant(loss, out, y):
        return _fail("outputs are probabilities (each row sums to 1) and the loss applies its own softmax",
                     "softmax output into a logits loss", "softmax applied twice squashes the gradient; the loss plateaus far above zero",
                     "return logits: drop the final softmax (keep it for inference only), or use nll_loss on log_softmax", details)
    if (ctx.task == "binary" and space == "logits" and last == "SigmoidBackward0"
            and bool(((out >= 0) & (out <= 1)).all())):
        return _fail("outputs come from a sigmoid and the loss takes logits", "sigmoid output into a logits loss",
                     "sigmoid applied twice: predictions stay near 0.5-0.73 and the loss plateaus",
                     "return logits: drop the final sigmoid, or use BCELoss on probabilities", details)
    return None


def _shift_invariant(loss: LossFn, out: torch.Tensor, y: torch.Tensor) -> bool:
    """True when adding a constant to every output leaves the loss unchanged (softmax inside)."""
    try:
        a, b = float(loss(out, y)), float(loss(out + 3.0, y))
    except Exception:  # noqa: BLE001 - the user's code may raise anything
        return False
    return abs(a - b) <= 1e-4 * max(abs(a), 1.0)


def _fits_task(ctx: CheckContext, out: torch.Tensor, y: torch.Tensor, loss: LossFn,
               details: dict[str, object]) -> CheckResult | None:
    """Right answers must score better than wrong ones, and never below the loss's floor."""
    space: Space = details["output_space"]  # type: ignore[assignment]
    if ctx.task == "binary" or class_targets(y, out) is not None or _distributions(y, out):
        found = class_probe(loss, out, y, space, binary=ctx.task == "binary")
    elif y.is_floating_point():
        found = regression_probe(loss, out, y)
    else:
        return None
    if found is None:
        return None
    measured, summary, why = found
    return _fail(measured, summary, why, "minimise the negative log-likelihood of normalised outputs (log_softmax "
                 "before nll_loss, logits into cross_entropy), check the loss's sign and argument order "
                 "(kl_div(log_probs, targets)), and pick the loss for the task (cross_entropy for classes, "
                 "mse for values, bce_with_logits for 0/1 targets)", details)


def _distributions(y: torch.Tensor, out: torch.Tensor) -> bool:
    """Soft class targets: shaped like the output, non-negative rows summing to 1."""
    if not y.is_floating_point() or tuple(y.shape) != tuple(out.shape) or out.ndim < 2 or out.shape[-1] < 2:
        return False
    return bool((y >= 0).all()) and bool(torch.allclose(y.sum(-1), torch.ones((), dtype=y.dtype), atol=1e-3))


def _per_example(ctx: CheckContext, out: torch.Tensor, y: torch.Tensor, loss: LossFn,
                 details: dict[str, object]) -> CheckResult | None:
    """Changing one example's target must change that example's gradient, and only its."""
    leaf = out.clone().requires_grad_(True)
    y2 = y.clone()
    y2[0] = _other_target(ctx, y[0], ctx.num_classes(out))
    grads = []
    for target in (y, y2):
        value = loss(leaf, target)
        if not value.requires_grad:
            raise UserCodeError(f"the loss {ctx.loss_name!r} does not depend on the model output (no gradient)")
        grads.append(torch.autograd.grad(value, leaf)[0])
    g1, g2 = grads
    if not (bool(torch.isfinite(g1).all()) and bool(torch.isfinite(g2).all())):
        at_init = float(loss(out, y))
        return _fail(f"the loss or its gradient is not finite on the fresh model's outputs (loss {at_init})",
                     "loss not finite at init", "a NaN or infinite loss trains nothing: log of a non-positive number, "
                     "arguments in the wrong order (kl_div(log_probs, target)), a division by zero",
                     "check the loss's arguments and their order, and that it takes logs of probabilities only", details)
    scale = float(g1.abs().max())
    if scale == 0.0:
        single = " (a softmax over a single output is always 1)" if out.shape[-1] == 1 and ctx.task != "binary" else ""
        return _fail(f"the loss does not change when the outputs change{single}", "loss is constant in the outputs",
                     "a loss with zero gradient teaches nothing", "use a loss that fits the output: mse for one real "
                     "value, bce_with_logits for one logit, cross_entropy for one logit per class", details)
    # A mean over weighted or non-ignored targets rescales every example's gradient when one target
    # changes; broadcasting adds terms that do not scale. Only what a common factor leaves over counts.
    a, b = g1[1:].reshape(-1), g2[1:].reshape(-1)
    factor = float((a * b).sum() / (a * a).sum().clamp_min(1e-30))
    others = float((b - factor * a).abs().max())
    own = float((g1[0] - g2[0]).abs().max())
    details.update(cross_target_grad_change=others, own_target_grad_change=own)
    if others > 1e-5 * scale:
        return _fail(f"changing the target of example 0 changed the loss gradient of other examples "
                     f"(by {others:.3g}); output {tuple(out.shape)}, target {tuple(y.shape)}", "loss mixes examples (broadcast)",
                     "the loss compares every output with every target: shapes broadcast silently "
                     "(e.g. (B, 1) - (B,) is (B, B)); the model learns the mean target",
                     "make output and target the same shape before the loss: `out.squeeze(-1)` or "
                     "`y.unsqueeze(-1)`, or use a named loss (nnrecipe reshapes instead of broadcasting)", details)
    if own == 0.0:
        return _fail("changing the target of example 0 did not change its loss gradient", "loss ignores the targets",
                     "a loss that ignores the targets teaches nothing", "check the loss's arguments and order", details)
    return None


def _other_target(ctx: CheckContext, y0: torch.Tensor, classes: int) -> torch.Tensor:
    if ctx.task == "binary":
        return 1 - y0
    if not y0.is_floating_point():
        return (y0 + 1) % max(classes, 2) if ctx.task in ("classification", "autoregressive") else y0 + 1
    return y0 + 1.0
