"""The callback protocol: one stop flag on the trainer state, reset by every fit."""

import pytest
import torch

import nnrecipe
from nnrecipe.callbacks import Callback


class StopOnceAt(Callback):
    """Stops the first run it joins at step 3, and never resets anything itself."""

    def __init__(self) -> None:
        self.done = False

    def on_step_end(self, step, logs):
        if not self.done and step == 3:
            self.stop_training = True  # the older spelling: the same, one flag
            self.done = True


def run(callbacks) -> nnrecipe.FitResult:
    X, y = torch.randn(64, 4), torch.randint(0, 2, (64,))
    return nnrecipe.fit(torch.nn.Linear(4, 2), (X, y), config=nnrecipe.TrainConfig(epochs=2, batch_size=8),
                        callbacks=callbacks, runs_dir=None)


def test_a_callback_stops_through_the_trainers_flag() -> None:
    result = run([StopOnceAt()])
    assert result.steps == 3 and result.stopped_early


def test_a_reused_callback_that_stopped_one_run_does_not_stop_the_next() -> None:
    stopper = StopOnceAt()
    assert run([stopper]).steps == 3
    assert run([stopper]).steps == 16


def test_stop_training_outside_a_run() -> None:
    cb = Callback()
    assert cb.stop_training is False
    with pytest.raises(RuntimeError, match="not part of a run yet"):
        cb.stop_training = True


def test_hooks_come_in_the_documented_order() -> None:
    calls: list[str] = []

    class Spy(Callback):
        def on_train_begin(self, logs):
            calls.append("train_begin")

        def on_epoch_begin(self, epoch, logs):
            calls.append(f"epoch_begin {epoch}")

        def on_log(self, step, logs):
            calls.append(f"log {step}")

        def on_validation_end(self, step, logs):
            calls.append(f"validation {step} epoch {self.trainer.epoch}")

        def on_epoch_end(self, epoch, logs):
            calls.append(f"epoch_end {epoch} epoch {self.trainer.epoch}")

        def on_step_end(self, step, logs):
            calls.append(f"step {step}")

        def on_train_end(self, logs):
            calls.append("train_end")

    X, y = torch.randn(16, 4), torch.randint(0, 2, (16,))
    nnrecipe.fit(torch.nn.Linear(4, 2), (X, y), val=(X, y), callbacks=[Spy()], runs_dir=None,
                 config=nnrecipe.TrainConfig(epochs=2, batch_size=8, log_every=2))
    assert calls == [
        "train_begin", "epoch_begin 0", "step 1", "log 2", "validation 2 epoch 0", "epoch_end 0 epoch 1", "step 2",
        "epoch_begin 1", "step 3", "log 4", "validation 4 epoch 1", "epoch_end 1 epoch 2", "step 4", "train_end",
    ]
