"""Tuning throughput and orchestration overhead on small MNIST-1D trials.

    python benchmarks/tune_throughput.py                 # both figures
    python benchmarks/tune_throughput.py --trials 16 --steps 300
    python benchmarks/tune_throughput.py --only overhead --trials 12 --steps 100
    python benchmarks/tune_throughput.py --storage-contention   # journal vs SQLite, 4 workers

Figures (goals from issue 5):
- trials per hour with 2 worker processes vs 1 (goal >= 1.8x on the 2-core machine). Measured
  from the first trial's start to the last trial's end, so process start-up (importing torch,
  once per ``tune`` call) is reported separately.
- orchestration overhead per trial (goal < 50 ms): a 1-worker study of N identical trials
  against the same N trainings called directly in a loop; the difference over N is what
  tuning adds (sampling, storage reads and writes, budget and dead-worker checks).
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import optuna
import yaml

import nnrecipe
from nnrecipe._tune._tuning import connect, storage_url_of

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "mnist1d.py"


def write_study(folder: Path, name: str, steps: int, trials: int, searched: bool) -> nnrecipe.Study:
    nuisance = {"lr": {"log": [1e-3, 1e-2]}, "hidden": {"choices": [64, 128]}} if searched else {"hidden": {"choices": [128]}}
    raw = {
        "name": name,
        "experiment": f"{EXAMPLE}:mlp_experiment",
        "goal": {"metric": "val_accuracy", "direction": "maximize"},
        "nuisance": nuisance,
        "fixed": {"max_steps": steps, "val_every": steps // 4, "tensorboard": False},
        "budget": {"trials": trials},
        "runs_dir": str(folder / "runs"),
    }
    path = folder / f"{name}.yaml"
    path.write_text(yaml.safe_dump(raw))
    return nnrecipe.load_study(path)


def span(study: nnrecipe.Study) -> float:
    trials = connect(study, storage_url_of(study), create=False).get_trials(deepcopy=False)
    start = min(t.datetime_start for t in trials if t.datetime_start)
    end = max(t.datetime_complete for t in trials if t.datetime_complete)
    return (end - start).total_seconds()


def throughput(folder: Path, trials: int, steps: int) -> None:
    # Pay first-use imports (torch._dynamo, scipy.stats) outside the timed runs, as the
    # worker processes' fork server does.
    nnrecipe.tune(write_study(folder, "warm-up", steps, 1, searched=True))
    rates = {}
    for workers in (1, 2):
        study = write_study(folder, f"throughput-{workers}", steps, trials, searched=True)
        t0 = time.perf_counter()
        result = nnrecipe.tune(study, workers=workers)
        wall = time.perf_counter() - t0
        seconds = span(study)
        rates[workers] = 3600 * trials / seconds
        train = statistics.mean(r.seconds or 0.0 for r in result.records)
        print(
            f"{workers} worker(s): {trials} trials in {seconds:.1f} s of trials ({wall:.1f} s with start-up): "
            f"{rates[workers]:.0f} trials/hour; mean training time per trial {train:.2f} s"
        )
    print(f"speed-up with 2 workers: {rates[2] / rates[1]:.2f}x (goal >= 1.8x); cores: {os.cpu_count()}, "
          f"load average: {os.getloadavg()[0]:.1f}")


def overhead(folder: Path, trials: int, steps: int) -> None:
    study = write_study(folder, "overhead", steps, trials, searched=False)
    experiment = nnrecipe.load_experiment(study.experiment)
    hparams = {**study.fixed, "hidden": 128, "threads": 1}
    nnrecipe.fit_experiment(experiment, hparams, runs_dir=folder / "warm")  # first-use imports
    t0 = time.perf_counter()
    for _ in range(trials):
        nnrecipe.fit_experiment(experiment, hparams, runs_dir=folder / "direct")
    direct = time.perf_counter() - t0
    # Time every training inside the study too: what is left is orchestration, measured
    # without the run-to-run noise of comparing two sets of trainings.
    from nnrecipe._tune import _objective

    inside: list[float] = []
    real_fit = _objective.fit_experiment

    def timed_fit(*args, **kwargs):  # type: ignore[no-untyped-def]
        t = time.perf_counter()
        try:
            return real_fit(*args, **kwargs)
        finally:
            inside.append(time.perf_counter() - t)

    _objective.fit_experiment = timed_fit  # type: ignore[assignment]
    try:
        t0 = time.perf_counter()
        nnrecipe.tune(study)
        tuned = time.perf_counter() - t0
    finally:
        _objective.fit_experiment = real_fit
    trial_span = span(study)
    per_trial = (trial_span - sum(inside)) / trials
    print(
        f"{trials} identical trainings: {direct:.2f} s called directly; as a study (journal storage) "
        f"{trial_span:.2f} s from the first trial's start to the last one's end, {sum(inside):.2f} s of it in "
        f"fit_experiment: orchestration overhead {1000 * per_trial:.1f} ms per trial (goal < 50 ms); "
        f"once per tune() call (storage, study, experiment file): {tuned - trial_span:.2f} s"
    )


def _contend(url: str, n: int, out: mp.Queue) -> None:  # type: ignore[type-arg]
    from nnrecipe._tune._storage import open_storage

    optuna.logging.set_verbosity(optuna.logging.ERROR)
    study = optuna.load_study(study_name="c", storage=open_storage(url), sampler=optuna.samplers.RandomSampler())
    errors, t0 = 0, time.perf_counter()
    for _ in range(n):
        try:
            study.optimize(lambda t: t.suggest_float("x", 0, 1) ** 2, n_trials=1)
        except Exception:  # noqa: BLE001 - "database is locked" would land here
            errors += 1
    out.put((errors, (time.perf_counter() - t0) / n))


def contention(folder: Path, workers: int = 4, n: int = 50) -> None:
    from nnrecipe._tune._storage import open_storage

    for url in (f"journal:///{folder}/c.journal".replace("////", "///"), f"sqlite:///{folder}/c.db"):
        optuna.create_study(study_name="c", storage=open_storage(url))
        ctx = mp.get_context("spawn")
        queue = ctx.Queue()
        procs = [ctx.Process(target=_contend, args=(url, n, queue)) for _ in range(workers)]
        for p in procs:
            p.start()
        results = [queue.get() for _ in procs]
        for p in procs:
            p.join()
        errors = sum(e for e, _ in results)
        ms = [1000 * s for _, s in results]
        print(f"{url.split(':')[0]:8s}: {workers} workers x {n} trivial trials: {errors} errors, "
              f"{statistics.mean(ms):.1f} ms of storage work per trial (per worker: {', '.join(f'{m:.0f}' for m in ms)})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--trials", type=int, default=12)
    parser.add_argument("--steps", type=int, default=300, help="training steps per trial")
    parser.add_argument("--storage-contention", action="store_true", help="only the journal vs SQLite measurement")
    parser.add_argument("--only", choices=("throughput", "overhead"), help="only one of the two default figures")
    args = parser.parse_args()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if args.storage_contention:
            contention(folder)
            return 0
        if args.only != "overhead":
            throughput(folder, args.trials, args.steps)
        if args.only != "throughput":
            overhead(folder, args.trials, args.steps)
    return 0


if __name__ == "__main__":
    sys.exit(main())
