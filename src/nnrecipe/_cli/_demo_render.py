"""How ``nnrecipe demo`` shows each stage as it finishes, and the summary table at the end.

Imported by the demo command's ``run`` only: it imports the heavy parts of nnrecipe.
"""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from nnrecipe.demo import DemoListener, DemoResult, Stage, StageName
from nnrecipe.ensembling import render_text as ensemble_text
from nnrecipe.tuning import render_text as analysis_text

from ._audit import render_audit_summary
from ._check import render_check_table

__all__ = ["Printer", "render_summary"]

_TITLES: dict[StageName, str] = {
    "audit": "become one with the data (nnrecipe audit)",
    "checks": "skeleton and dumb baselines (nnrecipe check)",
    "baseline": "the baseline: the recipe's defaults (nnrecipe fit)",
    "search": "explore: quasi-random search (nnrecipe tune)",
    "exploit": "exploit: Bayesian trials, if the budget allows (nnrecipe tune)",
    "analysis": "analyse the study (nnrecipe analyze)",
    "ensemble": "ensemble the best runs, on validation (nnrecipe ensemble)",
    "test": "the test set, once",
    "report": "the report (nnrecipe report)",
}


class Printer(DemoListener):
    """Each stage as a short section: a rule, what it does, its own output, its time."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.number = 0

    def stage_started(self, name: StageName, plan: str) -> None:
        self.number += 1
        self.console.rule(f"[bold]{self.number}. {_TITLES[name]}")
        self.console.print(f"[dim]{plan}[/]", highlight=False)

    def stage_finished(self, stage: Stage, result: DemoResult) -> None:
        c = self.console
        if stage.name == "audit" and result.audit is not None:
            render_audit_summary(result.audit, c)
        elif stage.name == "checks" and result.checks is not None:
            render_check_table(result.checks, c)
        elif stage.name == "analysis" and result.analysis is not None:
            c.print(analysis_text(result.analysis), markup=False, highlight=False)
        elif stage.name == "test" and result.ensemble is not None:
            c.print(ensemble_text(result.ensemble), markup=False, highlight=False)
        c.print(f"[bold]{stage.name}[/] {stage.seconds:.1f} s: {stage.headline}", highlight=False)
        if result.stopped:
            c.print(f"[bold red]{result.stopped} (the demo stops here)[/]", highlight=False)


def render_summary(console: Console, result: DemoResult) -> None:
    table = Table(title="nnrecipe demo: summary", title_justify="left")
    table.add_column("stage")
    table.add_column("time", justify="right")
    table.add_column("headline")
    for s in result.stages:
        table.add_row(s.name, f"{s.seconds:.1f} s", s.headline)
    table.add_row("total", f"{result.seconds:.1f} s", f"folder {result.folder}")
    console.print(table)
    if result.test is not None:
        console.print(
            f"[bold green]test accuracy: chosen model {result.test.single:.2%}, ensemble {result.test.ensemble:.2%}[/] "
            "(MNIST-1D paper: logistic regression 32%, MLP 68%, CNN 94%, GRU 91%; human 96%)",
            highlight=False,
        )
    if result.report is not None:
        console.print(f"report: {result.report}", highlight=False, soft_wrap=True)
