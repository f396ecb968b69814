"""Learning-rate range test: an exponential sweep, the smoothed loss, a suggested learning rate.

Information, never a verdict: a loss already near its floor at init, a noisy loss, or a
sweep cut short by the time budget leave no clear minimum, and then the suggestion is
withheld rather than wrong. Whether any learning rate lowers the loss is ``loss_decreases``'s
question.
"""

from __future__ import annotations

import math

from ._base import Check
from ._context import CheckContext
from ._result import CheckResult
from ._short_run import short_run

__all__ = ["LrRange", "suggest_lr"]

NAME = "lr_range"
START, END, STEPS = 1e-6, 3.0, 100
EXPECTED = "information: a suggested learning rate where the smoothed loss falls fastest before it turns up"


def suggest_lr(lrs: list[float], losses: list[float], beta: float = 0.9) -> tuple[float | None, list[float], float]:
    """Suggest a learning rate from a sweep: a tenth of the one at the smoothed loss's minimum.

    The first steps run at rates too small to learn, so their spread measures batch-to-batch
    noise; a fall smaller than that noise (or than 2%) is no fall.

    Returns:
        ``(suggestion, smoothed losses, relative drop from the first steps' mean)``; the
        suggestion is ``None`` when the loss never clearly fell.
    """
    smooth, avg = [], 0.0
    for i, v in enumerate(losses):
        avg = beta * avg + (1 - beta) * v
        smooth.append(avg / (1 - beta ** (i + 1)))  # bias-corrected moving average
    if not smooth:
        return None, smooth, 0.0
    head = losses[: max(1, min(10, len(losses) // 4))]
    start = sum(head) / len(head)
    noise = (sum((v - start) ** 2 for v in head) / max(len(head) - 1, 1)) ** 0.5
    best = min(range(len(smooth)), key=smooth.__getitem__)
    fall = start - smooth[best]
    drop = fall / max(abs(start), 1e-12)
    clear = fall > max(0.02 * abs(start), 1.5 * noise)
    return (lrs[best] / 10 if clear else None), smooth, drop


class LrRange(Check):
    """Raise the learning rate exponentially each step and stop once the loss blows up."""

    name = NAME

    def run(self, ctx: CheckContext) -> CheckResult:
        ctx.batch(1, minimum=2)
        lrs = [START * (END / START) ** (i / (STEPS - 1)) for i in range(STEPS)]
        smooth: list[float] = []

        def sweep(step: int, loss: float) -> bool:
            # Stop on the smoothed loss: one lucky batch must not end the sweep early.
            avg = (smooth[-1] * (1 - 0.9 ** (step - 1)) if smooth else 0.0) * 0.9 + 0.1 * loss
            smooth.append(avg / (1 - 0.9**step))
            best = min(smooth)
            return step > 10 and smooth[-1] > 4 * best and smooth[-1] > best + 0.1  # diverging

        run = short_run(ctx, ctx.fresh_model(), (ctx.X, ctx.y), steps=STEPS, on_step=sweep,
                        lr_at=lambda step: lrs[min(step, len(lrs) - 1)])
        losses = [v for v in run.losses if math.isfinite(v)]
        used = lrs[: len(losses)]
        suggestion, smoothed, drop = suggest_lr(used, losses)
        cut = run.timed_out
        at_end = bool(smoothed) and min(range(len(smoothed)), key=smoothed.__getitem__) >= len(smoothed) - 3
        if cut and at_end:
            suggestion = None  # the minimum is wherever the budget stopped the sweep: not a minimum
        details = {"lrs": used, "losses": losses, "smoothed": smoothed, "suggested_lr": suggestion, "drop": drop,
                   "cut_by_budget": cut}
        swept = f"lr {used[0]:.0e}..{used[-1]:.0e}" if used else "no step"
        cut_note = f"; the time budget cut the sweep at lr {used[-1]:.1e}" if cut and used else ""
        if suggestion is None:
            return CheckResult(name=NAME, status="pass", measured=f"no clear minimum over {swept} (best {drop:.1%} below the "
                               f"start, within noise or cut short): suggestion withheld{cut_note}", expected=EXPECTED,
                               summary="no clear minimum; none suggested" if not cut else "sweep cut by budget; none suggested",
                               details=details)
        top = len(losses) == STEPS and run.diverged_at is None
        measured = (f"suggested lr {suggestion:.1e} (a tenth of {suggestion * 10:.1e}, where the smoothed loss bottoms out, "
                    f"{drop:.0%} below its start)" + ("; the sweep never diverged" if top else "") + cut_note)
        return CheckResult(name=NAME, status="pass", measured=measured, expected=EXPECTED,
                           summary=f"suggested lr {suggestion:.1e}", details=details)
