"""One trial: sample (or take) hyperparameters, train with the trainer, record and score the run.

The score is the best validation value seen during training, the retrospective best
checkpoint the playbook recommends, so a trial is not penalised for training past its
best point; the final value is recorded next to it, and the weights of that best step are
kept (``weights/best.safetensors`` in the trial's run folder) for test figures and
ensembles. A run that diverged (see ``_divergence``) is infeasible: the objective returns
``None`` and records why in ``user_attrs["infeasible"]``; the worker stores it as a failed
trial, never drops it.
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
from ..callbacks import ModelCheckpoint
from ._divergence import divergence
from ._probe import TrialProbe
from ._records import downsample
from ._storage import ADOPT_SUFFIX, BEST_WEIGHTS, RESULT, RETRY_OF, WORKER, study_folder
from ._study import Study

__all__ = ["Objective", "run_name"]

log = logging.getLogger(__name__)


def run_name(study: Study, trial: optuna.Trial) -> str:
    """``trial-0007`` for a search trial; ``<study>-adopt-candidate-seed2`` for an adoption run."""
    arm = trial.user_attrs.get("arm")
    if arm is None:
        return f"trial-{trial.number:04d}"
    return f"{study.name.removesuffix(ADOPT_SUFFIX)}-adopt-{arm}-seed{trial.user_attrs.get('seed')}"


class Objective:
    """Runs one trial of ``study`` on ``experiment``: its score, or ``None`` when it diverged.

    Args:
        study: The study the trial belongs to.
        experiment: The loaded experiment the study trains.
        threads: CPU threads per trial unless the study fixes ``threads``.
        folder: Where the trials' run folders go (default: the study's folder in its ``runs_dir``).
    """

    def __init__(self, study: Study, experiment: Experiment, *, threads: int = 1, folder: Path | None = None) -> None:
        self.study, self.experiment, self.threads = study, experiment, threads
        self.started = 0  # trials this objective trained
        self.folder = folder or study_folder(study.runs_dir, study.name)

    def __call__(self, trial: optuna.Trial) -> float | None:
        trial.set_user_attr(WORKER, f"{socket.gethostname()}:{os.getpid()}")
        self.started += 1
        fixed_hparams = trial.user_attrs.get("hparams")
        if fixed_hparams is not None and "arm" in trial.user_attrs:
            hparams = dict(fixed_hparams)  # an adoption run: hyperparameters given, not sampled
        else:
            # A re-run (its worker died) trains what the trial it replaces would have, seed included.
            hparams = self.study.trial_hparams(self.study.space.suggest(trial), int(trial.user_attrs.get(RETRY_OF, trial.number)))
            trial.set_user_attr("hparams", hparams)
        hparams.setdefault("threads", self.threads)
        goal = self.study.goal
        probe = TrialProbe(goal.metric)
        # The best step's weights only (save_top_k=0): one small file per trial.
        best = ModelCheckpoint(monitor=goal.metric, mode=goal.mode, save_top_k=0, save_last=False)
        name = run_name(self.study, trial)
        result = fit_experiment(self.experiment, hparams, callbacks=[probe, best], runs_dir=self.folder, name=name)
        return self._score(trial, result, probe, f"trial {trial.number}" if "arm" not in trial.user_attrs else f"adoption run {name}")

    def _score(self, trial: optuna.Trial, result: FitResult, probe: TrialProbe, what: str) -> float | None:
        goal = self.study.goal
        val_rows = [r for r in result.history if goal.metric in r]
        values = [float(r[goal.metric]) for r in val_rows]
        finite = [(v, r["step"]) for v, r in zip(values, val_rows) if math.isfinite(v)]
        best, best_step = min(finite, key=lambda vs: goal.rank(vs[0])) if finite else (None, None)
        weights = None if result.run_dir is None else result.run_dir / "weights" / "best.safetensors"
        attrs: dict[str, Any] = {
            "final": values[-1] if values else None,
            "best_step": best_step,
            "steps": result.steps,
            "seconds": result.seconds,
            "run_dir": None if result.run_dir is None else str(result.run_dir),
            BEST_WEIGHTS: str(weights) if weights is not None and weights.is_file() else None,
            "train_curve": downsample([(r["step"], r["loss"]) for r in result.history if "loss" in r]),
            "val_curve": downsample([(r["step"], r.get("val_loss", math.nan), r[goal.metric]) for r in val_rows]),
            "grad_norms": downsample(probe.grad_norms),
            "step_losses": downsample(probe.losses),
        }
        reason = (
            "diverged: non-finite training loss" if result.diverged
            else divergence(probe.losses)
            or (None if best is not None else f"diverged: no finite {goal.metric} at any validation")
        )
        if reason is not None:
            attrs["infeasible"] = reason
        # One attribute, one write: each write to a journal file costs a few milliseconds.
        trial.set_user_attr(RESULT, attrs)
        if reason is not None:
            log.info("%s infeasible (%s) after %.1f s", what, reason, result.seconds)
            return None
        log.info("%s: best %s %.4g at step %s of %d (%.1f s)", what, goal.metric, best, best_step, result.steps, result.seconds)
        return best
