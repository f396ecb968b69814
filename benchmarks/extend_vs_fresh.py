"""Training longer: a run extended from 10 to 20 epochs against a fresh 20-epoch run.

MNIST-1D with the demo's reference CNN (``nnrecipe._demo``), over 3 seeds, for a constant
schedule (the recipe's default) and a cosine one. Extension continues from the parent's
final checkpoint with the learning rate held at the parent's last rate, so a constant
schedule gives the very run a fresh 20-epoch one is, and a cosine one stays at the rate it
decayed to (near zero) instead of re-running the second half of a longer cosine.

    python benchmarks/extend_vs_fresh.py [--seeds 3] [--schedules constant cosine]

Prints, per schedule, the final validation and test accuracy of the extended and the fresh
runs (mean and spread over the seeds) and their largest weight difference.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile

import torch

import nnrecipe
from nnrecipe._demo import mnist1d_experiment


def accuracies(result: nnrecipe.FitResult, experiment: nnrecipe.Experiment) -> tuple[float, float]:
    test = nnrecipe.evaluate(result.model, experiment.test, experiment.loss, task=experiment.task)
    return float(result.final["val_accuracy"]), float(test["accuracy"])


def one_seed(seed: int, schedule: str, runs: str) -> tuple[tuple[float, float], tuple[float, float], float]:
    experiment = mnist1d_experiment()
    base = {"seed": seed, "schedule": schedule, "threads": 1}
    parent = nnrecipe.fit_experiment(experiment, {**base, "epochs": 10}, runs_dir=runs, name=f"parent-{seed}")
    extended = nnrecipe.fit_experiment(experiment, {"epochs": 20}, runs_dir=runs, name=f"extended-{seed}", extend=parent.run_dir)
    fresh = nnrecipe.fit_experiment(experiment, {**base, "epochs": 20}, runs_dir=runs, name=f"fresh-{seed}")
    gap = max(float((a - b).abs().max()) for a, b in zip(extended.model.state_dict().values(), fresh.model.state_dict().values())
              if a.is_floating_point())
    return accuracies(extended, experiment), accuracies(fresh, experiment), gap


def spread(values: list[float]) -> str:
    return f"{statistics.mean(values):.4f} ± {statistics.stdev(values) if len(values) > 1 else 0.0:.4f}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--schedules", nargs="+", default=["constant", "cosine"])
    args = parser.parse_args()
    torch.set_num_threads(1)
    for schedule in args.schedules:
        ext, fresh, gaps = [], [], []
        with tempfile.TemporaryDirectory() as runs:
            for seed in range(args.seeds):
                e, f, gap = one_seed(seed, schedule, runs)
                ext.append(e), fresh.append(f), gaps.append(gap)
                print(f"{schedule} seed {seed}: extended val {e[0]:.4f} test {e[1]:.4f} | fresh val {f[0]:.4f} test {f[1]:.4f} | "
                      f"largest weight difference {gap:.3g}", flush=True)
        print(f"{schedule}: extended 10->20 epochs val {spread([v for v, _ in ext])}, test {spread([t for _, t in ext])}; "
              f"fresh 20 epochs val {spread([v for v, _ in fresh])}, test {spread([t for _, t in fresh])} "
              f"(mean ± std over {args.seeds} seeds)", flush=True)


if __name__ == "__main__":
    main()
