"""The test split, evaluated once at the end, on the chosen trial's best checkpoint.

A study chooses its trial and each trial's step on validation data; the test figure is then
measured on the weights of that step (kept by every trial as ``weights/best.safetensors``),
never on the final weights, which may have trained past their best.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from .._core._errors import ConfigError
from .._core._evaluate import evaluate
from .._core._experiment import Experiment, load_experiment
from ._records import TrialRecord, records_of
from ._study import Study
from ._tuning import connect, storage_url_of

__all__ = ["FinalTest", "final_test"]


@dataclasses.dataclass(frozen=True)
class FinalTest:
    """Test figures of one trial, from its best validation step.

    Attributes:
        trial: The trial; ``step`` its best validation step, of ``steps``.
        weights: The weights file evaluated.
        metrics: Test loss and metrics (``loss``, ``accuracy``...).
        message: The figures in words.
    """

    trial: int
    step: int | None
    steps: int | None
    weights: str
    metrics: dict[str, float]
    message: str


def final_test(study: Study, *, trial: int | None = None, storage: str | None = None, experiment: Experiment | None = None) -> FinalTest:
    """Evaluate the test split on the best checkpoint of ``trial`` (default: the study's best trial).

    Args:
        study: The study.
        trial: Trial number; ``None`` takes the best feasible trial.
        storage: Storage URL; overrides the study's.
        experiment: The loaded experiment (default: loaded from the study's ``experiment``).

    Raises:
        ConfigError: The experiment has no test split, the trial does not exist or is not
            feasible, or its best checkpoint was not kept.

    Example:
        >>> print(final_test(load_study("examples/mnist1d_study.yaml")).message)  # doctest: +SKIP
    """
    records = records_of(connect(study, storage_url_of(study, storage), create=False))
    record = _pick(records, study, trial)
    experiment = experiment or load_experiment(study.experiment)
    if experiment.test is None:
        raise ConfigError(f"experiment {experiment.name!r} declares no test split; pass `test=` to its nnrecipe.Experiment")
    weights = record.best_weights
    if weights is None or not Path(weights).is_file():
        raise ConfigError(
            f"trial {record.number} kept no weights of its best validation step ({weights or 'none recorded'}); "
            f"test figures come from that step, not from the final weights: re-run the trial with this nnrecipe"
        )
    from safetensors.torch import load_model

    model = experiment.build_model(record.hparams)
    try:
        load_model(model, weights)
    except RuntimeError as e:  # safetensors: missing, unexpected or misshapen tensors
        raise ConfigError(
            f"the weights of trial {record.number} ({weights}) do not fit the model experiment {experiment.name!r} builds "
            f"now ({str(e).splitlines()[0]}); the experiment file changed since the trial ran: restore it or re-run the study"
        ) from None
    metrics = evaluate(model, experiment.test, experiment.loss, metrics=experiment.metrics or None, task=experiment.task)
    figures = ", ".join(f"{k} {v:.4g}" for k, v in metrics.items())
    message = (
        f"test set (evaluated once, on the weights of trial {record.number}'s best validation step, step "
        f"{record.best_step} of {record.steps}): {figures}"
    )
    return FinalTest(record.number, record.best_step, record.steps, weights, metrics, message)


def _pick(records: list[TrialRecord], study: Study, trial: int | None) -> TrialRecord:
    feasible = [r for r in records if r.outcome == "complete" and r.value is not None]
    if trial is None:
        if not feasible:
            raise ConfigError(f"study {study.name!r} has no feasible trial yet; run more trials first")
        return min(feasible, key=lambda r: study.goal.rank(r.value))
    chosen = [r for r in feasible if r.number == trial]
    if not chosen:
        raise ConfigError(f"study {study.name!r} has no feasible trial {trial}; feasible trials: {[r.number for r in feasible]}")
    return chosen[0]
