"""Finding a model's layers in the order its forward pass calls them, with forward hooks."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import torch
from torch import nn

__all__ = ["Call", "call_order", "first_tensor", "hooked"]

Call = tuple[int, int]  # (index into the watched modules, how many times it was called before)


def first_tensor(value: Any) -> torch.Tensor | None:
    """The tensor a hook sees, or the first one of a tuple (an RNN's output, a pair)."""
    if isinstance(value, torch.Tensor):
        return value
    if isinstance(value, (tuple, list)):
        return next((v for v in value if isinstance(v, torch.Tensor)), None)
    return None


@contextlib.contextmanager
def hooked(modules: Sequence[nn.Module], seen: Callable[[int, Any, Any], None]) -> Iterator[None]:
    """``seen(i, input, output)`` on every call of ``modules[i]`` while inside."""
    handles = [m.register_forward_hook(lambda _, inp, out, i=i: seen(i, inp, out)) for i, m in enumerate(modules)]
    try:
        yield
    finally:
        for h in handles:
            h.remove()


def call_order(model: nn.Module, modules: Sequence[nn.Module], x: torch.Tensor) -> list[Call]:
    """The calls of ``modules`` during ``model(x)``, in order; a module called twice (one ReLU
    shared by every layer) appears twice, as two layers. Run inside :func:`~._probe.quiet`."""
    calls: list[Call] = []
    counts = [0] * len(modules)

    def seen(i: int, inp: Any, out: Any) -> None:
        calls.append((i, counts[i]))
        counts[i] += 1

    with hooked(modules, seen):
        model(x)
    return calls


def call_names(names: Sequence[str], calls: Sequence[Call]) -> list[str]:
    """``blocks.0.act``, and ``act#2`` for a module's second call."""
    return [names[i] + (f"#{k + 1}" if k else "") for i, k in calls]
