"""How big and how fast the report is: a 10,000-trial study and a 100,000-step run.

Generates a synthetic study (10,000 finished trials in an Optuna journal file, each with its
stored validation curve) and a synthetic run folder (100,000 training rows, 1,000 validation
rows), then for each prints:

- the time to build the report (sections computed, page written), best of 3, in CPU seconds
  and wall seconds;
- the page's size;
- the browser's load-to-rendered time (navigation start to two animation frames after the
  load event, so layout and paint are done), median of 5, in Debian's chromium via Playwright;

and the same browser time for two baselines in the same run: a trivial page, and Optuna's own
self-contained plotly HTML (optimization history + slice plot) for the same trials when plotly
is installed (it is not a dependency: pip install -c constraints.txt plotly).

Usage:
    .venv/bin/python benchmarks/report_speed.py [--trials 10000] [--steps 100000] [--demo RUNS_DIR]

``--demo`` also reports on a folder written by ``nnrecipe demo --runs-dir RUNS_DIR``.
Reading the study from its storage and ``analyze()`` are timed separately: they belong to
the tuning code, and the report starts from the ``Analysis``.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import optuna
import yaml

import nnrecipe
from nnrecipe._tune._storage import default_storage_url, open_storage

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]


def make_study(root: Path, trials: int) -> Path:
    """A study file and a journal storage holding ``trials`` finished trials (2 scientific values,
    2 nuisance ranges, 5% infeasible), each with a 20-point validation curve as trials store them."""
    runs = root / "runs"
    (runs / "bench").mkdir(parents=True)
    raw = {"name": "bench", "experiment": "exp.py", "goal": {"metric": "val_accuracy", "direction": "maximize"},
           "scientific": {"optimizer": {"choices": ["adam", "sgd"]}},
           "nuisance": {"lr": {"log": [1e-5, 1.0]}, "weight_decay": {"linear": [0.0, 0.1]}},
           "budget": {"trials": trials}, "runs_dir": str(runs)}
    (root / "study.yaml").write_text(yaml.safe_dump(raw))
    storage = open_storage(default_storage_url(runs, "bench"))
    study = optuna.create_study(study_name="bench", storage=storage, direction="maximize")
    dists = {"optimizer": optuna.distributions.CategoricalDistribution(["adam", "sgd"]),
             "lr": optuna.distributions.FloatDistribution(1e-5, 1.0, log=True),
             "weight_decay": optuna.distributions.FloatDistribution(0.0, 0.1)}
    rng = np.random.default_rng(0)
    made = []
    for i in range(trials):
        opt, lr, wd = ["adam", "sgd"][i % 2], float(10 ** rng.uniform(-5, 0)), float(rng.uniform(0, 0.1))
        value = 0.95 - 0.08 * (math.log10(lr) + 2.5) ** 2 - wd + 0.01 * rng.normal()
        curve = [[s, 1.0 - value / 2, value * (1 - math.exp(-s / 300))] for s in range(50, 1001, 50)]
        attrs: dict[str, Any] = {"steps": 1000, "best_step": 1000, "final": value, "val_curve": curve,
                                 "train_curve": [[s, 2.0 - value * s / 1000] for s in range(50, 1001, 50)],
                                 "hparams": {"optimizer": opt, "lr": lr, "weight_decay": wd}}
        state = optuna.trial.TrialState.COMPLETE
        if i % 20 == 19:
            state, value, attrs["infeasible"] = optuna.trial.TrialState.FAIL, None, "diverged: non-finite training loss"
        made.append(optuna.trial.create_trial(params={"optimizer": opt, "lr": lr, "weight_decay": wd}, distributions=dists,
                                              value=value, user_attrs=attrs, state=state))
    study.add_trials(made)
    return root / "study.yaml"


def make_run(folder: Path, steps: int) -> Path:
    """A run folder of ``steps`` training rows (one per step, with noise and a few spikes) and a
    validation row every ``steps // 1000`` steps, with a cosine learning rate."""
    folder.mkdir(parents=True)
    (folder / "config.json").write_text(json.dumps({"hparams": {"lr": 1e-3, "schedule": "cosine"}, "name": "long"}))
    rng = np.random.default_rng(0)
    s = np.arange(1, steps + 1)
    loss = 2.3 * np.exp(-s / (steps / 5)) + 0.05 + 0.05 * rng.standard_normal(steps) ** 2
    loss[rng.integers(0, steps, 20)] *= 8
    lr = 1e-3 * 0.5 * (1 + np.cos(np.pi * s / steps))
    every = max(1, steps // 1000)
    with open(folder / "metrics.jsonl", "w") as f:
        for k in range(steps):
            f.write(json.dumps({"step": int(s[k]), "epoch": int(s[k]) // 500, "loss": float(loss[k]), "lr": float(lr[k]), "time": k * 0.01}) + "\n")
            if s[k] % every == 0:
                v = float(2.3 * math.exp(-s[k] / (steps / 5)) + 0.1)
                f.write(json.dumps({"step": int(s[k]), "epoch": int(s[k]) // 500, "val_loss": v, "val_accuracy": 1 - v / 3}) + "\n")
    best = {"step": steps, "val_loss": 0.1, "val_accuracy": 0.96}
    (folder / "result.json").write_text(json.dumps({"final": best, "best": best, "best_step": steps, "monitor": "val_accuracy",
                                                    "steps": steps, "epochs": steps // 500, "seconds": 1.0,
                                                    "stopped_early": False, "diverged": False}))
    return folder


def timed(fn: Callable[[], Any], repeat: int = 3) -> tuple[float, float, Any]:
    """Best CPU and wall seconds of ``repeat`` calls, and the last result."""
    cpu, wall, out = [], [], None
    for _ in range(repeat):
        c, w = time.process_time(), time.perf_counter()
        out = fn()
        cpu.append(time.process_time() - c)
        wall.append(time.perf_counter() - w)
    return min(cpu), min(wall), out


def browser_times(pages: dict[str, Path], repeat: int = 5) -> dict[str, float]:
    """Median seconds from navigation start to two frames after ``load`` for each page."""
    from playwright.sync_api import sync_playwright

    out = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for name, path in pages.items():
            times = []
            for _ in range(repeat):
                page = browser.new_page(viewport={"width": 1400, "height": 900})
                start = time.perf_counter()
                page.goto(path.resolve().as_uri(), wait_until="load")
                page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
                times.append(time.perf_counter() - start)
                page.close()
            out[name] = statistics.median(times)
        browser.close()
    return out


def optuna_html(study_file: Path, out: Path) -> Path | None:
    """Optuna's own self-contained plots of the same trials (history + slice), or None without plotly."""
    try:
        import plotly  # noqa: F401
    except ImportError:
        return None
    study = nnrecipe.load_study(study_file)
    ostudy = optuna.load_study(study_name=study.name, storage=open_storage(default_storage_url(study.runs_dir, study.name)))
    figs = [optuna.visualization.plot_optimization_history(ostudy), optuna.visualization.plot_slice(ostudy)]
    parts = [figs[0].to_html(full_html=False, include_plotlyjs=True)] + [f.to_html(full_html=False, include_plotlyjs=False) for f in figs[1:]]
    out.write_text("<!DOCTYPE html><html><head><meta charset='utf-8'></head><body>" + "".join(parts) + "</body></html>")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", type=int, default=10_000)
    parser.add_argument("--steps", type=int, default=100_000)
    parser.add_argument("--demo", type=Path, help="a folder written by `nnrecipe demo --runs-dir`")
    args = parser.parse_args()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    print(f"load before: {os.getloadavg()[0]:.2f} (1-minute average, {os.cpu_count()} cores)")
    root = Path(tempfile.mkdtemp(prefix="nnrecipe-report-bench-"))
    t = time.perf_counter()
    study_file = make_study(root / "study", args.trials)
    run = make_run(root / "run", args.steps)
    print(f"generated {args.trials:,} trials and {args.steps:,} steps in {time.perf_counter() - t:.1f} s under {root}")

    _, read_wall, analysis = timed(lambda: nnrecipe.analyze(study_file), repeat=1)
    print(f"study: storage read + analyze(): {read_wall:.2f} s wall (tuning code, before the report)")
    pages: dict[str, Path] = {}
    rows = []
    for name, source in (("study", analysis), ("run", run), *((("demo", args.demo),) if args.demo else ())):
        out = root / f"{name}.html"
        cpu, wall, _ = timed(lambda s=source, o=out: nnrecipe.report(s).write(o))
        pages[name] = out
        rows.append((name, cpu, wall, out.stat().st_size))
    pages["trivial page"] = root / "trivial.html"
    pages["trivial page"].write_text("<!DOCTYPE html><html><head><meta charset='utf-8'></head><body><p>hello</p></body></html>")
    plotly_page = optuna_html(study_file, root / "optuna_plotly.html")
    if plotly_page is not None:
        pages["optuna plotly"] = plotly_page
    shown = browser_times(pages)
    print(f"{'page':>14} {'build cpu s':>11} {'build wall s':>12} {'size MB':>8} {'browser s':>9} {'vs trivial':>10}")
    for name, cpu, wall, size in rows:
        print(f"{name:>14} {cpu:11.3f} {wall:12.3f} {size / 1e6:8.3f} {shown[name]:9.3f} {shown[name] / shown['trivial page']:9.1f}x")
    for name in ("trivial page", "optuna plotly"):
        if name in shown:
            print(f"{name:>14} {'':>11} {'':>12} {pages[name].stat().st_size / 1e6:8.3f} {shown[name]:9.3f} {shown[name] / shown['trivial page']:9.1f}x")
    if "optuna plotly" in shown:
        print(f"study report vs Optuna's plotly page of the same trials: {shown['study'] / shown['optuna plotly']:.2f}x the browser time, "
              f"{pages['study'].stat().st_size / pages['optuna plotly'].stat().st_size:.2f}x the size")
    else:
        print("optuna plotly baseline skipped: plotly is not installed (pip install -c constraints.txt plotly)")
    print(f"load after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
