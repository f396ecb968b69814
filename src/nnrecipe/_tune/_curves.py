"""Training-curve diagnostics of the best trials, as the playbook reads them."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numpy as np

from ._records import TrialRecord
from ._study import Goal

__all__ = ["CurveDiagnosis", "diagnose_curve"]

MIN_POINTS = 4  # validation points needed before a curve says anything


@dataclasses.dataclass(frozen=True)
class CurveDiagnosis:
    """What one trial's curves show.

    Attributes:
        number: The trial.
        overfitting: Validation loss rose after its minimum while training loss kept falling.
        noisy: The goal metric jumps from evaluation to evaluation late in training by more
            than a tenth of what training gained.
        still_improving: The best value came in the last tenth of training, still rising.
        saturated_early: The best value came before half the steps and never improved after.
        jitter: Typical change of the goal metric between late evaluations (its noise).
        notes: The findings in words, with what to do.
    """

    number: int
    overfitting: bool
    noisy: bool
    still_improving: bool
    saturated_early: bool
    jitter: float
    notes: list[str]


def diagnose_curve(record: TrialRecord, goal: Goal) -> CurveDiagnosis:
    """Diagnose one trial's curves.

    Example:
        >>> from nnrecipe._tune._records import TrialRecord
        >>> r = TrialRecord(0, "complete", {}, {}, 0.5, 0.5, 40, 40, 1.0, [(10, 2.0), (40, 0.5)],
        ...                 [(10, 1.0, 1.0), (20, 0.8, 0.8), (30, 0.6, 0.6), (40, 0.5, 0.5)],
        ...                 [], [], None, None, False, None, None, None)
        >>> diagnose_curve(r, Goal()).still_improving
        True
    """
    val = record.val_curve
    if len(val) < MIN_POINTS or not record.steps:
        note = f"trial {record.number}: only {len(val)} validation points; validate more often (val_every) to diagnose its curves"
        return CurveDiagnosis(record.number, False, False, False, False, 0.0, [note])
    steps = np.array([s for s, _, _ in val], dtype=float)
    vloss = np.array([v for _, v, _ in val], dtype=float)
    metric = np.array([m for _, _, m in val], dtype=float)
    good = -goal.sign * metric  # higher is better from here on
    total = float(record.steps)
    n = record.number
    notes = []

    i_min = int(np.nanargmin(vloss))
    rise = (vloss[-1] - vloss[i_min]) / max(abs(vloss[i_min]), 1e-12)
    train_at_min, train_end = _train_loss_near(record, steps[i_min]), _train_loss_near(record, steps[-1])
    overfitting = bool(rise > 0.05 and i_min < len(vloss) - 1 and train_end < train_at_min)
    if overfitting:
        notes.append(
            f"trial {n}: overfitting: validation loss rose {rise:.0%} after step {int(steps[i_min])} while training "
            f"loss kept falling; add regularisation (weight_decay, dropout, label_smoothing, augmentation) or keep "
            f"the retrospective best checkpoint"
        )
    gained = float(np.nanmax(good) - good[0])
    late = good[len(good) * 2 // 3 :]
    jitter = float(np.std(np.diff(late)) / np.sqrt(2)) if len(late) >= 3 else 0.0
    noisy = bool(gained > 0 and jitter > 0.1 * gained)
    if noisy:
        notes.append(
            f"trial {n}: noisy late in training ({goal.metric} jumps by about {jitter:.3g} between evaluations, "
            f"{jitter / gained:.0%} of the gain): comparisons between trials are unreliable; decay the learning rate "
            f"at the end (schedule: cosine/linear/onecycle) or use larger batches"
        )
    i_best = int(np.nanargmax(good))
    earlier = np.flatnonzero(steps <= steps[-1] - 0.25 * (steps[-1] - steps[0]))
    reference = good[earlier[-1]] if len(earlier) else good[0]
    still_improving = bool(steps[i_best] >= 0.9 * total and good[-1] - reference > jitter)
    if still_improving:
        notes.append(f"trial {n}: still improving at the end of its {int(total)} steps: train longer (raise max_steps)")
    saturated = bool(steps[i_best] <= 0.5 * total and not still_improving)
    if saturated:
        notes.append(
            f"trial {n}: best {goal.metric} by step {int(steps[i_best])} ({steps[i_best] / total:.0%} of training) "
            f"and no better after: training could be shorter"
        )
    return CurveDiagnosis(n, overfitting, noisy, still_improving, saturated, jitter, notes)


def _train_loss_near(record: TrialRecord, step: float) -> float:
    # Mean of the training loss rows around `step`: one row is too noisy to compare.
    rows = [(s, v) for s, v in record.train_curve]
    if not rows:
        return float("nan")
    idx = int(np.argmin([abs(s - step) for s, _ in rows]))
    window = [v for _, v in rows[max(0, idx - 2) : idx + 3]]
    return float(np.mean(window))


def diagnose(records: Sequence[TrialRecord], goal: Goal) -> list[CurveDiagnosis]:
    """Diagnose the curves of each record."""
    return [diagnose_curve(r, goal) for r in records]
