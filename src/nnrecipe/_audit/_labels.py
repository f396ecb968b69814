"""Labels: what they are (classes, regression targets, one per sequence position), their
type and range, and the per-split class ids every later check uses."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

import numpy as np

from ._classes import class_findings, class_summary
from ._config import LabelTask
from ._finding import Finding
from ._regression import regression_targets
from ._sections import ClassLabels, RegressionTargets, SequenceTargets
from ._sequence import sequence_targets
from ._split import RowIndex
from ._targets import TargetScan

__all__ = ["LabelAnalysis", "LabelTask", "analyse_labels"]

# More class ids than this cannot be softmax outputs: the labels are IDs or codes instead.
_MAX_CLASS_ID = 1_000_000


@dataclasses.dataclass
class LabelAnalysis:
    """What the labels are, per split.

    Attributes:
        task: ``"classification"``, ``"regression"``, ``"autoregressive"``,
            ``"per_position"`` or ``"none"`` (no labels).
        classes: Per split, ``(m,)`` int16 (int32 beyond 32,767 classes) class ids aligned with the split's rows, -1 where
            the label is missing, of the wrong type or out of range (classification only).
        num_classes: The number of classes (classification only).
        findings: Label faults.
        summary: The typed labels section, ``None`` without labels.
    """

    task: str
    classes: dict[str, np.ndarray]
    num_classes: int
    findings: list[Finding]
    summary: ClassLabels | RegressionTargets | SequenceTargets | None


def _is_classification(v: np.ndarray, kind: str, task: LabelTask, named: bool) -> bool:
    if task != "auto":
        return task == "classification"
    if named or kind in "biu":
        return True
    v = v[:: max(1, len(v) // 1_000_000)]  # a strided million decides it: the same verdict, bounded memory
    fin = v[np.isfinite(v)]
    integral = fin == np.round(fin)
    distinct = len(np.unique(fin[integral]))
    # Whole-number floats with few distinct values, each seen about twice or more, are classes.
    return bool(len(fin)) and integral.mean() >= 0.99 and distinct <= min(1000, max(2, len(fin) // 2))


def analyse_labels(
    targets: Mapping[str, TargetScan],
    index: Mapping[str, RowIndex],
    sample: tuple[np.ndarray, np.ndarray] | None,
    *,
    task: LabelTask = "auto",
    num_classes: int | None = None,
    class_names: list[str] | None = None,
) -> LabelAnalysis:
    """Check the labels of every split and summarise them.

    Args:
        targets: Per split, its targets as the first pass kept them (splits without
            targets are absent).
        index: Per split, positions as passed of its usable rows.
        sample: Sampled train ``(inputs, targets)`` rows, compared for sequence targets.
        task: Force the task; ``"auto"`` infers it from the train labels (targets that are
            the inputs one position ahead are next-token data, ``"autoregressive"``).
        num_classes: The number of classes, when known; labels outside ``[0, num_classes)``
            are then out of range. Otherwise the labels seen define the classes.
        class_names: Class names from folder names or CSV text labels.

    Returns:
        The analysis.
    """
    train = targets.get("train")
    if train is None:
        return LabelAnalysis("none", {}, 0, [], None)
    if train.form == "per_position":
        sequence, found = sequence_targets(train, sample, declared=task == "autoregressive")
        return LabelAnalysis(sequence.task, {}, 0, found, sequence)
    findings: list[Finding] = []
    if task == "autoregressive":
        findings.append(
            Finding(
                "sequence_targets", "warn",
                f"task='autoregressive' was declared but train has one target per example (target shape "
                f"{train.shape}), not one per input position; pass targets with the inputs' shape "
                "(y = seq[1:] for x = seq[:-1]) or another task.",
            )
        )
        task = "auto"
    v = train.values
    one_label = train.form == "single" or train.one_hot
    if v is None or not one_label or not _is_classification(v, train.kind, task, class_names is not None):
        regression, more = regression_targets(targets, index)
        return LabelAnalysis("regression", {}, 0, findings + more, regression)
    values = {n: t.values for n, t in targets.items() if t.values is not None and (t.form == "single" or t.one_hot)}
    return _classification(values, index, num_classes, class_names, findings)


def _blocks(n: int, size: int = 1 << 20) -> list[slice]:
    """Slices of a million labels: temporaries stay small however many examples there are."""
    return [slice(lo, min(lo + size, n)) for lo in range(0, n, size)]


def _whole(f: np.ndarray) -> np.ndarray:
    return f[np.isfinite(f) & (f == np.round(f)) & (f >= 0)]


def _classification(
    flat: Mapping[str, np.ndarray],
    index: Mapping[str, RowIndex],
    num_classes: int | None,
    names: list[str] | None,
    findings: list[Finding],
) -> LabelAnalysis:
    seen = 1 + int(max((_whole(f[b]).max(initial=-1) for f in flat.values() for b in _blocks(len(f))), default=-1))
    codes: np.ndarray | None = None
    if num_classes is None and seen > _MAX_CLASS_ID:
        codes = np.unique(np.concatenate([np.unique(_whole(f[b])) for f in flat.values() for b in _blocks(len(f))]))
        findings.append(
            Finding(
                "labels_not_class_ids", "error",
                f"labels go up to {seen - 1:,} but only {len(codes):,} distinct values occur: they are IDs "
                "or codes, not class indices 0..C-1; map them: `classes, y = np.unique(y, return_inverse=True)`.",
                details={"largest": seen - 1, "distinct": len(codes)},
            )
        )
        names = [f"{c:g}" for c in codes]
    C = num_classes if num_classes is not None else (len(codes) if codes is not None else max(seen, 1))
    missing: list[tuple[str, int]] = []
    wrong_type: list[tuple[str, int]] = []
    out_of_range: list[tuple[str, int]] = []
    classes: dict[str, np.ndarray] = {}
    counts: dict[str, np.ndarray] = {}
    small = np.int16 if C < 2**15 else np.int32  # a few bytes per example, for tens of millions
    for name, values in flat.items():
        ids = np.full(len(values), -1, dtype=small)
        counts[name] = np.zeros(C, dtype=np.int64)
        for b in _blocks(len(values)):
            f = values[b]
            nan = ~np.isfinite(f)
            frac = np.isfinite(f) & (f != np.round(f))
            integral = np.isfinite(f) & ~frac
            g = np.searchsorted(codes, f) if codes is not None else f
            bad = integral & ((f < 0) | (g >= C))
            ok = integral & ~bad
            ids[b][ok] = g[ok].astype(small)
            counts[name] += np.bincount(g[ok].astype(np.int64), minlength=C)[:C]
            where = index[name]
            for found, mask in ((missing, nan), (wrong_type, frac), (out_of_range, bad)):
                found += [(name, int(i)) for i in where[b.start + np.flatnonzero(mask)]]
        classes[name] = ids
    if missing:
        findings.append(Finding("missing_labels", "error", f"{len(missing)} examples have no label (NaN or empty); drop them or label them.", missing))
    if wrong_type:
        findings.append(Finding("label_type", "error", f"{len(wrong_type)} labels are not whole numbers in a classification task; class labels must be integers 0..C-1.", wrong_type))
    if out_of_range:
        findings.append(
            Finding(
                "labels_out_of_range", "error",
                f"{len(out_of_range)} labels fall outside the classes 0..{C - 1} (negative, or not "
                "below num_classes); -1 often marks an unlabelled example: drop those, or fix num_classes.",
                out_of_range, {"num_classes": C},
            )
        )
    summary = class_summary(counts, names)
    findings += class_findings(summary, classes, index)
    return LabelAnalysis("classification", classes, C, findings, summary)
