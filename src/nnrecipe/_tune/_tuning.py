"""``tune``: run a study's trials with local worker processes; ``adopt``: the seed re-runs."""

from __future__ import annotations

import dataclasses
import logging

import optuna

from .._core._errors import ConfigError
from .._core._experiment import load_experiment
from ._adoption import Adoption, adoption
from ._processes import run_workers
from ._records import TrialRecord, records_of
from ._storage import ADOPT_SUFFIX, default_storage_url, open_storage, study_folder
from ._stored import open_existing, store_definition
from ._study import Study
from ._validate import validate_study

__all__ = ["ADOPT_SUFFIX", "TuneResult", "adopt", "connect", "storage_url_of", "tune"]

log = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class TuneResult:
    """What a call to :func:`tune` or :func:`adopt` left in the study.

    Attributes:
        study: The study's name; ``storage`` its storage URL.
        ran: Trials trained by this call's workers.
        records: Every trial of the study so far (for :func:`adopt`: every adoption run).
        best: The best feasible trial, or ``None``.
        adoption: For :func:`adopt`: the verdict, candidate against baseline over seeds
            (``None`` until both have two finished seeds).
    """

    study: str
    storage: str
    ran: int
    records: list[TrialRecord]
    best: TrialRecord | None
    adoption: Adoption | None = None


def storage_url_of(study: Study, storage: str | None = None) -> str:
    """The storage to use: ``storage``, else the study file's, else the default journal file."""
    return storage or study.storage or default_storage_url(study.runs_dir, study.name)


def connect(study: Study, url: str, *, create: bool, heartbeat: int = 30, suffix: str = "") -> optuna.Study:
    """Open the Optuna study of ``study`` in the storage at ``url``.

    Creating it stores the study's definition with it, so that :func:`analyze` can work
    from the storage alone.

    Raises:
        ConfigError: The storage cannot be reached, the study does not exist (``create``
            false), or it exists with another goal direction.
    """
    if url == default_storage_url(study.runs_dir, study.name) and create:
        study_folder(study.runs_dir, study.name).mkdir(parents=True, exist_ok=True)
    storage = open_storage(url, heartbeat=heartbeat) if create else open_existing(url)
    name = study.name + suffix
    if not create:
        try:
            ostudy = optuna.load_study(study_name=name, storage=storage)
        except KeyError:
            raise ConfigError(f"study {name!r} has no trials in {url}; run `nnrecipe tune` first") from None
    else:
        # load_if_exists: workers starting together all "create" the study; one wins.
        ostudy = optuna.create_study(study_name=name, storage=storage, direction="minimize" if study.goal.mode == "min" else "maximize", load_if_exists=True)
        if not suffix:
            store_definition(ostudy, study)
    if ostudy.direction.name.lower() != study.goal.direction:
        raise ConfigError(
            f"study {name!r} in {url} was created to {ostudy.direction.name.lower()}; this study file says "
            f"{study.goal.direction}; use another study name"
        )
    return ostudy


def tune(
    study: Study,
    *,
    storage: str | None = None,
    trials: int | None = None,
    timeout: float | None = None,
    workers: int = 1,
    heartbeat: int = 30,
) -> TuneResult:
    """Run ``study`` until its trial budget is spent, with ``workers`` local processes.

    More workers may join from other shells or machines with the same storage. Each
    worker trains with one CPU thread unless the study fixes ``threads``. The study is
    checked against its experiment first (:func:`validate_study`): a bad goal or key fails
    before any trial starts and before anything is written. A worker process that dies has
    its trial re-run by the others; the call still returns normally.

    Args:
        study: The study (see :func:`load_study`).
        storage: Storage URL; overrides the study file's (default: a journal file in its runs folder).
        trials: Total trials over all workers (>= 1); overrides the study's budget.
        timeout: Seconds after which no worker starts a new trial; overrides the study's.
        workers: Local worker processes.
        heartbeat: Seconds between heartbeats of database storages.

    Returns:
        A :class:`TuneResult`.

    Raises:
        ConfigError: Bad arguments, a study its experiment cannot run, an experiment that
            cannot be loaded, or a storage that cannot be reached.

    Example:
        >>> result = tune(load_study("examples/mnist1d_study.yaml"), trials=4)  # doctest: +SKIP
    """
    if trials is not None and trials < 1:
        raise ConfigError(f"trials must be >= 1 (the total over all workers); got {trials=}")
    if timeout is not None and not timeout > 0:
        raise ConfigError(f"timeout must be > 0 seconds; got {timeout=}")
    _check_workers(workers, heartbeat)
    experiment = load_experiment(study.experiment)
    validate_study(study, experiment)
    url = storage_url_of(study, storage)
    ostudy = connect(study, url, create=True, heartbeat=heartbeat)
    budget = {
        "trials": trials if trials is not None else study.budget.trials,
        "timeout": timeout if timeout is not None else study.budget.timeout,
        "heartbeat": heartbeat,
    }
    ran = run_workers(study, url, workers, budget, experiment)
    return _result(study, url, ostudy, ran)


def adopt(study: Study, *, seeds: int = 5, storage: str | None = None, workers: int = 1, heartbeat: int = 30) -> TuneResult:
    """Re-run the best trial and the baseline over ``seeds`` seeds, for the adoption decision.

    The runs go to a companion study ``<name>.adopt`` in the same storage, and to run
    folders named ``<name>-adopt-<candidate|baseline>-seed<k>``, apart from the search's
    ``trial-NNNN``. Seeds already run are not run again. The verdict is in the result's
    ``adoption`` (and in :func:`analyze`).

    Raises:
        ConfigError: Fewer than 2 seeds, or the study has no feasible trial yet.
    """
    if seeds < 2:
        raise ConfigError(f"seeds must be >= 2 to estimate seed-to-seed variation; got {seeds=}")
    _check_workers(workers, heartbeat)
    url = storage_url_of(study, storage)
    best = _result(study, url, connect(study, url, create=False, heartbeat=heartbeat), 0).best
    if best is None:
        raise ConfigError(f"study {study.name!r} has no feasible trial to adopt; run more trials first")
    experiment = load_experiment(study.experiment)
    validate_study(study, experiment)
    ostudy = connect(study, url, create=True, heartbeat=heartbeat, suffix=ADOPT_SUFFIX)
    have = {(t.user_attrs.get("arm"), t.user_attrs.get("seed")) for t in ostudy.get_trials(deepcopy=False)}
    arms = {"candidate": dict(best.hparams), "baseline": {**study.fixed, **study.baseline}}
    for seed in range(seeds):
        for arm, hparams in arms.items():
            if (arm, seed) not in have:
                attrs = {"arm": arm, "seed": seed, "hparams": {**hparams, "seed": seed}, "candidate_of": best.number}
                ostudy.enqueue_trial({}, user_attrs=attrs, skip_if_exists=False)
    adopt_study = dataclasses.replace(study, name=study.name + ADOPT_SUFFIX)
    ran = run_workers(adopt_study, url, workers, {"trials": 0, "timeout": None, "heartbeat": heartbeat}, experiment)
    result = _result(adopt_study, url, ostudy, ran)
    return dataclasses.replace(result, adoption=adoption(result.records, study.goal))


def _check_workers(workers: int, heartbeat: int) -> None:
    if workers < 1:
        raise ConfigError(f"workers must be >= 1; got {workers=}")
    if heartbeat < 1:
        raise ConfigError(f"heartbeat must be >= 1 second; got {heartbeat=}")


def _result(study: Study, url: str, ostudy: optuna.Study, ran: int) -> TuneResult:
    records = records_of(ostudy)
    feasible = [r for r in records if r.outcome == "complete" and r.value is not None]
    best = min(feasible, key=lambda r: study.goal.rank(r.value)) if feasible else None
    return TuneResult(study=study.name, storage=url, ran=ran, records=records, best=best)
