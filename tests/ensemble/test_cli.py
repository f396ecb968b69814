"""``nnrecipe ensemble``: the table, the saved file, ``--evaluate``, and exit code 2 on bad input."""

from __future__ import annotations

import json
import shutil

import pytest

from nnrecipe._cli.main import main


@pytest.fixture
def runs(fake_run, complementary, tmp_path):
    y, a, b, c = complementary
    for name, p in (("a", a), ("b", b), ("c", c)):
        fake_run(name, (p, y), (p, y))
    return tmp_path / "runs"


def test_it_prints_the_three_methods_and_saves_the_ensemble(runs, tmp_path, capsys):
    out = tmp_path / "out" / "ens.json"
    assert main(["ensemble", str(runs), "--steps", "10", "--resamples", "500", "-o", str(out)]) == 0
    text = capsys.readouterr().out
    assert "3 models with stored predictions; selection on validation accuracy (100 examples)" in text
    assert "best single (a)" in text and "73.00%" in text and "greedy (2 picks, 2 models)" in text
    assert "+27.00 pts (95% CI" in text and "500 resamples" in text and f"saved {out}" in text
    assert json.loads(out.read_text())["options"]["steps"] == 10


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["ensemble"], "name what to ensemble"),
        (["ensemble", "RUNS", "--metric", "mse"], "'mse' does not fit a classification task"),
        (["ensemble", "RUNS", "--steps", "0"], "steps=0"),
        (["ensemble", "RUNS/a"], "at least 2 models"),
        (["ensemble", "RUNS", "--evaluate", "x.json"], "--evaluate takes the saved ensemble alone"),
        (["ensemble", "--evaluate", "missing.json"], "does not exist"),
    ],
)
def test_bad_input_exits_2_with_one_line_and_no_traceback(runs, argv, message, capsys):
    assert main([a.replace("RUNS", str(runs)) for a in argv]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err and err.startswith("nnrecipe ensemble: error:")


def test_evaluate_rebuilds_the_saved_ensemble_and_compares_with_its_record(trained_runs, tmp_path, capsys):
    for run in trained_runs:
        shutil.copytree(run, tmp_path / "runs" / run.name)
    assert main(["ensemble", str(tmp_path / "runs")]) == 0
    path = tmp_path / "runs" / "ensemble.json"
    assert main(["ensemble", "--evaluate", str(path)]) == 0
    text = capsys.readouterr().out
    assert "val (80 examples): accuracy" in text and "test (80 examples)" in text and "(as recorded)" in text
    data = json.loads(path.read_text())
    data["greedy"]["test"]["accuracy"] -= 0.1  # a record the weights no longer reproduce
    path.write_text(json.dumps(data))
    assert main(["ensemble", "--evaluate", str(path)]) == 1
    assert "differ from those recorded" in capsys.readouterr().out


def test_store_missing_stores_the_predictions_of_older_runs_first(trained_runs, tmp_path, capsys):
    for run in trained_runs:
        shutil.copytree(run, tmp_path / "runs" / run.name)
    old = tmp_path / "runs" / trained_runs[0].name
    shutil.rmtree(old / "predictions")
    assert main(["ensemble", str(tmp_path / "runs")]) == 2
    assert f"have no stored predictions: {old}" in capsys.readouterr().err
    assert main(["ensemble", str(tmp_path / "runs"), "--store-missing"]) == 0
    assert (old / "predictions" / "predictions.json").is_file() and "3 models with stored predictions" in capsys.readouterr().out
