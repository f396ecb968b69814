"""Gradients of outputs with respect to the inputs, also for token inputs (via the embedding)."""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

from ._base import CheckSkipped
from ._context import CheckContext

__all__ = ["input_grad", "probe"]


def probe(ctx: CheckContext, model: nn.Module, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Run ``model`` on ``x``; return the output and the tensor to differentiate against.

    Float inputs are differentiated directly. Integer inputs (token ids) have no gradient,
    so the output of the first ``nn.Embedding`` that reads the input is used instead: it has
    the same batch and time dimensions, plus a feature dimension at the end.

    Raises:
        CheckSkipped: Integer inputs and no embedding reads them.
    """
    if x.is_floating_point():
        leaf = x.detach().clone().requires_grad_(True)
        return ctx.forward(model, leaf), leaf
    captured: list[torch.Tensor] = []

    def hook(module: nn.Module, args: tuple[Any, ...], output: torch.Tensor) -> torch.Tensor | None:
        if captured or not args or not isinstance(args[0], torch.Tensor) or args[0].shape != x.shape:
            return None
        leaf = output.detach().requires_grad_(True)
        captured.append(leaf)
        return leaf  # the rest of the forward now starts from this leaf

    handles = [m.register_forward_hook(hook) for m in model.modules() if isinstance(m, nn.Embedding)]
    try:
        out = ctx.forward(model, x)
    finally:
        for h in handles:
            h.remove()
    if not captured:
        raise CheckSkipped(
            f"inputs are integers ({x.dtype}) and no nn.Embedding reads them directly, so there is "
            "no input gradient to measure"
        )
    return out, captured[0]


def input_grad(out_part: torch.Tensor, leaf: torch.Tensor) -> torch.Tensor:
    """Gradient of ``out_part.sum()`` with respect to ``leaf`` (zeros where there is no path)."""
    if not out_part.requires_grad:
        return torch.zeros_like(leaf)
    (g,) = torch.autograd.grad(out_part.sum(), leaf, retain_graph=True, allow_unused=True)
    return torch.zeros_like(leaf) if g is None else g
