import json

import torch
from safetensors.torch import load_file

from nnrecipe.callbacks import ModelCheckpoint, TrainerState


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


def test_last_is_written_at_train_end_unless_diverged(state: TrainerState) -> None:
    cb = ModelCheckpoint()
    feed(cb, state, [0.5])
    state.diverged = True
    cb.on_train_end({})
    assert not (state.run_dir / "weights" / "last.safetensors").exists()
    state.diverged = False
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
