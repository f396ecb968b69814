"""``nnrecipe check``: table, JSON and pictures in a run folder, exit 1 on a failed check."""

from __future__ import annotations

import json

import pytest
from rich.console import Console

from nnrecipe._checks import CheckReport, CheckResult
from nnrecipe._cli._check import render_check_table, table_lines
from nnrecipe._cli.main import main

EXPERIMENT = """
import torch
from torch import nn
import nnrecipe

g = torch.Generator().manual_seed(0)
X = torch.randn(256, 16, generator=g)
y = (X @ torch.randn(16, 4, generator=g)).argmax(1)


class Net(nn.Module):
    def __init__(self, gate=1.0):
        super().__init__()
        self.gate = gate
        self.net = nn.Sequential(nn.Linear(16, 32), nn.ReLU(), nn.Linear(32, 4))

    def forward(self, x):
        return self.net(x * self.gate)


experiment = nnrecipe.Experiment(model=Net, train=(X, y), loss="cross_entropy", name="toy", hparams={"gate": GATE})
"""


def write(tmp_path, gate: float):
    path = tmp_path / "toy.py"
    path.write_text(EXPERIMENT.replace("GATE", str(gate)))
    return path


def test_clean_experiment_exits_0_and_writes_json_and_pictures(tmp_path, capsys):
    code = main(["check", str(write(tmp_path, 1.0)), "--runs-dir", str(tmp_path / "runs"),
                 "--only", "input_scale,batch_independence,input_independent_baseline"])
    assert code == 0
    (run_dir,) = (tmp_path / "runs").iterdir()
    data = json.loads((run_dir / "check.json").read_text())
    assert [r["name"] for r in data["results"]] == ["input_scale", "batch_independence", "input_independent_baseline"]
    assert (run_dir / "input_batch.png").is_file()
    assert "no check failed" in capsys.readouterr().out


def test_failed_check_exits_1(tmp_path, capsys):
    code = main(["check", str(write(tmp_path, 0.0)), "--runs-dir", str(tmp_path / "runs"),
                 "--only", "input_independent_baseline"])
    assert code == 1
    assert "input_independent_baseline" in capsys.readouterr().out


def test_unknown_check_is_a_usage_error(tmp_path, capsys):
    assert main(["check", str(write(tmp_path, 1.0)), "--only", "overfit"]) == 2
    assert "unknown checks ['overfit']" in capsys.readouterr().err


LONG = ("the loss at init is far above what uniform outputs give, which means the outputs are confidently wrong "
        "before any training step; a badly scaled last layer is the usual cause")


def report_with_every_status() -> CheckReport:
    return CheckReport([
        CheckResult(name="input_independent_baseline", status="fail", measured=LONG, expected="2.3", why=LONG,
                    fix="shrink the last layer " * 8, seconds=12.25),
        CheckResult(name="init_loss", status="warn", measured="loss 9.1", expected="2.3", summary="9.1, 4x expected",
                    why="too confident", fix="shrink the last layer"),
        CheckResult(name="lr_range", status="pass", measured="suggested lr 1e-3", expected="", why="hidden when passing"),
        CheckResult(name="causality", status="skip", measured="not declared autoregressive", expected=""),
    ])


def test_table_fits_80_columns_without_breaking_words():
    lines = [line.plain for line in table_lines(report_with_every_status(), verbose=True)]
    assert max(len(line) for line in lines) <= 80
    flowing = " ".join(" ".join(lines).split())  # a word broken across lines would not survive this
    assert "why: " + " ".join(LONG.split()) in flowing
    assert "measured: " + " ".join(LONG.split()) in flowing
    phrase = lines[1].split(" fail ", 1)[1].rsplit(" ", 1)[0].strip()
    assert phrase.endswith("…") and phrase[:-1].split()[-1] in LONG.split()


def test_table_has_one_line_per_check_and_why_and_fix_only_for_warnings_and_failures():
    lines = [line.plain for line in table_lines(report_with_every_status())]
    assert lines[1].startswith("input_independent_baseline fail ")
    assert lines[1].rstrip().endswith("12.2s") or lines[1].rstrip().endswith("12.3s")
    assert lines[2].split()[:3] == ["init_loss", "warn", "9.1,"]
    text = "\n".join(lines)
    assert "too confident" in text and "shrink the last layer" in text
    assert "hidden when passing" not in text


def test_table_shows_the_fix_for_failures():
    console = Console(record=True, width=200)
    report = CheckReport([CheckResult(name="init_loss", status="fail", measured="loss 9.1", expected="2.3",
                                      why="too confident", fix="shrink the last layer")])
    render_check_table(report, console)
    text = console.export_text()
    assert "shrink the last layer" in text and "checks failed" in text and "too confident" in text
    assert max(len(line) for line in text.splitlines()) <= 80


REGRESSION = """
import torch
from torch import nn
import nnrecipe

g = torch.Generator().manual_seed(0)
X = torch.randn(256, 8, generator=g)
y = X @ torch.randn(8, generator=g) + 100.0  # targets far from zero
experiment = nnrecipe.Experiment(model=lambda: nn.Linear(8, 1), train=(X, y), loss="mse", name="offset")
"""


@pytest.mark.parametrize(("flags", "code"), [([], 1), (["--fix-init"], 0)])
def test_fix_init_sets_the_output_bias_before_checking(tmp_path, capsys, flags, code):
    path = tmp_path / "offset.py"
    path.write_text(REGRESSION)
    argv = ["check", str(path), "--runs-dir", str(tmp_path / "runs"), "--only", "last_layer_init", *flags]
    assert main(argv) == code
    out = capsys.readouterr().out
    assert ("fix_last_layer_init(model, train)" in out) == (code == 1)


def test_the_cli_lists_every_built_in_check_by_name() -> None:
    from nnrecipe._cli._check import NAMES
    from nnrecipe.checking import DEFAULT_CHECKS

    assert NAMES == tuple(c.name for c in DEFAULT_CHECKS)  # --help lists them without importing torch
