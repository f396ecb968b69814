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
from ._labels import analyse_labels
from ._load import load_split
from ._near import near_duplicates
from ._neighbors import Representation
from ._outliers import extremes, histogram, outlier_findings
from ._report import AuditReport
from ._split import LoadedSplit
from ._stats import compute_stats

__all__ = ["audit"]

log = logging.getLogger(__name__)

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
    lap("stats")
    labels = analyse_labels(splits, task=cfg.task, num_classes=cfg.num_classes)
    findings += labels.findings
    lap("labels")
    findings += exact_duplicates(splits, stats, labels.classes)
    lap("exact_duplicates")
    rep = Representation.fit(splits["train"].X[stats["train"].finite], stats["train"].moments, dim=cfg.index_dim, seed=cfg.seed)
    rep.features = _as_feature_fn(features, splits["train"].shape)
    rows = {n: np.flatnonzero(stats[n].finite) for n in splits}
    Z = {n: rep.transform(s.X if len(rows[n]) == len(s) else s.X[rows[n]]) for n, s in splits.items()}
    lap("representation")
    near_findings, near_summary = near_duplicates(splits, stats, rows, Z, cfg)
    findings += near_findings
    lap("neighbors")
    findings += outlier_findings(splits, stats, rows["train"], cfg.outlier_z)
    lap("outliers")
    scale, scale_summary = scale_findings(stats["train"].moments)
    findings += scale
    tr = splits["train"]
    leak_summary: dict[str, Any] = {}
    if labels.task in ("classification", "regression"):
        if labels.task == "classification":
            ok = stats["train"].finite & (labels.classes["train"] >= 0)
            target = labels.classes["train"][ok]
        else:
            ok = stats["train"].finite & np.isfinite(tr.y.reshape(len(tr), -1)).all(1)  # type: ignore[union-attr]
            target = tr.y.reshape(len(tr), -1)[ok, 0]  # type: ignore[union-attr]
        if ok.sum() >= 20:
            # Subsample before gathering rows: a copy of all of X would double peak memory.
            pick = np.sort(np.random.default_rng(cfg.seed).permutation(int(ok.sum()))[:20_000])
            leak, leak_summary = target_leak_findings(tr.X[np.flatnonzero(ok)[pick]], target[pick], labels.task, seed=cfg.seed)
            findings += leak
    lap("features")
    label_error_summary: dict[str, Any] = {}
    if cfg.label_errors and labels.task == "classification":
        cls = {n: labels.classes[n][rows[n]] for n in splits}
        idx = {n: splits[n].index[rows[n]] for n in splits}
        errs, label_error_summary = find_label_errors(Z, cls, idx, labels.num_classes, pred_probs=pred_probs, seed=cfg.seed)
        findings += errs
        lap("label_errors")
    summary: dict[str, Any] = {
        "splits": {n: {"examples": s.n_total, "usable": int(stats[n].finite.sum()), "shape": list(s.shape), "dtype": s.source_dtype} for n, s in splits.items()},
        "labels": labels.summary,
        "scale": scale_summary,
        "target_leakage": leak_summary,
        "neighbors": near_summary,
        "label_errors": label_error_summary,
        "statistics": {
            n: {k: {**extremes(v, splits[n].index), "histogram": histogram(v)} for k, v in stats[n].values.items()}
            for n in splits
        },
        "config": cfg.to_dict(),
    }
    gallery = build_gallery(splits, stats, labels, seed=cfg.seed)
    lap("summary")
    summary["timings"] = timings
    log.info("audit finished in %.1f s", sum(timings.values()))
    return AuditReport(findings, summary, gallery)


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
