"""A saved ensemble rebuilt from its runs (experiment + recorded hyperparameters + weights) predicts."""

from __future__ import annotations

import json
import shutil

import pytest
import torch

import nnrecipe
from nnrecipe import CheckpointError, ConfigError
from nnrecipe._ensemble._selection import combine


@pytest.fixture
def saved(trained_runs, tmp_path):
    runs = tmp_path / "runs"
    for run in trained_runs:
        shutil.copytree(run, runs / run.name)
    result = nnrecipe.ensemble(runs, options=nnrecipe.EnsembleOptions(metric="nll"))
    return result, result.save(result.default_path())


def test_the_rebuilt_ensemble_predicts_what_selection_scored(saved, experiment_file):
    result, path = saved
    ensemble = nnrecipe.Ensemble.load(path)
    X, _ = nnrecipe.load_experiment(experiment_file).test
    stored = torch.stack([nnrecipe.ensembling.read_predictions(m.run_dir).test.predictions for m in result.members])  # type: ignore[union-attr]
    torch.testing.assert_close(ensemble.predict(X), combine(stored, result.greedy.weights).float())
    assert len(ensemble.models) == len(result.greedy.used)


def test_evaluating_a_saved_ensemble_reproduces_its_figures(saved):
    result, path = saved
    for method in ("greedy", "average", "single"):
        evaluations = nnrecipe.Ensemble.load(path, method=method).evaluate()
        assert [e.split for e in evaluations] == ["val", "test"] and all(e.agrees for e in evaluations)
        assert evaluations[1].metrics == pytest.approx(result.method(method).test)


def test_evaluation_on_given_data(saved, experiment_file):
    _, path = saved
    X, y = nnrecipe.load_experiment(experiment_file).train
    (e,) = nnrecipe.Ensemble.load(path).evaluate((X, y))
    assert e.split == "data" and e.size == 200 and e.recorded is None and 0.5 < e.metrics["accuracy"] <= 1


def test_a_weights_file_changed_since_selection_is_refused(saved):
    result, path = saved
    member = result.members[result.greedy.used[0]]
    weights = member.run_dir / member.weights
    weights.write_bytes(weights.read_bytes()[:-4] + b"\0\0\0\0")
    with pytest.raises(CheckpointError, match="changed since its predictions were stored"):
        nnrecipe.Ensemble.load(path)


def test_a_run_from_an_experiment_made_in_python_needs_that_experiment(saved, experiment_file):
    result, path = saved
    data = json.loads(path.read_text())
    for m in data["members"]:
        m["experiment"] = None
        config = result.members[0].run_dir.parent / m["run_dir"] / "config.json"
        config.write_text(json.dumps({**json.loads(config.read_text()), "experiment": None}))
    path.write_text(json.dumps(data))
    with pytest.raises(ConfigError, match=r"records no experiment file .* Ensemble.load\(path, experiment=...\)"):
        nnrecipe.Ensemble.load(path)
    ensemble = nnrecipe.Ensemble.load(path, experiment=nnrecipe.load_experiment(experiment_file))
    assert all(e.agrees for e in ensemble.evaluate())


def test_a_file_that_is_no_ensemble_is_refused(tmp_path):
    (tmp_path / "x.json").write_text("{}")
    with pytest.raises(CheckpointError, match="not an ensemble file"):
        nnrecipe.Ensemble.load(tmp_path / "x.json")
    with pytest.raises(CheckpointError, match="does not exist"):
        nnrecipe.EnsembleResult.load(tmp_path / "none.json")
