"""Exit codes: 2 only when nnrecipe's own validation says the input is wrong; 1 otherwise.

Every bad input below is refused before a run folder exists, with one line naming the
problem and the fix, and no traceback.
"""

import subprocess
import sys
from pathlib import Path

import pytest

import nnrecipe
from nnrecipe._cli.main import main

BAD_INPUT = [
    (["--set", "lr=abc"], {}, "lr='abc' is a str; expected float > 0"),
    (["--set", "epochs=1.5"], {}, "epochs=1.5 is a float; expected int >= 1"),
    (["--set", "epochs=2.0"], {}, "(write epochs=2)"),
    (["--set", "tensorboard=maybe"], {}, "tensorboard='maybe' is a str; expected bool"),
    (["--set", "lrr=1e-3"], {}, "unknown hyperparameter 'lrr'=0.001 (did you mean 'lr'?)"),
    (["--set", "hiden=8"], {}, "unknown hyperparameter 'hiden'=8 (did you mean 'hidden'?)"),
    (["--set", "depth=3"], {}, "neither a TrainConfig field nor a parameter of the model factory 'model', which takes: hidden"),
    (["--set", "lr=[1,"], {}, "--set lr=[1,: the value '[1,' is not valid YAML"),
    (["--set", "lr"], {}, "--set takes KEY=VALUE"),
    (["--set", "schedule=cosin"], {}, "schedule='cosin' is not one of"),
    (["--set", "hidden=-1"], {}, "the model factory 'model' failed with {'hidden': -1}: RuntimeError"),
    (["--monitor", "val_acc", "--early-stopping", "2"], {}, "logged names"),
    (["--test"], {"test": None}, "--test was given but the experiment 'tiny' declares no test data"),
    ([], {"train_labels": 149}, "X has 150 examples but y has 149"),
    ([], {"name": "../escape"}, "experiment name '../escape' is not a portable folder name; use name='escape'"),
]


@pytest.mark.parametrize(("args", "changes", "message"), BAD_INPUT, ids=[m[:40] for _, _, m in BAD_INPUT])
def test_bad_input_exits_2_before_any_run_folder(args, changes, message, write_experiment, tmp_path: Path, capsys) -> None:
    path = write_experiment(**changes)
    runs = tmp_path / "runs"
    assert main(["fit", str(path), *args, "--runs-dir", str(runs)]) == 2
    err = capsys.readouterr().err
    assert message in err, err
    assert err.startswith("nnrecipe fit: error: ") and "Traceback" not in err
    assert not runs.exists() and sorted(p.name for p in tmp_path.iterdir()) == [path.name]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["fit", "{tmp}/missing.py"], "does not exist"),
        (["fit", "{tmp}/bad.py"], "importing"),
        (["fit", "--resume", "{tmp}/nope"], "not an nnrecipe run folder"),
        (["fit", "{exp}", "--runs-dir", "{exp}"], "is a file, not a folder"),
        (["fit"], "give an experiment file"),
    ],
)
def test_bad_files_and_folders_exit_2(argv: list[str], message: str, exp_file: Path, tmp_path: Path, capsys) -> None:
    (tmp_path / "bad.py").write_text("raise RuntimeError('boom')\n")
    assert main([a.format(exp=exp_file, tmp=tmp_path) for a in argv]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("error", "line"),
    [
        (KeyError("x"), "nnrecipe fit: internal error: KeyError: 'x' (run with --debug for the traceback)"),
        (ValueError("operands could not be broadcast\ntogether"), "nnrecipe fit: internal error: ValueError: operands could not be broadcast (run with --debug for the traceback)"),
        (TypeError("unsupported operand"), "nnrecipe fit: internal error: TypeError: unsupported operand (run with --debug for the traceback)"),
        (PermissionError(13, "Permission denied"), "nnrecipe fit: error: PermissionError: [Errno 13] Permission denied (run with --debug for the traceback)"),
        (nnrecipe.RunError("no space left on device writing runs/x/metrics.jsonl"), "nnrecipe fit: error: no space left on device writing runs/x/metrics.jsonl"),
    ],
)
def test_anything_but_our_input_validation_exits_1_with_one_line(error, line, exp_file: Path, tmp_path: Path, monkeypatch, capsys) -> None:
    def broken_fit(*args, **kwargs):
        raise error

    monkeypatch.setattr(nnrecipe.Trainer, "fit", broken_fit)
    assert main(["fit", str(exp_file), "--runs-dir", str(tmp_path / "runs")]) == 1
    assert capsys.readouterr().err == line + "\n"


def test_debug_shows_the_traceback(exp_file: Path, tmp_path: Path, monkeypatch) -> None:
    def broken_fit(*args, **kwargs):
        raise KeyError("x")

    monkeypatch.setattr(nnrecipe.Trainer, "fit", broken_fit)
    with pytest.raises(KeyError):
        main(["--debug", "fit", str(exp_file), "--runs-dir", str(tmp_path / "runs")])


def test_the_console_script_exits_2_without_a_traceback(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "nnrecipe", "fit", str(tmp_path / "none.py")], capture_output=True, text=True, check=False)
    assert proc.returncode == 2
    assert "does not exist" in proc.stderr and "Traceback" not in proc.stderr


def test_usage_errors_exit_2() -> None:
    proc = subprocess.run([sys.executable, "-m", "nnrecipe", "fit", "--no-such-flag"], capture_output=True, text=True, check=False)
    assert proc.returncode == 2 and "unrecognized arguments: --no-such-flag" in proc.stderr
