"""How long to train: where the best trials' retrospective best checkpoints fall."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence

import numpy as np

from ._records import TrialRecord

__all__ = ["TrainLength", "train_length"]


@dataclasses.dataclass(frozen=True)
class TrainLength:
    """Step of the best checkpoint over the step budget, for the best trials.

    Attributes:
        fractions: ``(trial number, best_step / steps)``.
        median: Median fraction (``None`` without data).
        suggested_steps: A step budget to try instead, or ``None`` when the current one fits.
        message: The verdict in words.
    """

    fractions: list[tuple[int, float]]
    median: float | None
    suggested_steps: int | None
    message: str


def train_length(best: Sequence[TrialRecord]) -> TrainLength:
    """Judge the step budget from the best trials (the playbook's "how long to train").

    Example:
        >>> train_length([]).message
        'no finished trials to judge the step budget by'
    """
    rows = [(r.number, r.best_step, r.steps) for r in best if r.best_step and r.steps]
    if not rows:
        return TrainLength([], None, None, "no finished trials to judge the step budget by")
    fractions = [(n, b / s) for n, b, s in rows]
    median = float(np.median([f for _, f in fractions]))
    steps = max(s for _, _, s in rows)
    latest = max(b for _, b, _ in rows)
    if median >= 0.9:
        suggested: int | None = 2 * steps
        message = (
            f"the best checkpoints of the best trials fall at {median:.0%} of training (median): the budget of "
            f"{steps} steps is too short; try about {suggested} steps"
        )
    elif max(f for _, f in fractions) <= 0.6:
        suggested = math.ceil(1.25 * latest)
        message = (
            f"every best checkpoint falls before {max(f for _, f in fractions):.0%} of training: about {suggested} "
            f"steps would do, leaving budget for more trials"
        )
    else:
        suggested = None
        message = f"the best checkpoints fall at {median:.0%} of training (median): the step budget of {steps} fits"
    return TrainLength(fractions, median, suggested, message)
