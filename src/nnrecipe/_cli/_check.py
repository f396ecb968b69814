"""``nnrecipe check``: the recipe's sanity checks on an experiment, as an 80-column table and a JSON file."""

from __future__ import annotations

import argparse
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING

import nnrecipe

from ._common import add_runs_dir, parse_overrides

if TYPE_CHECKING:  # imported where used: building the parser for --help stays light
    from rich.console import Console
    from rich.text import Text

__all__ = ["register", "render_check_table", "run", "table_lines"]

STYLE = {"pass": "green", "warn": "yellow", "fail": "bold red", "skip": "dim"}
WIDTH = 80
# The built-in checks in the order they run, for --help without importing torch;
# tests/checks/test_cli.py keeps it equal to nnrecipe.checking.DEFAULT_CHECKS.
NAMES = (
    "input_scale", "output_semantics", "init_loss", "last_layer_init", "batch_independence", "causality",
    "eval_determinism", "gradient_flow", "layer_use", "determinism", "loss_decreases",
    "input_independent_baseline", "overfit_batch", "lr_range",
)  # fmt: skip


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "check",
        help="run the sanity checks that catch silent training bugs",
        description="Run the recipe's sanity checks (batch independence, causality, gradient flow, "
        "loss at init, overfitting one batch...) on the experiment's model, data and loss. Prints a "
        "table, writes check.json and the decoded input batch into a run folder, and exits 1 when a "
        f"check fails. Checks: {', '.join(NAMES)}.",
    )
    p.add_argument("experiment", help="experiment file, path.py[:name]")
    p.add_argument("--only", type=_names, metavar="A,B", help="run only these checks")
    p.add_argument("--skip", type=_names, metavar="C", help="do not run these checks")
    p.add_argument("--fix-init", action="store_true", help="set the output bias from the targets before checking")
    p.add_argument("--set", dest="overrides", action="append", metavar="KEY=VALUE", help="override a hyperparameter (repeatable)")
    p.add_argument("--causal-dim", type=int, metavar="DIM", help="time dimension of an autoregressive model's inputs")
    p.add_argument("--frozen", type=_names, metavar="NAME,PREFIX", help="parameters frozen on purpose (names or prefixes)")
    p.add_argument("--budget", type=float, default=5.0, metavar="SECONDS", help="time each check may train (default: 5)")
    p.add_argument("--verbose", action="store_true", help="print every check's measurement, expectation, why and fix")
    add_runs_dir(p)
    p.set_defaults(func=run)


def _names(text: str) -> list[str]:
    return [n.strip() for n in text.split(",") if n.strip()]


def _wrap(text: str, indent: str, width: int) -> list[str]:
    return textwrap.wrap(text, width=width, initial_indent=indent, subsequent_indent=indent,
                         break_long_words=False, break_on_hyphens=False) or [indent.rstrip()]


def table_lines(report: nnrecipe.CheckReport, *, width: int = WIDTH, verbose: bool = False) -> list[Text]:
    """The table as styled lines no wider than ``width``, words never broken.

    One line per check: name, status, one short measured phrase, seconds. Then a verdict
    line, and why and fix for each warning and failure (for every check with ``verbose``,
    which also prints what was measured and expected).
    """
    from rich.text import Text

    rows = report.rows()
    name_w = min(max([len(r["check"]) for r in rows] + [5]), 30)
    phrase_w = max(width - name_w - 4 - 6 - 3, 10)
    lines = [Text(f"{'check':<{name_w}} {'':<4} {'measured':<{phrase_w}} {'s':>6}", style="bold")]
    for row, result in zip(rows, report.results, strict=True):
        lines.append(Text.assemble(
            f"{row['check']:<{name_w}} ", (f"{row['status']:<4}", STYLE[row["status"]]),
            f" {result.phrase(phrase_w):<{phrase_w}} {result.seconds:5.1f}s",
        ))
    counts = report.counts()
    summary = ", ".join(f"{n} {s}" for s, n in counts.items() if n)
    lines.append(Text.assemble(("no check failed" if report.ok else "checks failed", "bold green" if report.ok else "bold red"),
                               f": {summary}"))
    for result in report.results:
        if not verbose and result.status not in ("warn", "fail"):
            continue
        lines.append(Text.assemble((result.name, STYLE[result.status]), f" ({result.status})"))
        parts = [("measured", result.measured), ("expected", result.expected)] if verbose else []
        parts += [("why", result.why), ("fix", result.fix)]
        for label, text in parts:
            if text:
                lines += [Text(line) for line in _wrap(f"{label}: {text}", "  ", width)]
    return lines


def render_check_table(report: nnrecipe.CheckReport, console: Console, *, verbose: bool = False) -> None:
    """Print :func:`table_lines` (80 columns at most, whatever the terminal's width)."""
    for line in table_lines(report, width=min(console.width, WIDTH) if console.width >= 60 else WIDTH, verbose=verbose):
        console.print(line, soft_wrap=True)


def run(args: argparse.Namespace) -> int:
    import torch
    from rich.console import Console
    from rich.text import Text

    from nnrecipe.checking import select_checks
    from nnrecipe.runs import atomic_write_text, create_run_dir

    console = Console()
    checks = select_checks(args.only, args.skip)
    experiment = nnrecipe.load_experiment(args.experiment)
    overrides = parse_overrides(args.overrides)
    config = experiment.train_config(overrides)
    run_dir = create_run_dir(Path(args.runs_dir), f"{experiment.name}-check")
    console.print(Text(f"nnrecipe check {experiment.name} -> {run_dir}"), soft_wrap=True)
    options = nnrecipe.CheckOptions(task=experiment.task, causal_dim=args.causal_dim, frozen=tuple(args.frozen or ()),
                           fix_init=args.fix_init, budget=args.budget, run_dir=run_dir)
    # The factory builds under the seed the checks set (torch.initial_seed()), so that a rebuild under
    # another seed can tell random frozen weights from loaded ones.
    report = nnrecipe.check(lambda: experiment.build_model(overrides, seed=torch.initial_seed()), experiment.train,
                   experiment.loss, val=experiment.val, config=config, options=options, checks=checks)
    render_check_table(report, console, verbose=args.verbose)
    atomic_write_text(run_dir / "check.json", report.to_json())
    pictures = [p for r in report.results for p in r.details.get("pictures", [])]
    console.print(Text(f"wrote {run_dir / 'check.json'}" + (f" and {', '.join(pictures)}" if pictures else "")), soft_wrap=True)
    init = next((r for r in report.results if r.name == "last_layer_init"), None)
    if init is not None and init.status in ("warn", "fail") and "suggested_bias" in init.details:
        layer, bias = init.details["layer"], init.details["suggested_bias"]
        console.print(Text(f"to fix the init in code: nnrecipe.fix_last_layer_init(model, train)  # sets {layer}.bias = {bias}"),
                      soft_wrap=True)
    return 0 if report.ok else 1
