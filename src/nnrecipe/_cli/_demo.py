"""``nnrecipe demo``: the recipe end to end on MNIST-1D, offline."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import nnrecipe

from ._common import add_runs_dir


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "demo",
        help="run the recipe end to end on MNIST-1D (offline)",
        description="Build MNIST-1D offline (cached), hold out a validation split, audit the data, "
        "run the sanity checks on the reference residual CNN, train it with the recipe's defaults, "
        "and report test accuracy.",
    )
    p.add_argument("--epochs", type=int, default=None, help="training epochs (default: 20)")
    add_runs_dir(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    # Imported here, not at the top: building the parser for --help must stay light.
    from rich.console import Console
    from safetensors.torch import load_model

    from nnrecipe.callbacks import ModelCheckpoint, ProgressBar
    from nnrecipe.demo import mnist1d_experiment
    from nnrecipe.runs import atomic_write_text, create_run_dir

    from ._audit import render_audit_summary
    from ._check import render_check_table
    from ._fit import print_result

    console = Console()
    start = time.perf_counter()
    console.rule("[bold]nnrecipe demo: MNIST-1D")
    experiment = mnist1d_experiment(**({"epochs": args.epochs} if args.epochs else {}))
    console.print(f"data: {len(experiment.train[0])} train, {len(experiment.val[0])} validation, {len(experiment.test[0])} test sequences of length 40")

    console.rule("[bold]Stage 1: become one with the data (nnrecipe audit)")
    audit_dir = create_run_dir(Path(args.runs_dir), f"{experiment.name}-audit")
    # The label-error detector runs too: on MNIST-1D neither of its baselines (a neighbour vote, a
    # linear model) can judge labels (two fits on disjoint data agree at kappa ~0.3), which it says
    # as an info finding, not an error. It adds about 1 s to this stage (benchmarks/demo_audit.py).
    report = nnrecipe.audit(experiment.train, val=experiment.val, test=experiment.test)
    report.save(audit_dir)
    render_audit_summary(report, console)
    console.print(f"audit folder: {audit_dir}")

    console.rule("[bold]Stage 2: skeleton and dumb baselines (nnrecipe check)")
    config = experiment.train_config()
    check_dir = create_run_dir(Path(args.runs_dir), f"{experiment.name}-check")
    checks = nnrecipe.check(
        lambda: experiment.build_model(seed=config.seed), experiment.train, experiment.loss,
        val=experiment.val, config=config, options=nnrecipe.CheckOptions(run_dir=check_dir),
    )
    atomic_write_text(check_dir / "check.json", checks.to_json())
    render_check_table(checks, console)
    if not checks.ok:
        console.print("[bold red]a check failed: fix it before training (the demo stops here)[/]")
        return 1

    console.rule("[bold]Stage 3: fit the reference CNN with the recipe's defaults")
    checkpoint = ModelCheckpoint(monitor="val_accuracy", save_top_k=1)
    result = nnrecipe.fit_experiment(experiment, callbacks=[checkpoint, ProgressBar()], runs_dir=args.runs_dir)
    print_result(console, result)
    best = None if result.run_dir is None else result.run_dir / "weights" / "best.safetensors"
    if best is not None and best.exists():
        # The retrospective best checkpoint, chosen on validation accuracy, never on test.
        load_model(result.model, str(best))
    test = nnrecipe.evaluate(result.model, experiment.test, experiment.loss, metrics=["accuracy"])
    console.print(
        f"[bold green]test accuracy {test['accuracy']:.2%}[/] (best validation checkpoint, step {checkpoint.best_step}); "
        f"MNIST-1D paper: logistic regression 32%, MLP 68%, CNN 94%, GRU 91%"
    )
    console.print(f"run folder: {result.run_dir}   total time {time.perf_counter() - start:.0f} s")
    return 1 if result.diverged else 0
