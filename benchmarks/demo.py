"""The whole demo (``nnrecipe demo --seed S``) for several seeds: test accuracies and stage times.

    .venv/bin/python benchmarks/demo.py                  # seeds 0, 1, 2 of the full demo
    .venv/bin/python benchmarks/demo.py --quick --seeds 0

Prints, per seed, the chosen model's and the ensemble's test accuracy, each stage's wall
time and the total, then the medians over the seeds. By default the exploitation trials run
whatever the time (``budget=None``), so that the figures are those of the full plan even on
a busy machine; ``--budget S`` runs the demo as ``nnrecipe demo`` does. Wall times depend on
the machine's load: the 1-minute load average is printed before and after each seed, and
the demo's own CPU time (this process and its tuning workers) next to its wall time.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import resource
import statistics
import tempfile

from nnrecipe.demo import DemoOptions, DemoResult, run_demo

STAGES = ("audit", "checks", "baseline", "search", "exploit", "analysis", "ensemble", "test", "report")


def cpu_seconds() -> float:
    """CPU time of this process and of its waited-for children (the fork server's workers are not)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    return own.ru_utime + own.ru_stime


def one(seed: int, quick: bool, budget: float | None, runs_dir: str) -> tuple[DemoResult, float, tuple[float, float]]:
    options = DemoOptions.quick(seed=seed) if quick else DemoOptions(seed=seed)
    options = dataclasses.replace(options, budget=budget)
    load_before = os.getloadavg()[0]
    cpu = cpu_seconds()
    result = run_demo(options, runs_dir=runs_dir)
    return result, cpu_seconds() - cpu, (load_before, os.getloadavg()[0])


def trial_seconds(result: DemoResult) -> float:
    """Training time of every trial, summed (what the workers spent, whatever the load)."""
    run = result.exploit or result.search
    return 0.0 if run is None else sum(r.seconds or 0.0 for r in run.records)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--budget", type=float, default=None, help="the demo's time budget (default: none, every trial runs)")
    parser.add_argument("--runs-dir", default=None, help="default: a temporary folder")
    args = parser.parse_args()
    runs_dir = args.runs_dir or tempfile.mkdtemp(prefix="demo-bench-")
    rows = []
    print(f"runs in {runs_dir}; {os.cpu_count()} CPUs; budget {args.budget}", flush=True)
    for seed in args.seeds:
        result, cpu, (load0, load1) = one(seed, args.quick, args.budget, runs_dir)
        t = result.test
        times = {s.name: s.seconds for s in result.stages}
        rows.append((t, times, result.seconds))
        exploit = "skipped" if result.exploit is None else f"{len(result.exploit.records) - len(result.search.records if result.search else [])} trials"
        print(
            f"seed {seed}: single {t.single:.2%} ({t.single_label}), ensemble {t.ensemble:.2%} "
            f"(greedy {t.greedy:.2%}), exploitation {exploit}" if t else f"seed {seed}: no test figures ({result.stopped})",
            flush=True,
        )
        print("  " + "  ".join(f"{name} {times.get(name, 0):.1f}s" for name in STAGES) + f"  total {result.seconds:.1f}s", flush=True)
        print(f"  main-process CPU {cpu:.0f}s; trials trained {trial_seconds(result):.0f}s in all; load {load0:.1f} before, {load1:.1f} after", flush=True)
        print(f"  report {result.report}", flush=True)
    done = [(t, times, total) for t, times, total in rows if t is not None]
    if done:
        med = statistics.median
        print(
            f"medians over {len(done)} seed(s): single {med(t.single for t, _, _ in done):.2%}, "
            f"ensemble {med(t.ensemble for t, _, _ in done):.2%}, total {med(total for *_, total in done):.1f}s",
            flush=True,
        )
        print("  " + "  ".join(f"{name} {med(times.get(name, 0) for _, times, _ in done):.1f}s" for name in STAGES), flush=True)


if __name__ == "__main__":
    main()
