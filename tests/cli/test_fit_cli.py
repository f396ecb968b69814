"""`nnrecipe fit`: trains, resumes, reports the test set only when asked; a diverged run exits 1."""

from pathlib import Path

import pytest

from nnrecipe._cli.main import SUBCOMMANDS, build_parser, main


def test_every_subcommand_has_help(capsys) -> None:
    parser = build_parser()
    names = [a for a in parser._subparsers._group_actions[0].choices]  # type: ignore[union-attr]
    assert {"fit", "demo"} <= set(names)
    for name in names:
        with pytest.raises(SystemExit) as exit:
            main([name, "--help"])
        assert exit.value.code == 0
        assert "usage: nnrecipe" in capsys.readouterr().out


def test_fit_trains_and_prints_the_run_folder(exp_file: Path, tmp_path: Path, capsys) -> None:
    assert main(["fit", str(exp_file), "--runs-dir", str(tmp_path / "runs"), "--set", "hidden=8"]) == 0
    out = capsys.readouterr().out
    assert "run folder:" in out
    assert "test:" not in out  # the playbook keeps the test set for the end: only with --test
    (run,) = (tmp_path / "runs").iterdir()
    assert '"hidden": 8' in (run / "config.json").read_text()


def test_test_set_is_reported_only_with_test(exp_file: Path, tmp_path: Path, capsys) -> None:
    assert main(["fit", str(exp_file), "--runs-dir", str(tmp_path / "runs"), "--test"]) == 0
    assert "test: loss" in capsys.readouterr().out


def test_resume_continues_a_finished_run_without_retraining(exp_file: Path, tmp_path: Path, capsys) -> None:
    main(["fit", str(exp_file), "--runs-dir", str(tmp_path / "runs")])
    (run,) = (tmp_path / "runs").iterdir()
    capsys.readouterr()
    assert main(["fit", "--resume", str(run)]) == 0  # the experiment file is recorded in the run
    assert "6 steps, 2 epochs" in capsys.readouterr().out


def test_diverged_run_exits_1(write_experiment, tmp_path: Path) -> None:
    path = write_experiment("hot.py", lr=1e12)
    assert main(["fit", str(path), "--runs-dir", str(tmp_path / "runs"), "--set", "optimizer=sgd"]) == 1


def test_subcommands_listed_exist() -> None:
    assert "fit" in SUBCOMMANDS and "demo" in SUBCOMMANDS
