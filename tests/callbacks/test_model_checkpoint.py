"""ModelCheckpoint: fed logs, then the scenarios of Keras 3's ``model_checkpoint_test.py``
driven through the real Trainer."""

import json
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file, load_model

import nnrecipe
from nnrecipe import ConfigError
from nnrecipe.callbacks import ModelCheckpoint, TrainerState, best_checkpoint


def feed(cb: ModelCheckpoint, state: TrainerState, values: list[float]) -> None:
    cb.set_trainer(state)
    cb.on_train_begin({})
    for i, v in enumerate(values):
        with torch.no_grad():
            state.model.weight.fill_(float(i))  # weights remember which validation they are
        cb.on_validation_end(i + 1, {"val_loss": v})


def test_best_only_keeps_the_best_weights(state: TrainerState) -> None:
    feed(ModelCheckpoint(save_top_k=1), state, [0.5, 0.2, 0.9])
    weights = state.run_dir / "weights"
    assert sorted(p.name for p in weights.glob("step-*")) == ["step-00000002.safetensors"]
    assert float(load_file(str(weights / "best.safetensors"))["weight"][0, 0]) == 1.0


def test_top_k_keeps_the_k_best(state: TrainerState) -> None:
    feed(ModelCheckpoint(save_top_k=2), state, [0.5, 0.2, 0.9, 0.1])
    index = json.loads((state.run_dir / "weights" / "index.json").read_text())
    assert [s for s, _ in index["kept"]] == [4, 2]
    assert sorted(p.name for p in (state.run_dir / "weights").glob("step-*")) == ["step-00000002.safetensors", "step-00000004.safetensors"]


def test_last_is_written_at_train_end(state: TrainerState) -> None:
    cb = ModelCheckpoint()
    feed(cb, state, [0.5])
    cb.on_train_end({})
    assert (state.run_dir / "weights" / "last.safetensors").exists()


def test_max_mode_for_accuracy(state: TrainerState) -> None:
    cb = ModelCheckpoint(monitor="val_accuracy", save_top_k=1)
    cb.set_trainer(state)
    cb.on_train_begin({})
    cb.on_validation_end(1, {"val_accuracy": 0.5})
    cb.on_validation_end(2, {"val_accuracy": 0.7})
    assert cb.best_step == 2


def test_writes_no_temporary_files(state: TrainerState) -> None:
    feed(ModelCheckpoint(save_top_k=-1), state, [0.3, 0.2, 0.1])
    assert not [p for p in (state.run_dir / "weights").iterdir() if p.name.startswith(".")]


def test_best_checkpoint_uses_the_runs_declared_direction(fit_scripted, tmp_path: Path) -> None:
    run = fit_scripted([0.3, 0.9, 0.5], [ModelCheckpoint(monitor="val_score", mode="max", save_top_k=-1)], epochs=3,
                       direction="max", runs_dir=tmp_path).run_dir
    assert best_checkpoint(run, "val_score")[:2] == (2, pytest.approx(0.9))
    assert best_checkpoint(run, "val_score", mode="min")[:2] == (1, pytest.approx(0.3))


def test_best_checkpoint_of_an_undeclared_metric_asks_for_mode(fit_scripted, tmp_path: Path) -> None:
    run = fit_scripted([0.3, 0.9], [], epochs=2, direction=None, runs_dir=tmp_path).run_dir
    with pytest.raises(ConfigError, match="mode='max' or mode='min'"):
        best_checkpoint(run, "val_score")


# -- Keras 3 model_checkpoint_test.py, through the Trainer -------------------------------------


def classification(tmp_path: Path, callbacks, **config) -> nnrecipe.FitResult:
    g = torch.Generator().manual_seed(42)
    X, y = torch.randn(30, 3, generator=g), torch.randint(0, 3, (30,), generator=g)
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(3, 5), torch.nn.ReLU(), torch.nn.Linear(5, 3))
    cfg = nnrecipe.TrainConfig(**{"epochs": 1, "batch_size": 5, "optimizer": "sgd", **config})
    return nnrecipe.Trainer(cfg, callbacks=callbacks, runs_dir=tmp_path).fit(model, (X, y), "cross_entropy", val=(X, y))


@pytest.mark.parametrize(
    ("monitor", "mode", "top_k"),
    [("val_loss", "auto", -1), ("val_loss", "min", -1), ("val_accuracy", "max", -1), ("val_accuracy", "max", 1)],
)
def test_keras_options_cases_1_to_4(monitor: str, mode: str, top_k: int, tmp_path: Path) -> None:
    result = classification(tmp_path, [ModelCheckpoint(monitor=monitor, mode=mode, save_top_k=top_k)])  # type: ignore[arg-type]
    assert (result.run_dir / "weights" / "best.safetensors").exists()
    assert (result.run_dir / "weights" / f"step-{result.steps:08d}.safetensors").exists()


def test_keras_case_5_unknown_monitor_is_an_error_before_the_first_step(tmp_path: Path) -> None:
    """Keras warns and saves anyway; we refuse before a run folder exists (deliberate)."""
    with pytest.raises(ConfigError, match="monitors 'unknown'"):
        classification(tmp_path, [ModelCheckpoint(monitor="unknown", mode="min")])
    assert not list(tmp_path.iterdir())


def test_keras_case_6_unknown_mode_is_an_error() -> None:
    """Keras warns and falls back to auto; we raise (deliberate)."""
    with pytest.raises(ValueError, match="mode must be 'auto', 'min' or 'max'"):
        ModelCheckpoint(mode="unknown")  # type: ignore[arg-type]


def test_keras_case_8_save_every_n_steps(tmp_path: Path) -> None:
    """Keras' save_freq=15 batches is val_every=15; we also save at each epoch's validation."""
    result = classification(tmp_path, [ModelCheckpoint(save_top_k=-1)], epochs=10, batch_size=6, val_every=15)
    kept = {int(p.stem.split("-")[1]) for p in (result.run_dir / "weights").glob("step-*")}
    assert {15, 30, 45} <= kept and kept == set(range(5, 51, 5))


def test_keras_case_10_save_every_step(tmp_path: Path) -> None:
    result = classification(tmp_path, [ModelCheckpoint(save_top_k=-1)], epochs=5, batch_size=15, val_every=1)
    assert len(list((result.run_dir / "weights").glob("step-*"))) == 10  # 2 batches x 5 epochs


@pytest.mark.parametrize(
    ("monitor", "mode", "threshold", "saved"),
    [
        ("val_accuracy", "max", -0.01, True),  # case 11
        ("val_loss", "auto", None, True),  # case 12
        ("val_loss", "min", 0.0, False),  # case 13
        ("val_loss", "auto", 0.0, False),  # case 14
        ("val_accuracy", "auto", 1.01, False),  # case 15 (val_auc with a threshold of 1)
    ],
)
def test_keras_initial_value_threshold(monitor: str, mode: str, threshold: float | None, saved: bool, tmp_path: Path) -> None:
    cb = ModelCheckpoint(monitor=monitor, mode=mode, save_top_k=1, initial_value_threshold=threshold, save_last=False)  # type: ignore[arg-type]
    result = classification(tmp_path, [cb])
    assert (result.run_dir / "weights" / "best.safetensors").exists() is saved
    assert bool(list((result.run_dir / "weights").glob("step-*"))) is saved


def test_keras_checkpoint_loading(tmp_path: Path) -> None:
    """The best weights load into a fresh model and equal the trained model's (one epoch)."""
    result = classification(tmp_path, [ModelCheckpoint(save_top_k=1)])
    fresh = torch.nn.Sequential(torch.nn.Linear(3, 5), torch.nn.ReLU(), torch.nn.Linear(5, 3))
    load_model(fresh, str(result.run_dir / "weights" / "best.safetensors"))
    for a, b in zip(fresh.state_dict().values(), result.model.state_dict().values()):
        torch.testing.assert_close(a, b)
