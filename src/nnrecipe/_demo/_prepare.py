"""The recipe's first three stages in the demo: audit the data, check the model, train the baseline.

Each stage function takes the demo's :class:`Context` and its result so far, and returns
the result with its own part filled in and a one-line headline.
"""

from __future__ import annotations

import dataclasses

from .._audit._audit import audit
from .._checks._check import check
from .._checks._options import CheckOptions
from .._core._files import atomic_write_text
from .._train._fit import fit_experiment
from ..callbacks import ModelCheckpoint
from ._context import Context
from ._result import DemoResult
from ._space import BASELINE

__all__ = ["audit_stage", "baseline_stage", "checks_stage"]

Outcome = tuple[DemoResult, str]


def audit_stage(ctx: Context, result: DemoResult) -> Outcome:
    """Become one with the data: duplicates, leakage, corrupt examples, balance, outliers, label errors."""
    exp = ctx.experiment
    report = audit(exp.train, val=exp.val, test=exp.test)
    report.save(ctx.folder / "audit")
    return dataclasses.replace(result, audit=report), f"{len(report.errors)} error(s), {len(report.warnings)} warning(s)"


def checks_stage(ctx: Context, result: DemoResult) -> Outcome:
    """The skeleton's sanity checks on the reference CNN, with the recipe's default optimizer."""
    exp = ctx.experiment
    config = exp.train_config({"seed": ctx.options.seed})
    folder = ctx.folder / "checks"
    folder.mkdir()
    report = check(
        lambda: exp.build_model(seed=config.seed), exp.train, exp.loss, val=exp.val, config=config,
        options=CheckOptions(run_dir=folder, budget=ctx.options.check_budget),
    )
    atomic_write_text(folder / "check.json", report.to_json())
    counts = report.counts()
    headline = ", ".join(f"{n} {verdict}" for verdict, n in counts.items() if n)
    if report.ok:
        return dataclasses.replace(result, checks=report), headline
    failed = ", ".join(r.name for r in report.failed)
    return dataclasses.replace(result, checks=report, stopped=f"a check failed ({failed}): fix it before training"), headline


def baseline_stage(ctx: Context, result: DemoResult) -> Outcome:
    """The recipe's defaults (Adam at 3e-4, constant rate) for as many steps as each trial.

    One thread, as each trial: a model this small gains little from a second one, and on a
    busy machine two threads spinning against other processes ran 20x slower (measured).
    """
    hparams = {**BASELINE, **ctx.run_hparams(), "threads": 1}
    best = ModelCheckpoint(monitor="val_accuracy", save_top_k=0, save_last=False)
    run = fit_experiment(ctx.experiment, hparams, callbacks=[best], runs_dir=ctx.folder, name="baseline")
    value = run.best.get("val_accuracy") if run.best else None
    headline = "diverged" if run.diverged or value is None else f"best val_accuracy {value:.2%} at step {run.best_step}"
    return dataclasses.replace(result, baseline=run), f"{headline} ({run.steps} steps, {run.seconds:.0f} s)"
