"""TerminateOnNaN with the step's guard: the update of a non-finite step is never applied, the
run stops there, the model keeps the last finite weights and the saved batch is the culprit."""

import math
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file

import nnrecipe
from nnrecipe._train import _step
from nnrecipe._train._checkpoint import newest_intact
from nnrecipe.callbacks import Callback, TerminateOnNaN, TrainerState


def test_fed_a_non_finite_step_it_stops_and_saves_the_batch(state: TrainerState) -> None:
    cb = TerminateOnNaN()
    cb.set_trainer(state)
    cb.on_train_begin({})
    state.batch = (torch.ones(3, 2), torch.zeros(3))
    cb.on_step_end(1, {"loss": torch.tensor(0.5), "nonfinite": torch.tensor(0.0)})
    assert not state.stop_training
    cb.on_step_end(2, {"loss": torch.tensor(math.inf), "nonfinite": torch.tensor(1.0)})
    assert state.stop_training and cb.bad_step == 2
    saved = load_file(str(state.run_dir / "nonfinite_batch.safetensors"))
    torch.testing.assert_close(saved["inputs"], torch.ones(3, 2))


class Batches(Callback):
    """Keeps every training batch, by step."""

    def __init__(self) -> None:
        self.by_step: dict[int, tuple[torch.Tensor, torch.Tensor]] = {}

    def on_step_end(self, step, logs):
        x, y = self.trainer.batch
        self.by_step[step] = (x.clone(), y.clone())


def data() -> tuple[torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(0)
    return torch.randn(64, 4, generator=g), torch.randint(0, 2, (64,), generator=g)


def model() -> torch.nn.Module:
    torch.manual_seed(0)
    return torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.Tanh(), torch.nn.Linear(8, 2))


class NaNGradientAt(Callback):
    """Makes the first layer's gradient NaN (the loss stays finite) from the forward of step ``at``."""

    def __init__(self, at: int) -> None:
        self.at = at

    def on_train_begin(self, logs):
        weight = self.trainer.model[0].weight
        weight.register_hook(lambda g: g * math.nan if self.trainer.step + 1 == self.at else g)


def loss_inf_at(at: int):
    calls = {"n": 0}

    def loss(out, y):
        calls["n"] += 1
        value = torch.nn.functional.cross_entropy(out, y)
        return value * math.inf if calls["n"] == at + 1 else value  # call 1 checks the split before step 1

    return loss


def fit(tmp_path: Path, loss, callbacks, **config) -> nnrecipe.FitResult:
    cfg = nnrecipe.TrainConfig(**{"epochs": 10, "batch_size": 8, "lr": 0.05, **config})
    return nnrecipe.Trainer(cfg, callbacks=callbacks, runs_dir=tmp_path).fit(model(), data(), loss)


@pytest.mark.parametrize(
    ("cause", "clip"), [("loss", None), ("gradient", None), ("gradient", 1.0), ("loss", 1.0)]
)
def test_stops_at_the_bad_step_with_the_last_finite_weights(cause: str, clip: float | None, tmp_path: Path) -> None:
    at = 5
    batches = Batches()
    extra = [NaNGradientAt(at)] if cause == "gradient" else []
    loss = loss_inf_at(at) if cause == "loss" else "cross_entropy"
    result = fit(tmp_path / "bad", loss, [batches, *extra], grad_clip_norm=clip)
    assert result.diverged and result.diverged_at == at and result.steps == at
    assert result.weights == "last_finite" and not result.stopped_early
    # The weights are those after step at - 1: the bad update never happened.
    before = fit(tmp_path / "good", "cross_entropy", [], grad_clip_norm=clip, max_steps=at - 1)
    for a, b in zip(result.model.state_dict().values(), before.model.state_dict().values()):
        assert torch.equal(a, b)
    saved = load_file(str(result.run_dir / "nonfinite_batch.safetensors"))
    assert torch.equal(saved["inputs"], batches.by_step[at][0]) and torch.equal(saved["targets"], batches.by_step[at][1])


def test_on_a_device_the_step_is_skipped_there_and_read_every_check_every_steps(tmp_path: Path, monkeypatch) -> None:
    """The CUDA path, on the CPU: the fused optimizer skips the flagged update by itself (no
    host read in the step) and the flags are read every 4 steps; the culprit (step 6) is
    still the one reported and saved."""
    original = _step.TrainStep.__init__

    def on_device(self, *args, **kwargs):
        original(self, *args, **kwargs)
        self.skip_on_device = True

    monkeypatch.setattr(_step.TrainStep, "__init__", on_device)
    batches = Batches()
    fused = lambda params: torch.optim.Adam(params, lr=0.05, fused=True)
    cfg = nnrecipe.TrainConfig(epochs=10, batch_size=8)
    trainer = nnrecipe.Trainer(cfg, callbacks=[batches, NaNGradientAt(6), TerminateOnNaN(check_every=4)], runs_dir=tmp_path, optimizer=fused)
    result = trainer.fit(model(), data(), "cross_entropy")
    assert result.diverged_at == 6 and result.steps == 8  # read at step 8
    _, saved_state = newest_intact(result.run_dir / "checkpoints")
    assert {int(s["step"]) for s in saved_state["optimizer"]["state"].values()} == {7}  # 8 steps, one skipped
    assert all(bool(torch.isfinite(p).all()) for p in result.model.parameters())
    saved = load_file(str(result.run_dir / "nonfinite_batch.safetensors"))
    assert torch.equal(saved["inputs"], batches.by_step[6][0])
