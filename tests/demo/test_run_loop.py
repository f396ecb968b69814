"""The demo's loop: stages in order, each timed and announced, and a failed check stops it."""

from pathlib import Path

import pytest

from nnrecipe._demo import _run
from nnrecipe.demo import DemoListener, DemoOptions, DemoResult, Stage, StageName

STAGES = ["audit", "checks", "baseline", "search", "exploit", "analysis", "ensemble", "test", "report"]


class Recorder(DemoListener):
    def __init__(self) -> None:
        self.events: list[tuple[str, str]] = []

    def stage_started(self, name: StageName, plan: str) -> None:
        self.events.append(("start", name))

    def stage_finished(self, stage: Stage, result: DemoResult) -> None:
        assert result.stages[-1] == stage  # the result already holds the finished stage
        self.events.append(("end", stage.name))


def fake_stages(stop_at: str | None) -> tuple:
    def make(name: str):
        def stage(ctx, result: DemoResult):
            if name == stop_at:
                return DemoResult(folder=result.folder, options=result.options, stages=result.stages, stopped="a check failed"), "1 fail"
            return result, f"{name} done"
        return stage
    return tuple((name, make(name)) for name in STAGES)


@pytest.fixture(autouse=True)
def no_data(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("nnrecipe._demo._context.mnist1d_experiment", lambda **model: None)


def test_stages_run_in_order_each_announced_then_finished(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(_run, "_STAGES", fake_stages(None))
    listener = Recorder()
    result = _run.run_demo(DemoOptions(), runs_dir=tmp_path, listener=listener)
    assert [s.name for s in result.stages] == STAGES
    assert listener.events == [(kind, name) for name in STAGES for kind in ("start", "end")]
    assert result.stage("search").headline == "search done" and result.seconds >= 0
    assert result.folder.parent == tmp_path and result.folder.name.startswith("demo-")


def test_a_failed_check_stops_the_demo_before_training(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(_run, "_STAGES", fake_stages("checks"))
    result = _run.run_demo(DemoOptions(), runs_dir=tmp_path)
    assert [s.name for s in result.stages] == ["audit", "checks"]
    assert result.stopped == "a check failed" and result.stage("baseline") is None
