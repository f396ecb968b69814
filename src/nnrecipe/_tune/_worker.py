"""A tuning worker: runs trials of one study until the shared budget is spent.

Any number of workers, in any processes on any machines, can run this loop on the same
storage. Before each trial a worker fails the trials of dead workers (heartbeat for
database storages, process id for the local journal file) so that they are re-run, and it
does not leave while another worker's trial is still running: if that worker dies, someone
must be there to re-run its trial.

Trials are run with Optuna's ask-and-tell interface rather than ``Study.optimize``: a
diverged trial is an expected outcome, told as a failed trial with its reason and shown as
one log line, not raised as an exception that Optuna would log with a traceback.
"""

from __future__ import annotations

import contextlib
import logging
import time
import warnings
from collections.abc import Sequence

import optuna
from optuna.exceptions import ExperimentalWarning
from optuna.storages import BaseStorage, JournalStorage
from optuna.storages._heartbeat import get_heartbeat_thread
from optuna.trial import FrozenTrial, TrialState

from .._core._experiment import Experiment, load_experiment
from ._objective import Objective
from ._samplers import make_sampler
from ._storage import OVER_BUDGET, RETRY_OF, reap_dead_local_trials
from ._study import Study

__all__ = ["counted_trials", "run_worker"]

log = logging.getLogger(__name__)


def counted_trials(trials: Sequence[FrozenTrial]) -> int:
    """Trials that use up the budget: a trial and its re-runs (after its worker died) count once."""
    return len({t.user_attrs.get(RETRY_OF, t.number) for t in trials if not t.user_attrs.get(OVER_BUDGET)})


def run_worker(
    study: Study,
    storage: BaseStorage,
    *,
    trials: int | None,
    timeout: float | None,
    threads: int = 1,
    poll: float = 1.0,
    experiment: Experiment | None = None,
) -> int:
    """Run trials of ``study`` until ``trials`` are counted in total, or ``timeout`` passes.

    With ``trials=0`` the worker only runs queued trials (adoption runs, re-runs).

    Returns:
        How many trials this worker trained.
    """
    sampler = make_sampler(study.sampler, study.space)
    ostudy = optuna.load_study(study_name=study.name, storage=storage, sampler=sampler)
    objective = Objective(study, experiment or load_experiment(study.experiment), threads=threads)
    deadline = None if timeout is None else time.monotonic() + timeout
    while deadline is None or time.monotonic() < deadline:
        _fail_dead_trials(ostudy)
        all_trials = ostudy.get_trials(deepcopy=False)
        states = [t.state for t in all_trials]
        budget_left = trials is None or counted_trials(all_trials) < trials
        if TrialState.WAITING not in states and not budget_left:
            if TrialState.RUNNING not in states:
                break
            time.sleep(poll)  # stay to re-run a running trial should its worker die
            continue
        _run_one(ostudy, objective, trials)
    return objective.started


def _run_one(ostudy: optuna.Study, objective: Objective, budget: int | None) -> None:
    with warnings.catch_warnings():
        # Optuna marks its heartbeat machinery experimental; relying on it is deliberate.
        warnings.simplefilter("ignore", ExperimentalWarning)
        # ask() warns that heartbeats are meant for Study.optimize; this loop runs the same
        # heartbeat thread around the objective as optimize does.
        warnings.filterwarnings("ignore", "Heartbeat of storage is supposed to be used with Study.optimize", UserWarning)
        trial = ostudy.ask()
        heartbeat = get_heartbeat_thread(trial._trial_id, ostudy._storage)
    if _over_budget(ostudy, trial, budget):
        # Two workers checked the budget at once and both started a trial; the later one
        # yields (trial numbers are assigned atomically), so the budget is exact.
        trial.set_user_attr(OVER_BUDGET, True)
        ostudy.tell(trial, state=TrialState.PRUNED, skip_if_finished=True)
        return
    with heartbeat:
        try:
            value = objective(trial)
        except BaseException as e:  # an error (or Ctrl-C) in training: no trial left RUNNING
            with contextlib.suppress(optuna.exceptions.UpdateFinishedTrialError):  # reaped meanwhile
                trial.set_user_attr("error", f"{type(e).__name__}: {e}"[:2000])
            ostudy.tell(trial, state=TrialState.FAIL, skip_if_finished=True)
            raise
    # skip_if_finished: a trial reaped as stale (its heartbeat was late) stays failed and re-run.
    if value is None:
        ostudy.tell(trial, state=TrialState.FAIL, skip_if_finished=True)
    else:
        ostudy.tell(trial, value, skip_if_finished=True)


def _over_budget(ostudy: optuna.Study, trial: optuna.Trial, budget: int | None) -> bool:
    if budget is None or RETRY_OF in trial.user_attrs or "arm" in trial.user_attrs:
        return False
    earlier = [t for t in ostudy.get_trials(deepcopy=False) if t.number < trial.number]
    return counted_trials(earlier) >= budget


def _fail_dead_trials(study: optuna.Study) -> None:
    if isinstance(study._storage, JournalStorage):  # used as is; database storages get a cache wrapper
        reaped = reap_dead_local_trials(study)
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ExperimentalWarning)
            before = len(study.get_trials(deepcopy=False, states=(TrialState.WAITING,)))
            optuna.storages.fail_stale_trials(study)
            reaped = len(study.get_trials(deepcopy=False, states=(TrialState.WAITING,))) - before
    if reaped > 0:
        log.warning("re-running %d trial(s) whose worker died", reaped)
