"""``audit()``: read every split in chunks, run each check once over shared work, collect findings.

The phases, each a bounded amount of memory whatever the number of examples:
1. read each split once (statistics, hashes, moments, targets, samples);
2. labels, exact duplicates (hash tables), input scale and target leakage (samples);
3. read each split again to embed it, and search neighbours (near duplicates, leakage,
   the votes of the label baselines: the neighbours' and a linear model's, fitted on a
   sample of train);
4. outliers and histograms (one pass over the statistics), label errors, the pictures' examples.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import torch

from .._core._errors import DataError
from ._budget import Budget
from ._config import AuditConfig
from ._duplicates import exact_duplicates
from ._features import scale_findings, target_leak_findings
from ._finding import Finding
from ._gallery import build_gallery
from ._hashes import HashTable
from ._image_folder import split_folders
from ._label_errors import VOTE_K, LabelVotes, judge_labels, label_baselines
from ._labels import LabelAnalysis, analyse_labels
from ._load import open_source
from ._near import near_duplicates, near_leakage
from ._neighbors import Representation
from ._outliers import outlier_pass
from ._progress import Progress, Tracker
from ._report import AuditReport
from ._scan import Scan, scan
from ._search import Neighbourhood, search
from ._sections import LeakageSummary, NeighborSummary, SplitSummary
from ._source import Source
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


def _sources(train: Any, val: Any, test: Any, label_column: str) -> dict[str, Source]:
    whole = isinstance(train, (str, Path)) and Path(train).is_dir() and val is None and test is None
    if whole and (found := split_folders(Path(train))):
        return {name: open_source(path, name) for name, path in found.items()}
    given = {"train": train, "val": val, "test": test}
    out = {n: open_source(d, n, label_column=label_column) for n, d in given.items() if d is not None}
    for name, s in out.items():
        if s.width != out["train"].width:
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
    features: Callable[[np.ndarray], np.ndarray] | torch.nn.Module | None = None,
    pred_probs: Mapping[str, np.ndarray] | None = None,
    config: AuditConfig | None = None,
    progress: Progress | None = None,
) -> AuditReport:
    """Look through every split for the faults that make networks learn the wrong thing.

    Data of any size is read in chunks, twice; memory stays within ``config.max_memory``
    plus about 20 bytes per example (tables beyond it go to a temporary folder, removed
    after; see ``_budget`` for the bound).

    Args:
        train: Training data: ``(X, y)`` arrays (memory-mapped ones too) or tensors, a
            ``Dataset`` or ``DataLoader`` of ``(x, y)`` pairs, a folder of images (one
            sub-folder per class, or ``train/``, ``val/``, ``test/`` folders of those), or a
            ``.csv`` file.
        val: Validation data in the same forms.
        test: Test data in the same forms.
        features: A module taking a batch of inputs in their original shape, or a function
            from flat inputs ``(b, d)`` (numpy), returning embeddings ``(b, k)``, e.g. a
            trained model's penultimate layer; the nearest neighbours then compare those
            instead of the standardised inputs.
        pred_probs: Out-of-sample class probabilities from your model per split name, rows
            in the split's order; used for label errors instead of the baseline.
        config: Thresholds, switches and the memory budget; :class:`AuditConfig` defaults
            otherwise.
        progress: Told about each phase as it runs (the CLI draws a progress bar).

    Returns:
        The report: ``report.ok`` is False when any finding is an ``error``.

    Raises:
        DataError: A split cannot be audited at all (ragged, lengths differ, empty, string
            labels, a folder with no images, a CSV without the label column).
        AuditInterrupted: Interrupted (Ctrl-C); says in which phase. Nothing is left behind.

    Example:
        >>> from sklearn.datasets import load_digits
        >>> X, y = load_digits(return_X_y=True)
        >>> report = audit((X, y), config=AuditConfig(label_errors=False))
        >>> report.ok
        True
    """
    cfg = config or AuditConfig()
    tracker = Tracker(progress)
    budget = Budget(cfg.max_memory_bytes, cfg.work_dir)
    try:
        with budget.scope():
            return _audit(train, val, test, features, pred_probs, cfg, tracker, budget)
    except KeyboardInterrupt as e:
        raise tracker.interrupted() from e


def _audit(
    train: Any, val: Any, test: Any, features: Any, pred_probs: Mapping[str, np.ndarray] | None,
    cfg: AuditConfig, tracker: Tracker, budget: Budget,
) -> AuditReport:
    sources = _sources(train, val, test, cfg.label_column)
    hashes = HashTable(budget, expected=sum(s.n_total for s in sources.values()))
    scans: list[Scan] = []
    for tag, (name, source) in enumerate(sources.items()):
        with tracker.phase(f"read {name}", source.n_total or None):
            scans.append(scan(source, tag, budget, hashes, seed=cfg.seed, train=tag == 0, advance=tracker.advance))
    findings = _broken(scans)
    index = {s.name: s.index for s in scans}
    tr = scans[0]
    with tracker.phase("labels"):
        sample = (tr.sample.X, tr.sample.y) if tr.sample.X is not None and tr.sample.y is not None else None
        targets = {s.name: s.targets for s in scans if s.targets is not None}
        labels = analyse_labels(
            targets, index, sample, task=cfg.task, num_classes=cfg.num_classes, class_names=tr.source.class_names
        )
        findings += labels.findings
        for t in targets.values():
            t.release()
    with tracker.phase("exact duplicates"):
        dups, copies = exact_duplicates(scans, hashes, labels.classes)
        findings += dups
    hashes.close()
    with tracker.phase("features"):
        scale, scale_summary = scale_findings(tr.moments) if tr.moments.count else ([], None)
        leak, leak_summary = _target_leakage(tr, labels, cfg.seed)
        findings += scale + leak
    near: Neighbourhood | None = None
    votes: LabelVotes | None = None
    if tr.finite.any():
        rep = Representation.fit(tr.sample.X, tr.moments, dim=cfg.index_dim, seed=cfg.seed)  # type: ignore[arg-type]
        rep.features = _as_feature_fn(features, tr.source.shape)
        if cfg.label_errors and labels.task == "classification" and "train" not in (pred_probs or {}):
            names = {s.tag: s.name for s in scans}
            baselines = label_baselines(labels.classes["train"], labels.num_classes, tr.sample, rep.transform, seed=cfg.seed)
            votes = LabelVotes(labels.classes, names, labels.num_classes, budget, baselines)
        near = search(scans, rep, budget, tracker, copies, votes=votes, k=VOTE_K if votes else 1, seed=cfg.seed)
        findings += near_duplicates(near.within, index, near.threshold)
        findings += near_leakage(near.to_train, {s.name: s.index for s in scans[1:]}, tr.index, near.threshold)
    nearest = {s.name: near.within[s.name].dist if near else np.full(s.rows, np.nan) for s in scans}
    with tracker.phase("outliers", sum(s.rows for s in scans)):
        outliers, statistics = outlier_pass(scans, nearest, cfg.outlier_z, seed=cfg.seed)
        findings += outliers
    label_error_summary = None
    if cfg.label_errors and labels.task == "classification":
        with tracker.phase("label errors"):
            errs, label_error_summary = judge_labels(votes, labels.classes, index, labels.num_classes, pred_probs=pred_probs)
            findings += errs
    if votes is not None:
        votes.close()
    with tracker.phase("pictures' examples"):
        gallery = build_gallery(tr, labels, nearest[tr.name])
    summary = AuditSummary(
        splits={s.name: SplitSummary(s.source.n_total, int(s.finite.sum()), tuple(s.source.shape), s.source.source_dtype) for s in scans},
        labels=labels.summary,
        scale=scale_summary,
        target_leakage=leak_summary,
        neighbors=None if near is None else NeighborSummary(near.threshold, near.median_nearest, near.dim, near.index),
        label_errors=label_error_summary,
        statistics=statistics,
        config=cfg,
        timings=dict(tracker.timings),
    )
    for s in scans:
        s.stats.close()
    log.info("audit finished in %.1f s", sum(tracker.timings.values()))
    return AuditReport(findings, summary, gallery)


def _broken(scans: list[Scan]) -> list[Finding]:
    """Unusable, non-finite, and too few examples: findings, never exceptions."""
    findings: list[Finding] = []
    for kind, why in _BROKEN.items():
        bad = [(s.name, b.index) for s in scans for b in s.source.broken if b.kind == kind]
        if bad:
            reasons = [b.reason for s in scans for b in s.source.broken if b.kind == kind]
            findings.append(Finding(kind, "error", f"{len(bad)} {why}", bad, {"reasons": reasons}))
    non_finite = [(s.name, int(i)) for s in scans for i in s.index[np.flatnonzero(~s.finite)]]
    if non_finite:
        findings.append(Finding("non_finite", "error", f"{len(non_finite)} examples contain NaN or Inf; drop or impute them before training.", non_finite))
    few = {s.name: int(s.finite.sum()) for s in scans if s.finite.sum() < _FEW}
    if few:
        listed = ", ".join(f"{n} has {k}" for n, k in few.items())
        findings.append(
            Finding(
                "few_examples", "warn",
                f"{listed} usable example(s): too few for the statistical checks (near duplicates need 3, "
                f"outliers and label errors {_FEW} or more), which were skipped there; check the split.",
                details={"usable": few},
            )
        )
    return findings


def _target_leakage(train: Scan, labels: LabelAnalysis, seed: int) -> tuple[list[Finding], LeakageSummary | None]:
    """Single-feature target leakage on sampled training rows (one target per example only)."""
    r = train.leak_sample
    if r is None or r.X is None or r.y is None or labels.task not in ("classification", "regression"):
        return [], None
    if labels.task == "classification":
        target = labels.classes["train"][r.rows].astype(np.float64)
    else:
        target = r.y.reshape(len(r.y), -1)[:, 0].astype(np.float64)
    ok = np.isfinite(target) & (target >= 0 if labels.task == "classification" else True)
    order = np.argsort(r.index[ok], kind="stable")  # rows in split order: the halves are fixed by position
    X, t = r.X[ok][order], target[ok][order]
    if len(t) < 20 or len(np.unique(t)) < 2:
        return [], None
    t = t.astype(np.int64) if labels.task == "classification" else t
    return target_leak_findings(X, t, labels.task, features=train.leak_features, seed=seed)


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
