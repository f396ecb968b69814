"""Resuming after a crash continues exactly, for every data form, and nothing a run wrote is
lost (in one process: the crash is an exception raised by a callback, or a write that fails;
the SIGKILL test covers real kills)."""

import errno
import json
import os
from pathlib import Path

import pytest
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

import nnrecipe
from nnrecipe._core._errors import RunError
from nnrecipe._train import _checkpoint, _runlog
from nnrecipe.callbacks import Callback, EarlyStopping, ReduceLROnPlateau


class Crash(Callback):
    def __init__(self, at: int) -> None:
        self.at = at

    def on_step_end(self, step, logs):
        if step == self.at:
            raise RuntimeError("simulated crash")


def model() -> nn.Module:
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(10, 32), nn.ReLU(), nn.Dropout(0.3), nn.Linear(32, 3))


def data(kind: str, blobs):
    X, y = blobs
    if kind == "tensors":
        return (X, y)
    if kind == "dataset":
        return TensorDataset(X, y)
    return DataLoader(TensorDataset(X, y), batch_size=32, shuffle=True)


def jitter(x: torch.Tensor, y: torch.Tensor, generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    return x + 0.1 * torch.randn(x.shape, generator=generator), y


CFG = nnrecipe.TrainConfig(epochs=3, batch_size=32, checkpoint_every=4, val_every=6, schedule="linear", log_every=1)


def trainer(runs: Path | None, crash_at: int = -1, **kwargs) -> nnrecipe.Trainer:
    callbacks = [EarlyStopping(patience=100), ReduceLROnPlateau(patience=1, factor=0.5), Crash(crash_at)]
    return nnrecipe.Trainer(kwargs.pop("config", CFG), callbacks=callbacks, runs_dir=runs, **kwargs)


_STRAIGHT: dict[tuple, nnrecipe.FitResult] = {}


def uninterrupted(blobs, kind: str = "tensors", **kwargs) -> nnrecipe.FitResult:
    """The run without a crash (and without files: they do not change a number), made once."""
    key = (kind, *sorted(kwargs.items()))
    if key not in _STRAIGHT:
        _STRAIGHT[key] = trainer(None, **kwargs).fit(model(), data(kind, blobs), "cross_entropy", val=blobs)  # type: ignore[arg-type]
    return _STRAIGHT[key]


def crash_then_resume(tmp_path: Path, blobs, kind: str = "tensors", crash_at: int = 13, **kwargs) -> tuple[nnrecipe.FitResult, nnrecipe.FitResult]:
    straight = uninterrupted(blobs, kind, **kwargs)
    with pytest.raises(RuntimeError, match="simulated crash"):
        trainer(tmp_path / "b", crash_at, **kwargs).fit(model(), data(kind, blobs), "cross_entropy", val=blobs)
    (run,) = (tmp_path / "b").iterdir()
    resumed = trainer(tmp_path / "b", **kwargs).fit(model(), data(kind, blobs), "cross_entropy", val=blobs, resume=run)
    return straight, resumed


def assert_same_run(straight: nnrecipe.FitResult, resumed: nnrecipe.FitResult) -> None:
    for a, b in zip(straight.model.state_dict().values(), resumed.model.state_dict().values()):
        assert torch.equal(a, b)
    drop_time = [{k: v for k, v in r.items() if k != "time"} for r in straight.history]
    assert [{k: v for k, v in r.items() if k != "time"} for r in resumed.history] == drop_time
    rows = [json.loads(line) for line in (resumed.run_dir / "metrics.jsonl").read_text().splitlines()]
    assert [{k: v for k, v in r.items() if k != "time"} for r in rows] == drop_time  # none lost, none twice


@pytest.mark.parametrize("kind", ["tensors", "dataset", "loader"])
@pytest.mark.parametrize("crash_at", [13, 21])
def test_resume_matches_uninterrupted(kind: str, crash_at: int, blobs, tmp_path: Path) -> None:
    assert_same_run(*crash_then_resume(tmp_path, blobs, kind, crash_at))


def test_resume_with_augmentation_is_bit_exact(blobs, tmp_path: Path) -> None:
    straight, resumed = crash_then_resume(tmp_path, blobs, augment=jitter)
    assert_same_run(straight, resumed)
    plain = uninterrupted(blobs)
    assert [r["loss"] for r in plain.history if "loss" in r] != [r["loss"] for r in straight.history if "loss" in r]


def test_augmentation_sees_training_batches_only(blobs) -> None:
    seen: list[int] = []

    def count(x, y, generator):
        seen.append(len(x))
        return x, y

    cfg = nnrecipe.TrainConfig(epochs=2, batch_size=100)
    result = nnrecipe.Trainer(cfg, augment=count, runs_dir=None).fit(model(), blobs, "cross_entropy", val=blobs)
    assert seen == [64] + [100] * result.steps  # the check of the training split, then each step; never validation


def test_resumed_tensorboard_has_every_step_once_including_the_resume_step(blobs, tmp_path: Path) -> None:
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    _, resumed = crash_then_resume(tmp_path, blobs, crash_at=13)  # resumes from step 12
    acc = EventAccumulator(str(resumed.run_dir / "tensorboard"), size_guidance={"scalars": 0})
    acc.Reload()
    assert [e.step for e in acc.Scalars("train/loss")] == list(range(1, resumed.steps + 1))


def test_a_failed_rewrite_of_the_metrics_loses_no_row(blobs, tmp_path: Path, monkeypatch) -> None:
    with pytest.raises(RuntimeError, match="simulated crash"):
        trainer(tmp_path, 13).fit(model(), blobs, "cross_entropy", val=blobs)
    (run,) = tmp_path.iterdir()
    before = (run / "metrics.jsonl").read_bytes()

    def cut(path, text):
        Path(path).with_name(f".{Path(path).name}.tmp-{os.getpid()}").write_text(text[:10])
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(_runlog, "atomic_write_text", cut)
    with pytest.raises(RunError, match="metrics.jsonl: No space left on device"):
        trainer(tmp_path).fit(model(), blobs, "cross_entropy", val=blobs, resume=run)
    assert (run / "metrics.jsonl").read_bytes() == before
    monkeypatch.undo()
    resumed = trainer(tmp_path).fit(model(), blobs, "cross_entropy", val=blobs, resume=run)
    assert not [p for p in run.rglob("*") if ".tmp-" in p.name]  # the leftover was removed at the start
    assert_same_run(uninterrupted(blobs), resumed)


def test_leftover_temporaries_of_a_killed_write_are_removed_at_the_next_start(blobs, tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="simulated crash"):
        trainer(tmp_path, 13).fit(model(), blobs, "cross_entropy", val=blobs)
    (run,) = tmp_path.iterdir()
    dead = 2**22 + 12345  # above any pid this machine hands out
    (run / "checkpoints" / f".step-00000013.tmp-{dead}").mkdir()
    (run / "checkpoints" / f".step-00000013.tmp-{dead}" / "model.safetensors").write_bytes(b"half")
    (run / f".metrics.jsonl.tmp-{dead}").write_text("{")
    trainer(tmp_path).fit(model(), blobs, "cross_entropy", val=blobs, resume=run)
    assert not [p for p in run.rglob("*") if ".tmp-" in p.name]


def test_a_damaged_newest_checkpoint_falls_back_to_the_one_before(blobs, tmp_path: Path, caplog) -> None:
    straight = uninterrupted(blobs)
    with pytest.raises(RuntimeError, match="simulated crash"):
        trainer(tmp_path / "b", 13).fit(model(), blobs, "cross_entropy", val=blobs)
    (run,) = (tmp_path / "b").iterdir()
    (run / "checkpoints" / "step-00000012" / "state.json").write_text("")
    resumed = trainer(tmp_path / "b").fit(model(), blobs, "cross_entropy", val=blobs, resume=run)
    assert "step-00000012/state.json is malformed" in caplog.text and "resuming from step-00000008" in caplog.text
    assert_same_run(straight, resumed)


def test_a_full_disk_stops_the_run_with_one_error_and_the_last_checkpoint_intact(blobs, tmp_path: Path, monkeypatch) -> None:
    saves = {"n": 0}
    real = _checkpoint.save_file

    def fills_up(*args, **kwargs):
        saves["n"] += 1
        if saves["n"] > 2:  # two resume points (steps 4 and 8), then the disk is full
            raise OSError(errno.ENOSPC, "No space left on device")
        real(*args, **kwargs)

    monkeypatch.setattr(_checkpoint, "save_file", fills_up)
    with pytest.raises(RunError, match=r"step-00000012: No space left on device.*last complete checkpoint is intact"):
        trainer(tmp_path / "b").fit(model(), blobs, "cross_entropy", val=blobs)
    monkeypatch.undo()
    (run,) = (tmp_path / "b").iterdir()
    assert _checkpoint.latest_checkpoint(run / "checkpoints").name == "step-00000008"
    resumed = trainer(tmp_path / "b").fit(model(), blobs, "cross_entropy", val=blobs, resume=run)
    assert_same_run(uninterrupted(blobs), resumed)


def test_resume_with_other_settings_is_refused(blobs, tmp_path: Path) -> None:
    run = nnrecipe.fit(model(), blobs, config=nnrecipe.TrainConfig(epochs=1), runs_dir=tmp_path).run_dir
    with pytest.raises(nnrecipe.CheckpointError, match="different settings \\(lr\\)"):
        nnrecipe.Trainer(nnrecipe.TrainConfig(epochs=1, lr=1.0), runs_dir=tmp_path).fit(model(), blobs, "cross_entropy", resume=run)


def test_resume_with_other_callbacks_is_refused_before_anything_is_rewritten(blobs, tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="simulated crash"):
        trainer(tmp_path, 13).fit(model(), blobs, "cross_entropy", val=blobs)
    (run,) = tmp_path.iterdir()
    before = (run / "metrics.jsonl").read_bytes()
    other = nnrecipe.Trainer(CFG, callbacks=[EarlyStopping(patience=100)], runs_dir=tmp_path)
    with pytest.raises(nnrecipe.CheckpointError, match="resume with the same callbacks"):
        other.fit(model(), blobs, "cross_entropy", val=blobs, resume=run)
    assert (run / "metrics.jsonl").read_bytes() == before
