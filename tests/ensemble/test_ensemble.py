"""``ensemble``: selection on validation predictions, test figures with intervals, bad input."""

from __future__ import annotations

import json

import pytest
import torch

import nnrecipe
from nnrecipe import ConfigError, EnsembleOptions, EnsembleResult


@pytest.fixture
def three_runs(fake_run, complementary, tmp_path):
    y, a, b, c = complementary
    return [fake_run(name, (p, y), (p.clone(), y.clone())) for name, p in (("a", a), ("b", b), ("c", c))]


def test_the_greedy_ensemble_and_its_test_gain_over_the_best_single_model(three_runs, tmp_path):
    result = nnrecipe.ensemble(tmp_path / "runs")
    assert [m.label for m in result.members] == ["a", "b", "c"] and result.metric == "accuracy"  # the runs' monitor
    assert result.single.weights == (1.0, 0.0, 0.0) and result.single.test == pytest.approx({"accuracy": 0.73, "nll": result.single.test["nll"]})
    # A and B fix each other's mistakes; with accuracy at 100%, more picks tune their mix by the log loss
    assert result.greedy.weights[2] == 0.0 and result.greedy.weights[0] == pytest.approx(0.5, abs=0.05)
    assert result.trajectory[1].value == 1.0 and result.greedy.test["accuracy"] == 1.0  # type: ignore[index]
    assert result.greedy.gain == pytest.approx(0.27)
    low, high = result.greedy.interval  # type: ignore[misc]
    assert 0 < low < 0.27 < high
    assert result.average.weights == pytest.approx((1 / 3, 1 / 3, 1 / 3))  # the best 5 of 3: all of them
    assert result.members[0].val["accuracy"] == 0.73 and (result.val_size, result.test_size) == (100, 100)


def test_selection_never_looks_at_test_predictions(fake_run, complementary, tmp_path):
    y, a, b, c = complementary
    folder_1, folder_2 = tmp_path / "one", tmp_path / "two"
    shuffled = {"a": c, "b": a, "c": b}  # test predictions handed to other members
    for name, p in (("a", a), ("b", b), ("c", c)):
        fake_run(name, (p, y), (p, y), folder=folder_1)
        fake_run(name, (p, y), (shuffled[name], y), folder=folder_2)
    one, two = nnrecipe.ensemble(folder_1), nnrecipe.ensemble(folder_2)
    assert one.greedy.weights == two.greedy.weights and one.trajectory == two.trajectory
    assert one.average.weights == two.average.weights and one.single.weights == two.single.weights
    assert one.greedy.test != two.greedy.test


def test_options_choose_the_metric_the_start_and_the_average(three_runs, tmp_path):
    result = nnrecipe.ensemble(*three_runs, options=EnsembleOptions(metric="nll", init=2, steps=4, average=2))
    assert result.metric == "nll" and len(result.trajectory) == 4 and result.best_size >= 2
    assert [s.added for s in result.trajectory[:2]] == [0, 1]
    assert result.average.weights == (0.5, 0.5, 0.0)


def test_a_regression_library(fake_run, tmp_path):
    y = torch.linspace(-1, 1, 40)
    for name, p in (("low", y - 0.5), ("high", y + 0.5), ("far", y + 2)):
        fake_run(name, (p, y), (p, y), task="regression", monitor="val_loss", loss="mse")
    result = nnrecipe.ensemble(tmp_path / "runs")
    assert result.metric == "mse" and result.greedy.test == pytest.approx({"mse": 0.0, "mae": 0.0}, abs=1e-6)
    assert result.greedy.gain == pytest.approx(0.25) and result.classes is None


def test_the_result_saves_and_loads_as_json(three_runs, tmp_path):
    result = nnrecipe.ensemble(tmp_path / "runs")
    path = result.save(result.default_path())
    assert path == (tmp_path / "runs" / "ensemble.json").resolve()
    data = json.loads(path.read_text())
    assert [m["run_dir"] for m in data["members"]] == ["a", "b", "c"]  # relative to the file
    assert data["greedy"]["weights"] == list(result.greedy.weights) and data["members"][0]["weights"] == "weights/best.safetensors"
    assert EnsembleResult.load(path) == result


def test_members_with_different_output_shapes_are_refused(fake_run, tmp_path):
    y = torch.zeros(10, dtype=torch.long)
    fake_run("ten", (torch.full((10, 10), 0.1), y))
    fake_run("two", (torch.full((10, 2), 0.5), y))
    with pytest.raises(ConfigError, match=r"different output shapes: ten \(10, 10\) but two \(10, 2\)"):
        nnrecipe.ensemble(tmp_path / "runs")


def test_members_validated_on_other_examples_are_refused(fake_run, tmp_path):
    p = torch.full((6, 2), 0.5)
    fake_run("a", (p, torch.tensor([0, 1, 0, 1, 1, 1])))
    fake_run("b", (p, torch.tensor([1, 1, 1, 0, 1, 0])))  # same labels, another order
    with pytest.raises(ConfigError, match="different validation targets .* not evaluated on the same examples in the same order"):
        nnrecipe.ensemble(tmp_path / "runs")


def test_runs_without_predictions_are_named_with_how_to_store_them(fake_run, tmp_path):
    y = torch.zeros(4, dtype=torch.long)
    fake_run("a", (torch.full((4, 2), 0.5), y))
    old = tmp_path / "runs" / "old-run"
    old.mkdir()
    (old / "config.json").write_text("{}")
    with pytest.raises(ConfigError, match=r"1 run\(s\) have no stored predictions: .*old-run.*nnrecipe ensemble --store-missing"):
        nnrecipe.ensemble(tmp_path / "runs")


def test_diverged_runs_are_left_out_and_fewer_than_two_members_is_refused(fake_run, tmp_path):
    fake_run("a", (torch.full((4, 2), 0.5), torch.zeros(4, dtype=torch.long)))
    bad = tmp_path / "runs" / "diverged"
    bad.mkdir()
    (bad / "config.json").write_text("{}")
    (bad / "result.json").write_text(json.dumps({"diverged": True}))
    with pytest.raises(ConfigError, match=r"at least 2 models with stored predictions; found 1 \(a\); left out: diverged: diverged"):
        nnrecipe.ensemble(tmp_path / "runs")


def test_a_source_that_is_nothing_of_ours_is_refused(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(ConfigError, match="holds no run folder"):
        nnrecipe.ensemble(tmp_path / "empty")
    with pytest.raises(ConfigError, match="does not exist"):
        nnrecipe.ensemble(tmp_path / "nope")


def test_options_are_validated():
    with pytest.raises(ConfigError, match="steps=0"):
        EnsembleOptions(steps=0)
    with pytest.raises(ConfigError, match="init=5 exceeds steps=3"):
        EnsembleOptions(init=5, steps=3)
    with pytest.raises(ConfigError, match="confidence=1.5"):
        EnsembleOptions(confidence=1.5)
