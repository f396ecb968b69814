"""A study read from its storage alone (a journal file, SQLite, PostgreSQL), without its file.

``nnrecipe tune`` stores the study file's definition with the study, and that is used when
present. A study stored without it (by another tool, or an older nnrecipe) still has every
trial and each parameter's range, but not the goal metric's name or which parameters are
scientific: both are recovered as far as the trials allow, and the report says what was
guessed.
"""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import optuna
from optuna.distributions import (
    BaseDistribution,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
)

from .._core._errors import ConfigError
from .._train._runs import read_metrics
from .._tune._space import Param, Space
from .._tune._storage import open_storage
from .._tune._stored import DEFINITION
from .._tune._study import Goal, Study
from .._tune._study_file import study_from_dict
from .._tune._tuning import ADOPT_SUFFIX

__all__ = ["studies_in_storage"]


def studies_in_storage(url: str) -> list[tuple[Study, str]]:
    """Every study in the storage at ``url`` (adoption runs aside), each with a note saying
    what had to be inferred (empty when the study's definition was stored with it).

    Raises:
        ConfigError: The storage cannot be opened.
    """
    storage = open_storage(url)
    out = []
    for summary in optuna.get_all_study_summaries(storage, include_best_trial=False):
        name = summary.study_name
        if name.endswith(ADOPT_SUFFIX):
            continue
        ostudy = optuna.load_study(study_name=name, storage=storage)
        stored = _stored(ostudy, url)
        if stored is not None:
            out.append((stored, ""))
            continue
        trials = ostudy.get_trials(deepcopy=False)
        params = _params(trials)
        if not params:
            raise ConfigError(f"study {name!r} in {url} has no trial with sampled parameters; run `nnrecipe tune` first")
        maximize = ostudy.direction == optuna.study.StudyDirection.MAXIMIZE
        metric, source = _metric(trials)
        goal = Goal(metric=metric, direction="maximize" if maximize else "minimize")
        study = Study(name=name, experiment="(read from its storage)", goal=goal,
                      space=Space(tuple(params)), storage=url)
        note = (f"study {name!r} was read from its storage without its study file: the goal metric {metric} was {source}; "
                f"which parameters are scientific is not stored, so every categorical one gets an isolation plot. "
                f"Report the study file for the study's own analysis.")
        out.append((study, note))
    return out


def _stored(ostudy: optuna.Study, url: str) -> Study | None:
    """The study as its stored definition says, or ``None`` without a usable one."""
    definition = ostudy.user_attrs.get(DEFINITION)
    if not isinstance(definition, dict):
        return None
    try:
        study = study_from_dict(definition, where=f"study {ostudy.study_name!r} in {url}")
    except ConfigError:
        return None  # a definition this version cannot read: infer from the trials
    return dataclasses.replace(study, storage=url)


def _params(trials: list[optuna.trial.FrozenTrial]) -> list[Param]:
    seen: dict[str, BaseDistribution] = {}
    for t in trials:
        for name, d in t.distributions.items():
            seen.setdefault(name, d)
    params = []
    for name, d in seen.items():
        if isinstance(d, CategoricalDistribution):
            params.append(Param(name=name, kind="choices", choices=tuple(d.choices), role="scientific"))
        elif isinstance(d, IntDistribution):
            params.append(Param(name=name, kind="int_log" if d.log else "int", low=d.low, high=d.high))
        elif isinstance(d, FloatDistribution):
            params.append(Param(name=name, kind="log" if d.log else "linear", low=d.low, high=d.high))
    return params


def _metric(trials: list[optuna.trial.FrozenTrial]) -> tuple[str, str]:
    """The validation column whose value at a trial's best step is the trial's value."""
    for t in trials:
        run_dir, step = t.user_attrs.get("run_dir"), t.user_attrs.get("best_step")
        if t.value is None or not run_dir or step is None or not Path(run_dir).is_dir():
            continue
        for row in read_metrics(Path(run_dir)):
            if row.get("step") != step:
                continue
            for key, v in row.items():
                if key.startswith("val_") and isinstance(v, (int, float)) and math.isclose(v, t.value, rel_tol=1e-9):
                    return key, f"recognised in trial {t.number}'s run folder"
        break
    return "val_objective", "not found (no trial's run folder holds it), so it is called val_objective"
