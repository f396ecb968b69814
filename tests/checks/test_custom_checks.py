"""Users add their own checks: a small class with a name and run(ctx), next to the defaults."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from nnrecipe import CheckResult, ConfigError, check
from nnrecipe.checking import DEFAULT_CHECKS, Check, CheckContext, select_checks


class OutputsBounded(Check):
    """Outputs of the fresh model stay within a bound on a batch (a user's own rule)."""

    name = "outputs_bounded"

    def __init__(self, bound: float) -> None:
        self.bound = bound

    def run(self, ctx: CheckContext) -> CheckResult:
        x, _ = ctx.batch(32)
        with torch.no_grad():
            out = ctx.forward(ctx.fresh_model().eval(), x)
        worst = float(out.abs().max())
        return CheckResult(name=self.name, status="pass" if worst <= self.bound else "fail",
                           measured=f"max |output| {worst:.3g}", expected=f"at most {self.bound}")


class SharesTheRun(Check):
    """Reads the memoised short run that loss_decreases also uses: no second training run."""

    name = "shares_the_run"

    def run(self, ctx: CheckContext) -> CheckResult:
        run = ctx.real_run()
        return CheckResult(name=self.name, status="pass", measured=f"{run.steps} steps", expected="",
                           details={"same": run is ctx.real_run()})


def test_a_user_check_runs_after_the_defaults(vectors):
    report = check(nn.Linear(16, 4), vectors, "cross_entropy", checks=[*select_checks(only=["init_loss"]), OutputsBounded(0.01)])
    assert [r.name for r in report.results] == ["init_loss", "outputs_bounded"]
    assert report["outputs_bounded"].status == "fail"
    assert report["outputs_bounded"].seconds > 0


def test_shared_work_is_memoised_on_the_context(vectors):
    report = check(nn.Linear(16, 4), vectors, "cross_entropy", checks=[SharesTheRun()])
    assert report["shares_the_run"].details["same"] is True


def test_a_check_that_raises_fails_alone(vectors):
    class Broken(Check):
        name = "broken"

        def run(self, ctx: CheckContext) -> CheckResult:
            raise KeyError("oops")

    report = check(nn.Linear(16, 4), vectors, "cross_entropy", checks=[Broken(), *select_checks(only=["init_loss"])])
    assert report["broken"].status == "fail"
    assert report["init_loss"].status == "pass"


def test_checks_must_be_check_instances_with_unique_names(vectors):
    with pytest.raises(ConfigError, match="list of Check instances"):
        check(nn.Linear(16, 4), vectors, "cross_entropy", checks=["init_loss"])  # type: ignore[list-item]
    with pytest.raises(ConfigError, match="more than once"):
        check(nn.Linear(16, 4), vectors, "cross_entropy", checks=[*DEFAULT_CHECKS, DEFAULT_CHECKS[0]])


def test_check_takes_at_most_seven_parameters():
    import inspect

    assert len(inspect.signature(check).parameters) <= 7
