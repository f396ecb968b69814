"""`nnrecipe fit --extend RUN --steps N` and the experiment's reference metric in the output."""

import json
from pathlib import Path

import pytest

from nnrecipe._cli.main import main


def test_extend_makes_a_longer_child_run_and_the_reference_is_shown(write_experiment, tmp_path: Path, capsys) -> None:
    exp = write_experiment()
    exp.write_text(exp.read_text().replace('loss="cross_entropy",', 'loss="cross_entropy", reference={"val_accuracy": 0.96},'))
    runs = tmp_path / "runs"
    assert main(["fit", str(exp), "--runs-dir", str(runs), "--no-diagnostics"]) == 0
    out = capsys.readouterr().out
    assert "reference val_accuracy 0.9600 (declared by the experiment); model: best" in out
    (parent,) = runs.iterdir()
    assert json.loads((parent / "config.json").read_text())["reference"] == {"val_accuracy": 0.96}
    assert not (parent / "diagnostics").exists()
    assert main(["fit", "--extend", str(parent), "--steps", "3", "--runs-dir", str(runs)]) == 0
    assert "9 steps" in capsys.readouterr().out
    (child,) = [r for r in runs.iterdir() if r != parent]
    config = json.loads((child / "config.json").read_text())
    assert config["parent"] == str(parent) and config["diff_from_parent"] == {"max_steps": [None, 9]}
    assert (child / "diagnostics" / "norms.json").is_file()  # on by default: from the extension's first step on


@pytest.mark.parametrize("argv", [["--extend", "RUN"], ["--steps", "5"]])
def test_extend_without_steps_or_steps_without_extend_exits_2(argv, tmp_path: Path, capsys) -> None:
    assert main(["fit", *(a.replace("RUN", str(tmp_path)) for a in argv)]) == 2
    assert "--extend RUN and --steps N go together" in capsys.readouterr().err


def test_steps_must_be_positive(capsys) -> None:
    with pytest.raises(SystemExit) as exit:
        main(["fit", "--extend", "RUN", "--steps", "0"])
    assert exit.value.code == 2 and "N is a whole number of optimizer steps >= 1" in capsys.readouterr().err
