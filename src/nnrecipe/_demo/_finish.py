"""The demo's last stages: the ensemble (chosen on validation), the test set once, the report.

No model is retrained or rebuilt: every run stored its validation and test predictions at
its end, from its best validation checkpoint. Selection reads the validation ones only; the
test ones are looked at once, in the test stage, after every choice was made.
"""

from __future__ import annotations

import dataclasses

from .._ensemble._ensemble import ensemble
from .._ensemble._options import EnsembleOptions
from .._ensemble._render_text import gain_format
from .._ensemble._result import ENSEMBLE_FILE
from .._report._report import report
from .._tune._study import Study
from ._context import Context
from ._result import DemoResult, FinalFigures

__all__ = ["REPORT_FILE", "ensemble_stage", "report_stage", "test_stage"]

Outcome = tuple[DemoResult, str]
REPORT_FILE = "report.html"
# The ensemble the demo reports averages the best 5 runs by validation: fixed before any test
# figure is seen, and steadier on 500 validation examples than greedy selection, which can
# fit their noise (greedy is shown next to it).
AVERAGE_OF = 5


def ensemble_stage(ctx: Context, result: DemoResult) -> Outcome:
    """The best runs by validation accuracy, averaged; greedy selection (Caruana) next to it."""
    sources: list[Study | str] = [ctx.study()]
    if result.baseline is not None and result.baseline.run_dir is not None:
        sources.append(str(result.baseline.run_dir))
    chosen = ensemble(*sources, options=EnsembleOptions(average=AVERAGE_OF, seed=ctx.options.seed))
    chosen.save(ctx.folder / ENSEMBLE_FILE)
    m, average, greedy = chosen.metric, chosen.average, chosen.greedy
    headline = (
        f"{len(chosen.members)} models; average of the best {len(average.used)}: val {m} {average.val[m]:.2%}; "
        f"greedy, {len(greedy.used)} models: val {m} {greedy.val[m]:.2%}"
    )
    return dataclasses.replace(result, ensemble=chosen), headline


def test_stage(ctx: Context, result: DemoResult) -> Outcome:
    """The chosen model and the ensemble on the test set, once."""
    figures = None if result.ensemble is None else FinalFigures.of(result.ensemble)
    if figures is None:
        return result, "no test predictions stored"
    gain = gain_format("accuracy")
    low, high = figures.interval
    headline = (
        f"chosen model ({figures.single_label}) {figures.single:.2%}; ensemble of {figures.ensemble_size} "
        f"{figures.ensemble:.2%} ({gain(figures.gain)}, 95% CI {gain(low)} to {gain(high)})"
    )
    return dataclasses.replace(result, test=figures), headline


def report_stage(ctx: Context, result: DemoResult) -> Outcome:
    """One self-contained HTML page over the demo's folder: audit, checks, runs, study, ensemble."""
    page = report(ctx.folder)
    path = page.write(ctx.folder / REPORT_FILE)
    missing = f"; not shown: {', '.join(m.what for m in page.missing)}" if page.missing else ""
    return dataclasses.replace(result, report=path), f"{len(page.sections)} sections, {path.stat().st_size / 1e6:.1f} MB{missing}"
