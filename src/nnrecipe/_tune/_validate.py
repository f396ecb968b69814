"""A study checked against its experiment before any trial starts (and before anything is written).

A study file can be valid on its own and still name a goal the experiment never logs, or a
hyperparameter neither the trainer nor the model factory takes. Found in the first trial,
such a mistake costs a failed trial in the storage and a traceback; found here, it is a
:class:`ConfigError` naming the value and the fix.
"""

from __future__ import annotations

import difflib
import inspect
from collections.abc import Iterable
from typing import Any

from torch import nn

from .._core._config import TrainConfig
from .._core._data import as_source
from .._core._errors import ConfigError
from .._core._experiment import Experiment
from .._core._metrics import default_metrics, resolve_metrics
from .._core._task import infer_task
from ._study import Study

__all__ = ["validate_study"]


def validate_study(study: Study, experiment: Experiment) -> None:
    """Refuse ``study`` if its trials could not run on ``experiment``.

    Raises:
        ConfigError: The goal metric is not one the experiment logs at validation; a
            searched, fixed or baseline key is neither a :class:`TrainConfig` field nor a
            parameter of the model factory; or a searched value is one the trainer rejects.
    """
    _goal_is_logged(study, experiment)
    known = _known_keys(experiment.model)
    for p in study.space.params:
        _key_exists(p.hparam, known, f"searched parameter {p.name!r} sets {p.hparam!r}, which", experiment)
        if p.hparam in TrainConfig.field_names():
            values = p.choices if p.kind == "choices" else (p.low, p.high)
            for value in values:
                if p.kind in ("int", "int_log") and value is not None:
                    value = int(value)
                _trainer_accepts(experiment, {**study.fixed, p.hparam: value}, f"searched parameter {p.name!r}")
    for section, keys in (("fixed", study.fixed), ("baseline", study.baseline)):
        for key in keys:
            _key_exists(key, known, f"`{section}:` key {key!r}", experiment)
    _trainer_accepts(experiment, {**study.fixed, **study.baseline}, "`baseline:`")


def _goal_is_logged(study: Study, experiment: Experiment) -> None:
    metric = study.goal.metric
    if experiment.val is None:
        raise ConfigError(
            f"goal metric={metric!r} is a validation value, but experiment {experiment.name!r} has no validation "
            f"split; pass `val=` to its nnrecipe.Experiment (a study is scored on validation data, never on test)"
        )
    _, y = as_source(experiment.train, name="train").head(2)
    task = infer_task(y, experiment.loss, experiment.task)
    metrics = resolve_metrics(experiment.metrics or default_metrics(task), task)
    logged = ["val_loss", *(f"val_{m.name}" for m in metrics)]
    if metric not in logged:
        raise ConfigError(
            f"goal metric={metric!r} is not logged by experiment {experiment.name!r}, which logs {logged} at each "
            f"validation; {_did_you_mean(metric, logged)}set `goal: {{metric: ...}}` to one of them, or add the "
            f"metric to the experiment's `metrics=`"
        )


def _known_keys(model: Any) -> frozenset[str] | None:
    """Trainer settings and the model factory's parameters; ``None`` when the factory takes anything."""
    trainer = TrainConfig.field_names()
    if isinstance(model, nn.Module):
        return trainer  # an instance takes no model hyperparameters
    try:
        params = list(inspect.signature(model).parameters.values())
    except (TypeError, ValueError):
        return None
    # Mirrors build_model: **kwargs, or one dict named hp / hparams, accept any name.
    if any(p.kind is p.VAR_KEYWORD for p in params) or (len(params) == 1 and params[0].name in ("hp", "hparams")):
        return None
    return trainer | {p.name for p in params if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)}


def _key_exists(key: str, known: frozenset[str] | None, what: str, experiment: Experiment) -> None:
    if known is None or key in known:
        return
    factory = sorted(known - TrainConfig.field_names())
    raise ConfigError(
        f"{what} is neither a trainer setting nor a parameter of the model factory of experiment "
        f"{experiment.name!r} (which takes {factory or 'none'}); {_did_you_mean(key, known)}trainer settings are "
        f"{sorted(TrainConfig.field_names())}"
    )


def _trainer_accepts(experiment: Experiment, hparams: dict[str, Any], what: str) -> None:
    try:
        experiment.train_config(hparams)
    except ConfigError as e:
        raise ConfigError(f"{what}: {e}") from None


def _did_you_mean(name: str, options: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(options), n=1)
    return f"did you mean {close[0]!r}? " if close else ""
