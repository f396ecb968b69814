"""What a run writes as it goes: the TensorBoard learning-rate policy and the CSV."""

from pathlib import Path

import pytest
import torch
from torch import nn

import nnrecipe
from nnrecipe import TrainConfig
from nnrecipe.callbacks import Callback


def mlp() -> nn.Module:
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(10, 16), nn.ReLU(), nn.Linear(16, 3))


def scalars(run: Path, tag: str) -> list[tuple[int, float]]:
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    acc = EventAccumulator(str(run / "tensorboard"), size_guidance={"scalars": 0})
    acc.Reload()
    return [(e.step, e.value) for e in acc.Scalars(tag)]


class HalveAt(Callback):
    def __init__(self, step: int) -> None:
        self.step = step

    def on_step_end(self, step, logs):
        if step == self.step:
            self.trainer.lr_scale *= 0.5


def test_a_constant_rate_is_two_points_and_a_change_keeps_the_level_before_it(blobs, tmp_path: Path) -> None:
    cfg = TrainConfig(max_steps=20, batch_size=32, lr=0.1, log_every=5)
    run = nnrecipe.fit(mlp(), blobs, config=cfg, callbacks=[HalveAt(12)], runs_dir=tmp_path).run_dir
    points = scalars(run, "train/lr")
    assert [s for s, _ in points] == [1, 12, 13, 20]
    assert [v for _, v in points] == pytest.approx([0.1, 0.1, 0.05, 0.05])


def test_a_schedule_writes_the_rate_once_per_step(blobs, tmp_path: Path) -> None:
    cfg = TrainConfig(max_steps=12, batch_size=32, lr=0.1, schedule="cosine", log_every=4)
    result = nnrecipe.fit(mlp(), blobs, config=cfg, runs_dir=tmp_path)
    points = scalars(result.run_dir, "train/lr")
    assert [s for s, _ in points] == list(range(1, 13))  # each step once, none twice at log steps
    assert dict(points)[4] == pytest.approx(next(r["lr"] for r in result.history if r["step"] == 4))


def test_csv_has_every_column_and_no_temporary_is_left(blobs, tmp_path: Path) -> None:
    run = nnrecipe.fit(mlp(), blobs, val=blobs, config=TrainConfig(epochs=2, log_every=3), runs_dir=tmp_path).run_dir
    header = (run / "metrics.csv").read_text().splitlines()[0].split(",")
    assert header[:5] == ["step", "epoch", "loss", "lr", "time"] and "val_accuracy" in header
    assert not [p for p in run.rglob("*") if ".tmp-" in p.name]
