"""EarlyStopping: fed logs, then the scenarios of Keras 3's ``early_stopping_test.py`` driven
through the real Trainer (one step and one validation per epoch, scripted values)."""

import math

import pytest
import torch

import nnrecipe
from nnrecipe import ConfigError
from nnrecipe._core._metrics import CallableMetric
from nnrecipe.callbacks import Callback, EarlyStopping, TrainerState


def feed(cb: EarlyStopping, state: TrainerState, values: list[float], key: str = "val_loss") -> int | None:
    cb.set_trainer(state)
    cb.on_train_begin({})
    for i, v in enumerate(values):
        state.step = i + 1
        cb.on_validation_end(i + 1, {key: v})
        if state.stop_training:
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


def test_non_finite_value_stops(state: TrainerState) -> None:
    assert feed(EarlyStopping(patience=10), state, [1.0, math.nan]) == 2


def test_a_training_value_is_watched_at_each_train_row(state: TrainerState) -> None:
    cb = EarlyStopping(monitor="loss", patience=1)
    cb.set_trainer(state)
    cb.on_train_begin({})
    cb.on_validation_end(1, {"loss": 9.0})  # validation rows do not hold the train loss
    for step, loss in enumerate([1.0, 1.5, 1.6], start=1):
        cb.on_log(step, {"loss": loss})
    assert state.stop_training and cb.stopped_step == 3


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
    assert cb.restored_step == 1


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


# -- Keras 3 early_stopping_test.py, through the Trainer ---------------------------------------


@pytest.mark.parametrize(
    ("mode", "monitor", "expected"),
    [
        ("max", "val_hinge", "max"),
        ("min", "val_loss", "min"),
        ("auto", "val_hinge", "min"),  # Keras' hinge declares "down"; so does ours
        ("auto", "loss", "min"),
        ("auto", "val_accuracy", "max"),
        ("auto", "val_f1_score", "max"),  # a metric that declares "up", like Keras' F1Score
    ],
)
def test_keras_early_stopping_modes(mode: str, monitor: str, expected: str) -> None:
    """Keras test_early_stopping: the direction each (mode, monitor) pair resolves to."""
    g = torch.Generator().manual_seed(0)
    X, y = torch.randn(10, 5, generator=g), torch.randint(0, 2, (10,), generator=g)

    def hinge(out: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        return torch.relu(1 - (out[:, 1] - out[:, 0]) * (2 * target - 1)).mean()

    def f1_score(out: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        return (out.argmax(-1) == target).float().mean()

    stop = EarlyStopping(monitor=monitor, mode=mode, patience=0)  # type: ignore[arg-type]
    metrics = ["accuracy", CallableMetric(hinge, direction="min"), CallableMetric(f1_score, direction="max")]
    nnrecipe.Trainer(nnrecipe.TrainConfig(epochs=2, batch_size=5), callbacks=[stop], metrics=metrics, runs_dir=None).fit(
        torch.nn.Linear(5, 2), (X, y), "cross_entropy", val=(X, y)
    )
    assert stop.mode == expected


def test_keras_unknown_monitor_is_an_error_before_the_first_step() -> None:
    """Keras raises ValueError at fit; we raise ConfigError before step 1, with the logged names."""
    X, y = torch.randn(10, 5), torch.randint(0, 2, (10,))
    with pytest.raises(ConfigError, match=r"monitors 'unknown'.*logged names"):
        nnrecipe.fit(torch.nn.Linear(5, 2), (X, y), val=(X, y), callbacks=[EarlyStopping(monitor="unknown")], runs_dir=None)


def test_keras_undeclared_direction_asks_for_mode(fit_scripted) -> None:
    """Keras: 'hinge' in auto mode resolves from the metric's declared direction or raises.
    An undeclared metric (``val_recall_error`` is not a recall) asks for mode."""
    with pytest.raises(ConfigError, match=r"cannot tell whether 'val_score' should go up or down.*mode='max'"):
        fit_scripted([1.0], [EarlyStopping(monitor="val_score")], epochs=2, direction=None)
    result = fit_scripted([1.0, 2.0], [EarlyStopping(monitor="val_score", mode="max")], epochs=3, direction=None)
    assert result.stopped_early and result.epochs == 3


@pytest.mark.parametrize("patience", [0, 1, 2, 3])
def test_keras_early_stopping_patience(patience: int, fit_scripted) -> None:
    """Keras: losses [10, 9, 8, 9, 8.9, ...] stop at epoch max(patience, 1) + 2 (0-based)."""
    losses = [10.0, 9.0, 8.0, 9.0, 8.9, 8.8, 8.7, 8.6, 8.5]
    stop = EarlyStopping(monitor="val_score", patience=patience)
    result = fit_scripted(losses, [stop], epochs=len(losses))
    stopped_epoch = max(patience, 1) + 2
    assert result.epochs == stopped_epoch + 1 and stop.stopped_step == stopped_epoch + 1


def test_keras_early_stopping_reuse(fit_scripted) -> None:
    """Keras: one instance reused for two fits; the second is not stopped by the first's flag."""
    stop = EarlyStopping(monitor="val_score", patience=3)
    first = fit_scripted([1.0] * 20, [stop], epochs=20)
    second = fit_scripted([1.0] * 20, [stop], epochs=20)
    assert first.stopped_early and second.stopped_early
    assert first.epochs == second.epochs == 4  # patience validations after the first


def test_keras_state_reset_across_fit_calls(state: TrainerState) -> None:
    stop = EarlyStopping(monitor="loss", patience=3)
    stop.set_trainer(state)
    stop.on_train_begin({})
    stop.best, stop.wait, stop.stopped_step, stop.best_step = 0.1, 3, 5, 5
    stop.best_weights = {"w": torch.ones(1)}
    stop.on_train_begin({})
    assert (stop.best, stop.wait, stop.stopped_step, stop.best_step, stop.best_weights) == (None, 0, -1, -1, None)


def test_keras_early_stopping_with_baseline(fit_scripted) -> None:
    """Keras: a run that never beats the baseline stops after ``patience`` values."""
    stop = EarlyStopping(monitor="val_score", patience=3, baseline=0.6)
    result = fit_scripted([1.0] * 20, [stop], epochs=20)
    assert result.epochs == 3


def test_keras_baseline_never_stops_a_run_that_still_improves(fit_scripted) -> None:
    """Keras never stops while the monitor improves, even above the baseline (we used to)."""
    stop = EarlyStopping(monitor="val_score", patience=1, baseline=0.1)
    result = fit_scripted([1.0 - 0.05 * i for i in range(8)], [stop], epochs=8)
    assert not result.stopped_early and result.epochs == 8


@pytest.mark.parametrize(
    ("losses", "patience", "baseline", "other_stops_at", "trained", "best_epoch"),
    [
        ([0.2, 0.15, 0.1, 0.11, 0.12], 2, None, None, 5, 2),
        ([0.9, 0.8, 0.7, 0.71, 0.72, 0.73], 5, 0.5, None, 5, 2),
        ([0.9, 0.8, 0.7, 0.71, 0.72, 0.73], 5, 0.5, 3, 4, 2),
    ],
)
def test_keras_final_weights_when_restoring_model_weights(
    losses, patience, baseline, other_stops_at, trained, best_epoch, fit_scripted, weights_per_epoch
) -> None:
    """Keras: the best epoch's weights come back, also when no value beats the baseline and
    when another callback stops the run."""

    class StopAt(Callback):
        def on_epoch_end(self, epoch, logs):
            if epoch == other_stops_at:
                self.trainer.stop_training = True

    stop = EarlyStopping(monitor="val_score", patience=patience, baseline=baseline, restore_best_weights=True)
    result = fit_scripted(losses, [weights_per_epoch, stop, StopAt()], epochs=len(losses))
    assert result.epochs == trained and result.weights == "best"
    assert float(result.model.weight.detach().flatten()[0]) == weights_per_epoch.seen[best_epoch]


@pytest.mark.parametrize(("patience", "stopped_epoch"), [(3, 5), (0, 3)])
def test_keras_start_from_epoch(patience: int, stopped_epoch: int, fit_scripted) -> None:
    """Keras: epochs 0 and 1 are not counted with start_from_epoch=2 (we used to count epoch 1)."""
    stop = EarlyStopping(monitor="val_score", patience=patience, start_from_epoch=2)
    result = fit_scripted([5.0, 0.1, 1.0], [stop], epochs=20)
    assert result.epochs == stopped_epoch + 1 >= patience + 2
    assert stop.best == 1.0  # the value of epoch 1 (0.1) was never seen
