"""Whether to adopt a candidate: its advantage over the baseline against seed-to-seed variation."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence

import numpy as np

from ._records import TrialRecord
from ._study import Goal

__all__ = ["Adoption", "adoption"]


@dataclasses.dataclass(frozen=True)
class Adoption:
    """The candidate and the baseline, each re-run over several seeds.

    Attributes:
        candidate / baseline: Objective per seed.
        difference: Mean candidate minus mean baseline (positive: candidate higher).
        ci_low / ci_high: 95% confidence interval of ``difference`` (Welch's t).
        seed_std: Seed-to-seed standard deviation (the larger of the two arms).
        adopt: The interval excludes zero on the better side and the gain exceeds ``seed_std``.
        message: The verdict in words.
    """

    candidate: list[float]
    baseline: list[float]
    difference: float
    ci_low: float
    ci_high: float
    seed_std: float
    adopt: bool
    message: str


def adoption(records: Sequence[TrialRecord], goal: Goal, *, confidence: float = 0.95) -> Adoption | None:
    """Compare the ``candidate`` and ``baseline`` adoption runs; ``None`` until both have 2 seeds.

    Example:
        >>> adoption([], Goal()) is None
        True
    """
    arms = {
        arm: [r.value for r in records if r.arm == arm and r.outcome == "complete" and r.value is not None]
        for arm in ("candidate", "baseline")
    }
    cand, base = (np.array(arms[a], dtype=float) for a in ("candidate", "baseline"))
    if len(cand) < 2 or len(base) < 2:
        return None
    diff = float(cand.mean() - base.mean())
    va, vb = cand.var(ddof=1) / len(cand), base.var(ddof=1) / len(base)
    se = math.sqrt(va + vb)
    # Welch-Satterthwaite degrees of freedom; with zero variance the interval is the point.
    dof = (va + vb) ** 2 / (va**2 / (len(cand) - 1) + vb**2 / (len(base) - 1)) if se > 0 else 1.0
    from scipy import stats  # imported here: scipy.stats takes seconds to import

    half = float(stats.t.ppf(0.5 + confidence / 2, dof)) * se
    low, high = diff - half, diff + half
    seed_std = float(max(cand.std(ddof=1), base.std(ddof=1)))
    gain = goal.gain(diff)
    excludes_zero = min(goal.gain(low), goal.gain(high)) > 0
    adopt = bool(excludes_zero and gain > seed_std)
    verdict = "adopt the candidate" if adopt else "keep the baseline"
    why = (
        "the interval excludes zero and the gain exceeds the seed-to-seed spread"
        if adopt
        else "the gain is not clearly larger than the variation between seeds"
        if gain > 0
        else "the candidate is not better"
    )
    message = (
        f"{goal.metric}: candidate {cand.mean():.4g} ± {cand.std(ddof=1):.2g} vs baseline {base.mean():.4g} ± "
        f"{base.std(ddof=1):.2g} over {len(cand)}/{len(base)} seeds; difference {diff:+.4g}, "
        f"{confidence:.0%} CI [{low:+.4g}, {high:+.4g}], seed std {seed_std:.2g}: {verdict} ({why})"
    )
    return Adoption(cand.tolist(), base.tolist(), diff, low, high, seed_std, adopt, message)
