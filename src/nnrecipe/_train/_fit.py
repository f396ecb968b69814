"""The two front doors to the trainer: objects the user has, or a declared experiment."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from torch import nn

from .._core._config import TrainConfig, split_hparams
from .._core._errors import ConfigError
from .._core._experiment import Experiment
from .._core._losses import LossLike
from .._core._metrics import MetricLike
from .._core._peers import on_main, peers
from .._core._world import join
from ..callbacks import Callback
from ._runs import read_run_config
from ._trainer import FitResult, Trainer

__all__ = ["fit", "fit_experiment"]


def fit(
    model: nn.Module,
    train: Any,
    loss: LossLike = "cross_entropy",
    *,
    val: Any = None,
    config: TrainConfig | None = None,
    callbacks: Sequence[Callback] = (),
    metrics: Sequence[MetricLike] | None = None,
    runs_dir: str | Path | None = "runs",
    diagnostics: bool | None = None,
) -> FitResult:
    """Train a model you already have; see :class:`Trainer` for the details (``diagnostics``
    too: on by default in a run with a folder).

    Example:
        >>> import torch, nnrecipe
        >>> X, y = torch.randn(128, 8), torch.randint(0, 3, (128,))
        >>> nnrecipe.fit(torch.nn.Linear(8, 3), (X, y), val=(X, y), runs_dir=None).steps
        20
    """
    trainer = Trainer(config, callbacks=callbacks, metrics=metrics, runs_dir=runs_dir, diagnostics=diagnostics)
    return trainer.fit(model, train, loss, val=val)


def fit_experiment(
    experiment: Experiment,
    overrides: Mapping[str, Any] | None = None,
    *,
    callbacks: Sequence[Callback] = (),
    runs_dir: str | Path | None = "runs",
    name: str | None = None,
    parent: str | Path | None = None,
    resume: str | Path | None = None,
    diagnostics: bool | None = None,
    extend: str | Path | None = None,
) -> FitResult:
    """Train a declared experiment with its default hyperparameters and ``overrides``.

    ``overrides`` is one flat dict: keys naming :class:`TrainConfig` fields configure the
    trainer, the others go to the model factory. On ``resume`` the run's recorded
    hyperparameters are used (overrides must agree with them). With ``extend`` (a finished
    run) a child run continues it longer from its final checkpoint: the parent's recorded
    hyperparameters with ``overrides`` setting the new length (``max_steps`` or ``epochs``;
    see :class:`Trainer` for the learning rate). The experiment's ``reference`` is recorded
    in the run's ``config.json``. A run with a folder and a
    validation split also stores its validation and test predictions (``predictions/``, from
    the weights a ``ModelCheckpoint`` kept as best, else the final ones) for ``nnrecipe ensemble``.

    Raises:
        ConfigError: Overrides disagree with the resumed run, or the factory rejects them.
    """
    hparams = {**experiment.hparams, **(overrides or {})}
    if resume is not None:
        join()  # under torchrun: the run folder is rank 0's, which reads it for every process
        recorded = on_main(peers(), lambda: read_run_config(Path(resume))["hparams"])
        clash = {k: (recorded.get(k), v) for k, v in (overrides or {}).items() if recorded.get(k) != v}
        if clash:
            raise ConfigError(f"cannot change hyperparameters when resuming: {clash}; start a new run with --parent instead")
        hparams = recorded
    if extend is not None:
        hparams = {**read_run_config(Path(extend))["hparams"], **(overrides or {})}
    config, model_hp = split_hparams(hparams)
    full = {**config.to_dict(), **model_hp}
    model = experiment.build_model({k: v for k, v in hparams.items()}, seed=config.seed)
    trainer = Trainer(
        config, callbacks=callbacks, metrics=experiment.metrics or None, runs_dir=runs_dir, name=name or experiment.name,
        parent=parent or extend, augment=experiment.augment, diagnostics=diagnostics,
    )
    trainer.record = {"experiment": experiment.source, "loss": str(experiment.loss) if isinstance(experiment.loss, str) else getattr(experiment.loss, "__name__", "callable")}
    if experiment.reference:
        trainer.record["reference"] = dict(experiment.reference)
    result = trainer.fit(model, experiment.train, experiment.loss, val=experiment.val, task=experiment.task, hparams=full, resume=resume,
                         extend=extend)
    # Imported here: the ensemble package imports the tuner, which imports this module.
    from .._ensemble._store import store_fit_predictions

    store_fit_predictions(result, experiment, callbacks)  # validation and test predictions, for ensembles
    return result
