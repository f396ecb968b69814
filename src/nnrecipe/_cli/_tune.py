"""``nnrecipe tune``: run a study's trials, or join a running study as one more worker."""

from __future__ import annotations

import argparse
import logging

import nnrecipe


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "tune",
        help="tune a study's hyperparameters (quasi-random search, then Bayesian)",
        description="Run the trials of a study file until its budget is spent. Run the same command "
        "on more machines with a shared --storage postgresql://... to add workers; trials of workers "
        "that die are re-run. --adopt re-runs the best trial and the baseline over several seeds.",
    )
    p.add_argument("study", help="study file (.yaml or .py)")
    p.add_argument("--storage", metavar="URL", help="journal:///path, sqlite:///path or postgresql://... (default: a journal file in the runs folder)")
    p.add_argument("--trials", type=int, metavar="N", help="total trials over all workers, >= 1 (default: the study's budget)")
    p.add_argument("--timeout", type=float, metavar="S", help="start no trial after S seconds (default: the study's budget)")
    p.add_argument("--workers", type=int, default=1, metavar="N", help="local worker processes, one CPU thread each (default: 1)")
    p.add_argument("--heartbeat", type=int, default=30, metavar="S", help="heartbeat of database storages; a silent trial is re-run after 3S")
    p.add_argument("--adopt", type=int, metavar="SEEDS", help="instead of searching, re-run the best trial and the baseline over SEEDS seeds")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import optuna

    # Optuna announces each study and trial at INFO; the CLI prints its own summary.
    optuna.logging.set_verbosity(optuna.logging.DEBUG if args.debug else optuna.logging.WARNING)
    trainer_log = logging.getLogger("nnrecipe._train")
    before = trainer_log.level
    if not args.debug:  # each trial's model summary is in its run folder (summary.txt)
        trainer_log.setLevel(logging.WARNING)
    try:
        return _run(args)
    finally:
        trainer_log.setLevel(before)


def _run(args: argparse.Namespace) -> int:
    from rich.console import Console

    console = Console(soft_wrap=True)
    study = nnrecipe.load_study(args.study)
    if args.adopt is not None:
        result = nnrecipe.adopt(study, seeds=args.adopt, storage=args.storage, workers=args.workers, heartbeat=args.heartbeat)
        arms = [r.arm for r in result.records if r.outcome == "complete"]
        console.print(
            f"[bold]nnrecipe tune --adopt[/] {study.name}: {result.ran} adoption run(s) here; {arms.count('candidate')} "
            f"candidate and {arms.count('baseline')} baseline seed(s) finished; storage {result.storage}",
            highlight=False,
        )
        verdict = result.adoption.message if result.adoption else "no verdict: each arm needs 2 finished seeds"
        console.print(f"verdict: {verdict}", markup=False, highlight=False)
        return 0
    result = nnrecipe.tune(study, storage=args.storage, trials=args.trials, timeout=args.timeout, workers=args.workers, heartbeat=args.heartbeat)
    outcomes = [r.outcome for r in result.records]
    retried = sum(r.retried for r in result.records)
    console.print(
        f"[bold]nnrecipe tune[/] {study.name}: {result.ran} trial(s) run here; study has {outcomes.count('complete')} complete, "
        f"{outcomes.count('infeasible')} infeasible, {outcomes.count('failed')} failed ({retried} re-run after their "
        f"worker died); storage {result.storage}",
        highlight=False,
    )
    if result.best is not None:
        console.print(f"best: trial {result.best.number}, {study.goal.metric}={result.best.value:.4g}, {result.best.params}")
    return 0
