"""Running studies on one machine: budgets shared by workers, infeasible trials, re-runs."""

from __future__ import annotations

import math
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter

import optuna
import pytest
import torch
from optuna.trial import TrialState
from safetensors.torch import load_model

from nnrecipe import ConfigError, adopt, analyze, evaluate, load_experiment, load_study, tune
from nnrecipe._cli.main import main
from nnrecipe._tune import final_test
from nnrecipe._tune._records import records_of
from nnrecipe._tune._storage import open_storage, reap_dead_local_trials
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
    study = load_study(write_study(budget={"trials": 3}, seed_per_trial=True))
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
    assert rerun[0].hparams["seed"] == 0  # the seed of the trial it replaces, not of its own number
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


def test_too_small_learning_rates_are_feasible_and_the_analysis_says_to_raise_the_bound(write_study):
    # Before: every trial whose loss had not fallen below its first batch's was "diverged" (here 6 of 12),
    # and the analysis advised warmup and clipping.
    study = load_study(write_study(scientific=None, fixed={"optimizer": "sgd"}, nuisance={"lr": {"log": [1e-5, 1e-2]}}, budget={"trials": 12}))
    tune(study)
    analysis = analyze(study)
    assert analysis.counts["complete"] == 12 and analysis.infeasible_fraction == 0
    assert analysis.stability.warmup_steps is None
    (lr,) = analysis.axes
    assert len(lr.warnings) == 1 and "extend the upper bound 0.01 (e.g. to 0.1)" in lr.warnings[0]


def test_test_figures_come_from_the_best_checkpoint_not_the_final_weights(write_study):
    study = load_study(write_study(budget={"trials": 3}, fixed={"val_every": 5}))
    result = tune(study)
    experiment = load_experiment(study.experiment)
    complete = [r for r in result.records if r.outcome == "complete"]
    assert any(r.best_step != r.steps and r.final != r.value for r in complete)  # some trial trained past its best
    for r in complete:  # each trial kept the weights of its best validation step
        model = experiment.build_model(r.hparams)
        load_model(model, r.best_weights)
        torch.testing.assert_close(evaluate(model, experiment.val, "cross_entropy", metrics=["accuracy"])["accuracy"], r.value)
    figures = final_test(study)
    assert result.best is not None and (figures.trial, figures.step) == (result.best.number, result.best.best_step)
    model = experiment.build_model(result.best.hparams)
    load_model(model, result.best.best_weights)
    torch.testing.assert_close(figures.metrics, evaluate(model, experiment.test, "cross_entropy", metrics=["accuracy"]))


def test_when_every_worker_process_dies_the_caller_finishes_the_study(write_study, tiny_experiment, tmp_path, caplog):
    doomed = tmp_path / "doomed.py"
    doomed.write_text(
        f"import os\nimport nnrecipe\nif os.getpid() != {os.getpid()}:\n    os._exit(9)  # a worker process dies loading it\n"
        f"experiment = nnrecipe.load_experiment({str(tiny_experiment)!r})\n"
    )
    result = tune(load_study(write_study(experiment=str(doomed), budget={"trials": 2})), workers=2)
    assert [r.outcome for r in result.records] == ["complete", "complete"] and result.ran == 2
    died = [r.getMessage() for r in caplog.records if "died" in r.getMessage()]
    assert len(died) == 3 and "every worker process died; this process finishes the study" in died


@pytest.mark.slow
def test_a_worker_killed_mid_trial_is_rerun_and_the_command_ends_with_its_summary(write_study, tiny_experiment, tmp_path, capsys):
    study_file = write_study(experiment=f"{tiny_experiment}:slow_experiment", budget={"trials": 4})
    url = "journal:///" + str(tmp_path / "runs" / "tiny" / "study.journal").lstrip("/")
    victim: dict[str, int] = {}

    def kill_a_worker_mid_trial() -> None:
        deadline = time.monotonic() + 120
        while not victim and time.monotonic() < deadline:
            time.sleep(0.1)
            try:
                running = optuna.load_study(study_name="tiny", storage=open_storage(url)).get_trials(states=(TrialState.RUNNING,))
            except (ConfigError, KeyError):
                continue  # not created yet
            for t in running:
                pid = int(str(t.user_attrs.get("worker", ":0")).rpartition(":")[2] or 0)
                if t.params and pid not in (0, os.getpid()):
                    os.kill(pid, signal.SIGKILL)
                    victim.update(pid=pid, trial=t.number)
                    return

    killer = threading.Thread(target=kill_a_worker_mid_trial)
    killer.start()
    code = main(["tune", str(study_file), "--workers", "2"])
    killer.join()
    out, err = capsys.readouterr()
    assert victim, "no worker was seen mid-trial"
    assert code == 0 and "nnrecipe tune tiny:" in out and "(1 re-run after their worker died)" in out
    assert f"worker process {victim['pid']} died (exit code -9)" in err
    records = records_of(optuna.load_study(study_name="tiny", storage=open_storage(url)))
    killed = next(r for r in records if r.number == victim["trial"])
    assert killed.outcome == "failed" and killed.retried
    assert [r.outcome for r in records if r.retry_of == victim["trial"]] == ["complete"]
    slots = Counter(r.retry_of if r.retry_of is not None else r.number for r in records if r.outcome == "complete")
    assert len(slots) == 4 and set(slots.values()) == {1}  # the budget, each trial exactly once
    assert not [r for r in records if r.outcome in ("running", "waiting")]


def test_test_figures_refuse_weights_the_experiment_no_longer_fits(write_study, tiny_experiment, tmp_path):
    study = load_study(write_study(budget={"trials": 1}))
    tune(study)
    wider = tmp_path / "wider.py"  # the experiment file changed after the study: another model
    wider.write_text(f"import dataclasses, nnrecipe\nexperiment = dataclasses.replace(nnrecipe.load_experiment({str(tiny_experiment)!r}), hparams={{'hidden': 48}})\n")
    with pytest.raises(ConfigError, match="do not fit the model experiment 'digits' builds now"):
        final_test(study, experiment=load_experiment(wider))


def test_trials_of_a_seed_per_trial_study_train_from_distinct_seeds(write_study):
    import json
    from pathlib import Path

    result = tune(load_study(write_study(budget={"trials": 2}, seed_per_trial=True)))
    seeds = sorted(json.loads((Path(r.run_dir) / "config.json").read_text())["train_config"]["seed"] for r in result.records)
    assert seeds == [0, 1]
