import math

import torch
from safetensors.torch import load_file

from nnrecipe.callbacks import TerminateOnNaN, TrainerState


def test_stops_on_non_finite_loss_and_saves_the_batch(state: TrainerState) -> None:
    cb = TerminateOnNaN()
    cb.set_trainer(state)
    cb.on_train_begin({})
    state.batch = (torch.ones(3, 2), torch.zeros(3))
    cb.on_step_end(1, {"loss": 0.5})
    assert not cb.stop_training
    cb.on_step_end(2, {"loss": math.inf})
    assert cb.stop_training and state.diverged and cb.bad_step == 2
    saved = load_file(str(state.run_dir / "nonfinite_batch.safetensors"))
    torch.testing.assert_close(saved["inputs"], torch.ones(3, 2))


def test_stops_on_non_finite_gradient_norm(state: TrainerState) -> None:
    cb = TerminateOnNaN()
    cb.set_trainer(state)
    cb.on_train_begin({})
    cb.on_step_end(1, {"loss": 0.5, "grad_norm": math.nan})
    assert cb.stop_training
