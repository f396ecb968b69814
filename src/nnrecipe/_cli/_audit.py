"""``nnrecipe audit``: audit an experiment's data (or a folder / CSV) and write the report."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import nnrecipe

from ._common import add_runs_dir

if TYPE_CHECKING:  # imported where used: building the parser for --help stays light
    from rich.console import Console

__all__ = ["register", "render_audit_summary", "run"]

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
    p.add_argument("--no-label-errors", action="store_true", help="skip the label baselines and confident learning (faster)")
    p.add_argument(
        "--max-memory", default="2GiB", metavar="SIZE",
        help="memory for the audit's own work, e.g. 1GiB; larger tables go to a temporary folder (default: 2GiB)",
    )
    add_runs_dir(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from rich.console import Console

    from nnrecipe.auditing import AuditInterrupted

    from ._audit_progress import PhaseBar, PhaseLines

    if (args.experiment is None) == (args.data is None):
        raise nnrecipe.ConfigError(
            "give an experiment file or --data PATH (not both): `nnrecipe audit examples/mnist1d.py` "
            "or `nnrecipe audit --data images/`"
        )
    config = nnrecipe.AuditConfig(
        task=args.task, num_classes=args.num_classes, label_errors=not args.no_label_errors,
        label_column=args.label_column, max_memory=args.max_memory,
    )
    if args.data is not None:
        if not Path(args.data).exists():
            raise nnrecipe.ConfigError(f"--data {args.data!r} does not exist; pass a folder of images or a .csv file")
        data: dict[str, Any] = {"train": args.data}
    else:
        exp = nnrecipe.load_experiment(args.experiment)
        data = {"train": exp.train, "val": exp.val, "test": exp.test}
    err = Console(stderr=True)
    progress = PhaseBar(err) if err.is_terminal else PhaseLines()
    try:
        with progress:
            report = nnrecipe.audit(data["train"], val=data.get("val"), test=data.get("test"), config=config, progress=progress)
    except AuditInterrupted as e:
        print(f"nnrecipe audit: {e}", file=sys.stderr)
        return 130
    folder = _write(report, Path(args.runs_dir))
    console = Console()
    render_audit_summary(report, console)
    console.print(f"report: {folder / 'audit.json'}  pictures: {folder / 'pictures'}")
    return 0 if report.ok else 1


def _write(report: nnrecipe.AuditReport, runs_dir: Path) -> Path:
    """Save into a hidden temporary folder, then rename: a failure leaves nothing behind."""
    from nnrecipe.runs import atomic_folder, create_run_dir

    final = create_run_dir(runs_dir, "audit")
    final.rmdir()  # the name is reserved by the clock; the folder appears whole or not at all
    with atomic_folder(final) as tmp:
        report.save(tmp)
    return final


def render_audit_summary(report: nnrecipe.AuditReport, console: Console) -> None:
    """Print the audit's findings as a table, errors first, with the first few examples each.

    Args:
        report: The audit's result.
        console: Where to print (``rich.console.Console()``).
    """
    from rich.table import Table

    from nnrecipe.auditing import ClassLabels, SequenceTargets

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
