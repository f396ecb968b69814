"""Inputs for the report tests, written as the stages write them, without training anything.

``HOSTILE`` names (markup that would run if it were not escaped) are used as class names,
metric names, hyperparameter names, run names, check names and study names throughout.
"""

from __future__ import annotations

import io
import json
import math
import os
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import optuna
import pytest
import yaml
from PIL import Image

from nnrecipe._audit._outliers import histogram

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
HOSTILE = (SCRIPT, IMG)
ARTIFACTS = Path(os.environ.get("NNRECIPE_ARTIFACTS") or Path(__file__).parents[1] / "artifacts") / "report"


def png_bytes(size: tuple[int, int] = (24, 12)) -> bytes:
    buf = io.BytesIO()
    Image.fromarray((np.arange(size[0] * size[1]).reshape(size[1], size[0]) % 255).astype(np.uint8)).save(buf, format="PNG")
    return buf.getvalue()


def write_run(folder: Path, *, steps: int = 1000, log_every: int = 50, val_every: int = 100, overfit: bool = False,
              diverge_at: int | None = None, finished: bool = True, metric: str = "accuracy", decay: bool = False,
              name: str = "cnn", hparams: dict[str, Any] | None = None, spike_at: int | None = None) -> Path:
    """A run folder: config.json, metrics.jsonl and (if ``finished``) result.json."""
    folder.mkdir(parents=True)
    config = {"hparams": {"lr": 3e-4, "batch_size": 64, **(hparams or {})}, "name": name, "loss": "cross_entropy",
              "parent": None, "diff_from_parent": None, "created": "2026-12-01T14:00:00Z"}
    (folder / "config.json").write_text(json.dumps(config))
    rows = []
    for s in range(log_every, steps + 1, log_every):
        loss = 2.3 * math.exp(-s / (steps / 4)) + 0.01
        if spike_at is not None and s == spike_at:
            loss = 50.0
        if diverge_at is not None and s >= diverge_at:
            loss = math.nan
        lr = 3e-4 * (1 - s / steps) if decay else 3e-4
        rows.append({"step": s, "epoch": s // 100, "loss": loss, "lr": lr, "time": s / 100})
        if s % val_every == 0 and (diverge_at is None or s < diverge_at):
            val = 2.3 * math.exp(-s / (steps / 4)) + 0.1 + (0.5 * max(0.0, s - steps / 2) / steps if overfit else 0.0)
            rows.append({"step": s, "epoch": s // 100, "val_loss": val, f"val_{metric}": 1 - val / 3})
    (folder / "metrics.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    if finished:
        vals = [r for r in rows if "val_loss" in r]
        best = max(vals, key=lambda r: r[f"val_{metric}"]) if vals else None
        result = {"final": vals[-1] if vals else {}, "best": best, "best_step": best and best["step"], "monitor": f"val_{metric}",
                  "steps": steps, "epochs": steps // 100, "seconds": 12.5, "stopped_early": False, "diverged": diverge_at is not None}
        (folder / "result.json").write_text(json.dumps(result))
    return folder


def audit_json(*, outlier: bool = True, findings: bool = True) -> dict[str, Any]:
    """``audit.json`` content: three classes (two with hostile names), one statistic with an outlier."""
    rng = np.random.default_rng(0)
    mean = rng.normal(size=3000)
    if outlier:
        mean[0] = 40.0
    found = [
        {"kind": "leakage", "severity": "error", "message": "3 validation examples duplicate training ones; drop them from val.",
         "count": 3, "examples": [["val", 1], ["val", 4], ["val", 9]], "details": {}},
        {"kind": "outliers", "severity": "warn", "message": f"1 example has an extreme mean (class {SCRIPT}).",
         "count": 1, "examples": [["train", 0]], "details": {}},
    ] if findings else []
    summary = {
        "splits": {"train": {"examples": 3000, "usable": 3000, "shape": [40], "dtype": "float32"},
                   "val": {"examples": 500, "usable": 500, "shape": [40], "dtype": "float32"}},
        "labels": {"task": "classification", "num_classes": 3, "class_names": [SCRIPT, IMG, "cat"],
                   "counts": {"train": [1000, 1200, 800], "val": [150, 200, 150]}, "imbalance": 1.5},
        "scale": {"mean": 0.01, "std": 1.0, "min": -4.0, "max": 40.0},
        "statistics": {"train": {
            "mean": {"lowest": [[5, -3.1]], "highest": [[0, 40.0]], "histogram": histogram(mean)},
            "std": {"lowest": [[7, 0.5]], "highest": [[8, 1.9]], "histogram": histogram(rng.gamma(9, 0.1, size=3000))},
            "length": {"lowest": [[0, 40.0]], "highest": [[1, 40.0]], "histogram": histogram(np.full(3000, 40.0))},
        }},
        "timings": {"load": 0.1, "stats": 0.2},
    }
    return {"ok": not findings, "findings": found, "summary": summary}


def write_audit(folder: Path, **kw: Any) -> Path:
    (folder / "pictures").mkdir(parents=True)
    (folder / "audit.json").write_text(json.dumps(audit_json(**kw)))
    (folder / "pictures" / "samples_per_class.png").write_bytes(png_bytes())
    (folder / "pictures" / "statistics.png").write_bytes(png_bytes())  # drawn by the report itself: left out
    return folder


def check_json(folder: Path, *, failing: bool = True) -> dict[str, Any]:
    results = [
        {"name": "overfit_batch", "status": "pass", "measured": "loss 2.48 -> 0.04 in 13 steps", "expected": "loss below 0.046",
         "seconds": 0.5, "details": {"losses": [2.48, 1.2, 0.6, 0.3, 0.1, 0.04], "target": 0.046,
                                     "labels": [0, 1, 2, 1], "predictions": [0, 1, 2, 2]}},
        {"name": "lr_range", "status": "pass", "measured": "suggested lr 6e-3", "expected": "a falling range", "seconds": 3.9,
         "details": {"lrs": [1e-6 * 10 ** (k / 10) for k in range(60)], "losses": [2.3 - 0.02 * k if k < 50 else 9.0 for k in range(60)],
                     "suggested_lr": 6e-3}},
        {"name": SCRIPT, "status": "fail" if failing else "pass", "measured": f"{IMG} leaks across the batch",
         "expected": "no gradient across examples", "why": "mixes examples", "fix": "use permute, not view", "seconds": 0.1,
         "details": {"pictures": [str(folder / "input_batch.png"), "/etc/passwd"]}},
        {"name": "causality", "status": "skip", "measured": "not autoregressive", "expected": "", "seconds": 0.0, "details": {}},
    ]
    return {"ok": not failing, "counts": {}, "results": results}


def write_check(folder: Path, **kw: Any) -> Path:
    folder.mkdir(parents=True)
    (folder / "input_batch.png").write_bytes(png_bytes())
    (folder / "check.json").write_text(json.dumps(check_json(folder, **kw)))
    return folder


def write_study(root: Path, *, name: str = IMG, trials: int = 40, complete: bool = True, edge: bool = True) -> Path:
    """A study file and its journal storage with synthetic trials: ``optimizer`` is scientific,
    ``lr`` and a parameter with a hostile name are nuisance; with ``edge`` the best trials crowd
    the top of the ``lr`` range (a boundary warning), else they sit inside it."""
    from nnrecipe._tune._storage import default_storage_url, open_storage, study_folder

    runs = root / "runs"
    root.mkdir(parents=True, exist_ok=True)
    raw = {"name": name, "experiment": "exp.py", "goal": {"metric": f"val_{SCRIPT}", "direction": "maximize"},
           "scientific": {"optimizer": {"choices": ["adam", "sgd"]}},
           "nuisance": {"lr": {"log": [1e-4, 1e-1]}, SCRIPT: {"linear": [0.0, 1.0]}},
           "budget": {"trials": trials}, "runs_dir": str(runs)}
    path = root / "study.yaml"
    path.write_text(yaml.safe_dump(raw))
    url = default_storage_url(runs, name)
    study_folder(runs, name).mkdir(parents=True)
    storage = open_storage(url)
    study = optuna.create_study(study_name=name, storage=storage, direction="maximize")
    dists = {"optimizer": optuna.distributions.CategoricalDistribution(["adam", "sgd"]),
             "lr": optuna.distributions.FloatDistribution(1e-4, 1e-1, log=True),
             SCRIPT: optuna.distributions.FloatDistribution(0.0, 1.0)}
    rng = np.random.default_rng(1)
    made = []
    for i in range(trials):
        lr = float(10 ** rng.uniform(-4, -1))
        other = float(rng.uniform(0, 1))
        peak = -1.05 if edge else -2.5
        value = 0.95 - 0.1 * (math.log10(lr) - peak) ** 2 + 0.01 * rng.normal() + (0.02 if i % 2 else 0.0)
        curve = [[s, 1.0 - value / 2, value * (1 - math.exp(-s / 300))] for s in range(100, 1001, 100)]
        attrs = {"steps": 1000, "best_step": 1000, "final": value, "val_curve": curve,
                 "train_curve": [[s, 1.0 - value * s / 1000] for s in range(100, 1001, 100)],
                 "hparams": {"optimizer": ["adam", "sgd"][i % 2], "lr": lr, SCRIPT: other}}
        state = optuna.trial.TrialState.COMPLETE if complete else optuna.trial.TrialState.FAIL
        made.append(optuna.trial.create_trial(params={"optimizer": ["adam", "sgd"][i % 2], "lr": lr, SCRIPT: other},
                                              distributions=dists, value=value if complete else None, user_attrs=attrs, state=state))
    study.add_trials(made)
    return path


@pytest.fixture
def runs_folder(tmp_path: Path) -> Path:
    """A runs folder as a project leaves it: an audit, a check, two fit runs and a study."""
    runs = tmp_path / "runs"
    write_audit(runs / "cnn-audit-20261201-140000")
    write_check(runs / "cnn-check-20261201-140100")
    write_run(runs / "cnn-20261201-140200", overfit=True, name=SCRIPT, hparams={SCRIPT: 1, IMG: "x"}, metric=SCRIPT)
    write_run(runs / f"{IMG}-20261201-140300", decay=True)
    write_study(tmp_path)
    return runs


@pytest.fixture(scope="session")
def artifacts() -> Path:
    shutil.rmtree(ARTIFACTS, ignore_errors=True)  # this run's screenshots only
    ARTIFACTS.mkdir(parents=True)
    _SAVED.append(ARTIFACTS)
    return ARTIFACTS


_SAVED: list[Path] = []  # set when this session saved screenshots


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if _SAVED and any(ARTIFACTS.iterdir()):
        terminalreporter.write_line(f"report screenshots: {ARTIFACTS}")
