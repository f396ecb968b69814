"""Targets that are the inputs shifted along the sequence: next-token data and the wrong shifts.

For next-token data (a language model's ``x = seq[:-1], y = seq[1:]``) the targets equal the
inputs one position later, ``y[t] = x[t + 1]``: the expected relation, not a leak. The same
relation at another shift is a bug: ``y[t] = x[t]`` lets the model copy its input,
``y[t] = x[t - 1]`` (shifted the wrong way) shows it the target one step earlier, and a shift
of two or more trains it to predict further ahead than intended. The shift is inferred from
the data: the agreement ``y[t] == x[t + s]`` at each shift, corrected for chance (padding and
frequent tokens agree by accident).
"""

from __future__ import annotations

import dataclasses

import numpy as np

from ._finding import Finding
from ._sections import SequenceTargets
from ._targets import TargetScan

__all__ = ["SequenceRelation", "relation_findings", "sequence_relation", "sequence_targets"]

_SAMPLE_ROWS = 2000

# Chance-corrected agreement above which the targets *are* the shifted inputs. Built targets
# agree on every position; noisy or unrelated targets come nowhere near.
_RELATION = 0.9


@dataclasses.dataclass(frozen=True)
class SequenceRelation:
    """How per-position targets relate to the inputs.

    Attributes:
        shift: The shift ``s`` with ``y[t] = x[t + s]`` on (nearly) every position, or
            ``None`` when the targets are not shifted inputs.
        agreement: Per shift tried, the chance-corrected share of positions where
            ``y[t] == x[t + s]`` (1 = always, 0 = as often as by chance).
        positions: Positions compared per shift (summed over the sampled rows).
    """

    shift: int | None
    agreement: dict[int, float]
    positions: int

    @property
    def next_token(self) -> bool:
        return self.shift == 1


def _agreement(x: np.ndarray, y: np.ndarray) -> float:
    """Cohen's kappa of ``x == y`` over aligned values: 1 when equal, 0 when equal by chance."""
    observed = float((x == y).mean())
    values, inverse = np.unique(np.concatenate([x, y]), return_inverse=True)
    px = np.bincount(inverse[: len(x)], minlength=len(values)) / len(x)
    py = np.bincount(inverse[len(x) :], minlength=len(values)) / len(y)
    chance = float(px @ py)
    return (observed - chance) / (1.0 - chance) if chance < 1.0 else 0.0


def sequence_relation(X: np.ndarray, y: np.ndarray, *, max_shift: int = 8) -> SequenceRelation | None:
    """Find the shift that turns inputs into targets.

    Args:
        X: ``(m, L)`` input sequences (token ids or values), a sample of rows is enough.
        y: ``(m, L)`` targets aligned with ``X``. Negative integer targets (``-100``, ``-1``:
            ignored positions) are left out of the comparison.
        max_shift: Shifts from ``-max_shift`` to ``max_shift`` are tried.

    Returns:
        The relation, or ``None`` when there are too few positions to compare.

    Example:
        >>> seq = np.random.default_rng(0).integers(0, 50, size=(100, 17))
        >>> sequence_relation(seq[:, :-1], seq[:, 1:]).shift
        1
    """
    m, L = X.shape
    x, t = X.astype(np.float64), y.reshape(m, L).astype(np.float64)
    whole = np.all(t[np.isfinite(t)] == np.round(t[np.isfinite(t)]))
    valid = np.isfinite(t) & ~(whole & (t < 0))
    agreement: dict[int, float] = {}
    for s in range(-min(max_shift, L - 1), min(max_shift, L - 1) + 1):
        lo, hi = max(0, -s), min(L, L - s)  # positions t with t + s inside the sequence
        ok = valid[:, lo:hi] & np.isfinite(x[:, lo + s : hi + s])
        if ok.sum() >= 20:
            agreement[s] = round(_agreement(x[:, lo + s : hi + s][ok], t[:, lo:hi][ok]), 4)
    if not agreement:
        return None
    # Next-token data explains the targets whenever it holds, even if a repetitive sequence
    # (a run of one token) also agrees at other shifts; otherwise the strongest shift wins.
    best = 1 if agreement.get(1, 0.0) >= _RELATION else max(agreement, key=lambda s: (agreement[s], -abs(s)))
    return SequenceRelation(
        shift=best if agreement[best] >= _RELATION else None, agreement=agreement, positions=int(valid.sum())
    )


def relation_findings(rel: SequenceRelation, *, declared: bool) -> list[Finding]:
    """An ``error`` for a wrong shift; a ``warn`` when declared autoregressive but not next-token.

    Args:
        rel: The relation found in the training split.
        declared: The user declared ``task="autoregressive"``.
    """
    details = {"shift": rel.shift, "agreement": {str(k): v for k, v in rel.agreement.items()}}
    s = rel.shift
    fix = "build next-token pairs as x = seq[:-1], y = seq[1:] (targets one position ahead)."
    if s == 1:
        return []
    if s == 0:
        what = "targets equal the inputs at the same position (y[t] = x[t]): the model learns to copy its input"
    elif s is not None and s < 0:
        what = (
            f"targets are the inputs shifted the wrong way (y[t] = x[t{s}]): the model sees each target "
            f"{-s} position(s) before it must predict it"
        )
    elif s is not None:
        what = f"targets are the inputs shifted by {s} positions (y[t] = x[t+{s}]), not by one"
    elif declared:
        best = max(rel.agreement, key=rel.agreement.__getitem__)
        return [
            Finding(
                "sequence_targets", "warn",
                f"task='autoregressive' was declared but the targets are not the inputs shifted by one "
                f"position (the closest shift, {best}, agrees on {rel.agreement[best]:.0%} beyond chance); "
                f"check how the targets are built: {fix}",
                details=details,
            )
        ]
    else:
        return []
    return [Finding("target_leakage", "error", f"{what}; {fix}", details=details)]


def sequence_targets(
    train: TargetScan, sample: tuple[np.ndarray, np.ndarray] | None, *, declared: bool
) -> tuple[SequenceTargets, list[Finding]]:
    """The section for one target per position.

    Args:
        train: The training split's targets (their value counts).
        sample: Sampled training rows ``(inputs (k, L), targets (k, L))``.
        declared: The user declared ``task="autoregressive"``.
    """
    rel = None
    if sample is not None and len(sample[0]):
        X, y = sample
        rel = sequence_relation(X[:_SAMPLE_ROWS], y[:_SAMPLE_ROWS].reshape(min(len(y), _SAMPLE_ROWS), -1))
    findings = relation_findings(rel, declared=declared) if rel is not None else []
    entropy: float | None = None
    if train.whole and train.vocabulary:
        counts = np.asarray(list(train.vocabulary.values()), dtype=np.float64)
        p = counts / counts.sum()
        entropy = float(-(p * np.log(p)).sum())
    next_token = declared or (rel is not None and rel.next_token)
    section = SequenceTargets(
        task="autoregressive" if next_token else "per_position",
        shift=None if rel is None else rel.shift,
        agreement={} if rel is None else dict(rel.agreement),
        vocabulary=len(train.vocabulary) if train.whole else 0,
        expected_init_loss=entropy,
    )
    return section, findings
