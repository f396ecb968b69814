"""``run_demo``: the whole recipe on MNIST-1D, stage after stage, each timed."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from pathlib import Path

from .._core._files import create_run_dir
from ._context import Context
from ._finish import AVERAGE_OF, ensemble_stage, report_stage, test_stage
from ._listener import DemoListener, Silent
from ._options import DemoOptions
from ._prepare import audit_stage, baseline_stage, checks_stage
from ._result import DemoResult, Stage, StageName
from ._search import analysis_stage, exploit_stage, search_stage

__all__ = ["run_demo"]

StageFunction = Callable[[Context, DemoResult], tuple[DemoResult, str]]

_STAGES: tuple[tuple[StageName, StageFunction], ...] = (
    ("audit", audit_stage),
    ("checks", checks_stage),
    ("baseline", baseline_stage),
    ("search", search_stage),
    ("exploit", exploit_stage),
    ("analysis", analysis_stage),
    ("ensemble", ensemble_stage),
    ("test", test_stage),
    ("report", report_stage),
)


def run_demo(options: DemoOptions | None = None, *, runs_dir: str | Path = "runs", listener: DemoListener | None = None) -> DemoResult:
    """Run the recipe end to end on MNIST-1D, in a new folder ``runs_dir/demo-<time>``.

    In order: audit the data; run the sanity checks (a failed check stops the demo); train
    the baseline with the recipe's defaults; explore a practitioner's search space with
    quasi-random trials, then exploit it with Bayesian ones if the budget allows; analyse
    the study; ensemble the best runs, chosen on validation; look at the test set once, for
    the chosen model and the ensemble; write the HTML report.

    Args:
        options: The demo's size (default: the full demo; :meth:`DemoOptions.quick` for a first look).
        runs_dir: Where the demo's folder is created.
        listener: Told as each stage starts and finishes (the CLI prints each stage's section).

    Returns:
        A :class:`DemoResult` with every stage's result, time and headline.

    Raises:
        ConfigError: ``runs_dir`` is a file.

    Example:
        >>> result = run_demo(DemoOptions.quick())  # doctest: +SKIP
        >>> result.test.ensemble, result.report  # doctest: +SKIP
        (0.979, PosixPath('runs/demo-20260101-120000/report.html'))
    """
    options = options or DemoOptions()
    listener = listener or Silent()
    ctx = Context(options=options, folder=create_run_dir(Path(runs_dir), "demo"))
    result = DemoResult(folder=ctx.folder, options=options)
    for name, stage_function in _STAGES:
        listener.stage_started(name, plan(name, options))
        start = time.perf_counter()
        result, headline = stage_function(ctx, result)
        stage = Stage(name, time.perf_counter() - start, headline)
        result = dataclasses.replace(result, stages=(*result.stages, stage))
        listener.stage_finished(stage, result)
        if result.stopped is not None:
            break
    return result


def plan(name: StageName, o: DemoOptions) -> str:
    """What stage ``name`` does with options ``o``, in a line.

    Example:
        >>> plan("search", DemoOptions())
        '12 quasi-random (Halton) trials of 1500 steps, 2 worker processes of one thread each'
    """
    budget = "" if o.budget is None else f", as many as fit the {o.budget:.0f} s budget"
    plans: dict[StageName, str] = {
        "audit": "duplicates, leakage, corrupt examples, class balance, outliers, label errors",
        "checks": f"the skeleton's sanity checks on the reference CNN, {o.check_budget:g} s per training check",
        "baseline": f"the recipe's defaults (Adam 3e-4, constant rate) for {o.steps} steps",
        "search": f"{o.trials} quasi-random (Halton) trials of {o.steps} steps, {o.workers} worker processes of one thread each",
        "exploit": f"up to {o.exploit_trials} Bayesian (TPE) trials informed by the exploration{budget}",
        "analysis": "the playbook's analyses of the study (nnrecipe analyze)",
        "ensemble": f"average of the best {AVERAGE_OF} runs by validation, and greedy selection (nnrecipe ensemble)",
        "test": "the test set, once: the chosen model (best by validation) and the ensemble",
        "report": "one self-contained HTML page over the demo's folder (nnrecipe report)",
    }
    return plans[name]
