"""Causality of autoregressive models: output t must not see inputs after t, nor its own target."""

from __future__ import annotations

import torch
from torch import nn

from ._base import Check, CheckSkipped
from ._context import CheckContext
from ._probe import input_grad, probe
from ._result import CheckResult

__all__ = ["Causality", "target_shift"]

NAME = "causality"
EXPECTED = "gradient of output t w.r.t. inputs after t is exactly 0, in eval and in training mode; targets = inputs shifted by one"
MAX_SHIFT = 3


def target_shift(x: torch.Tensor, y: torch.Tensor, dim: int) -> int | None:
    """The ``k`` with ``y[t] == x[t + k]`` along ``dim`` for every ``t`` where both exist, if any.

    ``1`` is next-step prediction; ``0`` copies the input; negative ``k`` repeats a past
    input; ``k >= 2`` predicts several steps ahead. ``None`` when no small shift fits.
    """
    if x.shape != y.shape or x.dtype != y.dtype:
        return None
    steps = x.shape[dim]
    for k in sorted(range(-MAX_SHIFT, MAX_SHIFT + 1), key=lambda k: (abs(k - 1), k)):
        n = steps - abs(k)
        if n < 2:
            continue
        xs = x.narrow(dim, max(k, 0), n)
        ys = y.narrow(dim, max(-k, 0), n)
        if torch.equal(xs, ys):
            return k
    return None


def _future_hits(ctx: CheckContext, model: nn.Module, x: torch.Tensor, dim: int) -> tuple[list[tuple[int, int]], bool]:
    """``[(t, k)]``: output ``t`` has gradient on input ``t + k``; and whether output ``t`` sees input ``t``."""
    steps = x.shape[dim]
    out, leaf = probe(ctx, model, x)
    if out.ndim <= dim or out.shape[dim] != steps:
        raise _NoTimeAxis(tuple(out.shape))
    hits: list[tuple[int, int]] = []
    present = False
    for t in sorted({0, steps // 2, steps - 2}):
        g = input_grad(out.select(dim, t), leaf).abs()
        per_step = g.transpose(0, dim).reshape(steps, -1).amax(1)
        scale = max(float(per_step[: t + 1].max()), 1e-30)
        ahead = [s for s in range(t + 1, steps) if float(per_step[s]) > 1e-6 * scale]
        if ahead:
            hits.append((t, max(ahead) - t))
        present = present or float(per_step[t]) > 0
    return hits, present


class _NoTimeAxis(Exception):
    pass


class Causality(Check):
    """Backpropagate from the output at a few time steps and look for gradient in the future.

    Run in eval mode and again in training mode: batch norm over time, or statistics over
    the sequence, leak the future only while training. Targets are also compared with the
    inputs: a target the model can already see at its position is copied, not predicted.
    """

    name = NAME

    def run(self, ctx: CheckContext) -> CheckResult:
        if ctx.options.causal_dim is None:
            raise CheckSkipped("not declared autoregressive; pass causal_dim (the time dimension, e.g. 1) to run it")
        x, y = ctx.batch(4, minimum=1)
        dim = ctx.options.causal_dim + x.ndim if ctx.options.causal_dim < 0 else ctx.options.causal_dim
        steps = x.shape[dim]
        if steps < 2:
            raise CheckSkipped(f"the time dimension {dim} has length {steps}; causality needs at least 2 steps")
        model = ctx.fresh_model()
        try:
            eval_hits, present = _future_hits(ctx, model.eval(), x, dim)
            torch.manual_seed(ctx.seed)
            train_hits, _ = _future_hits(ctx, model.train(), x, dim)
        except _NoTimeAxis as e:
            return _fail(f"causal_dim={ctx.options.causal_dim} declared but the output shape {e.args[0]} has no time "
                         f"dimension of length {steps} at dim {dim}", "no time axis in the output",
                         "an autoregressive model predicts at every time step",
                         "return one prediction per time step, or drop causal_dim if the model is not autoregressive", {})
        shift = target_shift(x, y, dim)
        details: dict[str, object] = {"target_shift": shift, "future_hits_eval": [list(h) for h in eval_hits],
                   "future_hits_train": [list(h) for h in train_hits], "steps": steps}
        if eval_hits or train_hits:
            mode = "eval" if eval_hits else "training"
            t, k = (eval_hits or train_hits)[0]
            return _fail(f"in {mode} mode, output at t={t} has gradient on inputs up to t+{k}" +
                         ("" if eval_hits else " (batch statistics over time: batch norm on (B, C, T), normalising over the sequence)"),
                         f"output t sees t+{k} ({mode} mode)",
                         "the model sees the future during training and will fail at generation time, where the future "
                         "does not exist yet; its training loss is too good to be true",
                         "check the attention mask (`torch.triu(ones, diagonal=1)` masks the future; `diagonal=2` lets t "
                         "see t+1; masked scores must be -inf before the softmax over keys), causal convolutions (pad on "
                         "the left only), bidirectional layers, and batch norm over time (use LayerNorm per position)",
                         details)
        if shift is not None and shift <= 0 and present:
            what = "equal the inputs (not shifted)" if shift == 0 else f"are the inputs shifted the wrong way (y[t] = x[t{shift}])"
            return _fail(f"targets {what}, and output t sees input t: the model can copy its target",
                         "target visible at its own step", "the loss falls to zero without learning anything",
                         "shift the targets forward once: inputs `seq[:, :-1]`, targets `seq[:, 1:]`", details)
        if shift is not None and shift >= 2:
            return _fail(f"targets are the inputs shifted by {shift} (y[t] = x[t+{shift}]): the model learns to predict "
                         f"{shift} steps ahead", f"targets shifted by {shift}, not 1",
                         "shifting twice (in the data and again in the loss) trains next-next-token prediction",
                         "shift once: inputs `seq[:, :-1]`, targets `seq[:, 1:]`, and no second shift in the loss", details)
        note = {None: "targets differ from inputs", 1: "targets are the inputs shifted by one"}.get(shift, f"shift {shift}")
        return CheckResult(name=NAME, status="pass", measured=f"no gradient from the future at any tested step, in eval "
                           f"and training mode ({note})", expected=EXPECTED, summary="no look-ahead (eval, train)",
                           details=details)


def _fail(measured: str, summary: str, why: str, fix: str, details: dict[str, object]) -> CheckResult:
    return CheckResult(name=NAME, status="fail", measured=measured, expected=EXPECTED, why=why, fix=fix,
                       summary=summary, details=details)
