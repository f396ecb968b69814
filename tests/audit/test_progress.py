"""Progress by phase, and an interrupted audit that says how far it got and leaves nothing."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from nnrecipe import AuditConfig, audit
from nnrecipe._audit._progress import AuditInterrupted, Progress
from nnrecipe._cli.main import main


class Recorder(Progress):
    def __init__(self, stop_in: str | None = None) -> None:
        self.events: list[tuple[str, str, int | None]] = []
        self.stop_in = stop_in
        self.phase = ""

    def start(self, phase: str, total: int | None) -> None:
        self.phase = phase
        self.events.append(("start", phase, total))

    def advance(self, done: int) -> None:
        self.events.append(("advance", self.phase, done))
        if self.phase == self.stop_in:
            raise KeyboardInterrupt

    def finish(self, phase: str, seconds: float) -> None:
        self.events.append(("finish", phase, None))


def test_every_phase_starts_advances_over_its_examples_and_finishes(digits: tuple[np.ndarray, np.ndarray]) -> None:
    X, y = digits
    recorder = Recorder()
    report = audit((X[:1000], y[:1000]), val=(X[1000:], y[1000:]), config=AuditConfig(label_errors=False), progress=recorder)
    started = [p for kind, p, _ in recorder.events if kind == "start"]
    finished = [p for kind, p, _ in recorder.events if kind == "finish"]
    assert started == finished == list(report.summary.timings)
    assert started[:2] == ["read train", "read val"] and "neighbours" in started
    read = sum(n for kind, p, n in recorder.events if kind == "advance" and p == "read train")
    assert read == 1000 and ("start", "read train", 1000) in recorder.events


@pytest.mark.parametrize("phase", ["read train", "representation"])
def test_an_interrupted_audit_names_its_phase_and_removes_its_folder(
    digits: tuple[np.ndarray, np.ndarray], tmp_path: Path, phase: str
) -> None:
    X, y = digits
    with pytest.raises(AuditInterrupted, match=f"in phase '{phase}'") as caught:
        audit((X, y), config=AuditConfig(label_errors=False, work_dir=str(tmp_path)), progress=Recorder(stop_in=phase))
    assert caught.value.phase == phase and caught.value.done > 0
    assert "No report was written" in str(caught.value)
    assert isinstance(caught.value, KeyboardInterrupt)
    assert list(tmp_path.iterdir()) == []


def test_the_cli_prints_one_line_per_phase_off_a_terminal(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "d.csv").write_text("a,b,label\n" + "".join(f"{i},{i % 7},{i % 2}\n" for i in range(60)))
    assert main(["audit", "--data", str(tmp_path / "d.csv"), "--runs-dir", str(tmp_path / "runs"), "--no-label-errors"]) == 0
    err = capsys.readouterr().err
    assert "audit: read train: 60 done" in err and "audit: neighbours:" in err


def test_an_interrupted_cli_audit_exits_130_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "d.csv").write_text("a,b,label\n" + "".join(f"{i},{i % 7},{i % 2}\n" for i in range(60)))

    def stop(self: object, phase: str, total: int | None) -> None:
        if phase == "neighbours":
            raise KeyboardInterrupt

    monkeypatch.setattr("nnrecipe._cli._audit_progress.PhaseLines.start", stop)
    assert main(["audit", "--data", str(tmp_path / "d.csv"), "--runs-dir", str(tmp_path / "runs"), "--no-label-errors"]) == 130
    err = capsys.readouterr().err
    assert "audit interrupted" in err and "in phase 'neighbours'" in err and "read train" in err
    assert not (tmp_path / "runs").exists()


def test_on_a_terminal_the_bar_shows_the_phase_and_the_time_left(digits: tuple[np.ndarray, np.ndarray]) -> None:
    import io

    from rich.console import Console

    from nnrecipe._cli._audit_progress import PhaseBar

    buf = io.StringIO()
    X, y = digits
    with PhaseBar(Console(file=buf, force_terminal=True, width=120)) as bar:
        audit((X, y), config=AuditConfig(label_errors=False), progress=bar)
    text = buf.getvalue()
    assert "audit" in text and "read train" in text and "left" in text
