"""Resuming after a crash continues exactly, for every data form (in one process: the
crash is an exception raised by a callback; the SIGKILL test covers real kills)."""

from pathlib import Path

import pytest
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

import nnrecipe
from nnrecipe.callbacks import Callback, EarlyStopping


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


@pytest.mark.parametrize("kind", ["tensors", "dataset", "loader"])
@pytest.mark.parametrize("crash_at", [13, 21])
def test_resume_matches_uninterrupted(kind: str, crash_at: int, blobs, tmp_path: Path) -> None:
    cfg = nnrecipe.TrainConfig(epochs=3, batch_size=32, checkpoint_every=4, val_every=6, schedule="linear")
    straight = nnrecipe.Trainer(cfg, callbacks=[EarlyStopping(patience=100), Crash(-1)], runs_dir=tmp_path / "a").fit(
        model(), data(kind, blobs), "cross_entropy", val=blobs
    )
    trainer = nnrecipe.Trainer(cfg, callbacks=[EarlyStopping(patience=100), Crash(crash_at)], runs_dir=tmp_path / "b")
    with pytest.raises(RuntimeError, match="simulated crash"):
        trainer.fit(model(), data(kind, blobs), "cross_entropy", val=blobs)
    (run,) = (tmp_path / "b").iterdir()
    resumed = nnrecipe.Trainer(cfg, callbacks=[EarlyStopping(patience=100), Crash(-1)], runs_dir=tmp_path / "b").fit(
        nn.Sequential(nn.Linear(10, 32), nn.ReLU(), nn.Dropout(0.3), nn.Linear(32, 3)), data(kind, blobs), "cross_entropy", val=blobs, resume=run
    )
    for a, b in zip(straight.model.state_dict().values(), resumed.model.state_dict().values()):
        assert torch.equal(a, b)
    assert [r.get("loss") for r in straight.history] == [r.get("loss") for r in resumed.history]


def test_resume_with_other_settings_is_refused(blobs, tmp_path: Path) -> None:
    run = nnrecipe.fit(model(), blobs, config=nnrecipe.TrainConfig(epochs=1), runs_dir=tmp_path).run_dir
    with pytest.raises(nnrecipe.CheckpointError, match="different settings \\(lr\\)"):
        nnrecipe.Trainer(nnrecipe.TrainConfig(epochs=1, lr=1.0), runs_dir=tmp_path).fit(model(), blobs, "cross_entropy", resume=run)
