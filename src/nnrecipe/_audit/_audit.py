"""``audit()``: load the splits, run every check once over shared work, collect the findings."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import torch

from .._core._errors import DataError
from ._config import AuditConfig
from ._duplicates import exact_duplicates
from ._features import scale_findings, target_leak_findings
from ._finding import Finding
from ._gallery import build_gallery
from ._image_folder import split_folders
from ._label_errors import find_label_errors
from ._labels import LabelAnalysis, analyse_labels
from ._load import load_split
from ._near import near_duplicates
from ._neighbors import Representation, build_neighbors
from ._outliers import outlier_findings, statistic_summary
from ._report import AuditReport
from ._sections import LeakageSummary, SplitSummary
from ._split import LoadedSplit
from ._stats import SplitStats, compute_stats
from ._summary import AuditSummary

__all__ = ["audit"]

log = logging.getLogger(__name__)

_FEW = 10  # usable examples below which a split is too small for the statistical checks

_BROKEN = {
    "unreadable": "examples cannot be loaded or decoded; fix or remove the files (the audit skipped them).",
    "wrong_shape": "examples have a shape that differs from the rest; resize, pad or crop them.",
    "wrong_dtype": "examples have a dtype (or a cell) that differs from the rest; convert them.",
    "label_type": "labels are not numbers; encode classes as integers 0..C-1.",
}


def _splits(train: Any, val: Any, test: Any, label_column: str) -> dict[str, LoadedSplit]:
    whole = isinstance(train, (str, Path)) and Path(train).is_dir() and val is None and test is None
    if whole and (found := split_folders(Path(train))):
        return {name: load_split(path, name) for name, path in found.items()}
    given = {"train": train, "val": val, "test": test}
    out = {n: load_split(d, n, label_column=label_column) for n, d in given.items() if d is not None}
    for name, s in out.items():
        if s.X.shape[1] != out["train"].X.shape[1]:
            raise DataError(
                f"{name} examples have shape {s.shape} but train examples have "
                f"{out['train'].shape}; every split must share the input shape."
            )
    return out


def audit(
    train: Any,
    *,
    val: Any = None,
    test: Any = None,
    label_column: str = "label",
    features: Callable[[np.ndarray], np.ndarray] | torch.nn.Module | None = None,
    pred_probs: Mapping[str, np.ndarray] | None = None,
    config: AuditConfig | None = None,
) -> AuditReport:
    """Look through every split for the faults that make networks learn the wrong thing.

    Args:
        train: Training data: ``(X, y)`` arrays or tensors, a ``Dataset`` or ``DataLoader``
            of ``(x, y)`` pairs, a folder of images (one sub-folder per class, or
            ``train/``, ``val/``, ``test/`` folders of those), or a ``.csv`` file.
        val: Validation data in the same forms.
        test: Test data in the same forms.
        label_column: The label column of CSV files.
        features: A module taking a batch of inputs in their original shape, or a function
            from flat inputs ``(b, d)`` (numpy), returning embeddings ``(b, k)``, e.g. a
            trained model's penultimate layer; the nearest neighbours then compare those
            instead of the standardised inputs.
        pred_probs: Out-of-sample class probabilities from your model per split name, rows
            in the split's order; used for label errors instead of the baseline.
        config: Thresholds and switches; :class:`AuditConfig` defaults otherwise.

    Returns:
        The report: ``report.ok`` is False when any finding is an ``error``.

    Raises:
        DataError: A split cannot be audited at all (ragged, lengths differ, empty, string
            labels, a folder with no images, a CSV without the label column).

    Example:
        >>> from sklearn.datasets import load_digits
        >>> X, y = load_digits(return_X_y=True)
        >>> report = audit((X, y), config=AuditConfig(label_errors=False))
        >>> report.ok
        True
    """
    cfg = config or AuditConfig()
    timings: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[name] = round(now - clock, 3)
        clock = now

    splits = _splits(train, val, test, label_column)
    lap("load")
    findings: list[Finding] = []
    for kind, why in _BROKEN.items():
        bad = [(s.name, b.index) for s in splits.values() for b in s.broken if b.kind == kind]
        if bad:
            reasons = [b.reason for s in splits.values() for b in s.broken if b.kind == kind]
            findings.append(Finding(kind, "error", f"{len(bad)} {why}", bad, {"reasons": reasons}))
    stats = {name: compute_stats(s.X) for name, s in splits.items()}
    non_finite = [(n, int(i)) for n, s in splits.items() for i in s.index[~stats[n].finite]]
    if non_finite:
        findings.append(Finding("non_finite", "error", f"{len(non_finite)} examples contain NaN or Inf; drop or impute them before training.", non_finite))
    rows = {n: np.flatnonzero(stats[n].finite) for n in splits}
    findings += _few_examples(rows)
    lap("stats")
    labels = analyse_labels(splits, task=cfg.task, num_classes=cfg.num_classes, seed=cfg.seed)
    findings += labels.findings
    lap("labels")
    findings += exact_duplicates(splits, stats, labels.classes)
    lap("exact_duplicates")
    if len(rows["train"]) == 0:
        summary = AuditSummary(splits=_split_summaries(splits, stats), labels=labels.summary, config=cfg, timings=timings)
        return AuditReport(findings, summary, None)
    rep = Representation.fit(splits["train"].X[rows["train"]], stats["train"].moments, dim=cfg.index_dim, seed=cfg.seed)
    rep.features = _as_feature_fn(features, splits["train"].shape)
    Z = {n: rep.transform(s.X if len(rows[n]) == len(s) else s.X[rows[n]]) for n, s in splits.items()}
    lap("representation")
    graphs = {n: build_neighbors(Z[n], k=cfg.neighbors, seed=cfg.seed) for n in splits if len(Z[n]) >= 3}
    near_findings, near_summary = near_duplicates(splits, stats, rows, Z, graphs)
    findings += near_findings
    lap("neighbors")
    findings += outlier_findings(splits, stats, rows["train"], cfg.outlier_z)
    lap("outliers")
    scale, scale_summary = scale_findings(stats["train"].moments)
    findings += scale
    leak, leak_summary = _target_leakage(splits["train"], stats["train"], labels, cfg.seed)
    findings += leak
    lap("features")
    label_error_summary = None
    if cfg.label_errors and labels.task == "classification" and "train" in graphs:
        cls = {n: labels.classes[n][rows[n]] for n in splits}
        idx = {n: splits[n].index[rows[n]] for n in splits}
        errs, label_error_summary = find_label_errors(
            graphs["train"].index, Z, cls, idx, labels.num_classes, pred_probs=pred_probs, seed=cfg.seed
        )
        findings += errs
        lap("label_errors")
    gallery = build_gallery(splits, stats, labels, seed=cfg.seed)
    statistics = {
        n: {k: statistic_summary(v, splits[n].index) for k, v in stats[n].values.items()} for n in splits
    }
    lap("summary")
    summary = AuditSummary(
        splits=_split_summaries(splits, stats),
        labels=labels.summary,
        scale=scale_summary,
        target_leakage=leak_summary,
        neighbors=near_summary,
        label_errors=label_error_summary,
        statistics=statistics,
        config=cfg,
        timings=timings,
    )
    log.info("audit finished in %.1f s", sum(timings.values()))
    return AuditReport(findings, summary, gallery)


def _split_summaries(splits: Mapping[str, LoadedSplit], stats: Mapping[str, SplitStats]) -> dict[str, SplitSummary]:
    return {
        n: SplitSummary(examples=s.n_total, usable=int(stats[n].finite.sum()), shape=tuple(s.shape), dtype=s.source_dtype)
        for n, s in splits.items()
    }


def _few_examples(rows: Mapping[str, np.ndarray]) -> list[Finding]:
    """Splits too small for the statistical checks: a finding, not an exception."""
    few = {n: len(r) for n, r in rows.items() if len(r) < _FEW}
    if not few:
        return []
    listed = ", ".join(f"{n} has {k}" for n, k in few.items())
    return [
        Finding(
            "few_examples", "warn",
            f"{listed} usable example(s): too few for the statistical checks (near duplicates need 3, "
            f"outliers and label errors {_FEW} or more), which were skipped there; check the split.",
            details={"usable": few},
        )
    ]


def _target_leakage(
    train: LoadedSplit, stats: SplitStats, labels: LabelAnalysis, seed: int
) -> tuple[list[Finding], LeakageSummary | None]:
    """Single-feature target leakage on a subsample of train (one target per example only)."""
    if labels.task == "classification":
        ok = stats.finite & (labels.classes["train"] >= 0)
        target = labels.classes["train"][ok]
    elif labels.task == "regression" and train.y is not None:
        y = train.y.reshape(len(train), -1)
        ok = stats.finite & np.isfinite(y).all(1)
        target = y[ok, 0]
    else:
        return [], None
    if ok.sum() < 20 or len(np.unique(target)) < 2:
        return [], None
    # Subsample before gathering rows: a copy of all of X would double peak memory.
    pick = np.sort(np.random.default_rng(seed).permutation(int(ok.sum()))[:20_000])
    return target_leak_findings(train.X[np.flatnonzero(ok)[pick]], target[pick], labels.task, seed=seed)


def _as_feature_fn(
    features: Callable[[np.ndarray], np.ndarray] | torch.nn.Module | None, shape: tuple[int, ...]
) -> Callable[[np.ndarray], np.ndarray] | None:
    if not isinstance(features, torch.nn.Module):
        return features
    module = features.eval()
    param = next(module.parameters(), None)
    device = param.device if param is not None else torch.device("cpu")

    def embed(x: np.ndarray) -> np.ndarray:
        outs = []
        with torch.no_grad():
            for lo in range(0, len(x), 1024):  # bounded activations whatever the chunk size
                batch = torch.from_numpy(np.ascontiguousarray(x[lo : lo + 1024])).reshape(-1, *shape).to(device)
                outs.append(module(batch).reshape(len(batch), -1).float().cpu().numpy())
        return np.concatenate(outs)

    return embed
