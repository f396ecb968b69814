"""What an ensemble of a few short MNIST-1D runs gains over the best of them, and what it costs.

Trains ``--runs`` short runs of the reference residual CNN (``examples/mnist1d.py``: AdamW,
one-cycle schedule, a learning rate and seed per run), each keeping its best validation
step and storing its predictions as every run does, then calls ``nnrecipe.ensemble`` on
them and prints:

- test accuracy of the best single run (chosen on validation), of the average of the best
  runs, and of the greedy ensemble, with the gain's paired bootstrap 95% interval;
- the selection's time, the whole ``ensemble()`` call's time (reading predictions, the
  bootstrap) and, as the baseline measured in the same run, the training time, with ratios;
- the cost of storing one run's predictions (``store_predictions`` again on a finished run)
  against the run's training time: the overhead every run now pays;
- the machine's load (``os.getloadavg``) before and after: the machine is shared.

Usage:
    .venv/bin/python benchmarks/ensemble_gain.py [--runs 6] [--steps 600]
    .venv/bin/python benchmarks/ensemble_gain.py --study examples/mnist1d_study.yaml  # a tuned study, no training
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
from pathlib import Path

import torch

import nnrecipe
from nnrecipe.callbacks import ModelCheckpoint
from nnrecipe.ensembling import render_text, store_predictions

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "mnist1d.py"
LRS = (3e-3, 6e-3, 1e-2, 2e-3, 4e-3, 8e-3, 5e-3, 1.5e-2)


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def train(experiment: nnrecipe.Experiment, runs_dir: Path, runs: int, steps: int) -> tuple[list[nnrecipe.FitResult], float, float]:
    results = []
    wall, cpu = time.perf_counter(), cpu_seconds()
    for i in range(runs):
        hparams = {"seed": i, "lr": LRS[i % len(LRS)], "optimizer": "adamw", "schedule": "onecycle", "weight_decay": 1e-2,
                   "max_steps": steps, "val_every": 50, "tensorboard": False, "threads": 1}
        best = ModelCheckpoint(monitor="val_accuracy", save_top_k=0, save_last=False)
        result = nnrecipe.fit_experiment(experiment, hparams, callbacks=[best], runs_dir=runs_dir, name=f"run{i}")
        results.append(result)
        print(f"  run {i}: lr {hparams['lr']:.0e}, best val_accuracy {best.best:.4f} at step {best.best_step} ({result.seconds:.1f} s)")
    return results, time.perf_counter() - wall, cpu_seconds() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=6)
    parser.add_argument("--steps", type=int, default=600)
    parser.add_argument("--study", help="ensemble this study's trials instead of training runs")
    args = parser.parse_args()
    torch.set_num_threads(1)
    print(f"load before: {load()} (1, 5, 15 min) on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as tmp:
        if args.study:
            sources: list[str | Path] = [args.study]
            train_wall = train_cpu = None
        else:
            print(f"training {args.runs} runs of {args.steps} steps of the reference CNN on MNIST-1D:")
            experiment = nnrecipe.load_experiment(EXAMPLE)
            results, train_wall, train_cpu = train(experiment, Path(tmp) / "runs", args.runs, args.steps)
            sources = [Path(tmp) / "runs"]
        start = time.perf_counter()
        result = nnrecipe.ensemble(*sources)
        call = time.perf_counter() - start
        print(render_text(result))
        print(f"ensemble(): selection {result.seconds * 1e3:.1f} ms, whole call {call * 1e3:.0f} ms "
              f"({len(result.members)} members, {result.options.steps} greedy steps, {result.options.resamples} resamples x 2)")
        if train_wall is not None and train_cpu is not None:
            print(f"training (baseline): {train_wall:.1f} s wall, {train_cpu:.1f} s CPU; whole ensemble() call / training wall: "
                  f"{call / train_wall:.4f}")
            # What fit_experiment pays at a run's end: rebuild, load the best weights, predict val + test, write.
            first = results[0]
            start = time.perf_counter()
            store_predictions(first.run_dir, experiment=experiment)  # type: ignore[arg-type]
            store = time.perf_counter() - start
            print(f"storing one run's predictions (val + test, 1,500 examples): {store * 1e3:.0f} ms, "
                  f"{100 * store / first.seconds:.2f}% of that run's training ({first.seconds:.1f} s)")
    print(f"load after: {load()}")


if __name__ == "__main__":
    main()
