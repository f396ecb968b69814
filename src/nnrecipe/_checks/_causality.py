"""Causality of autoregressive models: output t must not see inputs after t."""

from __future__ import annotations

import torch

from ._context import CheckContext, CheckSkipped
from ._probe import input_grad, probe
from ._result import CheckResult

__all__ = ["check_causality"]

NAME = "causality"
EXPECTED = "gradient of output t w.r.t. inputs after t is exactly 0"


def _alignment(x: torch.Tensor, y: torch.Tensor, dim: int) -> str:
    """How targets line up with inputs along time: ``"same"``, ``"shifted"`` or ``"other"``."""
    if x.shape != y.shape or x.dtype != y.dtype:
        return "other"
    if torch.equal(x, y):
        return "same"
    t = x.shape[dim]
    if t > 1 and torch.equal(x.narrow(dim, 1, t - 1), y.narrow(dim, 0, t - 1)):
        return "shifted"
    return "other"


def _fail(measured: str, why: str, fix: str, details: dict[str, object] | None = None) -> CheckResult:
    return CheckResult(name=NAME, status="fail", measured=measured, expected=EXPECTED, why=why, fix=fix, details=details or {})


def check_causality(ctx: CheckContext) -> CheckResult:
    """Backpropagate from the output at a few time steps and look for gradient in the future.

    Also compares targets with inputs: targets equal to the unshifted inputs, with an output
    at ``t`` that sees input ``t``, let the model copy its answer.
    """
    if ctx.causal_dim is None:
        raise CheckSkipped("not declared autoregressive; pass causal_dim (the time dimension, e.g. 1) to run it")
    x, y = ctx.batch(2, minimum=1)
    dim = ctx.causal_dim + x.ndim if ctx.causal_dim < 0 else ctx.causal_dim
    if not 1 <= dim < x.ndim:
        return _fail(
            f"causal_dim={ctx.causal_dim} is outside the input's dimensions: inputs have shape "
            f"{tuple(x.shape)}, time can be dim 1..{x.ndim - 1}",
            "the causality check needs to know which dimension is time",
            f"pass causal_dim as the time dimension of one batch, e.g. causal_dim=1 for (batch, time{', features' if x.ndim > 2 else ''})",
        )
    steps = x.shape[dim]
    if steps < 2:
        raise CheckSkipped(f"the time dimension {dim} has length {steps}; causality needs at least 2 steps")
    model = ctx.fresh_model().eval()
    out, leaf = probe(ctx, model, x)
    if out.ndim <= dim or out.shape[dim] != steps:
        return _fail(
            f"causal_dim={ctx.causal_dim} declared but the output shape {tuple(out.shape)} has no "
            f"time dimension of length {steps} at dim {dim}",
            "an autoregressive model predicts at every time step",
            "return one prediction per time step, or drop causal_dim if the model is not autoregressive",
        )
    align = _alignment(x, y, dim)
    future_hits: list[tuple[int, int]] = []
    present = False
    for t in sorted({0, steps // 2, steps - 2}):
        g = input_grad(out.select(dim, t), leaf).abs()
        per_step = g.transpose(0, dim).reshape(steps, -1).amax(1)
        scale = max(float(per_step[: t + 1].max()), 1e-30)
        ahead = [s for s in range(t + 1, steps) if float(per_step[s]) > 1e-6 * scale]
        if ahead:
            future_hits.append((t, max(ahead) - t))
        present = present or float(per_step[t]) > 0
    details = {"alignment": align, "future_hits": [list(h) for h in future_hits], "steps": steps}
    if future_hits:
        t, k = future_hits[0]
        return _fail(
            f"output at t={t} has gradient on inputs up to t+{k}",
            "the model sees the future during training and will fail at generation time, where "
            "the future does not exist yet; its training loss is too good to be true",
            "check the attention mask (`torch.triu(ones, diagonal=1)` masks the future; "
            "`diagonal=2` lets t see t+1), causal convolutions (pad on the left only), and "
            "bidirectional layers",
            details,
        )
    if align == "same" and present:
        return _fail(
            "targets equal the inputs (not shifted) and output t sees input t: the model can copy its target",
            "the loss is near zero without learning anything",
            "shift the targets: inputs `seq[:, :-1]`, targets `seq[:, 1:]`",
            details,
        )
    note = {"shifted": "targets are the inputs shifted by one", "same": "targets equal inputs", "other": "targets differ from inputs"}[align]
    return CheckResult(
        name=NAME, status="pass", measured=f"no gradient from the future at any tested step ({note})",
        expected=EXPECTED, details=details,
    )
