"""Three ``nnrecipe tune`` workers on a real PostgreSQL server, one of them killed mid-trial."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from collections import Counter

import optuna
import pytest

from nnrecipe import load_study
from nnrecipe._tune._records import records_of
from nnrecipe._tune._storage import open_storage

pytestmark = pytest.mark.timeout(300)


def test_a_killed_workers_trial_is_rerun_and_nothing_is_lost_or_duplicated(postgres_url, write_study, tiny_experiment, wait_for):
    study_file = write_study(name="pg", experiment=f"{tiny_experiment}:slow_experiment", budget={"trials": 5})
    cmd = [sys.executable, "-m", "nnrecipe._cli.main", "tune", str(study_file), "--storage", postgres_url, "--heartbeat", "2"]
    env = {**os.environ, "PYTHONWARNINGS": "error"}
    workers = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, text=True) for _ in range(3)]
    pids = {p.pid: p for p in workers}
    storage = open_storage(postgres_url)
    host = socket.gethostname()

    def running_trial_of_a_worker() -> optuna.trial.FrozenTrial | None:
        try:
            study = optuna.load_study(study_name="pg", storage=storage)
        except KeyError:
            return None  # not created yet
        for t in study.get_trials(deepcopy=False, states=(optuna.trial.TrialState.RUNNING,)):
            worker_host, _, pid = str(t.user_attrs.get("worker", "")).rpartition(":")
            if worker_host == host and pid.isdigit() and int(pid) in pids and t.params:  # mid-training
                return t
        return None

    try:
        wait_for(lambda: running_trial_of_a_worker() is not None, 180, "a worker to start a trial")
        victim = running_trial_of_a_worker()
        assert victim is not None
        victim_pid = int(victim.user_attrs["worker"].rpartition(":")[2])
        os.kill(victim_pid, signal.SIGKILL)
        outputs = {pid: proc.communicate(timeout=240)[0] for pid, proc in pids.items()}
    finally:
        for proc in workers:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
    for pid, proc in pids.items():
        if pid != victim_pid:
            assert proc.returncode == 0, outputs[pid]

    records = records_of(optuna.load_study(study_name="pg", storage=storage))
    killed = next(r for r in records if r.number == victim.number)
    assert killed.outcome == "failed" and killed.retried
    reruns = [r for r in records if r.retry_of == victim.number]
    assert len(reruns) == 1 and reruns[0].outcome == "complete" and reruns[0].params == killed.params
    assert not [r for r in records if r.outcome in ("running", "waiting")]  # nothing left RUNNING
    finished = [r for r in records if r.outcome in ("complete", "infeasible")]
    slots = Counter(r.retry_of if r.retry_of is not None else r.number for r in finished)
    assert len(slots) == 5 and set(slots.values()) == {1}  # the budget, each trial exactly once
    assert load_study(study_file).name == "pg"
