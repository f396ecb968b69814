"""Eval-mode determinism: the same batch gives the same outputs, whatever the random state."""

from __future__ import annotations

import torch

from ._base import Check
from ._context import CheckContext
from ._result import CheckResult

__all__ = ["EvalDeterminism"]

NAME = "eval_determinism"
EXPECTED = "identical outputs from two eval-mode passes under different random states"


class EvalDeterminism(Check):
    """Two forward passes in eval mode, with the global generators reseeded differently.

    Differences mean randomness in forward that ``model.eval()`` does not switch off:
    ``F.dropout(x, training=True)``, noise drawn in forward, sampling.
    """

    name = NAME

    def run(self, ctx: CheckContext) -> CheckResult:
        return _run(ctx)


def _run(ctx: CheckContext) -> CheckResult:
    x, _ = ctx.batch(32, minimum=1)
    model = ctx.fresh_model().eval()
    outs = []
    for seed in (ctx.seed + 11, ctx.seed + 12):
        torch.manual_seed(seed)
        with torch.no_grad():
            outs.append(ctx.forward(model, x).float())
    diff = float((outs[0] - outs[1]).abs().max()) if outs[0].shape == outs[1].shape else float("inf")
    details = {"max_abs_diff": diff}
    if diff == 0.0:
        return CheckResult(name=NAME, status="pass", measured="two eval passes are bit-identical",
                           expected=EXPECTED, summary="eval outputs bit-identical", details=details)
    return CheckResult(
        name=NAME, status="fail", measured=f"two eval passes differ by up to {diff:.3g}",
        expected=EXPECTED,
        why="validation metrics and predictions change from run to run; dropout left on at eval "
        "also makes every evaluation worse than the model",
        fix="use nn.Dropout modules (or `F.dropout(x, p, training=self.training)`) and draw no "
        "random numbers in forward when not self.training",
        summary=f"eval outputs differ by {diff:.2g}", details=details,
    )
