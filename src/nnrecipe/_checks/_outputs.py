"""What the model's outputs are (logits, log-probabilities, probabilities) and outputs built in that space.

Expected values are computed by feeding the user's own loss outputs of a known meaning
(uniform, the prior, confidently right or wrong) in the space the model itself outputs:
the loss as configured (weights, smoothing, ignored targets, reduction) then speaks for
itself, and no formula assumes its name.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

import torch

__all__ = ["Space", "class_targets", "from_logits", "minimise", "optimal_shift", "output_space", "to_logits"]

Space = Literal["logits", "log_probs", "probs", "values"]


def _accepts(loss: Callable[[torch.Tensor, torch.Tensor], torch.Tensor], out: torch.Tensor, y: torch.Tensor, value: float) -> bool:
    try:
        return bool(torch.isfinite(torch.as_tensor(loss(torch.full_like(out, value), y))).all())
    except Exception:  # noqa: BLE001 - the user's code may raise anything
        return False


def output_space(
    task: str, out: torch.Tensor, y: torch.Tensor, loss: Callable[[torch.Tensor, torch.Tensor], torch.Tensor]
) -> Space:
    """The space of ``out``: ``"probs"``, ``"log_probs"`` or ``"logits"``; ``"values"`` for regression.

    A binary output is a probability when the loss refuses a value of 3 (``BCELoss``);
    class outputs are probabilities when each row sums to 1, log-probabilities when each
    row's exponentials do.
    """
    if task == "regression":
        return "values"
    if task == "binary" or out.ndim < 2 or out.shape[-1] < 2:
        in_unit = bool(((out >= 0) & (out <= 1)).all())
        return "probs" if in_unit and not _accepts(loss, out, y, 3.0) else "logits"
    rows = out.reshape(-1, out.shape[-1]).double()
    if bool(((rows >= 0) & (rows <= 1)).all()) and bool(torch.allclose(rows.sum(-1), torch.ones((), dtype=rows.dtype), atol=1e-4)):
        return "probs"
    if bool((rows <= 1e-6).all()) and bool(torch.allclose(rows.logsumexp(-1), torch.zeros((), dtype=rows.dtype), atol=1e-4)):
        return "log_probs"
    return "logits"


def from_logits(z: torch.Tensor, space: Space, binary: bool = False) -> torch.Tensor:
    """Logits ``z`` turned into outputs of ``space`` (sigmoid for binary probabilities)."""
    if space == "probs":
        return torch.sigmoid(z) if binary else torch.softmax(z, -1)
    if space == "log_probs":
        return torch.log_softmax(z, -1)
    return z


def to_logits(out: torch.Tensor, space: Space, binary: bool = False) -> torch.Tensor:
    """Outputs of ``space`` back to logits (up to a constant per row)."""
    if space == "probs":
        p = out.clamp(1e-7, 1 - 1e-7) if binary else out.clamp_min(1e-12)
        return torch.log(p / (1 - p)) if binary else torch.log(p)
    return out


def class_targets(y: torch.Tensor, out: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor] | None:
    """Integer class targets aligned with ``out``'s rows: ``(labels, used)`` flattened.

    ``used`` marks labels within ``[0, C)``; others (``-100`` padding for ``ignore_index``)
    are left out of priors and probes. ``None`` when the targets are not class indices.
    """
    if y.is_floating_point() or out.ndim < 2 or out.shape[:-1].numel() != y.numel():
        return None
    labels = y.reshape(-1).long()
    return labels, (labels >= 0) & (labels < out.shape[-1])


def optimal_shift(
    loss: Callable[[torch.Tensor, torch.Tensor], torch.Tensor], out: torch.Tensor, y: torch.Tensor, space: Space,
    binary: bool = False, steps: int = 30,
) -> tuple[torch.Tensor, float]:
    """The constant per-output shift of the logits (or values) that lowers the loss most.

    This is what the best output bias could achieve on this batch, measured with the loss
    as configured. Returns the shift and the loss with it.
    """
    base = to_logits(out.detach(), space, binary)
    shift = torch.zeros(base.shape[-1] if base.ndim >= 2 else 1, dtype=base.dtype, requires_grad=True)

    def value() -> torch.Tensor:
        return loss(from_logits(base + shift, space, binary), y)

    try:
        minimise(shift, value, steps)
    except Exception:  # noqa: BLE001 - the user's code may raise anything
        return torch.zeros_like(shift.detach()), float("nan")
    with torch.no_grad():
        best = float(value())
    return shift.detach(), best


def minimise(param: torch.Tensor, value: Callable[[], torch.Tensor], iterations: int) -> None:
    """Lower ``value()`` over the tensor ``param`` with L-BFGS (strong Wolfe line search), in place.

    Raises whatever ``value`` raises (the user's loss).
    """
    opt = torch.optim.LBFGS([param], lr=1.0, max_iter=iterations, line_search_fn="strong_wolfe")

    def closure() -> torch.Tensor:
        opt.zero_grad()
        v = value()
        v.backward()
        return v

    opt.step(closure)
