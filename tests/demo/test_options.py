"""The demo's size: validated up front, the quick preset smaller in every stage."""

import pytest

from nnrecipe import ConfigError
from nnrecipe.demo import DemoOptions, plan


@pytest.mark.parametrize(("field", "value"), [("trials", 0), ("steps", 1.5), ("workers", True), ("exploit_trials", -1), ("seed", -3), ("budget", 0.0), ("check_budget", -1.0)])
def test_a_bad_value_is_refused_naming_it(field: str, value: object) -> None:
    with pytest.raises(ConfigError, match=f"{field}={value!r}"):
        DemoOptions(**{field: value})


def test_quick_is_smaller_than_the_full_demo_and_states_its_figures() -> None:
    full, quick = DemoOptions(), DemoOptions.quick(seed=3)
    assert quick.seed == 3
    assert quick.steps < full.steps and quick.trials < full.trials and quick.check_budget < full.check_budget
    assert "%" in quick.expect and "99.0%" in full.expect


def test_no_budget_runs_every_exploitation_trial_and_the_plan_says_so() -> None:
    assert "budget" in plan("exploit", DemoOptions())
    assert "budget" not in plan("exploit", DemoOptions(budget=None))
