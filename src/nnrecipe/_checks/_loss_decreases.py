"""Training loss decreases over a short run with the user's optimizer, and never below its floor."""

from __future__ import annotations

from ._base import Check
from ._context import CheckContext
from ._result import CheckResult

__all__ = ["LossDecreases"]

NAME = "loss_decreases"
EXPECTED = "finite losses; loss on a fixed training batch at least 2% lower after the run"
STEPS = 100


class LossDecreases(Check):
    """Train for up to 100 steps (400 when the first run is inconclusive and time allows).

    Judged on one fixed training batch with one fixed dropout mask before and after, so
    batch-to-batch noise cannot pass for progress. A class loss that goes below 0 has the
    wrong sign: it decreases without bound instead of fitting.
    """

    name = NAME

    def run(self, ctx: CheckContext) -> CheckResult:
        ctx.batch(1, minimum=2)
        run = ctx.real_run(STEPS)
        if run.outcome.diverged_at is None and not run.drop >= 0.02:
            # A slow learner gets four times the steps: by steps, never by the clock, so the verdict
            # does not depend on the machine's load (a run the time budget cuts short is a warn below).
            run = ctx.real_run(4 * STEPS)
        losses = run.outcome.losses
        details: dict[str, object] = {"losses": losses, "diverged_at": run.outcome.diverged_at, "timed_out": run.outcome.timed_out}
        if run.outcome.diverged_at is not None:
            return _result("fail", f"loss became {losses[-1]} at step {run.outcome.diverged_at}", f"diverged at step {run.outcome.diverged_at}",
                           "divergence: the updates are too large or the loss has a singularity",
                           "lower the learning rate (see lr_range), clip gradients, look for log(0) or division by zero "
                           "in the loss", details)
        lowest = min(losses)
        likelihood = ctx.task == "binary" or (ctx.task != "regression" and not ctx.y.is_floating_point())
        if likelihood and lowest < -1e-3 * max(1.0, abs(losses[0])):
            return _result("fail", f"the training loss went down to {lowest:.4g}, below 0, the floor of a likelihood loss",
                           f"loss below its floor: {lowest:.3g}", "a loss that decreases below its floor has the wrong "
                           "sign or unnormalised log-likelihoods: it runs down without bound instead of fitting",
                           "minimise the negative log-likelihood of normalised outputs: log_softmax before nll_loss, or "
                           "logits into cross_entropy; check the loss's sign", details)
        if len(losses) < 15:
            return _result("warn", f"only {len(losses)} steps fit in the {ctx.budget:.0f} s budget", f"only {len(losses)} steps in budget",
                           "too few steps to judge", "raise the budget", details)
        drop = run.drop
        details.update(first=run.before, last=run.after, relative_drop=drop)
        measured = f"loss on a fixed training batch {run.before:.4g} -> {run.after:.4g} after {len(losses)} steps ({-drop:+.1%})"
        summary = f"{run.before:.3g} -> {run.after:.3g} in {len(losses)} steps"
        if drop >= 0.02:
            return _result("pass", measured, summary, "", "", details)
        # A flat loss over the first run's full length is evidence whatever the clock did after it.
        enough = len(losses) >= STEPS or not run.outcome.timed_out
        if not enough:
            measured += f"; the {ctx.budget:.0f} s time budget stopped the run, raise --budget to be sure"
        return _result("fail" if drop < 0.002 and enough else "warn", measured, summary,
                       "a loss that does not decrease on the training set means nothing is learned: wrong learning rate, "
                       "wrong sign, a broken loss, or parameters missing from the optimizer",
                       "try the learning rate lr_range suggests; check that the optimizer receives model.parameters() "
                       "and that the loss is minimised (not maximised)", details)


def _result(status: str, measured: str, summary: str, why: str, fix: str, details: dict[str, object]) -> CheckResult:
    return CheckResult(name=NAME, status=status, measured=measured, expected=EXPECTED, why=why, fix=fix,  # type: ignore[arg-type]
                       summary=summary, details=details)
