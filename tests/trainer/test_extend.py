"""Training longer: a child run continues a finished one, its learning rate continuous."""

import json

import pytest
import torch
from torch import nn

import nnrecipe
from nnrecipe import CheckpointError, ConfigError
from nnrecipe.callbacks import ModelCheckpoint
from nnrecipe.diagnostics import read_diagnostics


def _model() -> nn.Module:
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(10, 16), nn.ReLU(), nn.Dropout(0.2), nn.Linear(16, 3))


@pytest.fixture
def blobs():
    g = torch.Generator().manual_seed(0)
    X = torch.randn(96, 10, generator=g)
    return X, (X[:, 0] > 0).long() + (X[:, 1] > 0.5).long()


def _fit(runs, blobs, epochs, schedule="constant", **kw):
    cfg = nnrecipe.TrainConfig(epochs=epochs, batch_size=32, log_every=1, schedule=schedule, tensorboard=False)
    trainer = nnrecipe.Trainer(cfg, callbacks=[ModelCheckpoint(monitor="val_loss")], runs_dir=runs)
    return trainer.fit(_model(), blobs, "cross_entropy", val=blobs, **kw)


def test_a_constant_schedule_extended_trains_exactly_as_the_longer_run(tmp_path, blobs):
    parent = _fit(tmp_path, blobs, 2)
    child = _fit(tmp_path, blobs, 4, extend=parent.run_dir)
    fresh = _fit(tmp_path / "fresh", blobs, 4)
    for a, b in zip(child.model.state_dict().values(), fresh.model.state_dict().values()):
        assert torch.equal(a, b)
    drop = lambda rows: [{k: v for k, v in r.items() if k != "time"} for r in rows]
    assert drop(child.history) == drop(fresh.history)  # the metric history continues the parent's
    config = json.loads((child.run_dir / "config.json").read_text())
    assert config["parent"] == str(parent.run_dir) and config["diff_from_parent"] == {"epochs": [2, 4]}
    assert config["extends"] == {"run": str(parent.run_dir), "step": 6}
    assert read_diagnostics(child.run_dir).norms.steps.tolist() == read_diagnostics(fresh.run_dir).norms.steps.tolist()
    assert (parent.run_dir / "result.json").is_file() and json.loads((parent.run_dir / "result.json").read_text())["steps"] == 6


def test_a_decayed_schedule_goes_on_at_the_rate_it_reached(tmp_path, blobs):
    parent = _fit(tmp_path, blobs, 2, schedule="cosine")
    child = _fit(tmp_path, blobs, 4, schedule="cosine", extend=parent.run_dir)
    lrs = [r["lr"] for r in child.history if "lr" in r]
    assert len(lrs) == 12
    assert lrs[6:] == [lrs[5]] * 6  # held at the parent's last rate: no jump, no restart
    assert lrs[5] < lrs[4]


def test_bad_extensions_are_refused_with_the_fix(tmp_path, blobs):
    parent = _fit(tmp_path, blobs, 2)
    with pytest.raises(ConfigError, match="longer than its parent's 6 steps"):
        _fit(tmp_path, blobs, 2, extend=parent.run_dir)
    with pytest.raises(ConfigError, match="cannot change schedule"):
        _fit(tmp_path, blobs, 4, schedule="linear", extend=parent.run_dir)
    (parent.run_dir / "result.json").unlink()
    with pytest.raises(CheckpointError, match="not a finished run"):
        _fit(tmp_path, blobs, 4, extend=parent.run_dir)
