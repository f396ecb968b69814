import pytest

from nnrecipe.callbacks import ReduceLROnPlateau, TrainerState


def lrs(cb: ReduceLROnPlateau, state: TrainerState, values: list[float]) -> list[float]:
    cb.set_trainer(state)
    cb.on_train_begin({})
    out = []
    for i, v in enumerate(values):
        cb.on_validation_end(i + 1, {"val_loss": v})
        out.append(round(state.optimizer.param_groups[0]["lr"], 6))
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


def test_scales_the_schedule_through_lr_scale(state: TrainerState) -> None:
    lrs(ReduceLROnPlateau(factor=0.5, patience=0), state, [1.0, 1.0])
    assert state.lr_scale == pytest.approx(0.5)


def test_improvement_resets_the_wait(state: TrainerState) -> None:
    assert lrs(ReduceLROnPlateau(factor=0.5, patience=2), state, [1.0, 1.0, 0.5, 0.5, 0.5]) == [0.1] * 4 + [0.05]


@pytest.mark.parametrize("factor", [0.0, 1.0, 2.0])
def test_factor_must_be_in_unit_interval(factor: float) -> None:
    with pytest.raises(ValueError, match="factor"):
        ReduceLROnPlateau(factor=factor)
