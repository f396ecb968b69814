import os
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
import torch

import nnrecipe
from nnrecipe._core._metrics import CallableMetric
from nnrecipe.callbacks import Callback, TrainerState


@pytest.fixture(autouse=True)
def no_fsync(monkeypatch):
    """Writes stay atomic (temporary + rename) but do not wait for the disk (see tests/trainer)."""
    monkeypatch.setattr(os, "fsync", lambda fd: None)


@pytest.fixture
def state(tmp_path: Path) -> TrainerState:
    """A trainer state around a tiny model, for feeding callbacks logs without training."""
    model = torch.nn.Linear(2, 1)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    return TrainerState(model=model, optimizer=opt, run_dir=tmp_path, total_steps=100, lr=0.1)


FitScripted = Callable[..., nnrecipe.FitResult]


@pytest.fixture
def fit_scripted(tmp_path: Path) -> FitScripted:
    """Train a real model through the real Trainer, one step per epoch, with a validation
    metric ``val_score`` whose n-th validation reads ``values[n]`` (the last one repeated),
    so that a callback's decisions can be compared with Keras' epoch by epoch."""

    def run(
        values: Sequence[float], callbacks: Sequence[Callback], *, epochs: int, direction: str | None = "min",
        runs_dir: Path | None = None, **config: object,
    ) -> nnrecipe.FitResult:
        calls = iter(range(10_000))
        started = Started()

        def score(out: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
            if not started.yes:  # the check of the validation split before the first step
                return torch.tensor(float(values[0]))
            return torch.tensor(float(values[min(next(calls), len(values) - 1)]))

        g = torch.Generator().manual_seed(0)
        X, y = torch.randn(32, 4, generator=g), torch.randint(0, 2, (32,), generator=g)
        torch.manual_seed(0)
        cfg = nnrecipe.TrainConfig(epochs=epochs, batch_size=32, lr=0.1, log_every=1, **config)  # type: ignore[arg-type]
        metric = CallableMetric(score, direction=direction)  # type: ignore[arg-type]
        trainer = nnrecipe.Trainer(cfg, callbacks=[started, *callbacks], metrics=[metric], runs_dir=runs_dir)
        return trainer.fit(torch.nn.Linear(4, 2), (X, y), "cross_entropy", val=(X, y))

    return run


class Started(Callback):
    yes = False

    def on_train_begin(self, logs):
        self.yes = True


class WeightsPerEpoch(Callback):
    """Remembers the first weight of the model at each epoch's end (after its validation)."""

    def __init__(self) -> None:
        self.seen: list[float] = []

    def on_train_begin(self, logs):
        self.seen = []

    def on_epoch_end(self, epoch, logs):
        self.seen.append(float(self.trainer.model.weight.detach().flatten()[0]))


@pytest.fixture
def weights_per_epoch() -> WeightsPerEpoch:
    return WeightsPerEpoch()
