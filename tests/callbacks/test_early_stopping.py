import math

import pytest
import torch

from nnrecipe.callbacks import EarlyStopping, TrainerState


def feed(cb: EarlyStopping, state: TrainerState, values: list[float], key: str = "val_loss") -> int | None:
    cb.set_trainer(state)
    cb.on_train_begin({})
    for i, v in enumerate(values):
        state.step = i + 1
        cb.on_validation_end(i + 1, {key: v})
        if cb.stop_training:
            return i + 1
    return None


def test_stops_after_patience_validations_without_improvement(state: TrainerState) -> None:
    assert feed(EarlyStopping(patience=2), state, [1.0, 0.9, 0.95, 0.96, 0.97]) == 4


def test_patience_zero_stops_at_first_non_improvement(state: TrainerState) -> None:
    assert feed(EarlyStopping(patience=0), state, [1.0, 0.9, 0.91]) == 3


def test_min_delta_is_absolute(state: TrainerState) -> None:
    # 0.95 improves on 1.0 by 0.05 < min_delta 0.1: not an improvement.
    assert feed(EarlyStopping(patience=0, min_delta=0.1), state, [1.0, 0.95]) == 2


def test_auto_mode_maximises_accuracy(state: TrainerState) -> None:
    cb = EarlyStopping(monitor="val_accuracy", patience=0)
    assert cb.mode == "max"
    assert feed(cb, state, [0.5, 0.6, 0.55], key="val_accuracy") == 3


def test_baseline_must_be_beaten_within_patience(state: TrainerState) -> None:
    assert feed(EarlyStopping(patience=1, baseline=0.5), state, [0.9, 0.8, 0.7]) == 2


def test_start_from_epoch_ignores_early_validations(state: TrainerState) -> None:
    cb = EarlyStopping(patience=0, start_from_epoch=2)
    cb.set_trainer(state)
    cb.on_train_begin({})
    state.epoch = 0
    cb.on_validation_end(1, {"val_loss": 1.0})
    cb.on_validation_end(2, {"val_loss": 2.0})
    assert not cb.stop_training
    state.epoch = 2
    cb.on_validation_end(3, {"val_loss": 2.0})
    cb.on_validation_end(4, {"val_loss": 3.0})
    assert cb.stop_training


def test_non_finite_value_stops(state: TrainerState) -> None:
    assert feed(EarlyStopping(patience=10), state, [1.0, math.nan]) == 2


def test_restores_best_weights_at_train_end(state: TrainerState) -> None:
    cb = EarlyStopping(patience=5)
    cb.set_trainer(state)
    cb.on_train_begin({})
    with torch.no_grad():
        state.model.weight.fill_(1.0)
    cb.on_validation_end(1, {"val_loss": 0.1})
    with torch.no_grad():
        state.model.weight.fill_(7.0)
    cb.on_validation_end(2, {"val_loss": 0.5})
    cb.on_train_end({})
    torch.testing.assert_close(state.model.weight, torch.ones_like(state.model.weight))


def test_state_survives_a_round_trip(state: TrainerState) -> None:
    cb = EarlyStopping(patience=3)
    feed(cb, state, [1.0, 1.1])
    other = EarlyStopping(patience=3)
    other.set_trainer(state)
    other.on_train_begin({})
    other.load_state_dict(cb.state_dict())
    assert (other.wait, other.best, other.best_step) == (1, 1.0, 1)


@pytest.mark.parametrize("kwargs", [{"patience": -1}, {"min_delta": -0.1}, {"mode": "up"}])
def test_bad_arguments_are_rejected(kwargs: dict) -> None:
    with pytest.raises(ValueError):
        EarlyStopping(**kwargs)
