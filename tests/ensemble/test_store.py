"""Every run stores its validation and test predictions, from the weights that scored it."""

from __future__ import annotations

import json
import logging
import shutil

import pytest
import torch
from safetensors.torch import load_model

import nnrecipe
from nnrecipe.callbacks import ModelCheckpoint
from nnrecipe.ensembling import read_predictions, store_predictions


def test_a_run_stores_the_predictions_of_its_best_validation_step(trained_runs, experiment_file):
    run = trained_runs[0]
    p = read_predictions(run)
    result = json.loads((run / "result.json").read_text())
    assert (p.monitor, p.step, p.steps, p.weights) == ("val_accuracy", result["best_step"], 30, "weights/best.safetensors")
    assert p.monitor_value == result["best"]["val_accuracy"]
    experiment = nnrecipe.load_experiment(experiment_file)
    model = experiment.build_model({})
    load_model(model, str(run / "weights" / "best.safetensors"))
    X, y = experiment.val
    with torch.no_grad():
        torch.testing.assert_close(p.val.predictions, model(X).softmax(-1))
    assert torch.equal(p.val.targets, y) and p.test is not None and p.test.size == 80
    # the stored predictions score what the run logged at that step
    assert (p.val.predictions.argmax(-1) == y).float().mean().item() == pytest.approx(p.monitor_value)


def test_a_run_without_a_model_checkpoint_stores_its_final_weights(experiment_file, tmp_path):
    experiment = nnrecipe.load_experiment(experiment_file)
    result = nnrecipe.fit_experiment(experiment, {"max_steps": 10}, runs_dir=tmp_path)
    p = read_predictions(result.run_dir)  # type: ignore[arg-type]
    assert p.monitor is None and p.step == 10 and p.weights.startswith("checkpoints/step-00000010/")


def test_diverged_runs_and_experiments_without_validation_store_nothing(experiment_file, tmp_path):
    broken = nnrecipe.fit_experiment(nnrecipe.load_experiment(experiment_file), {"broken": True}, runs_dir=tmp_path)
    no_val = nnrecipe.fit_experiment(nnrecipe.load_experiment(f"{experiment_file}:no_val"), runs_dir=tmp_path)
    assert broken.diverged
    assert not (broken.run_dir / "predictions").exists() and not (no_val.run_dir / "predictions").exists()  # type: ignore[operator]


def test_a_failure_to_store_never_fails_the_run(experiment_file, tmp_path, monkeypatch, caplog):
    from nnrecipe._ensemble import _store

    def fail(*args: object) -> None:
        raise RuntimeError("disk says no")

    monkeypatch.setattr(_store, "_store", fail)
    with caplog.at_level(logging.WARNING, logger="nnrecipe"):
        result = nnrecipe.fit_experiment(nnrecipe.load_experiment(experiment_file), {"max_steps": 10}, runs_dir=tmp_path)
    assert result.steps == 10 and (result.run_dir / "result.json").is_file()  # type: ignore[operator]
    assert "predictions were not stored (RuntimeError: disk says no); store them later with `nnrecipe ensemble --store-missing" in caplog.text


def test_predictions_of_an_older_run_are_stored_from_its_kept_weights(trained_runs, tmp_path):
    run = tmp_path / "old"
    shutil.copytree(trained_runs[1], run)
    shutil.rmtree(run / "predictions")  # as a run trained before runs stored predictions
    stored = store_predictions(run)
    original = read_predictions(trained_runs[1])
    torch.testing.assert_close(stored.test.predictions, original.test.predictions)  # type: ignore[union-attr]
    assert (stored.step, stored.monitor, stored.weights_sha256) == (original.step, original.monitor, original.weights_sha256)


def test_a_tuning_trial_stores_the_predictions_of_its_goal_metrics_best_step(experiment_file, tmp_path):
    # the objective trains through fit_experiment with ModelCheckpoint(monitor=goal, save_top_k=0)
    best = ModelCheckpoint(monitor="val_loss", mode="min", save_top_k=0, save_last=False)
    result = nnrecipe.fit_experiment(nnrecipe.load_experiment(experiment_file), callbacks=[best], runs_dir=tmp_path, name="trial-0000")
    p = read_predictions(result.run_dir)  # type: ignore[arg-type]
    assert (p.monitor, p.step, p.monitor_value) == ("val_loss", best.best_step, best.best)
