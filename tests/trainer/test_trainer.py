"""The trainer's behaviour, one behaviour per test, on tiny problems."""

import itertools
import json
import math
from pathlib import Path

import numpy as np
import pytest
import torch
from safetensors.torch import load_file
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

import nnrecipe
from nnrecipe import ConfigError, DataError, TrainConfig, Trainer
from nnrecipe.callbacks import Callback, EarlyStopping, ModelCheckpoint, best_checkpoint


def mlp() -> nn.Module:
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(10, 32), nn.ReLU(), nn.Linear(32, 3))


def test_defaults_are_the_recipes() -> None:
    cfg = TrainConfig()
    assert (cfg.optimizer, cfg.lr, cfg.schedule, cfg.warmup_steps) == ("adam", 3e-4, "constant", 0)


def test_learns_a_learnable_problem(blobs) -> None:
    result = nnrecipe.fit(mlp(), blobs, val=blobs, config=TrainConfig(epochs=60, lr=1e-2), runs_dir=None)
    assert result.final["val_accuracy"] > 0.95
    train_rows = [r for r in result.history if "loss" in r]
    assert train_rows[0]["loss"] > 2 * train_rows[-1]["loss"]


def test_same_seed_same_losses(blobs) -> None:
    cfg = TrainConfig(epochs=2, log_every=1)
    a = Trainer(cfg, runs_dir=None).fit(mlp(), blobs, "cross_entropy").history
    b = Trainer(cfg, runs_dir=None).fit(mlp(), blobs, "cross_entropy").history
    assert [r["loss"] for r in a] == [r["loss"] for r in b]


def test_validation_covers_the_whole_set(blobs) -> None:
    X, y = blobs
    result = nnrecipe.fit(mlp(), blobs, val=(X[:257], y[:257]), config=TrainConfig(epochs=1), runs_dir=None)
    expected = nnrecipe.evaluate(result.model, (X[:257], y[:257]))
    assert result.final["val_accuracy"] == pytest.approx(expected["accuracy"])
    assert result.final["val_loss"] == pytest.approx(expected["loss"], rel=1e-6)


def test_validates_every_n_steps(blobs) -> None:
    result = nnrecipe.fit(mlp(), blobs, val=blobs, config=TrainConfig(max_steps=20, val_every=7, batch_size=32), runs_dir=None)
    assert [r["step"] for r in result.history if "val_loss" in r] == [7, 10, 14, 20]  # 10 is the epoch end


def test_schedule_is_per_step_and_logged_every_step(blobs, tmp_path: Path) -> None:
    cfg = TrainConfig(max_steps=20, batch_size=32, schedule="cosine", warmup_steps=5, lr=1e-2, log_every=1)
    result = nnrecipe.fit(mlp(), blobs, config=cfg, runs_dir=tmp_path)
    lrs = [r["lr"] for r in result.history if "lr" in r]
    assert len(lrs) == 20
    assert lrs[:5] == pytest.approx([2e-3, 4e-3, 6e-3, 8e-3, 1e-2])
    assert lrs[-1] < 1e-3 and all(a >= b for a, b in itertools.pairwise(lrs[4:]))


def test_monitor_never_logged_fails_before_the_first_step(blobs) -> None:
    with pytest.raises(ConfigError, match=r"val_acc.*logged names: \['loss', 'lr', 'val_accuracy', 'val_loss'\]"):
        nnrecipe.fit(mlp(), blobs, val=blobs, callbacks=[EarlyStopping(monitor="val_acc")], runs_dir=None)


def test_monitor_val_without_val_data_explains(blobs) -> None:
    with pytest.raises(ConfigError, match="pass val data"):
        nnrecipe.fit(mlp(), blobs, callbacks=[EarlyStopping()], runs_dir=None)


def test_run_folder_holds_config_metrics_events_and_checkpoints(blobs, tmp_path: Path) -> None:
    result = nnrecipe.fit(mlp(), blobs, val=blobs, config=TrainConfig(epochs=2), callbacks=[ModelCheckpoint()], runs_dir=tmp_path)
    run = result.run_dir
    assert run is not None and run.parent == tmp_path
    config = json.loads((run / "config.json").read_text())
    assert config["hparams"]["lr"] == 3e-4 and config["parent"] is None
    rows = [json.loads(line) for line in (run / "metrics.jsonl").read_text().splitlines()]
    assert any("val_accuracy" in r for r in rows)
    assert (run / "metrics.csv").read_text().startswith("step,")
    assert list((run / "tensorboard").glob("events.out.tfevents.*"))
    assert (run / "weights" / "best.safetensors").exists()
    (ckpt,) = [p for p in (run / "checkpoints").iterdir() if p.is_dir()]
    # Nothing that needs unpickling: safetensors and JSON only.
    assert sorted(p.name for p in ckpt.iterdir()) == ["model.safetensors", "state.json", "state.safetensors"]
    assert "total parameters" in (run / "summary.txt").read_text()


def test_child_run_records_parent_and_diff(blobs, tmp_path: Path) -> None:
    first = nnrecipe.fit(mlp(), blobs, config=TrainConfig(epochs=1), runs_dir=tmp_path).run_dir
    second = nnrecipe.fit(mlp(), blobs, config=TrainConfig(epochs=1, lr=1e-3), runs_dir=tmp_path).run_dir
    config = json.loads((second / "config.json").read_text())
    assert config["parent"] == str(first)
    assert config["diff_from_parent"] == {"lr": [3e-4, 1e-3]}


def test_tensorboard_has_scalars_histograms_and_hparams(blobs, tmp_path: Path) -> None:
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    run = nnrecipe.fit(mlp(), blobs, val=blobs, config=TrainConfig(epochs=2, log_every=2), runs_dir=tmp_path).run_dir
    acc = EventAccumulator(str(run / "tensorboard"), size_guidance={"histograms": 0, "scalars": 0})
    acc.Reload()
    tags = acc.Tags()
    assert {"train/loss", "val/accuracy"} <= set(tags["scalars"])
    assert any(t.startswith("weights/") for t in tags["histograms"])
    assert any(t.startswith("gradients/") for t in tags["histograms"])
    assert "hparam/val_accuracy" in tags["scalars"]
    assert "_hparams_/experiment" in acc.summary_metadata


def test_accepts_numpy_dataset_and_dataloader(blobs) -> None:
    X, y = blobs
    cfg = TrainConfig(epochs=1)
    for train in [(X.numpy().astype(np.float64), y.numpy()), TensorDataset(X, y), DataLoader(TensorDataset(X, y), batch_size=50, shuffle=True)]:
        result = nnrecipe.fit(mlp(), train, val=blobs, config=cfg, runs_dir=None)
        assert math.isfinite(result.final["val_loss"])


def test_regression_with_mse_and_default_mae(blobs) -> None:
    X, _ = blobs
    y = X[:, :1] * 2
    result = nnrecipe.fit(nn.Linear(10, 1), (X, y[:, 0]), "mse", val=(X, y[:, 0]), config=TrainConfig(epochs=100, lr=3e-2), runs_dir=None)
    assert result.final["val_mae"] < 0.1


def test_early_stopping_restores_the_best_weights(blobs) -> None:
    stop = EarlyStopping(patience=1)
    result = nnrecipe.fit(mlp(), blobs, val=blobs, config=TrainConfig(epochs=50, lr=0.5, optimizer="sgd"), callbacks=[stop], runs_dir=None)
    after = nnrecipe.evaluate(result.model, blobs)["loss"]
    assert after == pytest.approx(stop.best, rel=1e-5)


def test_retrospective_best_checkpoint(blobs, tmp_path: Path) -> None:
    result = nnrecipe.fit(mlp(), blobs, val=blobs, config=TrainConfig(epochs=5), callbacks=[ModelCheckpoint(monitor="val_accuracy", save_top_k=-1)], runs_dir=tmp_path)
    _, value, path = best_checkpoint(result.run_dir, "val_accuracy")
    assert value == max(r["val_accuracy"] for r in result.history if "val_accuracy" in r)
    assert path is not None and path.exists()


def test_non_finite_loss_stops_and_every_checkpoint_holds_finite_weights(blobs, tmp_path: Path) -> None:
    X, y = blobs

    class Explode(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.lin = nn.Linear(10, 3)
            self.calls = 0

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            self.calls += int(self.training)
            out = self.lin(x)
            return out * math.inf if self.training and self.calls > 25 else out

    cfg = TrainConfig(epochs=5, checkpoint_every=5, batch_size=32)
    result = nnrecipe.fit(Explode(), (X, y), config=cfg, runs_dir=tmp_path)
    assert result.diverged and result.diverged_at == 26 and result.steps == 26 and result.weights == "last_finite"
    assert (result.run_dir / "nonfinite_batch.safetensors").exists()
    from nnrecipe._train._checkpoint import latest_checkpoint

    latest = load_file(str(latest_checkpoint(result.run_dir / "checkpoints") / "model.safetensors"))
    assert all(bool(torch.isfinite(t).all()) for t in latest.values())
    assert json.loads((result.run_dir / "result.json").read_text())["weights"] == "last_finite"


def test_learning_rate_is_base_times_schedule_times_scale(blobs) -> None:
    from nnrecipe._train._schedule import lr_factor

    class Halve(Callback):
        def on_step_end(self, step, logs):
            if step == 10:
                self.trainer.lr_scale *= 0.5

    cfg = TrainConfig(max_steps=20, batch_size=32, schedule="cosine", lr=1e-2, log_every=1)
    result = nnrecipe.fit(mlp(), blobs, config=cfg, callbacks=[Halve()], runs_dir=None)
    expected = [1e-2 * lr_factor("cosine", s, 20) * (0.5 if s >= 10 else 1.0) for s in range(20)]
    assert [r["lr"] for r in result.history] == pytest.approx(expected)


def test_a_users_optimizer_factory_is_used_with_its_own_rates(blobs) -> None:
    made = []

    def sgd(params):
        made.append(torch.optim.SGD([{"params": list(params)[:2], "lr": 0.1}, {"params": list(params)[2:], "lr": 0.01}]))
        return made[-1]

    cfg = TrainConfig(max_steps=4, batch_size=32, schedule="linear", log_every=1)
    result = Trainer(cfg, optimizer=sgd, runs_dir=None).fit(mlp(), blobs, "cross_entropy")
    assert [r["lr"] for r in result.history] == pytest.approx([0.1, 0.075, 0.05, 0.025])
    assert made[0].param_groups[1]["lr"] == pytest.approx(0.01 * 0.25)


def test_an_optimizer_factory_must_return_an_optimizer(blobs) -> None:
    with pytest.raises(ConfigError, match="returned list, not a torch.optim.Optimizer"):
        Trainer(TrainConfig(max_steps=1), optimizer=lambda params: list(params), runs_dir=None).fit(mlp(), blobs, "cross_entropy")


def test_best_and_weights_follow_the_monitor(blobs) -> None:
    stop = EarlyStopping(monitor="val_accuracy", patience=100)
    result = nnrecipe.fit(mlp(), blobs, val=blobs, config=TrainConfig(epochs=3), callbacks=[stop], runs_dir=None)
    assert result.monitor == "val_accuracy" and result.weights == "best"
    assert result.best["val_accuracy"] == max(r["val_accuracy"] for r in result.history if "val_accuracy" in r)


def test_gradient_clipping_logs_the_norm(blobs) -> None:
    result = nnrecipe.fit(mlp(), blobs, config=TrainConfig(epochs=1, grad_clip_norm=0.01, log_every=1), runs_dir=None)
    assert all(r["grad_norm"] > 0.01 for r in result.history)  # pre-clipping norms


def test_bf16_autocast_runs_on_cpu(blobs) -> None:
    result = nnrecipe.fit(mlp(), blobs, val=blobs, config=TrainConfig(epochs=1, precision="bf16"), runs_dir=None)
    assert math.isfinite(result.final["val_loss"])


def test_small_models_get_one_thread(blobs) -> None:
    seen = []

    class Spy(Callback):
        def on_train_begin(self, logs):
            seen.append(torch.get_num_threads())

    torch.set_num_threads(2)
    try:
        nnrecipe.fit(mlp(), blobs, config=TrainConfig(epochs=1), callbacks=[Spy()], runs_dir=None)
        assert seen == [1] and torch.get_num_threads() == 2  # restored afterwards
    finally:
        torch.set_num_threads(1)


class TestBadInput:
    def test_mismatched_lengths(self, blobs) -> None:
        X, y = blobs
        with pytest.raises(DataError, match="X has 300 examples but y has 299"):
            nnrecipe.fit(mlp(), (X, y[:-1]), runs_dir=None)

    def test_empty_data(self) -> None:
        with pytest.raises(DataError, match="empty"):
            nnrecipe.fit(mlp(), (torch.zeros(0, 10), torch.zeros(0, dtype=torch.long)), runs_dir=None)

    def test_non_finite_inputs(self, blobs) -> None:
        X, y = blobs
        X = X.clone()
        X[7, 3] = math.nan
        with pytest.raises(DataError, match=r"non-finite.*\[7\]"):
            nnrecipe.fit(mlp(), (X, y), runs_dir=None)

    def test_labels_out_of_range(self, blobs) -> None:
        X, y = blobs
        with pytest.raises(DataError, match=r"labels range over \[1, 5\] but the model outputs 3 classes"):
            nnrecipe.fit(mlp(), (X, y * 2 + 1), runs_dir=None)

    def test_wrong_input_shape(self, blobs) -> None:
        X, y = blobs
        with pytest.raises(DataError, match=r"failed on a batch of inputs of shape \(2, 7\)"):
            nnrecipe.fit(mlp(), (X[:, :7], y), runs_dir=None)

    def test_unknown_loss_suggests_the_closest(self, blobs) -> None:
        with pytest.raises(ValueError, match="Did you mean 'cross_entropy'"):
            nnrecipe.fit(mlp(), blobs, "crossentropy", runs_dir=None)

    def test_unknown_metric(self, blobs) -> None:
        with pytest.raises(ValueError, match="unknown metric 'acuracy'"):
            nnrecipe.fit(mlp(), blobs, metrics=["acuracy"], runs_dir=None)

    def test_ragged_arrays(self) -> None:
        with pytest.raises(DataError, match="ragged"):
            nnrecipe.fit(mlp(), ([[1.0, 2.0], [1.0]], [0, 1]), runs_dir=None)

    def test_resume_folder_missing(self, blobs, tmp_path: Path) -> None:
        with pytest.raises(nnrecipe.CheckpointError, match="does not exist"):
            Trainer(runs_dir=tmp_path).fit(mlp(), blobs, "cross_entropy", resume=tmp_path / "nope")

    def test_bad_config_values(self) -> None:
        with pytest.raises(ConfigError, match="lr must be > 0"):
            TrainConfig(lr=0)
        with pytest.raises(ConfigError, match="schedule='cosin'"):
            TrainConfig(schedule="cosin")  # type: ignore[arg-type]
