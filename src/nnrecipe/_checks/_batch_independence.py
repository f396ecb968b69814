"""Batch independence by backprop: example i's output must not depend on example j's input."""

from __future__ import annotations

import torch

from ._base import Check
from ._context import CheckContext
from ._probe import input_grad, probe
from ._result import CheckResult

__all__ = ["BatchIndependence"]

NAME = "batch_independence"
EXPECTED = "gradient of output i w.r.t. input j is exactly 0 for j != i (model in eval mode)"


class BatchIndependence(Check):
    """Backpropagate from a few single examples' outputs and look where the gradient lands.

    In eval mode (batch norm on running statistics, dropout off) a correct model treats each
    example on its own. Gradient reaching another example's input means the batch is mixed:
    ``view`` where ``permute`` was meant, softmax or normalisation over dim 0, pooling over
    the batch.
    """

    name = NAME

    def run(self, ctx: CheckContext) -> CheckResult:
        return _run(ctx)


def _run(ctx: CheckContext) -> CheckResult:
    x, _ = ctx.batch(8, minimum=2)
    model = ctx.fresh_model().eval()
    out, leaf = probe(ctx, model, x)
    n = len(x)
    leaks: dict[int, list[int]] = {}
    worst = own_max = 0.0
    for i in sorted({0, n // 2, n - 1}):
        g = input_grad(out[i], leaf).reshape(n, -1).abs().amax(1)
        own = float(g[i])
        others = torch.cat([g[:i], g[i + 1 :]])
        own_max = max(own_max, own)
        worst = max(worst, float(others.max()))
        hit = [j for j in range(n) if j != i and float(g[j]) > 1e-6 * max(own, 1e-30)]
        if hit:
            leaks[i] = hit
    details = {"batch": n, "leaks": {str(k): v for k, v in leaks.items()}, "max_cross_grad": worst, "max_own_grad": own_max}
    if leaks:
        i, js = next(iter(leaks.items()))
        return CheckResult(
            name=NAME, status="fail",
            measured=f"output of example {i} has gradient on the inputs of examples {js} "
            f"(max |grad| {worst:.3g}, own input {own_max:.3g})",
            expected=EXPECTED,
            why="the model mixes examples across the batch: predictions depend on which other "
            "examples share the batch, and training learns from the wrong inputs",
            fix="look for reshapes that move the batch dimension (`x.view(T, B, C)` where "
            "`x.permute(2, 0, 1)` is meant), softmax / normalisation / pooling over dim 0, or "
            "batch statistics used in eval mode",
            summary=f"example {i} sees examples {js[:3]}", details=details,
        )
    if own_max == 0.0:
        return CheckResult(
            name=NAME, status="warn",
            measured="no example's output depends on its own input (all input gradients are 0)",
            expected=EXPECTED,
            why="a model whose output ignores its input cannot learn from it",
            fix="check that the input reaches the output (no `* 0`, no `.detach()`, no constant branch)",
            summary="no output depends on its input", details=details,
        )
    return CheckResult(
        name=NAME, status="pass",
        measured=f"gradients stay within each example ({n} examples, cross-example max {worst:.1g})",
        expected=EXPECTED, summary=f"examples independent ({n} tested)", details=details,
    )
