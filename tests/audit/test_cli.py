"""``nnrecipe audit``: exit codes, the run folder, and nothing half-written on failure."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from rich.console import Console

from nnrecipe import AuditReport
from nnrecipe._cli._audit import render_audit_summary
from nnrecipe._cli.main import main

_EXPERIMENT = """
import numpy as np
from sklearn.datasets import load_digits
from torch import nn
import nnrecipe

X, y = load_digits(return_X_y=True)
X = X.astype(np.float32)
{plant}
experiment = nnrecipe.Experiment(model=lambda: nn.Linear(64, 10), loss="cross_entropy", train=(X[:1400], y[:1400]), val=(X[1400:], y[1400:]))
"""


def _experiment(tmp_path: Path, plant: str = "") -> str:
    path = tmp_path / "exp.py"
    path.write_text(_EXPERIMENT.format(plant=plant))
    return str(path)


def _audit(tmp_path: Path, *args: str) -> int:
    return main(["audit", *args, "--runs-dir", str(tmp_path / "runs"), "--no-label-errors"])


def test_clean_data_exits_0_and_writes_a_run_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _audit(tmp_path, _experiment(tmp_path)) == 0
    (run,) = (tmp_path / "runs").iterdir()
    assert run.name.startswith("audit-")
    assert json.loads((run / "audit.json").read_text())["ok"] is True
    assert len(list((run / "pictures").glob("*.png"))) == 4
    assert "no errors" in capsys.readouterr().out


def test_an_error_finding_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _audit(tmp_path, _experiment(tmp_path, "X[1400 + 3] = X[7]")) == 1
    out = capsys.readouterr().out
    assert "leakage" in out and "val[3]" in out


@pytest.mark.parametrize(
    ("plant", "match"),
    [
        ("X = list(X[:1399]) + [X[1399][:10]] + list(X[1400:])", "ragged"),
        ("y = y[:-1]", "same first dimension"),
        ("X, y = X[:0], y[:0]", "empty"),
        ("y = np.array(['c%d' % v for v in y])", "encode them as integers"),
    ],
    ids=["ragged", "length_mismatch", "empty_split", "string_labels"],
)
def test_bad_data_exits_2_with_the_fix_and_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str], plant: str, match: str) -> None:
    assert _audit(tmp_path, _experiment(tmp_path, plant)) == 2
    assert match in capsys.readouterr().err
    assert not (tmp_path / "runs").exists()


def test_a_folder_without_images_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "data" / "cats").mkdir(parents=True)
    assert _audit(tmp_path, "--data", str(tmp_path / "data")) == 2
    assert "no images found" in capsys.readouterr().err
    assert not (tmp_path / "runs").exists()


def test_a_csv_without_the_label_column_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "d.csv").write_text("a,b,target\n1,2,0\n3,4,1\n")
    assert _audit(tmp_path, "--data", str(tmp_path / "d.csv")) == 2
    assert "--label-column" in capsys.readouterr().err
    assert _audit(tmp_path, "--data", str(tmp_path / "d.csv"), "--label-column", "target") == 0


def test_a_missing_data_path_is_a_usage_error_naming_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _audit(tmp_path, "--data", str(tmp_path / "nope.csv")) == 2
    err = capsys.readouterr().err
    assert "nnrecipe audit: error: --data" in err and "nope.csv' does not exist" in err and "Traceback" not in err
    assert not (tmp_path / "runs").exists()


def test_experiment_and_data_together_or_neither_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _audit(tmp_path) == 2
    assert _audit(tmp_path, _experiment(tmp_path), "--data", str(tmp_path)) == 2
    assert "--data PATH" in capsys.readouterr().err


def test_a_failure_while_saving_leaves_no_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(report: AuditReport, directory: Path) -> list[Path]:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("nnrecipe._audit._pictures.write_pictures", broken)
    assert _audit(tmp_path, _experiment(tmp_path)) == 1  # the run failed; not the user's input
    assert "No space left on device" in capsys.readouterr().err
    assert list((tmp_path / "runs").iterdir()) == []


def test_the_summary_shows_errors_first_with_their_first_examples(dirty_report: AuditReport) -> None:
    buf = io.StringIO()
    render_audit_summary(dirty_report, Console(file=buf, width=200))
    text = buf.getvalue()
    assert text.index("conflicting_labels") < text.index("near_duplicates")
    assert "train[20]" in text
    assert "errors found" in text
