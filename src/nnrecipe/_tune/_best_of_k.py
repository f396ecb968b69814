"""Whether enough trials were sampled: the bootstrap distribution of the best of k trials."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence

import numpy as np

from ._records import TrialRecord
from ._study import Goal

__all__ = ["BestOfK", "best_of_k"]

MIN_TRIALS = 8  # below this the bootstrap mostly resamples the same few trials


@dataclasses.dataclass(frozen=True)
class BestOfK:
    """Expected best objective among ``k`` random trials of the study, for each ``k``.

    Attributes:
        ks: Trial counts 1..n.
        median / low / high: Median and 5th / 95th percentiles of the best of ``k``.
        observed: The best value so far after each finished trial, in the order they ran.
        enough: Whether doubling from n/2 to n trials gained under a tenth of what the
            search gained overall (diminishing returns); ``None`` with too few trials.
        message: The verdict in words.
    """

    ks: list[int]
    median: list[float]
    low: list[float]
    high: list[float]
    observed: list[float]
    enough: bool | None
    message: str


def best_of_k(records: Sequence[TrialRecord], goal: Goal, *, noise: float = 0.0, resamples: int = 1000, seed: int = 0) -> BestOfK:
    """Bootstrap the best of ``k`` trials; infeasible trials are drawn too and never win.

    Args:
        records: The study's trials.
        goal: What is better.
        noise: Evaluation noise of the goal metric; a later gain below it is no gain.
        resamples: Bootstrap resamples.
        seed: Seed of the bootstrap.

    Example:
        >>> best_of_k([], Goal()).enough is None
        True
    """
    done = [r for r in records if r.outcome in ("complete", "infeasible")]
    sign = goal.sign
    values = np.array([sign * r.value if r.value is not None else math.inf for r in done])
    n = len(values)
    if n < MIN_TRIALS or not np.isfinite(values).any():
        return BestOfK([], [], [], [], [], None, f"only {n} finished trial(s): too few to tell whether the search has converged")
    rng = np.random.default_rng(seed)
    draws = values[rng.integers(0, n, size=(resamples, n))]
    running = np.minimum.accumulate(draws, axis=1)  # best of the first k of each resample
    running[~np.isfinite(running)] = np.nan
    with np.errstate(all="ignore"):
        median = sign * np.nanmedian(running, axis=0)
        low_q, high_q = sign * np.nanpercentile(running, 5, axis=0), sign * np.nanpercentile(running, 95, axis=0)
    half = n // 2 - 1
    total = abs(median[-1] - median[0])
    late = abs(median[-1] - median[half])
    enough = bool(total == 0 or late <= max(0.1 * total, noise))
    if enough:
        message = (
            f"diminishing returns: the expected best of {half + 1} trials ({median[half]:.4g}) is within "
            f"{'the evaluation noise' if late > 0.1 * total else 'a tenth of the search gain'} of the best of {n} "
            f"({median[-1]:.4g}); more trials of this space would add little"
        )
    else:
        message = (
            f"still gaining: the expected best went from {median[half]:.4g} ({half + 1} trials) to {median[-1]:.4g} "
            f"({n} trials){f', more than the evaluation noise ({noise:.2g})' if noise else ''}; sample more trials "
            f"before drawing conclusions"
        )
    ks = list(range(1, n + 1))
    observed = (sign * np.minimum.accumulate(values)).tolist()
    low, high = _lo_hi(low_q, high_q, sign)
    return BestOfK(ks, median.tolist(), low, high, observed, enough, message)


def _lo_hi(a: np.ndarray, b: np.ndarray, sign: float) -> tuple[list[float], list[float]]:
    return (a.tolist(), b.tolist()) if sign > 0 else (b.tolist(), a.tolist())
