"""``nnrecipe ensemble``: an ensemble of finished runs or trials from their stored predictions."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Literal

import nnrecipe

if TYPE_CHECKING:  # imported in `run`: building the parser for --help stays light
    from rich.console import Console

__all__ = ["register", "run"]


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "ensemble",
        help="ensemble finished runs or a study's trials from their stored predictions (no retraining)",
        description="Average the best models and run greedy forward selection with replacement (Caruana et al. "
        "2004) on the validation predictions every run stores; report the best single model, the average and "
        "the greedy ensemble on test, with the gain's paired bootstrap interval; save the ensemble as JSON "
        "(default: ensemble.json in the folder the runs share). With --evaluate, rebuild a saved ensemble "
        "from its runs' weights and score it again.",
    )
    p.add_argument("sources", nargs="*", metavar="STUDY_OR_RUNS", help="study file, storage URL or .journal/.db file, folder of runs, or run folders")
    p.add_argument("--metric", help="validation metric to select on: accuracy or nll (classification), mse or mae (regression); default: the runs' monitor")
    p.add_argument("--average", type=int, default=5, metavar="K", help="the average is of the best K models by validation (default: 5)")
    p.add_argument("--init", type=int, default=1, metavar="N", help="greedy selection starts from the best N models (default: 1)")
    p.add_argument("--steps", type=int, default=50, metavar="N", help="greedy additions; the best point along them is kept (default: 50)")
    p.add_argument("--resamples", type=int, default=2000, metavar="N", help="bootstrap resamples of the test examples (default: 2000)")
    p.add_argument("--seed", type=int, default=0, help="bootstrap seed (default: 0)")
    p.add_argument("--storage", metavar="URL", help="storage URL for study files (default: the study file's)")
    p.add_argument("--study-name", metavar="NAME", help="which study of a storage holding several")
    p.add_argument("--store-missing", action="store_true", help="store the predictions of runs that have none, from their best weights")
    p.add_argument("-o", "--output", metavar="FILE", help="where to save the ensemble (default: ensemble.json next to the runs)")
    p.add_argument("--evaluate", metavar="FILE", help="rebuild the saved ensemble FILE and score it on its experiment's splits")
    p.add_argument("--method", default="greedy", choices=("greedy", "average", "single"), help="with --evaluate: which of the saved methods (default: greedy)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from rich.console import Console

    console = Console(soft_wrap=True)
    if args.evaluate:
        if args.sources:
            raise nnrecipe.ConfigError(f"--evaluate takes the saved ensemble alone; drop {args.sources}")
        return _evaluate(console, args.evaluate, args.method)
    if not args.sources:
        raise nnrecipe.ConfigError("name what to ensemble: a study file, a folder of runs or run folders (nnrecipe ensemble runs/STUDY)")
    from nnrecipe.ensembling import render_text

    options = nnrecipe.EnsembleOptions(
        metric=args.metric, init=args.init, steps=args.steps, average=args.average, resamples=args.resamples, seed=args.seed,
    )
    result = nnrecipe.ensemble(*args.sources, options=options, storage=args.storage, study_name=args.study_name, store_missing=args.store_missing)
    console.print(render_text(result), markup=False, highlight=False)
    path = result.save(args.output or result.default_path())
    console.print(f"saved {path}: nnrecipe.Ensemble.load(path).predict(X) uses it; nnrecipe ensemble --evaluate {path} scores it again",
                  markup=False, highlight=False)
    return 0


def _evaluate(console: Console, path: str, method: Literal["greedy", "average", "single"]) -> int:
    ensemble = nnrecipe.Ensemble.load(path, method=method)
    agree = True
    for e in ensemble.evaluate():
        figures = "  ".join(f"{k} {v:.4f}" for k, v in e.metrics.items())
        recorded = "" if e.recorded is None else ("  (as recorded)" if e.agrees else "  recorded: " + "  ".join(f"{k} {v:.4f}" for k, v in e.recorded.items()))
        console.print(f"{method} ensemble of {len(ensemble.models)} models, {e.split} ({e.size} examples): {figures}{recorded}", markup=False, highlight=False)
        agree = agree and e.agrees
    if not agree:
        console.print("the figures differ from those recorded at selection: a weights file or the data changed", markup=False, highlight=False)
    return 0 if agree else 1
