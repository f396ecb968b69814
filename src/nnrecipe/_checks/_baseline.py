"""Input-independent baseline: real inputs must do clearly better than inputs set to zero.

"Clearly" is an effect size with a confidence bound, not significance alone: on a large
sample, real inputs 0.2% better than zeros are significant and still mean the model learns
next to nothing from them.
"""

from __future__ import annotations

import dataclasses
import math

from ._base import Check
from ._context import CheckContext
from ._result import CheckResult
from ._short_run import Evaluation, TrainedRun

__all__ = ["Gap", "InputIndependentBaseline", "gap"]

NAME = "input_independent_baseline"
EXPECTED = "held-out loss on real inputs at least 2% below the zero-input model's (bound: mean - 2 SE > 1%)"
STEPS = 100
CLEAR = 0.02  # relative improvement that counts as learning from the inputs


@dataclasses.dataclass(frozen=True)
class Gap:
    """How much lower the real-input model's per-example losses are than the zero-input model's.

    Attributes:
        relative: Mean improvement over the zero-input model's mean loss.
        lower: The same, at the mean minus two standard errors.
        z: The mean improvement in standard errors (0 when every difference is 0).
        n: Paired examples.
    """

    relative: float
    lower: float
    z: float
    n: int

    @property
    def clear(self) -> bool:
        return self.z > 3 and self.relative >= CLEAR and self.lower > CLEAR / 2


def gap(real: Evaluation, zero: Evaluation) -> Gap:
    """The paired improvement of ``real`` over ``zero`` on the same examples."""
    diffs = [b - a for a, b in zip(real.losses, zero.losses, strict=True)]
    n = len(diffs)
    base = max(abs(zero.mean), 1e-12)
    if n < 2:
        return Gap(0.0, 0.0, 0.0, n)
    mean = sum(diffs) / n
    sd = math.sqrt(sum((d - mean) ** 2 for d in diffs) / (n - 1))
    se = sd / math.sqrt(n)
    z = 0.0 if sd == 0.0 and mean <= 0 else (math.inf if sd == 0.0 else mean / se)
    return Gap(mean / base, (mean - 2 * se) / base, z, n)


def _judge(real: TrainedRun, zero: TrainedRun) -> tuple[str, str, str]:
    """``(status, reason, short)`` from the two runs."""
    assert real.held is not None and zero.held is not None  # split() held data out
    held, train = gap(real.held, zero.held), gap(real.train, zero.train)
    if real.held.losses == zero.held.losses:
        return "fail", "real and zero inputs give identical losses: the output does not depend on the input", "identical to zero inputs"
    if held.clear:
        return "pass", "", f"{held.relative:.0%} below zero inputs"
    # What the model took from its inputs on the examples it trained on, twice the bar for held-out data.
    learned_from_inputs = train.z > 3 and train.relative >= 2 * CLEAR
    if learned_from_inputs and held.relative <= 0:
        return ("fail", (f"the model fits its training examples from the inputs ({train.relative:.0%} below zeros) but "
                         "nothing carries over to held-out data"), "no held-out gain over zeros")
    if learned_from_inputs:
        return ("warn", (f"the inputs help on training examples ({train.relative:.0%} below zeros) but on held-out data only "
                         f"{held.relative:.1%} (bound {held.lower:.1%}) after this short run"), f"only {held.relative:.1%} below zeros")
    if real.drop < CLEAR and zero.drop < CLEAR:
        return ("warn", ("inconclusive: neither run learned enough in this budget to compare "
                         f"(training loss {real.before:.4g} -> {real.after:.4g})"), "inconclusive: too little learned")
    return ("fail", ("the model learns what zeros learn (the targets' prior) and nothing from its inputs: "
                     f"{held.relative:.1%} lower on held-out data, {train.relative:.1%} on training examples"),
            "nothing learned from inputs")


def _constant_targets(ctx: CheckContext) -> str | None:
    """The single value every training target takes (one class, a constant), if so."""
    y = ctx.all_y
    if y.numel() == 0:
        return None
    first = y.reshape(len(y), -1)[0]
    if not bool((y.reshape(len(y), -1) == first).all()):
        return None
    values = first.flatten()[:4].tolist()
    return str(values[0] if len(values) == 1 else values)


class InputIndependentBaseline(Check):
    """Train the same model, steps and seed on real and on zeroed inputs; compare on held-out data.

    A model trained on zeros learns the best constant (the prior or the mean). Real inputs
    that do not do clearly better mean the model ignores them, or the labels do not follow
    the inputs; a model that fits its training examples without any held-out gain memorises.
    """

    name = NAME

    def run(self, ctx: CheckContext) -> CheckResult:
        ctx.split()  # skips without enough data to hold some out
        real, zero = ctx.real_run(STEPS), ctx.zero_run(STEPS)
        status, reason, short = _judge(real, zero) if real.outcome.diverged_at is None else ("fail", "", "")
        if status != "pass" and real.outcome.diverged_at is None:
            # Inconclusive after a short run: a slow learner gets four times the steps, both sides.
            # Always by steps, never by the clock, so the verdict does not depend on the machine's load.
            real, zero = ctx.real_run(4 * STEPS), ctx.zero_run(4 * STEPS)
            status, reason, short = _judge(real, zero) if real.outcome.diverged_at is None else ("fail", "", "")
            cut = real.outcome.timed_out or zero.outcome.timed_out
            if status == "fail" and cut and real.held is not None and real.held.losses != zero.held.losses:  # type: ignore[union-attr]
                # A slow learner cut short by the time budget has not shown that it ignores its inputs.
                status, short = "warn", "inconclusive: cut by the time budget"
                reason = f"{reason}; the time budget stopped the runs after {real.steps} of {4 * STEPS} steps, raise --budget to be sure"
        assert real.held is not None and zero.held is not None
        held = gap(real.held, zero.held)
        details = {"real_loss": real.held.mean, "zero_loss": zero.held.mean, "real_accuracy": real.held.accuracy,
                   "zero_accuracy": zero.held.accuracy, "steps": real.steps, "evaluated_on": real.where, "z": held.z,
                   "relative_gain": held.relative, "relative_gain_lower": held.lower, "examples": held.n,
                   "train_relative_gain": gap(real.train, zero.train).relative}
        acc = (f", accuracy {real.held.accuracy:.1%} vs {zero.held.accuracy:.1%}"
               if real.held.accuracy is not None and zero.held.accuracy is not None else "")
        measured = (f"after {real.steps} steps, {real.where} loss {real.held.mean:.4g} (real) vs {zero.held.mean:.4g} (zeros)"
                    f"{acc}: {held.relative:.1%} lower, bound {held.lower:.1%}, z {held.z:.1f} over {held.n} examples")
        constant = _constant_targets(ctx)
        if constant is not None:
            return CheckResult(name=NAME, status="warn", measured=f"{measured}; every training target is {constant}: "
                               "there is nothing for the inputs to explain", expected=EXPECTED,
                               summary="constant targets: nothing to learn", details=details,
                               why="with a single class or a constant target no input can beat the prior; the "
                               "comparison says nothing about the model", fix="check the labels (a filter that kept one "
                               "class, a column read as the wrong field)")
        if real.outcome.diverged_at is not None or zero.outcome.diverged_at is not None:
            return CheckResult(name=NAME, status="fail", measured=measured + "; a run diverged", expected=EXPECTED,
                               why="the comparison needs two finite runs", fix="see loss_decreases", summary="a run diverged",
                               details=details)
        if status == "pass":
            return CheckResult(name=NAME, status="pass", measured=measured, expected=EXPECTED, summary=short, details=details)
        return CheckResult(
            name=NAME, status=status, measured=f"{measured}; {reason}", expected=EXPECTED, summary=short,  # type: ignore[arg-type]
            why="a model that does no better with its inputs than with zeros ignores them (a multiplication by zero, a "
            "detached branch), or the labels do not follow the inputs (inputs and labels shuffled separately, a wrong join)",
            fix="check that inputs reach the output (gradient_flow, batch_independence) and that inputs and labels are "
            "indexed together; with a weak signal, raise the budget to be sure", details=details,
        )
