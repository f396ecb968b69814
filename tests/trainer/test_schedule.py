import pytest

from nnrecipe._train._schedule import lr_factor


def test_constant_is_one_everywhere() -> None:
    assert {lr_factor("constant", s, 100) for s in range(100)} == {1.0}


def test_warmup_is_linear_from_zero() -> None:
    assert [lr_factor("constant", s, 100, warmup=4) for s in range(5)] == [0.25, 0.5, 0.75, 1.0, 1.0]


@pytest.mark.parametrize("schedule", ["cosine", "linear"])
def test_decays_reach_zero_at_the_end(schedule: str) -> None:
    assert lr_factor(schedule, 0, 100) == 1.0
    assert lr_factor(schedule, 100, 100) == pytest.approx(0.0, abs=1e-12)


def test_step_decays_tenfold_at_half_and_three_quarters() -> None:
    assert [lr_factor("step", s, 100) for s in (49, 50, 74, 75)] == pytest.approx([1.0, 0.1, 0.1, 0.01])


def test_onecycle_rises_then_anneals() -> None:
    values = [lr_factor("onecycle", s, 100) for s in range(101)]
    assert values[0] == pytest.approx(1 / 25)
    assert max(values) == pytest.approx(1.0) and values.index(max(values)) == 30
    assert values[-1] == pytest.approx(1e-4)
