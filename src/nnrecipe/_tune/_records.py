"""Trials as plain data: what a trial sampled, scored and looked like while training."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from typing import Any, Literal

import optuna
from optuna.trial import FrozenTrial, TrialState

from ._storage import BEST_WEIGHTS, OVER_BUDGET, RESULT, RETRY_OF

__all__ = ["Outcome", "TrialRecord", "downsample", "records_of"]

Outcome = Literal["complete", "infeasible", "failed", "running", "waiting"]
MAX_CURVE_POINTS = 200  # per curve stored with the trial: enough to diagnose, small in a database


@dataclasses.dataclass(frozen=True)
class TrialRecord:
    """One trial of a study, with the training curves its worker stored.

    Attributes:
        number: Optuna trial number.
        outcome: ``complete``; ``infeasible`` (diverged or non-finite); ``failed`` (an error,
            or its worker died: see ``retried``); ``running``; ``waiting``.
        params: Sampled values by parameter name (``adam_lr``), only active ones.
        hparams: Every hyperparameter the trial trained with (fixed and sampled).
        value: The objective: best validation value seen during training.
        final: The goal metric at the end of training.
        best_step: Step of the best validation value; ``steps`` total steps taken.
        train_curve: ``(step, loss)`` rows; ``val_curve``: ``(step, val_loss, goal metric)``.
        grad_norms: ``(step, global gradient norm)`` samples; ``step_losses`` the loss of
            single steps (every step at first), which shows early blow-ups that means hide.
        retry_of: Number of the trial this one re-runs after its worker died.
        retried: Whether a later trial re-ran this one.
        arm / seed: For adoption trials, ``"candidate"`` or ``"baseline"`` and the seed.
        error: Why it failed or was infeasible.
        best_weights: The weights of its best validation step (``weights/best.safetensors``).
    """

    number: int
    outcome: Outcome
    params: dict[str, Any]
    hparams: dict[str, Any]
    value: float | None
    final: float | None
    best_step: int | None
    steps: int | None
    seconds: float | None
    train_curve: list[tuple[int, float]]
    val_curve: list[tuple[int, float, float]]
    grad_norms: list[tuple[int, float]]
    step_losses: list[tuple[int, float]]
    run_dir: str | None
    retry_of: int | None
    retried: bool
    arm: str | None
    seed: int | None
    error: str | None
    best_weights: str | None = None


def records_of(study: optuna.Study) -> list[TrialRecord]:
    """Every trial of ``study`` as a :class:`TrialRecord`, in trial order."""
    # Trials that found the budget spent as they started ran nothing: leave them out.
    trials = [t for t in study.get_trials(deepcopy=False) if not t.user_attrs.get(OVER_BUDGET)]
    retried = {t.user_attrs[RETRY_OF] for t in trials if RETRY_OF in t.user_attrs}
    retried |= {n for t in trials for n in _retry_chain(t, trials)}
    return [_record(t, t.number in retried and t.state == TrialState.FAIL) for t in trials]


def _retry_chain(trial: FrozenTrial, trials: Sequence[FrozenTrial]) -> list[int]:
    # A re-run that itself died is retried too; all but the last attempt count as retried.
    original = trial.user_attrs.get(RETRY_OF)
    if original is None:
        return []
    attempts = [t.number for t in trials if t.user_attrs.get(RETRY_OF) == original]
    return attempts[:-1] if trial.number == attempts[-1] else []


def _record(t: FrozenTrial, retried: bool) -> TrialRecord:
    # What the objective measured is one attribute (one storage write); studies run before
    # that kept each item as its own attribute.
    a = {**t.user_attrs, **t.user_attrs.get(RESULT, {})}
    outcomes: dict[TrialState, Outcome] = {
        TrialState.COMPLETE: "complete",
        TrialState.RUNNING: "running",
        TrialState.WAITING: "waiting",
    }
    outcome: Outcome = outcomes.get(t.state, "failed")
    if t.state == TrialState.FAIL and a.get("infeasible"):
        outcome = "infeasible"
    value = t.value if t.state == TrialState.COMPLETE else None
    return TrialRecord(
        number=t.number,
        outcome=outcome,
        params=dict(t.params),
        hparams=dict(a.get("hparams", {})),
        value=value,
        final=_num(a.get("final")),
        best_step=a.get("best_step"),
        steps=a.get("steps"),
        seconds=_num(a.get("seconds")),
        train_curve=[(int(s), float(v)) for s, v in a.get("train_curve", [])],
        val_curve=[(int(s), float(lv), float(mv)) for s, lv, mv in a.get("val_curve", [])],
        grad_norms=[(int(s), float(v)) for s, v in a.get("grad_norms", [])],
        step_losses=[(int(s), float(v)) for s, v in a.get("step_losses", [])],
        run_dir=a.get("run_dir"),
        retry_of=a.get(RETRY_OF),
        retried=retried,
        arm=a.get("arm"),
        seed=a.get("seed"),
        error=a.get("error") or a.get("infeasible") or None,
        best_weights=a.get(BEST_WEIGHTS),
    )


def _num(v: Any) -> float | None:
    return None if v is None else float(v)


def downsample(rows: Sequence[Any], limit: int = MAX_CURVE_POINTS) -> list[Any]:
    """At most ``limit`` rows, evenly spaced, always keeping the first and the last."""
    if len(rows) <= limit:
        return list(rows)
    idx = sorted({round(i * (len(rows) - 1) / (limit - 1)) for i in range(limit)})
    return [rows[i] for i in idx]


def finite(x: float | None) -> bool:
    return x is not None and math.isfinite(x)
