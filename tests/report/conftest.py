"""Inputs for the report tests, written as the stages write them, without training anything.

``HOSTILE`` names (markup that would run if it were not escaped) are used as class names,
metric names, hyperparameter names, run names, check names and study names throughout.
"""

from __future__ import annotations

import csv
import dataclasses
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
import torch
import yaml
from PIL import Image

import nnrecipe
from nnrecipe import EnsembleOptions, EnsembleResult, Finding
from nnrecipe.auditing import (
    AuditSummary,
    ClassLabels,
    Histogram,
    LabelErrorSummary,
    LeakageSummary,
    NeighborSummary,
    ScaleSummary,
    SplitSummary,
    StatisticSummary,
)

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


SPLIT_SIZES = {"train": 300, "val": 60}
LEAKED = 3  # validation rows copied from training rows: a leakage error


def write_hostile_csvs(folder: Path) -> dict[str, Path]:
    """Train and validation CSVs whose class names are the hostile strings (and ``cat``): three
    classes apart in feature space, validation rows 0-2 copied from training rows 10-12 (a
    leakage error) and one training row far from the rest (an outlier)."""
    rng = np.random.default_rng(0)
    names = (SCRIPT, IMG, "cat")
    folder.mkdir(parents=True, exist_ok=True)
    rows: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for split, n in SPLIT_SIZES.items():
        y = np.arange(n) % 3
        rows[split] = (rng.normal(size=(n, 8)) + 2.0 * y[:, None], y)
    X, y = rows["train"]
    X[0] += 40.0
    Xv, yv = rows["val"]
    Xv[:LEAKED], yv[:LEAKED] = X[10 : 10 + LEAKED], y[10 : 10 + LEAKED]
    paths = {}
    for split, (X, y) in rows.items():
        paths[split] = folder / f"{split}.csv"
        with paths[split].open("w", newline="") as f:
            out = csv.writer(f)
            out.writerow([*(f"f{i}" for i in range(X.shape[1])), "label"])
            out.writerows([*(f"{v:.5f}" for v in x), names[c]] for x, c in zip(X, y))
    return paths


@pytest.fixture(scope="session")
def audited(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder written by the real audit (``AuditReport.save``: audit.json and its pictures)
    of data whose class names are the hostile strings; copy it, never change it."""
    paths = write_hostile_csvs(tmp_path_factory.mktemp("csv"))
    report = nnrecipe.audit(paths["train"], val=paths["val"])
    folder = tmp_path_factory.mktemp("audit") / "hostile-audit-20261201-140000"
    report.save(folder)
    return folder


def write_audit(folder: Path, audited: Path) -> Path:
    """A copy of the real audit's folder at ``folder``."""
    shutil.copytree(audited, folder)
    return folder


def histogram(values: np.ndarray) -> Histogram:
    """The audit's own histogram of ``values`` (its robust axis, outliers counted apart)."""
    from nnrecipe._audit._histogram import histogram as audit_histogram

    return audit_histogram(np.asarray(values, dtype=np.float64))


def statistic(values: np.ndarray) -> StatisticSummary:
    order = np.argsort(values)
    pairs = [(int(i), float(values[i])) for i in order]
    return StatisticSummary(tuple(pairs[:3]), tuple(pairs[-3:][::-1]), histogram(values))


def summary(*, outlier: bool = True, **changes: Any) -> AuditSummary:
    """A typed summary as the audit builds it: three classes (two with hostile names), a
    ``mean`` with one outlier (unless not ``outlier``), a ``nn_distance`` spanning orders of
    magnitude, a ``length`` equal for every example; ``changes`` replace sections."""
    rng = np.random.default_rng(0)
    mean = rng.normal(size=3000)
    if outlier:
        mean[0] = 40.0
    counts = {"train": (1000, 1200, 800), "val": (150, 200, 150)}
    prior = tuple(c / 3000 for c in counts["train"])
    labels = ClassLabels("classification", 3, (SCRIPT, IMG, "cat"), counts, prior, 1.5, (), tuple(math.log(p) for p in prior),
                         -sum(p * math.log(p) for p in prior))
    typed = AuditSummary(
        splits={"train": SplitSummary(3000, 3000, (40,), "float32"), "val": SplitSummary(500, 500, (40,), "float32")},
        labels=labels,
        scale=ScaleSummary(0.01, 1.0, -4.0, 40.0, (3, 17), 1.2),
        target_leakage=LeakageSummary(7, 0.41, 0.4, 40),
        neighbors=NeighborSummary(0.05, 1.3, 32, "exact: every pair compared"),
        label_errors=LabelErrorSummary({"train": "20-nearest-neighbour vote on train", "val": "20-nearest-neighbour vote on train"},
                                       {"train": 0.92, "val": 0.9}, {"train": 0.9, "val": 0.88}, {"train": 0.013, "val": None},
                                       {"train": 12, "val": 0}),
        statistics={
            "train": {"mean": statistic(mean), "std": statistic(rng.gamma(9, 0.1, size=3000)),
                      "length": statistic(np.full(3000, 40.0)), "nn_distance": statistic(rng.lognormal(0.0, 2.0, size=3000))},
            "val": {"mean": statistic(rng.normal(size=500))},
        },
        timings={"read train": 0.1, "outliers": 0.2},
    )
    return dataclasses.replace(typed, **changes)


def findings() -> list[Finding]:
    return [
        Finding("leakage", "error", "3 validation examples duplicate training ones; drop them from val.", [("val", 1), ("val", 4), ("val", 9)]),
        Finding("outliers", "warn", f"1 example has an extreme mean (class {SCRIPT}).", [("train", 0)]),
    ]


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


def write_predictions(run: Path, right: slice, *, examples: int = 200, seed: int = 0) -> Path:
    """Store validation and test predictions in ``run`` as a finished run does: three classes,
    confident and right on the examples in ``right``, unsure (and often wrong) elsewhere."""
    from nnrecipe._ensemble._outputs import OutputRule
    from nnrecipe._ensemble._predictions import write_predictions as store

    g = torch.Generator().manual_seed(seed)
    splits = {}
    for split in ("val", "test"):
        y = torch.arange(examples) % 3
        logits = torch.randn(examples, 3, generator=g)
        logits[torch.arange(examples)[right], y[right]] += 4.0
        splits[split] = (logits.softmax(-1), y)
    info = {"rule": OutputRule("classification", "softmax", -1, (3,)).to_dict(), "loss": "cross_entropy", "monitor": "val_accuracy",
            "monitor_value": None, "step": 100, "steps": 1000, "weights": "weights/best.safetensors", "weights_sha256": "0" * 64,
            "experiment": None}
    store(run, info, splits)
    return run


def write_ensemble(runs: list[Path]) -> Path:
    """``nnrecipe ensemble`` of ``runs`` (each given predictions right on another part of the
    examples), saved where the CLI saves it: ``ensemble.json`` in the folder they share."""
    for k, run in enumerate(runs):
        write_predictions(run, slice(40 * k, 40 * k + 140), seed=k)
    result = nnrecipe.ensemble(*runs, options=EnsembleOptions(resamples=500))
    return result.save(result.default_path())


def ensemble_result(*, gain: float = 0.03, interval: tuple[float, float] = (0.01, 0.05), greedy_val: float = 0.95,
                    test: bool = True, members: int = 3, metric: str = "accuracy") -> EnsembleResult:
    """An ``EnsembleResult`` with chosen figures: the best single model scores 0.90 on validation and
    0.88 on test, the average of all gains 0.01 on test, greedy ``gain`` with ``interval`` (in
    ``metric``'s units, positive when better), greedy keeps 3 of 6 steps (member 0 twice, 1 once)."""
    from nnrecipe.ensembling import Member, MethodResult, OutputRule, SelectionStep

    sign = 1.0 if metric == "accuracy" else -1.0
    other = "nll" if metric == "accuracy" else "accuracy"
    labels = [SCRIPT, IMG, *(f"trial {i}" for i in range(2, members))]
    vals = [0.90 - 0.01 * i * sign for i in range(members)]
    rule = OutputRule("classification", "softmax", -1, (3,))
    made = tuple(Member(Path("/runs") / f"run-{i}", label, "weights/best.safetensors", "0" * 64, 100, "val_accuracy", None, rule,
                        {metric: v, other: 0.3}) for i, (label, v) in enumerate(zip(labels, vals)))

    def method(name: str, weights: tuple[float, ...], val: float, g: float | None, ci: tuple[float, float] | None) -> MethodResult:
        figures = {metric: 0.88 + sign * (g or 0.0), other: 0.3} if test else None
        return MethodResult(name, weights, {metric: val, other: 0.3}, figures, g if test else None, ci if test else None)  # type: ignore[arg-type]

    steps = [(0, 0.90), (1, greedy_val - 0.01 * sign), (0, greedy_val), (1, greedy_val - 0.005 * sign), (0, greedy_val - 0.01 * sign),
             (1, greedy_val - 0.02 * sign)]
    return EnsembleResult(
        metric=metric, task="classification", classes=3, members=made, excluded=(nnrecipe.ensembling.Excluded("trial 9", "infeasible"),),  # type: ignore[arg-type]
        single=method("single", (1.0,) + (0.0,) * (members - 1), 0.90, None, None),
        average=method("average", (1 / members,) * members, 0.91, 0.01, (-0.01, 0.03)),
        greedy=method("greedy", (2 / 3, 1 / 3) + (0.0,) * (members - 2), greedy_val, gain, interval),
        trajectory=tuple(SelectionStep(k + 1, added, value) for k, (added, value) in enumerate(steps)), best_size=3,
        val_size=500, test_size=1000 if test else None, targets_sha256={"val": "0" * 64}, options=EnsembleOptions(steps=6),
        seconds=0.01, sources=(f"study {IMG}",), created="2026-12-01T15:00:00Z",
    )


@pytest.fixture(scope="session")
def diagnosed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real run with every default diagnostic (a second of training): 8 x 8 images of three
    classes, layers named with the hostile strings, a reference metric in its config; copy it."""
    from collections import OrderedDict

    g = torch.Generator().manual_seed(0)
    y = torch.arange(96) % 3
    X = torch.randn(96, 1, 8, 8, generator=g) + y.view(-1, 1, 1, 1).float()
    torch.manual_seed(0)
    model = torch.nn.Sequential(OrderedDict([(SCRIPT, torch.nn.Conv2d(1, 4, 3)), (IMG, torch.nn.ReLU()), ("flat", torch.nn.Flatten()),
                                             ("out", torch.nn.Linear(4 * 6 * 6, 3))]))
    trainer = nnrecipe.Trainer(nnrecipe.TrainConfig(epochs=3, batch_size=16, log_every=2, tensorboard=False),
                               runs_dir=tmp_path_factory.mktemp("diagnosed"), name="diagnosed")
    trainer.record = {"reference": {"val_accuracy": 0.96}}
    return trainer.fit(model, (X, y), "cross_entropy", val=(X[:48], y[:48])).run_dir  # type: ignore[return-value]


@pytest.fixture
def runs_folder(tmp_path: Path, audited: Path, diagnosed: Path) -> Path:
    """A runs folder as a project leaves it: an audit, a check, three fit runs (one with its
    diagnostics), the ensemble of two and a study."""
    runs = tmp_path / "runs"
    write_audit(runs / "cnn-audit-20261201-140000", audited)
    write_check(runs / "cnn-check-20261201-140100")
    fits = [write_run(runs / "cnn-20261201-140200", overfit=True, name=SCRIPT, hparams={SCRIPT: 1, IMG: "x"}, metric=SCRIPT),
            write_run(runs / f"{IMG}-20261201-140300", decay=True)]
    shutil.copytree(diagnosed, runs / "diagnosed-20261201-140400")
    write_ensemble(fits)
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
