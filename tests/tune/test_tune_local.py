"""Running studies on one machine: budgets shared by workers, infeasible trials, re-runs."""

from __future__ import annotations

import math
import os
import socket
import subprocess
import sys

import optuna
import pytest

from nnrecipe import adopt, analyze, load_study, tune
from nnrecipe._tune._storage import reap_dead_local_trials
from nnrecipe._tune._tuning import connect, storage_url_of


@pytest.mark.parametrize("scheme", ["journal", "sqlite"])
def test_two_workers_share_one_budget_without_duplicates(write_study, tmp_path, scheme):
    storage = None if scheme == "journal" else f"sqlite:///{tmp_path}/study.db"
    result = tune(load_study(write_study(budget={"trials": 4})), storage=storage, workers=2)
    assert result.ran == 4  # each worker finishes trials until the shared budget is spent
    assert [r.outcome for r in result.records] == ["complete"] * 4
    sampled = [tuple(sorted(r.params.items())) for r in result.records]
    assert len(set(sampled)) == 4  # distinct quasi-random points, none run twice
    assert len({r.run_dir for r in result.records}) == 4


def test_objective_is_the_best_validation_value_seen_and_the_final_one_is_kept(write_study):
    result = tune(load_study(write_study(budget={"trials": 2})))
    for r in result.records:
        seen = [m for _, _, m in r.val_curve]
        assert r.value == max(seen) and r.final == seen[-1]
        assert r.best_step == r.val_curve[seen.index(max(seen))][0]
        assert r.grad_norms and all(math.isfinite(v) for _, v in r.grad_norms)


def test_diverged_trials_are_recorded_infeasible_not_dropped(write_study):
    study = load_study(
        write_study(scientific=None, fixed={"optimizer": "sgd"}, nuisance={"lr": {"log": [1e-2, 1e8]}}, budget={"trials": 4})
    )
    result = tune(study)
    outcomes = sorted(r.outcome for r in result.records)
    assert "infeasible" in outcomes and "complete" in outcomes and len(outcomes) == 4
    bad = next(r for r in result.records if r.outcome == "infeasible")
    assert "diverged" in (bad.error or "") and bad.params["lr"] > 1.0
    assert result.best is not None and result.best.outcome == "complete"


def test_a_trial_whose_local_worker_died_is_rerun_once_and_counted_once(write_study):
    study = load_study(write_study(budget={"trials": 3}))
    ostudy = connect(study, storage_url_of(study), create=True)
    # A worker that started trial 0 and was killed: its process id no longer exists.
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    trial = ostudy.ask()
    trial.suggest_categorical("optimizer", ["adam", "sgd"])
    trial.set_user_attr("worker", f"{socket.gethostname()}:{dead.pid}")
    result = tune(study)
    states = {r.number: r for r in result.records}
    assert states[0].outcome == "failed" and states[0].retried
    rerun = [r for r in result.records if r.retry_of == 0]
    assert len(rerun) == 1 and rerun[0].outcome == "complete" and rerun[0].params["optimizer"] == states[0].params["optimizer"]
    assert sum(r.outcome == "complete" for r in result.records) == 3  # the budget counts trial 0 once
    assert not [r for r in result.records if r.outcome in ("running", "waiting")]


def test_a_running_trial_of_a_live_worker_is_left_alone(write_study):
    study = load_study(write_study(budget={"trials": 1}))
    ostudy = connect(study, storage_url_of(study), create=True)
    trial = ostudy.ask()
    trial.set_user_attr("worker", f"{socket.gethostname()}:{os.getpid()}")  # this process: alive
    assert reap_dead_local_trials(ostudy) == 0
    assert ostudy.trials[0].state == optuna.trial.TrialState.RUNNING


def test_adopt_reruns_best_and_baseline_over_seeds_and_analyze_compares_them(write_study):
    study = load_study(write_study(budget={"trials": 2}, baseline={"lr": 3e-4, "optimizer": "adam"}))
    best = tune(study).best
    assert best is not None
    result = adopt(study, seeds=2)
    assert sorted((r.arm, r.seed) for r in result.records) == [("baseline", 0), ("baseline", 1), ("candidate", 0), ("candidate", 1)]
    assert all(r.hparams["lr"] == best.hparams["lr"] for r in result.records if r.arm == "candidate")
    assert adopt(study, seeds=2).ran == 0  # seeds already run are not run again
    verdict = analyze(study).adoption
    assert verdict is not None and len(verdict.candidate) == 2 and verdict.ci_low <= verdict.difference <= verdict.ci_high
