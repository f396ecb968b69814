"""Metric against each hyperparameter, with boundary warnings where the evidence supports them."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from typing import Any

from ._edges import EdgeTrend, edge_trends
from ._records import TrialRecord
from ._space import Space
from ._study import Goal

__all__ = ["AxisInfo", "AxisPoint", "axis_info", "top_trials"]


@dataclasses.dataclass(frozen=True)
class AxisPoint:
    number: int
    x: Any
    value: float | None
    outcome: str


@dataclasses.dataclass(frozen=True)
class AxisInfo:
    """One axis plot: every trial where the parameter was active, and what its edges show.

    Attributes:
        param: The parameter; ``kind``, ``low``, ``high`` its range.
        points: Its trials, infeasible ones included (marked by ``outcome``).
        edges: The evidence at each edge of a range (empty for ``choices``); see ``_edges``.
        warnings: Boundary warnings: the best trial at an edge and a trend toward it.
        notes: The best trial at an edge without the evidence for a warning, in words.
    """

    param: str
    kind: str
    low: float | None
    high: float | None
    points: list[AxisPoint]
    edges: list[EdgeTrend]
    warnings: list[str]
    notes: list[str]


def top_trials(records: Sequence[TrialRecord], goal: Goal, fraction: float = 0.1, minimum: int = 3) -> list[TrialRecord]:
    """The best feasible trials: the top ``fraction``, at least ``minimum``."""
    feasible = [r for r in records if r.outcome == "complete" and r.value is not None]
    feasible.sort(key=lambda r: goal.rank(r.value))
    return feasible[: max(minimum, math.ceil(fraction * len(feasible)))]


def axis_info(records: Sequence[TrialRecord], space: Space, goal: Goal) -> list[AxisInfo]:
    """One :class:`AxisInfo` per parameter.

    Example:
        >>> axis_info([], Space(()), Goal())
        []
    """
    infos = []
    for p in space.params:
        points = [
            AxisPoint(r.number, r.params[p.name], r.value, r.outcome)
            for r in records
            if p.name in r.params and r.outcome in ("complete", "infeasible")
        ]
        edges = edge_trends(p, records, goal)
        warnings = [e.message for e in edges if e.warn]
        notes = [e.message for e in edges if e.message and not e.warn]
        infos.append(AxisInfo(p.name, p.kind, p.low, p.high, points, edges, warnings, notes))
    return infos
