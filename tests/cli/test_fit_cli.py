"""`nnrecipe fit` and the CLI's exit codes: 0 success, 1 problems found, 2 bad usage/input."""

import subprocess
import sys
from pathlib import Path

import pytest

from nnrecipe._cli.main import SUBCOMMANDS, build_parser, main

EXPERIMENT = """
import torch
import nnrecipe

g = torch.Generator().manual_seed(0)
X = torch.randn(200, 6, generator=g)
y = (X[:, 0] > 0).long()


def model(hidden: int = 16) -> torch.nn.Module:
    return torch.nn.Sequential(torch.nn.Linear(6, hidden), torch.nn.ReLU(), torch.nn.Linear(hidden, {classes}))


experiment = nnrecipe.Experiment(
    name="tiny", model=model, train=(X[:150], y[:150]), val=(X[150:], y[150:]), test=(X[150:], y[150:]),
    loss="cross_entropy", hparams={{"epochs": 2, "lr": {lr}}},
)
"""


@pytest.fixture
def exp_file(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.py"
    path.write_text(EXPERIMENT.format(classes=2, lr=1e-3))
    return path


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
    assert "run folder:" in out and "test: loss" in out
    (run,) = (tmp_path / "runs").iterdir()
    assert '"hidden": 8' in (run / "config.json").read_text()


def test_resume_continues_a_finished_run_without_retraining(exp_file: Path, tmp_path: Path, capsys) -> None:
    main(["fit", str(exp_file), "--runs-dir", str(tmp_path / "runs")])
    (run,) = (tmp_path / "runs").iterdir()
    capsys.readouterr()
    assert main(["fit", "--resume", str(run)]) == 0  # the experiment file is recorded in the run
    assert "6 steps, 2 epochs" in capsys.readouterr().out


def test_diverged_run_exits_1(tmp_path: Path) -> None:
    path = tmp_path / "hot.py"
    path.write_text(EXPERIMENT.format(classes=2, lr=1e12))
    assert main(["fit", str(path), "--runs-dir", str(tmp_path / "runs"), "--set", "optimizer=sgd"]) == 1


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["fit", "missing.py"], "does not exist"),
        (["fit", "{exp}", "--set", "depth=3"], "does not accept the model hyperparameters ['depth']"),
        (["fit", "{exp}", "--set", "lr"], "--set takes KEY=VALUE"),
        (["fit", "{exp}", "--monitor", "val_acc", "--early-stopping", "2"], "logged names"),
        (["fit", "--resume", "{tmp}/nope"], "not an nnrecipe run folder"),
        (["fit", "{bad}"], "importing"),
        (["fit", "{exp}", "--set", "schedule=cosin"], "schedule='cosin' is not one of"),
    ],
)
def test_bad_input_exits_2_with_the_fix(argv: list[str], message: str, exp_file: Path, tmp_path: Path, capsys) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("raise RuntimeError('boom')\n")
    argv = [a.format(exp=exp_file, tmp=tmp_path, bad=bad) for a in argv]
    assert main([*argv, "--runs-dir", str(tmp_path / "runs")] if argv[1] != "--resume" else argv) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_console_script_exit_code_and_no_traceback(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "nnrecipe", "fit", str(tmp_path / "none.py")], capture_output=True, text=True)
    assert proc.returncode == 2
    assert "does not exist" in proc.stderr and "Traceback" not in proc.stderr


def test_usage_errors_exit_2() -> None:
    proc = subprocess.run([sys.executable, "-m", "nnrecipe", "fit", "--no-such-flag"], capture_output=True, text=True)
    assert proc.returncode == 2


def test_subcommands_listed_exist() -> None:
    assert "fit" in SUBCOMMANDS and "demo" in SUBCOMMANDS
