"""Overfit one small batch: close the gap from the loss at init to the lowest loss the batch allows."""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterator

import torch
from torch import nn

from ._base import Check, CheckSkipped
from ._context import CheckContext
from ._floor import context_groups, example_groups, loss_floor
from ._outputs import output_space
from ._probe import input_grad, probe
from ._result import CheckResult
from ._short_run import short_run

__all__ = ["OverfitBatch"]

NAME = "overfit_batch"
BATCH = 16
STEPS = 400
LR = 3e-3


@contextlib.contextmanager
def _dropout_off(model: nn.Module) -> Iterator[None]:
    """Regularisation off while memorising; the rates are put back after."""
    layers = [m for m in model.modules() if isinstance(m, nn.modules.dropout._DropoutNd)]
    rates = [m.p for m in layers]
    for m in layers:
        m.p = 0.0
    try:
        yield
    finally:
        for m, p in zip(layers, rates, strict=True):
            m.p = p


def _window(ctx: CheckContext, model: nn.Module, x: torch.Tensor, dim: int) -> int:
    """How many past steps the last output sees (the receptive field of a causal model)."""
    steps = x.shape[dim]
    try:
        out, leaf = probe(ctx, model.eval(), x[:2])
    except CheckSkipped:
        return steps
    if out.ndim <= dim or out.shape[dim] != steps:
        return steps
    g = input_grad(out.select(dim, steps - 1), leaf).abs().transpose(0, dim).reshape(steps, -1).amax(1)
    seen = [t for t in range(steps) if float(g[t]) > 0]
    return steps - seen[0] if seen else steps


def _groups(ctx: CheckContext, model: nn.Module, x: torch.Tensor, out: torch.Tensor) -> tuple[torch.Tensor, str]:
    """Which outputs must be equal, because the model sees the same input for them."""
    dim = ctx.options.causal_dim
    if dim is not None:
        dim = dim + x.ndim if dim < 0 else dim
        if dim == 1 and out.ndim >= 2 and out.shape[:2] == x.shape[:2]:
            window = _window(ctx, model, x, dim)
            return context_groups(x, dim, window), f"outputs sharing their last {window} inputs"
    return example_groups(x), "outputs of identical inputs"


def _floor(ctx: CheckContext, out: torch.Tensor, y: torch.Tensor, groups: torch.Tensor,
           start: float) -> tuple[float | None, torch.Tensor]:
    """The batch's floor and the outputs reaching it; ``None`` when the loss has no lower bound.

    Free outputs go straight into the loss first (logits or values: what a correct model
    feeds it); a loss that refuses those (BCE on probabilities) or runs to -inf with them
    (nll on log-probabilities) gets them in the model's own output space.
    """
    binary = ctx.task == "binary"
    bound = start - 100 * max(abs(start), 1.0)
    out, loss = ctx.classes_last(out, y)
    ideal = out
    for space in dict.fromkeys(("values" if ctx.task == "regression" else "logits", output_space(ctx.task, out, y, loss))):
        floor, ideal = loss_floor(loss, out, y, groups, space, binary=binary)  # type: ignore[arg-type]
        if math.isfinite(floor) and floor > bound:
            return floor, ideal
    return None, ideal


def _ignores_targets(ideal: torch.Tensor, y: torch.Tensor) -> float | None:
    """For a regression loss: R² of its minimising outputs against the targets when below 0.5, else ``None``."""
    if not y.is_floating_point() or ideal.numel() != y.numel() or y.numel() < 3:
        return None
    t = y.reshape(-1).double()
    var = float(((t - t.mean()) ** 2).sum())
    if var == 0.0:
        return None
    r2 = 1 - float(((ideal.reshape(-1).double() - t) ** 2).sum()) / var
    return r2 if r2 < 0.5 else None


def _plateau(losses: list[float], floor: float, window: int = 100) -> bool:
    """The last ``window`` steps closed less than 1% of the gap that remained before them."""
    if len(losses) < 2 * window:
        return False
    before, now = min(losses[-2 * window : -window]), min(losses[-window:])
    return before - now < 0.01 * max(before - floor, 1e-12)


def _predictions(ctx: CheckContext, out: torch.Tensor, y: torch.Tensor) -> list[float] | list[int]:
    out, _ = ctx.classes_last(out, y)
    if ctx.task in ("classification", "autoregressive") and out.ndim >= 2 and out.shape[-1] > 1:
        return out.argmax(-1).reshape(len(out), -1)[:, 0].tolist()
    if ctx.task == "binary":
        return (out.reshape(len(out), -1)[:, 0] > 0).long().tolist()
    return [round(v, 4) for v in out.reshape(len(out), -1)[:, 0].tolist()]


class OverfitBatch(Check):
    """Train on one batch of up to 16 examples, dropout off, towards the lowest loss it allows.

    The floor is estimated, not assumed zero: label smoothing, soft targets, and next-token
    targets that the visible context does not determine all keep it above zero. Fails when
    the loss closes little of the gap to the floor: probabilities fed to a logits loss, a
    loss that broadcasts, a model too crippled to memorise 16 examples.
    """

    name = NAME

    def run(self, ctx: CheckContext) -> CheckResult:
        x, y = ctx.batch(BATCH, minimum=2)
        model = ctx.fresh_model()
        with _dropout_off(model):
            out0 = ctx.seeded_forward(model, x).float()
            groups, grouping = _groups(ctx, model, x, out0)
            start = float(ctx.compute_loss(out0, y))
            floor, ideal = _floor(ctx, out0, y, groups, start)
            reach = (floor + 0.02 * max(start - floor, 0.0)) if floor is not None else -float("inf")
            seen: list[float] = []

            def done(step: int, loss: float) -> bool:
                seen.append(loss)
                return loss <= reach or (floor is not None and _plateau(seen, floor))

            run = short_run(ctx, model, (x, y), steps=STEPS, lr=LR if ctx.options.optimizer is None else None,
                            batch_size=len(x), on_step=done)
            with torch.no_grad():
                out = ctx.forward(model.eval(), x)
                final = min(float(ctx.compute_loss(out, y)), run.losses[-1] if run.losses else start)
        losses = run.losses
        if floor is None:  # the loss has no floor (a likelihood with a learned variance): judge the fall
            floor = start - max(abs(start), 1.0)
            grouping += "; the loss has no lower bound, so the floor shown is its start minus its size"
        gap = start - floor
        closed = (start - final) / gap if gap > 1e-12 else 1.0
        ignores = _ignores_targets(ideal, y) if ctx.task == "regression" else None
        labels = y.reshape(len(y), -1)[:, 0].tolist()
        predicted = _predictions(ctx, out, y)
        details = {"losses": losses, "floor": floor, "floor_from": grouping, "closed": closed, "labels": labels,
                   "predictions": predicted, "batch": len(x)}
        pairs = " ".join(f"{a}:{b}" for a, b in zip(labels[:8], predicted[:8], strict=False))
        measured = (f"loss {start:.4g} -> {final:.4g} in {len(losses)} steps on {len(x)} examples, {closed:.0%} of the way "
                    f"to the batch's floor {floor:.3g} ({grouping} share one output); label:prediction {pairs}")
        expected = f"loss within 5% of the gap above the floor {floor:.3g}, predictions equal to labels where they can be"
        summary = f"{closed:.0%} of the gap to the floor closed"
        if run.diverged_at is not None:
            measured, summary, status = f"loss became {losses[-1]} at step {run.diverged_at} on {len(x)} examples", "diverged", "fail"
        elif ignores is not None:
            measured += "; the outputs that minimise this loss on the batch do not follow the targets (R² of "
            measured += f"{ignores:.2f}): the loss cannot be overfit, whatever the model"
            summary, status = "loss minimum ignores the targets", "fail"
        elif closed >= 0.95 or (closed >= 0.8 and labels == predicted and ctx.task != "regression"):
            return CheckResult(name=NAME, status="pass", measured=measured, expected=expected, summary=summary, details=details)
        else:
            tail = losses[-20:]
            still_falling = len(tail) > 1 and tail[0] - tail[-1] > 0.1 * max(tail[-1] - floor, 1e-12)
            status = "warn" if closed >= 0.6 or still_falling or run.timed_out else "fail"
        return CheckResult(
            name=NAME, status=status, measured=measured, expected=expected, summary=summary,  # type: ignore[arg-type]
            why="a network that cannot memorise 16 examples has a bug between output and loss, or too little capacity; "
            "training on all the data will not fix it",
            fix="feed logits (not probabilities) to cross_entropy, give output and target the same shape, check that "
            "the input reaches the output; if the loss is still falling, raise the budget", details=details,
        )
