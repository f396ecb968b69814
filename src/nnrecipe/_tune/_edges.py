"""Whether the optimum may lie outside a searched range: the best trial at an edge *and* a trend toward it.

The best of a dozen quasi-random trials lands near some edge by chance alone (with a
range's outer fifths making up 40% of it, often). The playbook's advice to move a bound is
worth a new search only when the trials show the goal improving toward that edge, so a
warning needs both:

- the best feasible trial lies in the outer ``EDGE`` of the range, on the parameter's own
  (log or linear) scale;
- over the trials in the half of the range next to that edge, the goal improves toward it:
  Spearman's rank correlation between closeness to the edge and the goal is at least
  ``MIN_RHO`` with a one-sided p-value of at most ``ALPHA``. Infeasible (diverged) trials
  count as the worst: a range whose best trials sit just below the learning rates that
  diverge has its optimum inside, and gets no warning.

With fewer than ``MIN_NEAR`` trials in that half no trend can be told from noise; the
analysis says so instead of warning.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from typing import Literal

import numpy as np

from ._records import TrialRecord
from ._space import Param
from ._study import Goal

__all__ = ["EDGE", "MIN_NEAR", "EdgeTrend", "edge_trends", "unit"]

EDGE = 0.2  # the best trial within the outer fifth of the range is "at the edge"
NEAR = 0.5  # the trend is measured over the half of the range next to that edge
MIN_NEAR = 5  # fewer trials there and a trend cannot be told from noise
ALPHA = 0.05  # one-sided significance of the rank correlation
MIN_RHO = 0.5  # and its size: a weak trend over many trials is no reason to move a bound

Side = Literal["lower", "upper"]


@dataclasses.dataclass(frozen=True)
class EdgeTrend:
    """The evidence at one edge of one parameter's range.

    Attributes:
        side: ``"lower"`` or ``"upper"``; ``bound`` that edge; ``extended`` a bound to try instead.
        best_at_edge: The best feasible trial lies in the outer ``EDGE`` of the range.
        n: Trials in the half of the range next to the edge (infeasible ones included).
        rho: Spearman correlation of closeness to the edge with the goal (positive: better
            toward the edge); ``None`` with fewer than ``MIN_NEAR`` trials.
        p_value: Its one-sided p-value; ``None`` with too few trials.
        line: Least-squares line of the goal over those trials' feasible values, as two
            ``(x, value)`` end points (linear in log x on a log scale), for plots; ``None``
            under two distinct points.
        warn: The best trial is at this edge and the trend toward it is significant.
        message: The finding in words; empty when the best trial is not at this edge.
    """

    side: Side
    bound: float
    extended: float
    best_at_edge: bool
    n: int
    rho: float | None
    p_value: float | None
    line: tuple[tuple[float, float], tuple[float, float]] | None
    warn: bool
    message: str


def unit(p: Param, x: float) -> float:
    """Position of ``x`` in ``p``'s range on its own scale: 0 at the lower bound, 1 at the upper."""
    assert p.low is not None and p.high is not None  # a range parameter
    if p.kind in ("log", "int_log"):
        return (math.log(x) - math.log(p.low)) / (math.log(p.high) - math.log(p.low))
    return (x - p.low) / (p.high - p.low)


def edge_trends(p: Param, records: Sequence[TrialRecord], goal: Goal) -> list[EdgeTrend]:
    """Both edges of range parameter ``p``, from the trials where it was active.

    Example:
        >>> edge_trends(Param(name="lr", kind="log", low=1e-4, high=1e-1), [], Goal())
        []
    """
    trials = [r for r in records if p.name in r.params and r.outcome in ("complete", "infeasible")]
    feasible = [r for r in trials if r.outcome == "complete" and r.value is not None]
    if p.kind == "choices" or not feasible:
        return []
    top = min(goal.rank(r.value) for r in feasible)
    # Trials tied for best (a search that learned nothing ties them all) must all be at the edge.
    best = [r for r in feasible if goal.rank(r.value) == top]
    return [_edge(p, side, trials, best, goal) for side in ("lower", "upper")]


def _edge(p: Param, side: Side, trials: Sequence[TrialRecord], tied: Sequence[TrialRecord], goal: Goal) -> EdgeTrend:
    assert p.low is not None and p.high is not None
    log_scale = p.kind in ("log", "int_log")
    bound = p.low if side == "lower" else p.high
    extended = (bound / 10 if side == "lower" else bound * 10) if log_scale else bound + (p.high - p.low) / 2 * (-1 if side == "lower" else 1)
    # Closeness to the edge: 1 at it, 0 at the other one.
    close = {r.number: 1 - unit(p, float(r.params[p.name])) if side == "lower" else unit(p, float(r.params[p.name])) for r in trials}
    near = [r for r in trials if close[r.number] >= 1 - NEAR]
    at_edge = all(close[r.number] >= 1 - EDGE for r in tied)
    best = tied[0]
    rho, p_value = _trend([close[r.number] for r in near], [-goal.rank(r.value) if r.outcome == "complete" else -math.inf for r in near])
    warn = bool(at_edge and rho is not None and p_value is not None and rho >= MIN_RHO and p_value <= ALPHA)
    where = (
        f"{p.name}: the best trial (trial {best.number}, {p.name}={float(best.params[p.name]):.4g}) lies in the {side} "
        f"{EDGE:.0%} of [{p.low:g}, {p.high:g}]"
    )
    if not at_edge:
        message = ""
    elif rho is None or p_value is None:
        message = (
            f"{where}, but only {len(near)} trial(s) lie in the {side} half of the range: too few (under {MIN_NEAR}) to "
            f"tell a trend toward the edge from noise; run more trials before moving the bound"
        )
    elif warn:
        message = (
            f"{where} and {goal.metric} improves toward that edge (Spearman rho {rho:+.2f} over the {len(near)} trials "
            f"in the {side} half, one-sided p{_p(p_value)}): the optimum may lie outside; extend the {side} bound "
            f"{bound:g} (e.g. to {extended:g}) and search again"
        )
    else:
        message = (
            f"{where}, but {goal.metric} shows no clear trend toward that edge (Spearman rho {rho:+.2f} over "
            f"{len(near)} trials, one-sided p{_p(p_value)}; a warning needs rho >= {MIN_RHO} and p <= {ALPHA}): "
            f"the optimum is probably inside the range"
        )
    line = _line([r for r in near if r.outcome == "complete" and r.value is not None], p.name, log_scale)
    return EdgeTrend(side, bound, extended, at_edge, len(near), rho, p_value, line, warn, message)


def _p(p_value: float) -> str:
    return "<0.001" if p_value < 0.001 else f"={p_value:.2g}"


def _trend(closeness: list[float], goodness: list[float]) -> tuple[float | None, float | None]:
    """Spearman's rho of goodness on closeness and its one-sided p-value (``None`` with too few points)."""
    if len(closeness) < MIN_NEAR:
        return None, None
    if len(set(closeness)) < 2 or len(set(goodness)) < 2:
        return 0.0, 1.0  # nothing varies: no trend (scipy would warn and return nan)
    from scipy import stats  # imported here: scipy.stats takes seconds to import

    # Ranks first: infeasible trials (-inf) tie as the worst.
    result = stats.spearmanr(closeness, stats.rankdata(goodness), alternative="greater")
    return float(result.statistic), float(result.pvalue)


def _line(rows: Sequence[TrialRecord], name: str, log_scale: bool) -> tuple[tuple[float, float], tuple[float, float]] | None:
    xs = np.array([float(r.params[name]) for r in rows])
    ys = np.array([r.value for r in rows], dtype=float)
    if len(set(xs.tolist())) < 2:
        return None
    t = np.log10(xs) if log_scale else xs
    slope, intercept = np.polyfit(t, ys, 1)
    ends = (float(t.min()), float(t.max()))
    to_x = (lambda v: 10.0**v) if log_scale else (lambda v: v)
    return ((to_x(ends[0]), float(slope * ends[0] + intercept)), (to_x(ends[1]), float(slope * ends[1] + intercept)))
