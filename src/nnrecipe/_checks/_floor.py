"""The lowest loss a batch allows: outputs optimised freely, shared where the model sees the same thing.

A perfect model of a batch is a free output per example; but examples (or time steps)
whose visible inputs are identical must get identical outputs, so when their targets
differ the floor is above zero. The floor also reflects the loss as configured: label
smoothing and soft targets (their entropy), class weights, ignored targets.
"""

from __future__ import annotations

from collections.abc import Callable

import torch

from ._outputs import Space, from_logits, minimise

__all__ = ["context_groups", "example_groups", "loss_floor"]


def example_groups(x: torch.Tensor) -> torch.Tensor:
    """One group per distinct input: ``(B,)`` group ids."""
    flat = x.reshape(len(x), -1)
    return torch.unique(flat, dim=0, return_inverse=True)[1]


def context_groups(x: torch.Tensor, dim: int, window: int) -> torch.Tensor:
    """Group ids per ``(example, step)``: steps whose last ``window`` inputs are equal share one."""
    steps = x.shape[dim]
    seq = x.movedim(dim, 1).reshape(x.shape[0], steps, -1).cpu()
    ids: dict[bytes, int] = {}
    out = torch.empty(x.shape[0], steps, dtype=torch.long)
    for b in range(x.shape[0]):
        for t in range(steps):
            key = seq[b, max(0, t - window + 1) : t + 1].numpy().tobytes()
            out[b, t] = ids.setdefault(key, len(ids))
    return out


def loss_floor(
    loss: Callable[[torch.Tensor, torch.Tensor], torch.Tensor], out: torch.Tensor, y: torch.Tensor,
    groups: torch.Tensor, space: Space, *, binary: bool = False, iterations: int = 60,
) -> tuple[float, torch.Tensor]:
    """The loss of the best outputs that are equal within each group, and those outputs.

    ``groups`` has the shape of ``out`` without its last (class or value) dimension when
    it has one, and holds group ids; outputs are optimised in logit (or value) space and
    returned in ``space``. The loss is ``nan`` when the loss refuses such outputs.
    """
    groups = groups.to(out.device)
    lead = groups.shape
    tail = out.shape[len(lead):]
    free = torch.zeros(int(groups.max()) + 1, *tail, dtype=out.dtype, device=out.device, requires_grad=True)

    def value() -> torch.Tensor:
        return loss(from_logits(free[groups].reshape(out.shape), space, binary), y)

    try:
        minimise(free, value, iterations)
        with torch.no_grad():
            return float(value()), from_logits(free[groups].reshape(out.shape), space, binary).detach()
    except Exception:  # noqa: BLE001 - the user's code may raise anything
        return float("nan"), out
