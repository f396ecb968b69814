"""A tuning worker: runs trials of one study until the shared budget is spent.

Any number of workers, in any processes on any machines, can run this loop on the same
storage. Before each trial a worker fails the trials of dead workers (heartbeat for
database storages, process id for the local journal file) so that they are re-run, and it
does not leave while another worker's trial is still running: if that worker dies, someone
must be there to re-run its trial.
"""

from __future__ import annotations

import logging
import time
import warnings
from collections.abc import Sequence

import optuna
from optuna.exceptions import ExperimentalWarning
from optuna.storages import BaseStorage, JournalStorage
from optuna.trial import FrozenTrial, TrialState

from .._core._experiment import load_experiment
from ._objective import OVER_BUDGET, Infeasible, Objective
from ._samplers import make_sampler
from ._storage import RETRY_OF, reap_dead_local_trials
from ._study import Study

__all__ = ["run_worker", "counted_trials"]

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
) -> int:
    """Run trials of ``study`` until ``trials`` are counted in total, or ``timeout`` passes.

    With ``trials=0`` the worker only runs queued trials (adoption runs, re-runs).

    Returns:
        How many trials this worker finished.
    """
    sampler = make_sampler(study.sampler, study.space)
    ostudy = optuna.load_study(study_name=study.name, storage=storage, sampler=sampler)
    objective = Objective(study, load_experiment(study.experiment), threads=threads, budget=trials)
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
        with warnings.catch_warnings():
            # Optuna marks its heartbeat machinery experimental; relying on it is deliberate.
            warnings.simplefilter("ignore", ExperimentalWarning)
            ostudy.optimize(objective, n_trials=1, catch=(Infeasible,))
    return objective.started


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
