"""``nnrecipe fit``: train an experiment file, or resume a run."""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import nnrecipe

from ._common import add_runs_dir, parse_overrides

if TYPE_CHECKING:  # imported in `run`: building the parser for --help stays light
    from rich.console import Console

    from nnrecipe.callbacks import Callback


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "fit",
        help="train an experiment with the recipe's defaults",
        description="Train the experiment declared in a Python file (path.py or path.py:name). "
        "Hyperparameters come from the file and --set overrides; the run folder gets the config, "
        "metrics, TensorBoard events and checkpoints. The test set is only evaluated with --test.",
    )
    p.add_argument("experiment", nargs="?", help="experiment file, path.py[:name] (optional with --resume)")
    p.add_argument("--set", dest="overrides", action="append", metavar="KEY=VALUE", help="override a hyperparameter (repeatable)")
    p.add_argument("--resume", metavar="RUN", help="continue this run folder from its latest checkpoint")
    p.add_argument("--extend", metavar="RUN", help="train a finished run longer, in a new child run (with --steps); the learning "
                   "rate goes on at the rate of the parent's last step (a constant schedule stays constant)")
    p.add_argument("--steps", type=_steps, metavar="N", help="with --extend: optimizer steps to add")
    p.add_argument("--no-diagnostics", dest="diagnostics", action="store_false",
                   help="skip the diagnostics (prediction dynamics, weights, activations, interpretation; on by default)")
    p.add_argument("--parent", metavar="RUN", help="the run this one changes one thing from (default: the latest of the same name)")
    p.add_argument("--early-stopping", type=_patience, metavar="PATIENCE", help="stop after PATIENCE validations without improvement")
    p.add_argument("--monitor", default="val_loss", help="value for early stopping and best checkpoints (default: val_loss)")
    p.add_argument(
        "--test", action="store_true",
        help="after training, also evaluate on the experiment's test set (the playbook keeps it for the very end)",
    )
    add_runs_dir(p)
    p.set_defaults(func=run)


def _steps(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"N is a whole number of optimizer steps >= 1; got {text!r}")
    return int(text)


def _patience(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"PATIENCE is a whole number of validations >= 0; got {text!r}")
    return int(text)


def default_callbacks(monitor: str, patience: int | None) -> list[Callback]:
    from nnrecipe.callbacks import EarlyStopping, ModelCheckpoint, ProgressBar

    callbacks: list[Callback] = [ModelCheckpoint(monitor=monitor, save_top_k=3), ProgressBar()]
    if patience is not None:
        callbacks.insert(0, EarlyStopping(monitor=monitor, patience=patience))
    return callbacks


def run(args: argparse.Namespace) -> int:
    from rich.console import Console

    from nnrecipe.runs import read_run_config

    here = nnrecipe.distributed.world()
    console = Console(stderr=False, quiet=not here.is_main)  # under torchrun, rank 0 prints
    spec = args.experiment
    if (args.extend is None) != (args.steps is None):
        raise nnrecipe.ConfigError("--extend RUN and --steps N go together: nnrecipe fit --extend runs/cnn-20261201-1415 --steps 2000")
    if args.extend and args.resume:
        raise nnrecipe.ConfigError("give --resume (continue an interrupted run) or --extend (train a finished run longer), not both")
    earlier = args.resume or args.extend  # (other machines than rank 0's may not hold the run folder)
    if earlier:
        recorded = read_run_config(Path(earlier)).get("experiment")
        spec = spec or recorded
        if spec is None:
            flag = "--resume" if args.resume else "--extend"
            raise nnrecipe.ConfigError(f"{earlier} does not record its experiment file; pass it: nnrecipe fit PATH.py {flag} {earlier}")
    if spec is None:
        raise nnrecipe.ConfigError("give an experiment file: nnrecipe fit examples/mnist1d.py")
    experiment = nnrecipe.load_experiment(spec)
    overrides = parse_overrides(args.overrides)
    if args.extend:  # the parent's settings, longer: the total is its steps and N more
        from nnrecipe.runs import finished_steps

        overrides = {**read_run_config(Path(args.extend))["hparams"], **overrides, "max_steps": finished_steps(args.extend) + args.steps}
    # Every input is checked here, before a run folder exists or a step is taken.
    config = experiment.train_config(overrides)
    experiment.model_hparams(overrides)
    if args.test and experiment.test is None:
        raise nnrecipe.ConfigError(f"--test was given but the experiment {experiment.name!r} declares no test data; pass test=(X, y) to Experiment")
    console.print(f"[bold]nnrecipe fit[/] {experiment.name}: {_changed(config)}")
    result = nnrecipe.fit_experiment(
        experiment, overrides, callbacks=default_callbacks(args.monitor, args.early_stopping),
        runs_dir=args.runs_dir, parent=args.parent, resume=args.resume, extend=args.extend, diagnostics=args.diagnostics,
    )
    print_result(console, result, experiment.reference)
    if args.test:
        if result.diverged:
            console.print("test: not evaluated, the run diverged")
        else:
            test = nnrecipe.evaluate(result.model, experiment.test, experiment.loss, metrics=experiment.metrics or None, task=experiment.task)
            console.print("test: " + "  ".join(f"{k} {v:.4f}" for k, v in test.items()))
    return 1 if result.diverged else 0


def _changed(config: nnrecipe.TrainConfig) -> str:
    default = nnrecipe.TrainConfig().to_dict()
    changed = {k: v for k, v in config.to_dict().items() if default[k] != v}
    return ", ".join(f"{k}={v}" for k, v in changed.items()) or "the recipe's defaults"


def print_result(console: Console, result: nnrecipe.FitResult, reference: Mapping[str, float] | None = None) -> None:
    if result.summary is not None:
        console.print(f"model: {result.summary.total_params:,} parameters ({result.summary.trainable_params:,} trainable)")
    final = "  ".join(f"{k} {v:.4f}" for k, v in result.final.items() if isinstance(v, float))
    console.print(f"{result.steps} steps, {result.epochs} epochs in {result.seconds:.1f} s; final: {final}")
    if result.best is not None:
        console.print(f"best {result.monitor} {result.best[result.monitor]:.4f} at step {result.best_step}")
    for name, value in (reference or {}).items():
        model = [f"{label} {row[name]:.4f}" for label, row in (("best", result.best), ("final", result.final)) if row and isinstance(row.get(name), float)]
        console.print(f"reference {name} {value:.4f} (declared by the experiment); model: {', '.join(model) or f'{name} not logged'}")
    if result.diverged:
        console.print("[red]training diverged (non-finite loss); the last good checkpoint is kept[/]")
    if result.run_dir is not None:
        console.print(f"run folder: {result.run_dir}")
