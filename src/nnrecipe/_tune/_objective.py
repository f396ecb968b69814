"""One trial: sample (or take) hyperparameters, train with the trainer, record and score the run.

The score is the best validation value seen during training, the retrospective best
checkpoint the playbook recommends, so a trial is not penalised for training past its
best point; the final value is recorded next to it. A run that diverges is recorded as
infeasible (Optuna state FAIL with ``user_attrs["infeasible"]``), never dropped.
"""

from __future__ import annotations

import logging
import math
import os
import socket
from pathlib import Path
from typing import Any

import optuna

from .._core._experiment import Experiment
from .._train._fit import fit_experiment
from .._train._trainer import FitResult
from ._probe import TrialProbe
from ._records import downsample
from ._storage import RETRY_OF, WORKER
from ._study import Study

__all__ = ["Objective", "Infeasible", "OVER_BUDGET"]

OVER_BUDGET = "over_budget"  # user attribute of a trial started after the budget was spent


log = logging.getLogger(__name__)

class Infeasible(Exception):
    """The trial's training diverged or produced no finite validation value."""


class Objective:
    """Callable Optuna objective running one trial of ``study`` on ``experiment``.

    Args:
        study: The study the trial belongs to.
        experiment: The loaded experiment the study trains.
        threads: CPU threads per trial unless the study fixes ``threads``.
        budget: Trials the study may count in total (``None``: no limit).
    """

    def __init__(self, study: Study, experiment: Experiment, *, threads: int = 1, budget: int | None = None) -> None:
        self.study, self.experiment, self.threads, self.budget = study, experiment, threads, budget
        self.started = 0  # trials this objective trained (not those that found the budget spent)
        self.runs_dir = Path(study.runs_dir) / study.name

    def __call__(self, trial: optuna.Trial) -> float:
        if self._over_budget(trial):
            # Two workers checked the budget at once and both started a trial; the later one
            # yields (trial numbers are assigned atomically), so the budget is exact.
            trial.set_user_attr(OVER_BUDGET, True)
            raise optuna.TrialPruned("the study's trial budget was spent by other workers")
        trial.set_user_attr(WORKER, f"{socket.gethostname()}:{os.getpid()}")
        self.started += 1
        fixed_hparams = trial.user_attrs.get("hparams")
        if fixed_hparams is not None and "arm" in trial.user_attrs:
            hparams = dict(fixed_hparams)  # an adoption run: hyperparameters given, not sampled
        else:
            hparams = self.study.trial_hparams(self.study.space.suggest(trial))
            trial.set_user_attr("hparams", hparams)
        hparams.setdefault("threads", self.threads)
        probe = TrialProbe(self.study.goal.metric)
        result = fit_experiment(
            self.experiment, hparams, callbacks=[probe], runs_dir=self.runs_dir, name=f"trial-{trial.number:04d}"
        )
        return self._score(trial, result, probe)

    def _over_budget(self, trial: optuna.Trial) -> bool:
        if self.budget is None or RETRY_OF in trial.user_attrs or "arm" in trial.user_attrs:
            return False
        earlier = trial.study.get_trials(deepcopy=False)
        slots = {t.user_attrs.get(RETRY_OF, t.number) for t in earlier if t.number < trial.number and not t.user_attrs.get(OVER_BUDGET)}
        return len(slots) >= self.budget

    def _score(self, trial: optuna.Trial, result: FitResult, probe: TrialProbe) -> float:
        metric = self.study.goal.metric
        val_rows = [r for r in result.history if metric in r]
        values = [float(r[metric]) for r in val_rows]
        finite = [(v, r["step"]) for v, r in zip(values, val_rows) if math.isfinite(v)]
        best, best_step = (None, None)
        if finite:
            pick = min if self.study.goal.direction == "minimize" else max
            best, best_step = pick(finite, key=lambda vs: vs[0])
        attrs: dict[str, Any] = {
            "final": values[-1] if values else None,
            "best_step": best_step,
            "steps": result.steps,
            "seconds": result.seconds,
            "run_dir": None if result.run_dir is None else str(result.run_dir),
            "train_curve": downsample([(r["step"], r["loss"]) for r in result.history if "loss" in r]),
            "val_curve": downsample([(r["step"], r.get("val_loss", math.nan), r[metric]) for r in val_rows]),
            "grad_norms": downsample(probe.grad_norms),
            "step_losses": downsample(probe.losses),
        }
        for key, value in attrs.items():
            trial.set_user_attr(key, value)
        losses = [loss for _, loss in probe.losses]
        end = sum(losses[-5:]) / max(1, len(losses[-5:]))
        blew_up = bool(losses) and not end < losses[0]  # ended worse than at initialisation
        if result.diverged or best is None or blew_up:
            reason = (
                "diverged: non-finite training loss" if result.diverged
                else f"no finite {metric}" if best is None
                else f"diverged: training loss {end:.3g} at the end, {losses[0]:.3g} at the start"
            )
            trial.set_user_attr("infeasible", reason)
            log.info("trial %d infeasible (%s) after %.1f s", trial.number, reason, result.seconds)
            raise Infeasible(f"trial {trial.number} is infeasible ({reason})")
        log.info("trial %d: best %s %.4g at step %s of %d (%.1f s)", trial.number, metric, best, best_step, result.steps, result.seconds)
        return float(best)
