"""``nnrecipe demo``: the recipe end to end on MNIST-1D, offline, each stage timed."""

from __future__ import annotations

import argparse
import logging
from typing import TYPE_CHECKING

import nnrecipe

from ._common import add_runs_dir

if TYPE_CHECKING:
    from nnrecipe.demo import DemoOptions

__all__ = ["register", "run"]


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "demo",
        help="run the whole recipe on MNIST-1D (offline): audit, checks, baseline, tuning, ensemble, report",
        description="Build MNIST-1D offline (cached, validation split held out) and run the recipe on the reference "
        "residual CNN, each stage timed: audit the data; sanity checks; a baseline with the recipe's defaults; "
        "12 quasi-random trials on 2 worker processes, then up to 4 Bayesian ones if the time budget allows; the "
        "study's analysis; an ensemble of the best runs chosen on validation; the test set once, for the chosen "
        "model and the ensemble; the HTML report. About 4 minutes on 2 cores (>= 99.0%% test accuracy for the "
        "chosen model, >= 99.4%% for the ensemble); --quick: the same stages in under a minute (about 97-99%%).",
    )
    p.add_argument("--quick", action="store_true", help="the same stages in under a minute, with lower figures")
    p.add_argument("--seed", type=int, default=0, help="seed of every run and of the samplers (default: 0)")
    p.add_argument("--budget", type=float, metavar="S", help="seconds to aim for; exploitation trials start only if they fit (default: 290, --quick 60)")
    p.add_argument("--no-budget", action="store_true", help="run every exploitation trial whatever the time (to measure figures on a busy machine)")
    add_runs_dir(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import dataclasses

    import optuna

    from nnrecipe.demo import DemoOptions

    options = DemoOptions.quick(seed=args.seed) if args.quick else DemoOptions(seed=args.seed)
    if args.budget is not None and args.no_budget:
        raise nnrecipe.ConfigError("--budget and --no-budget contradict each other; pass one")
    if args.budget is not None or args.no_budget:
        options = dataclasses.replace(options, budget=None if args.no_budget else args.budget)
    # Optuna announces each study at INFO, the trainer each model: the demo prints its own lines
    # (each run's model summary is in its folder, summary.txt).
    optuna.logging.set_verbosity(optuna.logging.DEBUG if args.debug else optuna.logging.WARNING)
    trainer_log = logging.getLogger("nnrecipe._train")
    before = trainer_log.level
    trainer_log.setLevel(logging.DEBUG if args.debug else logging.WARNING)
    try:
        return _run(options, args.runs_dir, args.quick)
    finally:
        trainer_log.setLevel(before)


def _run(options: DemoOptions, runs_dir: str, quick: bool) -> int:
    from rich.console import Console

    from ._demo_render import Printer, render_summary

    console = Console(soft_wrap=True)
    console.rule("[bold]nnrecipe demo: the recipe on MNIST-1D" + (" (--quick)" if quick else ""))
    console.print(options.expect, highlight=False)
    result = nnrecipe.demo.run_demo(options, runs_dir=runs_dir, listener=Printer(console))
    render_summary(console, result)
    return 1 if result.stopped else 0

