"""Metric against each hyperparameter, with a warning when the best trials crowd a boundary."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from typing import Any

from ._records import TrialRecord
from ._space import Param, Space
from ._study import Goal

__all__ = ["AxisPoint", "AxisInfo", "axis_info", "top_trials"]

EDGE = 0.1  # the outer tenth of a range (on its own scale) counts as "near the edge"


@dataclasses.dataclass(frozen=True)
class AxisPoint:
    number: int
    x: Any
    value: float | None
    outcome: str


@dataclasses.dataclass(frozen=True)
class AxisInfo:
    """One axis plot: every trial where the parameter was active, and boundary warnings."""

    param: str
    kind: str
    low: float | None
    high: float | None
    points: list[AxisPoint]
    warnings: list[str]


def top_trials(records: Sequence[TrialRecord], goal: Goal, fraction: float = 0.1, minimum: int = 3) -> list[TrialRecord]:
    """The best feasible trials: the top ``fraction``, at least ``minimum``."""
    feasible = [r for r in records if r.outcome == "complete" and r.value is not None]
    feasible.sort(key=lambda r: goal.rank(r.value))
    return feasible[: max(minimum, math.ceil(fraction * len(feasible)))]


def axis_info(records: Sequence[TrialRecord], space: Space, goal: Goal) -> list[AxisInfo]:
    """One :class:`AxisInfo` per parameter; infeasible trials are kept, marked by ``outcome``.

    Example:
        >>> axis_info([], Space(()), Goal())
        []
    """
    top = top_trials(records, goal)
    infos = []
    for p in space.params:
        points = [
            AxisPoint(r.number, r.params[p.name], r.value, r.outcome)
            for r in records
            if p.name in r.params and r.outcome in ("complete", "infeasible")
        ]
        warnings = [] if p.kind == "choices" else _edge_warnings(p, [r for r in top if p.name in r.params])
        infos.append(AxisInfo(p.name, p.kind, p.low, p.high, points, warnings))
    return infos


def _unit(p: Param, x: float) -> float:
    assert p.low is not None and p.high is not None
    if p.kind in ("log", "int_log"):
        return (math.log(x) - math.log(p.low)) / (math.log(p.high) - math.log(p.low))
    return (x - p.low) / (p.high - p.low)


def _edge_warnings(p: Param, top: Sequence[TrialRecord]) -> list[str]:
    if not top:
        return []
    assert p.low is not None and p.high is not None
    best = top[0]
    out = []
    for side, near, bound, extended in (
        ("lower", lambda u: u <= EDGE, p.low, p.low / 10 if p.kind in ("log", "int_log") else p.low - (p.high - p.low) / 2),
        ("upper", lambda u: u >= 1 - EDGE, p.high, p.high * 10 if p.kind in ("log", "int_log") else p.high + (p.high - p.low) / 2),
    ):
        crowd = [r for r in top if near(_unit(p, float(r.params[p.name])))]
        if near(_unit(p, float(best.params[p.name]))) or len(crowd) * 2 > len(top):
            out.append(
                f"{p.name}: {len(crowd)} of the {len(top)} best trials (best: trial {best.number}, "
                f"{p.name}={best.params[p.name]:.4g}) lie in the {side} {EDGE:.0%} of [{p.low:g}, {p.high:g}]; "
                f"the optimum may be outside: extend the {side} bound {bound:g} (e.g. to {extended:g}) and search again"
            )
    return out
