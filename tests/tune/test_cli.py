"""``nnrecipe tune`` / ``analyze`` on bad input: exit code 2, a message naming the fix, nothing written."""

from __future__ import annotations

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
