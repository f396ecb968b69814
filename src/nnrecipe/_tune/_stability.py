"""Advice for unstable optimisation: learning-rate warmup and gradient clipping."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numpy as np

from ._divergence import initial_loss
from ._records import TrialRecord

__all__ = ["StabilityAdvice", "stability_advice"]

EARLY = 0.2  # the first fifth of training is where warmup helps
SPIKE = 1.2  # an early training loss this far above the initial loss is a blow-up


@dataclasses.dataclass(frozen=True)
class StabilityAdvice:
    """Whether early training looks unstable, and what warmup and clipping to try.

    Attributes:
        unstable_trials: Trials whose loss spiked early, or that diverged.
        grad_norm_p90: 90th percentile of the gradient norms observed in feasible trials.
        warmup_steps: Suggested ``warmup_steps`` (``None`` when training looks stable).
        grad_clip_norm: Suggested ``grad_clip_norm`` (the 90th percentile), or ``None``.
        message: The advice in words.
    """

    unstable_trials: list[int]
    grad_norm_p90: float | None
    warmup_steps: int | None
    grad_clip_norm: float | None
    message: str


def stability_advice(records: Sequence[TrialRecord]) -> StabilityAdvice:
    """Look for early loss spikes and divergence; suggest warmup and a clipping threshold.

    Example:
        >>> stability_advice([]).warmup_steps is None
        True
    """
    unstable = [r.number for r in records if r.outcome == "infeasible" or _early_spike(r)]
    norms = [v for r in records if r.outcome == "complete" for _, v in r.grad_norms if np.isfinite(v)]
    p90 = float(np.percentile(norms, 90)) if norms else None
    if not unstable:
        return StabilityAdvice([], p90, None, None, "no early instability seen: no warmup or clipping needed")
    steps = [r.steps for r in records if r.steps]
    warmup = max(1, int(0.05 * float(np.median(steps)))) if steps else None
    message = (
        f"{len(unstable)} trial(s) were unstable early (loss spikes or divergence: trials {unstable[:10]}): "
        f"try warmup_steps={warmup} (about 5% of training)"
    )
    if p90 is not None:
        message += f" and grad_clip_norm={p90:.3g} (the 90th percentile of observed gradient norms)"
    return StabilityAdvice(unstable, p90, warmup, p90, message)


def _early_spike(r: TrialRecord) -> bool:
    # Worse than at initialisation, after the first steps: a blow-up, not batch-to-batch noise.
    if not r.steps:
        return False
    rows = [(s, v) for s, v in (r.step_losses or r.train_curve) if s <= EARLY * r.steps]
    losses = np.array([v for _, v in rows], dtype=float)
    start = initial_loss(rows)
    if np.any(~np.isfinite(losses)):
        return True
    return bool(start is not None and start > 0 and len(losses) >= 3 and np.any(losses[2:] > SPIKE * start))
