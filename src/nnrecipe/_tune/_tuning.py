"""``tune``: run a study's trials with local worker processes; ``adopt``: the seed re-runs."""

from __future__ import annotations

import dataclasses
import logging
import multiprocessing as mp
import os
import traceback
from pathlib import Path
from queue import Empty
from typing import Any

import optuna

from .._core._errors import ConfigError
from ._records import TrialRecord, records_of
from ._storage import default_storage_url, open_storage
from ._study import Study
from ._worker import run_worker

__all__ = ["tune", "adopt", "TuneResult", "storage_url_of", "connect"]

log = logging.getLogger(__name__)
ADOPT_SUFFIX = ".adopt"


@dataclasses.dataclass(frozen=True)
class TuneResult:
    """What a call to :func:`tune` left in the study.

    Attributes:
        study: The study's name; ``storage`` its storage URL.
        ran: Trials finished by this call's workers.
        records: Every trial of the study so far.
        best: The best feasible trial, or ``None``.
    """

    study: str
    storage: str
    ran: int
    records: list[TrialRecord]
    best: TrialRecord | None


def storage_url_of(study: Study, storage: str | None = None) -> str:
    """The storage to use: ``storage``, else the study file's, else the default journal file."""
    return storage or study.storage or default_storage_url(study.runs_dir, study.name)


def connect(study: Study, url: str, *, create: bool, heartbeat: int = 30, suffix: str = "") -> optuna.Study:
    """Open the Optuna study of ``study`` in the storage at ``url``.

    Raises:
        ConfigError: The storage cannot be reached, the study does not exist (``create``
            false), or it exists with another goal direction.
    """
    if url == default_storage_url(study.runs_dir, study.name) and create:
        (Path(study.runs_dir) / study.name).mkdir(parents=True, exist_ok=True)
    storage = open_storage(url, heartbeat=heartbeat)
    name = study.name + suffix
    if not create:
        try:
            ostudy = optuna.load_study(study_name=name, storage=storage)
        except KeyError:
            raise ConfigError(f"study {name!r} has no trials in {url}; run `nnrecipe tune` first") from None
    else:
        # load_if_exists: workers starting together all "create" the study; one wins.
        ostudy = optuna.create_study(study_name=name, storage=storage, direction=study.goal.direction, load_if_exists=True)
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
    worker trains with one CPU thread unless the study fixes ``threads``.

    Args:
        study: The study (see :func:`load_study`).
        storage: Storage URL; overrides the study file's (default: a journal file in its runs folder).
        trials: Total trials over all workers; overrides the study's budget.
        timeout: Seconds after which no worker starts a new trial; overrides the study's.
        workers: Local worker processes.
        heartbeat: Seconds between heartbeats of database storages.

    Returns:
        A :class:`TuneResult`.

    Raises:
        ConfigError: The storage cannot be reached or the experiment cannot be loaded.

    Example:
        >>> result = tune(load_study("examples/mnist1d_study.yaml"), trials=4)  # doctest: +SKIP
    """
    if workers < 1:
        raise ValueError(f"workers must be >= 1; got {workers=}")
    url = storage_url_of(study, storage)
    n_trials = trials if trials is not None else study.budget.trials
    seconds = timeout if timeout is not None else study.budget.timeout
    ostudy = connect(study, url, create=True, heartbeat=heartbeat)
    ran = _run_workers(study, url, workers, dict(trials=n_trials, timeout=seconds, heartbeat=heartbeat))
    return _result(study, url, ostudy, ran)


def adopt(study: Study, *, seeds: int = 5, storage: str | None = None, workers: int = 1, heartbeat: int = 30) -> TuneResult:
    """Re-run the best trial and the baseline over ``seeds`` seeds, for the adoption decision.

    The runs go to a companion study ``<name>.adopt`` in the same storage; :func:`analyze`
    compares them. Seeds already run are not run again.

    Raises:
        ConfigError: The study has no feasible trial yet.
    """
    if seeds < 2:
        raise ValueError(f"seeds must be >= 2 to estimate seed-to-seed variation; got {seeds=}")
    url = storage_url_of(study, storage)
    best = _result(study, url, connect(study, url, create=False, heartbeat=heartbeat), 0).best
    if best is None:
        raise ConfigError(f"study {study.name!r} has no feasible trial to adopt; run more trials first")
    ostudy = connect(study, url, create=True, heartbeat=heartbeat, suffix=ADOPT_SUFFIX)
    have = {(t.user_attrs.get("arm"), t.user_attrs.get("seed")) for t in ostudy.get_trials(deepcopy=False)}
    arms = {"candidate": dict(best.hparams), "baseline": {**study.fixed, **study.baseline}}
    for seed in range(seeds):
        for arm, hparams in arms.items():
            if (arm, seed) not in have:
                attrs = {"arm": arm, "seed": seed, "hparams": {**hparams, "seed": seed}, "candidate_of": best.number}
                ostudy.enqueue_trial({}, user_attrs=attrs, skip_if_exists=False)
    adopt_study = dataclasses.replace(study, name=study.name + ADOPT_SUFFIX)
    ran = _run_workers(adopt_study, url, workers, dict(trials=0, timeout=None, heartbeat=heartbeat))
    return _result(adopt_study, url, ostudy, ran)


def _result(study: Study, url: str, ostudy: optuna.Study, ran: int) -> TuneResult:
    records = records_of(ostudy)
    feasible = [r for r in records if r.outcome == "complete" and r.value is not None]
    best = min(feasible, key=lambda r: study.goal.rank(r.value)) if feasible else None
    return TuneResult(study=study.name, storage=url, ran=ran, records=records, best=best)


def _run_workers(study: Study, url: str, workers: int, kwargs: dict[str, Any]) -> int:
    if workers == 1:
        return _work(study, url, **kwargs)
    # A fork server imports nnrecipe (and torch) once, then forks each worker from that clean
    # process: workers start in milliseconds instead of seconds, and none inherits the
    # caller's torch thread pools and locks as a plain fork would.
    ctx = mp.get_context("forkserver")
    # Also imported on first use by every worker otherwise, seconds each: torch._dynamo (by
    # torch.optim) and scipy.stats (by the Halton sampler).
    ctx.set_forkserver_preload(["nnrecipe", "torch._dynamo", "scipy.stats"])
    queue = ctx.Queue()
    procs = [ctx.Process(target=_child, args=(study, url, kwargs, queue, _log_setup()), daemon=False) for _ in range(workers)]
    for p in procs:
        p.start()
    results: list[Any] = []
    try:
        while len(results) < len(procs):
            try:
                results.append(queue.get(timeout=1.0))
            except Empty:
                if not any(p.is_alive() for p in procs) and queue.empty():
                    codes = [p.exitcode for p in procs]
                    raise RuntimeError(f"tuning workers exited without reporting (exit codes {codes}); see their output above") from None
    finally:
        for p in procs:
            p.join(timeout=60)
            if p.is_alive():  # pragma: no cover - interrupted
                p.terminate()
    errors = [r for r in results if isinstance(r, str)]
    if errors:
        raise RuntimeError(f"{len(errors)} of {workers} workers failed; first error:\n{errors[0]}")
    return sum(int(r) for r in results)


def _work(study: Study, url: str, *, trials: int | None, timeout: float | None, heartbeat: int) -> int:
    storage = open_storage(url, heartbeat=heartbeat)
    return run_worker(study, storage, trials=trials, timeout=timeout, threads=1)


def _log_setup() -> dict[str, int] | None:
    """The caller's nnrecipe log levels, for workers to show the same lines (None: no handler)."""
    root = logging.getLogger("nnrecipe")
    if not root.handlers:
        return None
    names = ("nnrecipe", "nnrecipe._train._trainer")
    return {name: logging.getLogger(name).getEffectiveLevel() for name in names}


def _child(study: Study, url: str, kwargs: dict[str, Any], queue: Any, log_levels: dict[str, int] | None) -> None:
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    if log_levels is not None:  # a fresh process from the fork server: mirror the caller's logging
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        root = logging.getLogger("nnrecipe")
        root.addHandler(handler)
        root.propagate = False
        for name, level in log_levels.items():
            logging.getLogger(name).setLevel(level)
    try:
        queue.put(_work(study, url, **kwargs))
    except BaseException:
        queue.put(f"worker {os.getpid()}: {traceback.format_exc()}")
