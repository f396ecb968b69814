"""ReduceLROnPlateau: fed logs, then the scenarios of Keras 3's ``reduce_lr_on_plateau_test.py``
driven through the real Trainer (one step and one validation per epoch, base lr 0.1)."""

import logging

import pytest

from nnrecipe.callbacks import ReduceLROnPlateau, TrainerState


def lrs(cb: ReduceLROnPlateau, state: TrainerState, values: list[float]) -> list[float]:
    """The learning rate after each validation, as the next step would use it."""
    cb.set_trainer(state)
    cb.on_train_begin({})
    out = []
    for i, v in enumerate(values):
        cb.on_validation_end(i + 1, {"val_loss": v})
        state.lr = 0.1 * state.lr_scale  # what the loop sets before the next step
        out.append(round(state.lr, 6))
    return out


def test_reduces_after_patience(state: TrainerState) -> None:
    assert lrs(ReduceLROnPlateau(factor=0.5, patience=2), state, [1.0, 1.0, 1.0, 1.0]) == [0.1, 0.1, 0.05, 0.05]


def test_cooldown_waits_before_counting_again(state: TrainerState) -> None:
    got = lrs(ReduceLROnPlateau(factor=0.5, patience=1, cooldown=2), state, [1.0, 1.0, 1.0, 1.0, 1.0])
    # Keras semantics: the cooldown validation resets the wait, then counting resumes.
    assert got == [0.1, 0.05, 0.05, 0.025, 0.025]


def test_never_below_min_lr(state: TrainerState) -> None:
    got = lrs(ReduceLROnPlateau(factor=0.1, patience=0, min_lr=0.005), state, [1.0, 1.0, 1.0, 1.0])
    assert got[-1] == 0.005


def test_only_the_scale_changes_never_the_optimizer(state: TrainerState) -> None:
    lrs(ReduceLROnPlateau(factor=0.5, patience=0), state, [1.0, 1.0])
    assert state.lr_scale == pytest.approx(0.5)
    assert state.optimizer.param_groups[0]["lr"] == 0.1  # the loop applies the scale at the next step


def test_improvement_resets_the_wait(state: TrainerState) -> None:
    assert lrs(ReduceLROnPlateau(factor=0.5, patience=2), state, [1.0, 1.0, 0.5, 0.5, 0.5]) == [0.1] * 4 + [0.05]


@pytest.mark.parametrize("factor", [0.0, 1.0, 2.0])
def test_factor_must_be_in_unit_interval(factor: float) -> None:
    with pytest.raises(ValueError, match="factor"):
        ReduceLROnPlateau(factor=factor)


# -- Keras 3 reduce_lr_on_plateau_test.py, through the Trainer ---------------------------------


def next_lr(result, cb: ReduceLROnPlateau) -> float:
    return 0.1 * cb.trainer.lr_scale


def test_keras_reduces_lr_with_model_fit(fit_scripted) -> None:
    plateau = ReduceLROnPlateau(monitor="val_score", patience=1, factor=0.1, min_delta=100)
    result = fit_scripted([1.0], [plateau], epochs=2)
    assert next_lr(result, plateau) == pytest.approx(0.01)


def test_keras_schedule_composes_instead_of_raising(fit_scripted) -> None:
    """Keras raises TypeError when the optimizer has a schedule; ours multiplies it: the rate
    is base x schedule(step) x scale (a deliberate difference)."""
    from nnrecipe._train._schedule import lr_factor

    plateau = ReduceLROnPlateau(monitor="val_score", patience=1, factor=0.1, min_delta=100)
    result = fit_scripted([1.0], [plateau], epochs=4, schedule="cosine")
    logged = [r["lr"] for r in result.history if "lr" in r]
    scales = [1.0, 1.0, 0.1, 0.01]  # a cut after the validations of steps 2 and 3
    assert logged == pytest.approx([0.1 * lr_factor("cosine", s, 4) * k for s, k in zip(range(4), scales)])


def test_keras_verbose_logging(fit_scripted, caplog) -> None:
    plateau = ReduceLROnPlateau(monitor="val_score", patience=1, factor=0.1, min_delta=100)
    with caplog.at_level(logging.INFO, logger="nnrecipe.callbacks._reduce_lr"):
        fit_scripted([1.0], [plateau], epochs=2)
    assert "ReduceLROnPlateau: lr 0.1 -> 0.01 at step 2" in caplog.text


def test_keras_honors_min_lr(fit_scripted) -> None:
    plateau = ReduceLROnPlateau(monitor="val_score", patience=1, factor=0.1, min_delta=10, min_lr=0.005)
    result = fit_scripted([1.0], [plateau], epochs=4)
    assert next_lr(result, plateau) == pytest.approx(0.005)


def test_keras_cooldown(fit_scripted) -> None:
    """Keras: with a cooldown of 2, 4 epochs cut twice: 0.1 -> 0.01 -> 0.001."""
    plateau = ReduceLROnPlateau(monitor="val_score", patience=1, factor=0.1, min_delta=100, cooldown=2)
    result = fit_scripted([1.0], [plateau], epochs=4)
    assert next_lr(result, plateau) == pytest.approx(0.001)


def test_keras_state_reset_across_fit_calls(state: TrainerState) -> None:
    plateau = ReduceLROnPlateau(monitor="loss", patience=1, factor=0.1, min_delta=0, cooldown=2)
    plateau.set_trainer(state)
    plateau.on_train_begin({})
    plateau.best, plateau.wait, plateau.cooldown_counter = 0.5, 3, 2
    plateau.on_train_begin({})
    assert (plateau.best, plateau.wait, plateau.cooldown_counter) == (None, 0, 0)


def test_keras_reused_instance_starts_each_fit_from_the_base_rate(fit_scripted) -> None:
    plateau = ReduceLROnPlateau(monitor="val_score", patience=1, factor=0.1, min_delta=100)
    fit_scripted([1.0], [plateau], epochs=3)
    second = fit_scripted([1.0], [plateau], epochs=1)
    assert [r["lr"] for r in second.history if "lr" in r] == [0.1]
