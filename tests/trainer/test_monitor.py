"""One Monitor for every "best": directions come from what the metrics declare."""

import math

import pytest

from nnrecipe import ConfigError
from nnrecipe._core._monitor import Monitor


@pytest.mark.parametrize(
    ("name", "mode"),
    [("val_loss", "min"), ("loss", "min"), ("val_accuracy", "max"), ("val_top5", "max"), ("val_mae", "min"), ("val_rmse", "min")],
)
def test_built_in_names_resolve_to_their_declared_direction(name: str, mode: str) -> None:
    assert Monitor.resolve(name).mode == mode


@pytest.mark.parametrize("name", ["val_recall_error", "val_f1", "val_accuracy_drop", "lr"])
def test_an_undeclared_name_asks_for_mode_instead_of_guessing(name: str) -> None:
    with pytest.raises(ConfigError, match=rf"cannot tell whether '{name}' should go up or down.*mode='max' or mode='min'"):
        Monitor.resolve(name)


def test_a_run_declares_its_own_metrics() -> None:
    assert Monitor.resolve("val_recall_error", directions={"val_recall_error": "min"}).mode == "min"
    assert Monitor.resolve("val_recall_error", "max").mode == "max"  # an explicit mode always wins


def test_best_row_skips_missing_and_non_finite_values_and_keeps_the_first_tie() -> None:
    rows = [{"step": 1, "val_loss": 0.5}, {"step": 2}, {"step": 3, "val_loss": math.nan}, {"step": 4, "val_loss": 0.2},
            {"step": 5, "val_loss": 0.2}]
    assert Monitor("val_loss", "min").best(rows)["step"] == 4
    assert Monitor("val_loss", "max").best(rows)["step"] == 1
    assert Monitor("val_loss", "min").best([{"step": 1}]) is None


def test_min_delta_is_absolute() -> None:
    m = Monitor("val_loss", "min")
    assert m.is_improvement(0.89, 1.0, min_delta=0.1) and not m.is_improvement(0.95, 1.0, min_delta=0.1)
    assert m.is_improvement(123.0, None)
