"""``nnrecipe check``: the recipe's sanity checks on an experiment, as a table and a JSON file."""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.console import Console
from rich.table import Table

from .._core._files import atomic_write_text
from .._checks import CHECKS, CheckReport, check
from .._core._experiment import load_experiment
from .._core._files import create_run_dir
from ._common import add_runs_dir, parse_overrides

__all__ = ["register", "run", "render_check_table"]

STYLE = {"pass": "green", "warn": "yellow", "fail": "bold red", "skip": "dim"}


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "check",
        help="run the sanity checks that catch silent training bugs",
        description="Run the recipe's sanity checks (batch independence, causality, gradient flow, "
        "loss at init, overfitting one batch...) on the experiment's model, data and loss. Prints a "
        "table, writes check.json and the decoded input batch into a run folder, and exits 1 when a "
        f"check fails. Checks: {', '.join(CHECKS)}.",
    )
    p.add_argument("experiment", help="experiment file, path.py[:name]")
    p.add_argument("--only", type=_names, metavar="A,B", help="run only these checks")
    p.add_argument("--skip", type=_names, metavar="C", help="do not run these checks")
    p.add_argument("--fix-init", action="store_true", help="set the output bias from the targets before checking")
    p.add_argument("--set", dest="overrides", action="append", metavar="KEY=VALUE", help="override a hyperparameter (repeatable)")
    p.add_argument("--causal-dim", type=int, metavar="DIM", help="time dimension of an autoregressive model's inputs")
    p.add_argument("--budget", type=float, default=5.0, metavar="SECONDS", help="time each check may train (default: 5)")
    add_runs_dir(p)
    p.set_defaults(func=run)


def _names(text: str) -> list[str]:
    names = [n.strip() for n in text.split(",") if n.strip()]
    unknown = [n for n in names if n not in CHECKS]
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown checks {unknown}; choose from {', '.join(CHECKS)}")
    return names


def render_check_table(report: CheckReport, console: Console) -> None:
    """Print one row per check (status, measured, expected or fix) and a one-line summary."""
    table = Table(show_lines=False, header_style="bold")
    table.add_column("check", no_wrap=True)
    table.add_column("status", no_wrap=True)
    table.add_column("measured", overflow="fold")
    table.add_column("expected / fix", overflow="fold")
    table.add_column("s", justify="right", no_wrap=True)
    for row, result in zip(report.rows(), report.results, strict=True):
        status = row["status"]
        advice = row["fix"] if status in ("fail", "warn") and row["fix"] else row["expected"]
        table.add_row(row["check"], f"[{STYLE[status]}]{status}[/]", row["measured"], advice, row["seconds"])
    console.print(table)
    counts = report.counts()
    summary = ", ".join(f"{n} {s}" for s, n in counts.items() if n)
    verdict = "[bold green]no check failed[/]" if report.ok else "[bold red]checks failed[/]"
    console.print(f"{verdict}: {summary}")
    for result in report.failed:
        console.print(f"[bold red]{result.name}[/]: {result.why}")


def run(args: argparse.Namespace) -> int:
    console = Console()
    experiment = load_experiment(args.experiment)
    overrides = parse_overrides(args.overrides)
    config = experiment.train_config(overrides)
    run_dir = create_run_dir(Path(args.runs_dir), f"{experiment.name}-check")
    console.print(f"[bold]nnrecipe check[/] {experiment.name} -> {run_dir}")
    report = check(
        lambda: experiment.build_model(overrides, seed=config.seed),
        experiment.train, experiment.loss, val=experiment.val, task=experiment.task,
        causal_dim=args.causal_dim, only=args.only, skip=args.skip, run_dir=run_dir,
        fix_init=args.fix_init, config=config, budget=args.budget,
    )
    render_check_table(report, console)
    atomic_write_text(run_dir / "check.json", report.to_json())
    pictures = [p for r in report.results for p in r.details.get("pictures", [])]
    console.print(f"wrote {run_dir / 'check.json'}" + (f" and {', '.join(pictures)}" if pictures else ""))
    init = next((r for r in report.results if r.name == "last_layer_init"), None)
    if init is not None and init.status in ("warn", "fail") and "suggested_bias" in init.details:
        layer, bias = init.details["layer"], init.details["suggested_bias"]
        console.print(f"to fix the init in code: nnrecipe.fix_last_layer_init(model, train)  # sets {layer}.bias = {bias}")
    return 0 if report.ok else 1
