"""``nnrecipe tune`` / ``analyze`` on bad input: exit code 2, a message naming the fix, nothing written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from nnrecipe._cli.main import main


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"colour": "blue"}, "unknown key 'colour'"),
        ({"nuisance": {"lr": {"linear": [0.1, 0.1]}}}, "empty or inverted range"),
        ({"nuisance": {"lr": {"log": [0.0, 0.1]}}}, "includes values <= 0"),
        ({"nuisance": {"lr": {"log": [1e-3, 0.1], "when": {"solver": "adam"}}}}, "conditional on 'solver'"),
        ({"name": ".."}, "study name '..' has no characters usable in a folder name"),
    ],
)
def test_bad_study_file_exits_2_and_writes_nothing(write_study, tmp_path, capsys, changes, expected):
    code = main(["tune", str(write_study(**changes))])
    assert code == 2
    assert expected in capsys.readouterr().err
    assert not (tmp_path / "runs").exists()


def test_unreachable_postgres_exits_2_naming_the_server(write_study, tmp_path, capsys):
    code = main(["tune", str(write_study()), "--storage", "postgresql://u:secret@127.0.0.1:9/db"])
    err = capsys.readouterr().err
    assert code == 2
    assert "cannot open storage 'postgresql://***@127.0.0.1:9/db'" in err and "server is running" in err
    assert "secret" not in err
    assert not (tmp_path / "runs").exists()


def test_sqlite_in_a_missing_folder_exits_2(write_study, tmp_path, capsys):
    code = main(["tune", str(write_study()), "--storage", f"sqlite:///{tmp_path}/no/such/dir/s.db"])
    assert code == 2 and "does not exist; create it" in capsys.readouterr().err


def test_unknown_storage_scheme_lists_the_supported_ones(write_study, capsys):
    assert main(["tune", str(write_study()), "--storage", "mysql://h/db"]) == 2
    assert "postgresql://user:password@host:5432/dbname" in capsys.readouterr().err


def test_analyze_before_tune_says_to_tune_first(write_study, tmp_path, capsys):
    assert main(["analyze", str(write_study())]) == 2
    assert "run `nnrecipe tune` first" in capsys.readouterr().err
    assert not list(Path(tmp_path).glob("runs/**/*.journal"))


def test_tune_then_analyze_prints_the_findings_and_writes_figures(write_study, tmp_path, capsys):
    study = str(write_study(budget={"trials": 3}))
    assert main(["tune", study]) == 0
    assert "3 complete" in capsys.readouterr().out
    assert main(["analyze", study]) == 0
    out = capsys.readouterr().out
    assert "isolation of optimizer:" in out and "findings:" in out
    assert (tmp_path / "runs" / "tiny" / "analysis" / "axes.png").stat().st_size > 1000


@pytest.mark.parametrize(
    ("changes", "args", "expected"),
    [
        ({"goal": {"metric": "val_acc", "direction": "maximize"}}, [], "did you mean 'val_accuracy'?"),
        ({"nuisance": {"lrr": {"log": [1e-3, 1e-1]}}}, [], "did you mean 'lr'?"),
        ({}, ["--trials", "0"], "trials must be >= 1"),
        ({}, ["--workers", "0"], "workers must be >= 1"),
    ],
)
def test_a_study_that_cannot_run_exits_2_before_any_trial_and_writes_nothing(write_study, tmp_path, capsys, changes, args, expected):
    code = main(["tune", str(write_study(**changes)), *args])
    err = capsys.readouterr().err
    assert code == 2 and expected in err and "Traceback" not in err
    assert not (tmp_path / "runs").exists()


def test_each_infeasible_trial_is_one_line_without_a_traceback(write_study, capfd):
    study = write_study(scientific=None, fixed={"optimizer": "sgd"}, nuisance={"lr": {"log": [30.0, 1e8]}}, budget={"trials": 3})
    assert main(["tune", str(study)]) == 0
    err = capfd.readouterr().err  # file descriptors: Optuna's own log handler writes there
    infeasible = [line for line in err.splitlines() if "infeasible" in line]
    assert [line.split(" infeasible (diverged")[0] for line in infeasible] == ["trial 0", "trial 1", "trial 2"]
    assert "Traceback" not in err and "failed with" not in err


def _run_names(folder: Path) -> list[str]:
    return sorted(re.sub(r"-\d{8}-\d{6}(-\d+)?$", "", p.name) for p in folder.iterdir() if p.is_dir() and p.name != "analysis")


def test_adopt_prints_its_verdict_and_names_its_runs_apart_from_the_trials(write_study, tmp_path, capsys):
    study = str(write_study(budget={"trials": 2}, baseline={"lr": 3e-4, "optimizer": "adam"}))
    assert main(["tune", study]) == 0
    assert main(["tune", study, "--adopt", "2"]) == 0
    out = capsys.readouterr().out
    assert "2 candidate and 2 baseline seed(s) finished" in out
    assert re.search(r"verdict: val_accuracy: candidate .* seed std .*: (adopt the candidate|keep the baseline)", out)
    assert _run_names(tmp_path / "runs" / "tiny") == [
        "tiny-adopt-baseline-seed0", "tiny-adopt-baseline-seed1", "tiny-adopt-candidate-seed0", "tiny-adopt-candidate-seed1",
        "trial-0000", "trial-0001",
    ]


def test_analyze_works_from_the_storage_alone(write_study, tmp_path, capsys):
    study = write_study(budget={"trials": 3})
    assert main(["tune", str(study)]) == 0
    study.unlink()  # only the storage is left
    journal = tmp_path / "runs" / "tiny" / "study.journal"
    for source in (str(journal), "journal:///" + str(journal).lstrip("/")):
        assert main(["analyze", source, "--no-plots", "--test"]) == 0
        out = capsys.readouterr().out
        assert "study tiny: 3 complete" in out and "isolation of optimizer:" in out
        assert "test set (evaluated once, on the weights of trial" in out and "accuracy" in out


def test_analyze_of_a_storage_with_several_studies_needs_a_name(write_study, tmp_path, capsys):
    url = f"sqlite:///{tmp_path}/shared.db"
    for name in ("first", "second"):
        assert main(["tune", str(write_study(name=name, budget={"trials": 1})), "--storage", url]) == 0
    assert main(["analyze", url, "--no-plots"]) == 2
    assert "holds several studies, ['first', 'second']; name one (--study-name NAME)" in capsys.readouterr().err
    assert main(["analyze", url, "--no-plots", "--study-name", "second"]) == 0
    assert "study second: 1 complete" in capsys.readouterr().out
