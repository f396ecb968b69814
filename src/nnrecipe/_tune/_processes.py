"""Local worker processes of one ``tune`` call, and what happens when one of them dies.

A worker process that dies (killed, out of memory) leaves its trial RUNNING; the other
workers see its process id is gone, fail that trial and re-run it (``_worker``), so the
study still ends complete. The death is reported as one log line, not as an error; only if
every worker died does this process finish the study itself.
"""

from __future__ import annotations

import logging
import multiprocessing as mp
import os
import traceback
from queue import Empty
from typing import Any

import optuna

from .._core._errors import NnrecipeError
from .._core._experiment import Experiment
from ._storage import open_storage
from ._study import Study
from ._worker import run_worker

__all__ = ["run_workers"]

log = logging.getLogger(__name__)
Budget = dict[str, Any]  # trials, timeout, heartbeat: the keywords of run_worker's budget


def run_workers(study: Study, url: str, workers: int, budget: Budget, experiment: Experiment | None = None) -> int:
    """Run ``workers`` workers on the study at ``url``; how many trials they trained.

    Raises:
        NnrecipeError: A worker failed on bad input (the first such error, as raised).
        RuntimeError: A worker failed on anything else (its traceback in the message).
    """
    if workers == 1:
        return _work(study, url, budget, experiment)
    # A fork server imports nnrecipe (and torch) once, then forks each worker from that clean
    # process: workers start in milliseconds instead of seconds, and none inherits the
    # caller's torch thread pools and locks as a plain fork would.
    ctx = mp.get_context("forkserver")
    # Also imported on first use by every worker otherwise, seconds each: torch._dynamo (by
    # torch.optim) and scipy.stats (by the Halton sampler).
    ctx.set_forkserver_preload(["nnrecipe", "torch._dynamo", "scipy.stats"])
    queue = ctx.Queue()
    procs = [ctx.Process(target=_child, args=(study, url, budget, queue, _log_setup()), daemon=False) for _ in range(workers)]
    for p in procs:
        p.start()
    reports: dict[int, Any] = {}
    try:
        died = _collect(procs, queue, reports)
    finally:
        for p in procs:
            p.join(timeout=60)
            if p.is_alive():  # pragma: no cover - interrupted
                p.terminate()
    failures = [r for r in reports.values() if not isinstance(r, int)]
    for r in failures:
        if isinstance(r, NnrecipeError):
            raise r
    if failures:
        raise RuntimeError(f"{len(failures)} of {workers} tuning workers failed; first error:\n{failures[0]}")
    ran = sum(reports.values())
    if died and not reports:  # no worker was left to re-run the dead workers' trials
        log.warning("every worker process died; this process finishes the study")
        ran += _work(study, url, budget, experiment)
    return ran


def _collect(procs: list[Any], queue: Any, reports: dict[int, Any]) -> list[int]:
    """Wait for each process to report or die; the process ids of those that died."""
    died: list[int] = []
    while len(reports) + len(died) < len(procs):
        try:
            pid, outcome = queue.get(timeout=1.0)
            reports[pid] = outcome
            continue
        except Empty:
            pass
        for p in procs:
            if p.pid in reports or p.pid in died or p.is_alive():
                continue
            # A process flushes its report before it exits: read what is in flight first.
            try:
                while True:
                    pid, outcome = queue.get(timeout=0.5)
                    reports[pid] = outcome
            except Empty:
                pass
            if p.pid not in reports:
                died.append(p.pid)
                log.warning(
                    "worker process %d died (exit code %s) without finishing; its running trial is failed and re-run",
                    p.pid, p.exitcode,
                )
    return died


def _work(study: Study, url: str, budget: Budget, experiment: Experiment | None) -> int:
    storage = open_storage(url, heartbeat=budget["heartbeat"])
    return run_worker(study, storage, trials=budget["trials"], timeout=budget["timeout"], threads=1, experiment=experiment)


def _log_setup() -> dict[str, int] | None:
    """The caller's nnrecipe log levels, for workers to show the same lines (None: no handler).

    The root's level and every level the caller set below it (a CLI quietening the trainer's
    loggers), whichever modules those loggers belong to.
    """
    root = logging.getLogger("nnrecipe")
    if not root.handlers:
        return None
    loggers = logging.Logger.manager.loggerDict
    levels = {name: lg.level for name, lg in loggers.items() if name.startswith("nnrecipe.") and isinstance(lg, logging.Logger) and lg.level}
    return {"nnrecipe": root.getEffectiveLevel(), **levels}


def _child(study: Study, url: str, budget: Budget, queue: Any, log_levels: dict[str, int] | None) -> None:
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
        queue.put((os.getpid(), _work(study, url, budget, None)))
    except NnrecipeError as e:  # bad input: the caller shows it as such
        queue.put((os.getpid(), e))
    except BaseException:  # noqa: BLE001 - anything else reaches the caller as its traceback
        queue.put((os.getpid(), f"worker {os.getpid()}: {traceback.format_exc()}"))
