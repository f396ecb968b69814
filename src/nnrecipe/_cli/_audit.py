"""``nnrecipe audit``: audit an experiment's data (or a folder / CSV) and write the report."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, Self

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.progress import Progress as RichBar
from rich.table import Table

from .._audit import AuditConfig, AuditReport, audit
from .._audit._progress import AuditInterrupted, Progress
from .._audit._sections import ClassLabels, SequenceTargets
from .._core._errors import ConfigError, DataError
from .._core._experiment import load_experiment
from .._core._files import atomic_folder, create_run_dir
from ._common import add_runs_dir

__all__ = ["PhaseBar", "PhaseLines", "register", "render_audit_summary", "run"]

_STYLE = {"error": "bold red", "warn": "yellow", "info": "dim"}
_SHOWN = 5  # examples per finding in the terminal; the JSON has all of them


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "audit",
        help="look through the data for duplicates, leakage, corrupt examples, outliers, label errors",
        description="Audit an experiment's train/val/test data, or a folder of images (one sub-folder per "
        "class, optionally under train/ val/ test/) or a CSV file given with --data. Writes audit.json and "
        "pictures into RUNS_DIR/audit-<time>/. Exit code 1 when an error finding exists.",
    )
    p.add_argument("experiment", nargs="?", help="experiment file, path.py or path.py:name")
    p.add_argument("--data", metavar="PATH", help="a folder of images or a .csv file, instead of an experiment")
    p.add_argument("--label-column", default="label", metavar="NAME", help="label column of a CSV (default: label)")
    p.add_argument("--num-classes", type=int, metavar="C", help="number of classes; labels outside 0..C-1 are errors")
    p.add_argument(
        "--task", choices=("auto", "classification", "regression", "autoregressive"), default="auto",
        help="what the labels are (default: inferred; next-token targets are recognised)",
    )
    p.add_argument("--no-label-errors", action="store_true", help="skip the label baseline (faster)")
    p.add_argument(
        "--max-memory", default="2GiB", metavar="SIZE",
        help="memory for the audit's own work, e.g. 1GiB; larger tables go to a temporary folder (default: 2GiB)",
    )
    add_runs_dir(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if (args.experiment is None) == (args.data is None):
        raise ConfigError(
            "give an experiment file or --data PATH (not both): `nnrecipe audit examples/mnist1d.py` "
            "or `nnrecipe audit --data images/`"
        )
    config = AuditConfig(
        task=args.task, num_classes=args.num_classes, label_errors=not args.no_label_errors,
        label_column=args.label_column, max_memory=args.max_memory,
    )
    if args.data is not None:
        if not Path(args.data).exists():
            raise DataError(f"--data {args.data!r} does not exist; pass a folder of images or a .csv file")
        data: dict[str, Any] = {"train": args.data}
    else:
        exp = load_experiment(args.experiment)
        data = {"train": exp.train, "val": exp.val, "test": exp.test}
    err = Console(stderr=True)
    progress = PhaseBar(err) if err.is_terminal else PhaseLines()
    try:
        with progress:
            report = audit(data["train"], val=data.get("val"), test=data.get("test"), config=config, progress=progress)
    except AuditInterrupted as e:
        print(f"nnrecipe audit: {e}", file=sys.stderr)
        return 130
    folder = _write(report, Path(args.runs_dir))
    console = Console()
    render_audit_summary(report, console)
    console.print(f"report: {folder / 'audit.json'}  pictures: {folder / 'pictures'}")
    return 0 if report.ok else 1


def _write(report: AuditReport, runs_dir: Path) -> Path:
    """Save into a hidden temporary folder, then rename: a failure leaves nothing behind."""
    final = create_run_dir(runs_dir, "audit")
    final.rmdir()  # the name is reserved by the clock; the folder appears whole or not at all
    with atomic_folder(final) as tmp:
        report.save(tmp)
    return final


def render_audit_summary(report: AuditReport, console: Console) -> None:
    """Print the audit's findings as a table, errors first, with the first few examples each.

    Args:
        report: The audit's result.
        console: Where to print (``rich.console.Console()``).
    """
    summary = report.summary
    sizes = ", ".join(f"{n} {s.examples} x {s.shape}" for n, s in summary.splits.items())
    line = f"[bold]audit[/] {sizes}"
    if isinstance(summary.labels, ClassLabels):
        line += f"; {summary.labels.num_classes} classes, imbalance {summary.labels.imbalance:.1f}x"
    elif isinstance(summary.labels, SequenceTargets):
        line += f"; {summary.labels.task.replace('_', '-')} targets"
    if summary.timings:
        line += f"; {sum(summary.timings.values()):.1f} s"
    console.print(line)
    if not report.findings:
        console.print("[green]no findings[/]")
        return
    table = Table(expand=True)
    table.add_column("finding", no_wrap=True)
    table.add_column("count", justify="right", no_wrap=True)
    table.add_column("what it means", overflow="fold", ratio=2)
    table.add_column("examples", overflow="fold", ratio=1, min_width=18)
    for f in report.findings:
        shown = ", ".join(f"{s}[{i}]" for s, i in f.examples[:_SHOWN])
        if len(f.examples) > _SHOWN:
            shown += f", ... (+{len(f.examples) - _SHOWN})"
        table.add_row(f"[{_STYLE[f.severity]}]{f.severity}[/] {f.kind}", str(len(f.examples) or ""), f.message, shown)
    console.print(table)
    errors, warns = len(report.errors), len(report.warnings)
    verdict = "[bold red]errors found[/]" if errors else "[green]no errors[/]"
    console.print(f"{verdict}: {errors} error(s), {warns} warning(s)")


class PhaseBar(Progress):
    """On a terminal: one bar for the phase in progress, with its count and the time left."""

    def __init__(self, console: Console) -> None:
        self._bar = RichBar(
            TextColumn("[bold]audit[/] {task.description:<18}"), BarColumn(), MofNCompleteColumn(),
            TimeElapsedColumn(), TextColumn("left"), TimeRemainingColumn(), console=console, transient=True,
        )
        self._task: Any = None

    def __enter__(self) -> Self:
        self._bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._bar.stop()

    def start(self, phase: str, total: int | None) -> None:
        self._task = self._bar.add_task(phase, total=total)

    def advance(self, done: int) -> None:
        if self._task is not None:
            self._bar.advance(self._task, done)

    def finish(self, phase: str, seconds: float) -> None:
        if self._task is not None:
            self._bar.remove_task(self._task)
            self._task = None
        if seconds >= 1.0:
            self._bar.console.print(f"[dim]audit: {phase} done in {seconds:.1f} s[/]")


class PhaseLines(Progress):
    """Not on a terminal (a log file, CI): one line per phase when it ends, nothing in between."""

    def __init__(self) -> None:
        self._done = 0

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def start(self, phase: str, total: int | None) -> None:
        self._done = 0

    def advance(self, done: int) -> None:
        self._done += done

    def finish(self, phase: str, seconds: float) -> None:
        count = f"{self._done:,} done, " if self._done else ""
        print(f"audit: {phase}: {count}{seconds:.1f} s", file=sys.stderr, flush=True)
