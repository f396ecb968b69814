"""A model summary: layers, parameter counts and output shapes, from one real forward pass."""

from __future__ import annotations

import dataclasses
from typing import Any

import torch
from torch import nn

__all__ = ["ModelSummary", "summarize"]


@dataclasses.dataclass(frozen=True)
class ModelSummary:
    """Rows of ``(name, type, output shape, parameters)`` for each leaf module, and totals."""

    rows: list[tuple[str, str, str, int]]
    total_params: int
    trainable_params: int

    def to_text(self) -> str:
        widths = [max(len(r[i]) for r in [("layer", "type", "output", "")] + [(a, b, c, "") for a, b, c, _ in self.rows]) for i in range(3)]
        lines = [f"{'layer':<{widths[0]}}  {'type':<{widths[1]}}  {'output':<{widths[2]}}  params"]
        for name, kind, shape, n in self.rows:
            lines.append(f"{name:<{widths[0]}}  {kind:<{widths[1]}}  {shape:<{widths[2]}}  {n:,}")
        lines.append(f"total parameters: {self.total_params:,} ({self.trainable_params:,} trainable)")
        return "\n".join(lines)


def _shape(out: Any) -> str:
    if isinstance(out, torch.Tensor):
        return str(tuple(out.shape))
    if isinstance(out, (tuple, list)):
        return "[" + ", ".join(_shape(o) for o in out) + "]"
    return type(out).__name__


def summarize(model: nn.Module, example: torch.Tensor) -> ModelSummary:
    """Run ``example`` through ``model`` in eval mode and record each leaf's output shape.

    The model's train/eval mode is restored afterwards; no gradients are computed and no
    running statistics change.

    Example:
        >>> s = summarize(nn.Sequential(nn.Linear(4, 3), nn.ReLU()), torch.zeros(2, 4))
        >>> s.total_params, s.rows[0][2]
        (15, '(2, 3)')
    """
    shapes: dict[str, str] = {}
    hooks = []
    leaves = [(n, m) for n, m in model.named_modules() if not list(m.children()) and n]
    for name, module in leaves:
        hooks.append(module.register_forward_hook(lambda m, i, o, name=name: shapes.__setitem__(name, _shape(o))))
    was_training = model.training
    try:
        model.eval()
        with torch.no_grad():
            model(example)
    finally:
        model.train(was_training)
        for h in hooks:
            h.remove()
    rows = [
        (name, type(m).__name__, shapes.get(name, "-"), sum(p.numel() for p in m.parameters(recurse=False)))
        for name, m in leaves
    ]
    total = sum(p.numel() for p in model.parameters())
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    return ModelSummary(rows, total, trainable)
