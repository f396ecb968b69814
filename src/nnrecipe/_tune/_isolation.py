"""Isolation plots: for each scientific value, the best result after tuning the nuisance ones."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from ._records import TrialRecord
from ._space import Space
from ._study import Goal

__all__ = ["IsolationInfo", "IsolationPoint", "isolation_info"]

MIN_TRIALS_PER_VALUE = 3  # fewer feasible trials than this and the nuisance ones are barely tuned


@dataclasses.dataclass(frozen=True)
class IsolationPoint:
    """One scientific value: its best trial and every trial behind it.

    Attributes:
        value: The scientific hyperparameter's value.
        best: Best objective over its feasible trials (``None`` if none is feasible).
        best_trial: Number of that trial.
        trials: ``(number, objective)`` of its feasible trials.
        infeasible: How many of its trials diverged.
    """

    value: Any
    best: float | None
    best_trial: int | None
    trials: list[tuple[int, float]]
    infeasible: int


@dataclasses.dataclass(frozen=True)
class IsolationInfo:
    """The isolation plot of one scientific hyperparameter, with what it says in words."""

    param: str
    points: list[IsolationPoint]
    winner: Any | None
    notes: list[str]


def isolation_info(records: Sequence[TrialRecord], space: Space, goal: Goal) -> list[IsolationInfo]:
    """Compute the isolation plot of each scientific parameter of ``space``.

    Example:
        >>> isolation_info([], Space(()), Goal())
        []
    """
    infos = []
    for param in space.scientific():
        points, notes = [], []
        for choice in param.choices:
            mine = [r for r in records if r.params.get(param.name) == choice]
            feasible = [(r.number, r.value) for r in mine if r.outcome == "complete" and r.value is not None]
            best = None
            if feasible:
                best = min(feasible, key=lambda nv: goal.rank(nv[1]))
            points.append(IsolationPoint(choice, best and best[1], best and best[0], feasible, sum(r.outcome == "infeasible" for r in mine)))
            if len(feasible) < MIN_TRIALS_PER_VALUE:
                notes.append(
                    f"{param.name}={choice!r} has only {len(feasible)} feasible trial(s): its nuisance "
                    f"hyperparameters are barely tuned, so its best value is not a fair comparison yet"
                )
        scored = [p for p in points if p.best is not None]
        winner = None
        if scored:
            top = min(scored, key=lambda p: goal.rank(p.best))
            winner = top.value
            notes.append(f"best {param.name}: {top.value!r} ({goal.metric} {top.best:.4g}, trial {top.best_trial})")
        infos.append(IsolationInfo(param.name, points, winner, notes))
    return infos
