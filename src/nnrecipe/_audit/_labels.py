"""Labels: their type and range, class counts, imbalance, and the bias to initialise with."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any, Literal

import numpy as np

from ._finding import Finding
from ._split import LoadedSplit

__all__ = ["LabelAnalysis", "LabelTask", "analyse_labels"]

LabelTask = Literal["auto", "classification", "regression"]
_MAX_CLASSES = 10_000
_IMBALANCE_WARN = 10.0


@dataclasses.dataclass
class LabelAnalysis:
    """What the labels are, per split.

    Attributes:
        task: ``"classification"`` or ``"regression"`` (``"none"`` without labels).
        classes: Per split, ``(m,)`` int64 class ids aligned with the split's rows, -1 where
            the label is missing, of the wrong type or out of range (classification only).
        num_classes: The number of classes.
        findings: Label faults.
        summary: Counts, prior, imbalance and the recommended output bias, JSON-ready.
    """

    task: str
    classes: dict[str, np.ndarray]
    num_classes: int
    findings: list[Finding]
    summary: dict[str, Any]


def _flat_labels(y: np.ndarray) -> np.ndarray | None:
    """Labels as ``(m,)`` float64: squeezed, or one-hot decoded; ``None`` if neither."""
    if y.ndim == 1 or (y.ndim == 2 and y.shape[1] == 1):
        return y.reshape(-1).astype(np.float64)
    if y.ndim == 2 and y.dtype.kind in "biuf" and np.isin(y, (0, 1)).all() and (y.sum(1) == 1).all():
        return y.argmax(1).astype(np.float64)
    return None


def _is_classification(v: np.ndarray, y: np.ndarray, task: LabelTask, named: bool) -> bool:
    if task != "auto":
        return task == "classification"
    if named or y.dtype.kind in "biu":
        return True
    fin = v[np.isfinite(v)]
    integral = fin == np.round(fin)
    # Float labels that are (almost all) whole numbers with few distinct values are classes.
    return bool(len(fin)) and integral.mean() >= 0.99 and len(np.unique(fin[integral])) <= 1000


def analyse_labels(
    splits: Mapping[str, LoadedSplit], *, task: LabelTask = "auto", num_classes: int | None = None
) -> LabelAnalysis:
    """Check the labels of every split and summarise the classes.

    Args:
        splits: The loaded splits, ``"train"`` first.
        task: Force classification or regression; ``"auto"`` infers it from the train labels.
        num_classes: The number of classes, when known; labels outside ``[0, num_classes)``
            are then out of range. Otherwise the classes seen in train define the range.

    Returns:
        The analysis.
    """
    train = splits["train"]
    if train.y is None:
        return LabelAnalysis("none", {}, 0, [], {"task": "none"})
    flat = {name: _flat_labels(s.y) for name, s in splits.items() if s.y is not None}
    v = flat["train"]
    if v is None or not _is_classification(v, train.y, task, train.class_names is not None):
        return _regression(splits, flat)
    findings: list[Finding] = []
    missing, wrong_type, out_of_range = [], [], []
    train_fin = v[np.isfinite(v)]
    seen = int(train_fin[train_fin == np.round(train_fin)].max(initial=-1)) + 1
    C = num_classes if num_classes is not None else min(max(seen, 1), _MAX_CLASSES)
    train_classes: set[int] = set()
    classes: dict[str, np.ndarray] = {}
    for name, s in splits.items():
        f = flat.get(name)
        if f is None:
            continue
        ids = np.full(len(f), -1, dtype=np.int64)
        nan = ~np.isfinite(f)
        frac = np.isfinite(f) & (f != np.round(f))
        whole = np.isfinite(f) & ~frac
        bad = whole & ((f < 0) | (f >= C))
        if name != "train" and num_classes is None:
            bad |= whole & ~np.isin(f, sorted(train_classes))
        ok = whole & ~bad
        ids[ok] = f[ok].astype(np.int64)
        if name == "train":
            train_classes = set(np.unique(ids[ok]).tolist())
        missing += [(name, int(i)) for i in s.index[nan]]
        wrong_type += [(name, int(i)) for i in s.index[frac]]
        out_of_range += [(name, int(i)) for i in s.index[bad]]
        classes[name] = ids
    if missing:
        findings.append(Finding("missing_labels", "error", f"{len(missing)} examples have no label (NaN or empty); drop them or label them.", missing))
    if wrong_type:
        findings.append(Finding("label_type", "error", f"{len(wrong_type)} labels are not whole numbers in a classification task; class labels must be integers 0..C-1.", wrong_type))
    if out_of_range:
        findings.append(
            Finding(
                "labels_out_of_range", "error",
                f"{len(out_of_range)} labels fall outside the classes 0..{C - 1} seen in train "
                "(negative, too large, or a class missing from train); -1 often marks an "
                "unlabelled example: drop those, or pass num_classes.",
                out_of_range, {"num_classes": C},
            )
        )
    summary = _class_summary(classes, C, splits["train"].class_names)
    if summary["imbalance"] >= _IMBALANCE_WARN:
        findings.append(
            Finding(
                "class_imbalance", "warn",
                f"the largest train class has {summary['imbalance']:.0f}x the examples of the "
                "smallest; initialise the output bias to the log prior (summary "
                "`bias_init`), and prefer per-class metrics to accuracy.",
                details={"counts": summary["counts"]["train"]},
            )
        )
    if summary["absent_classes"]:
        findings.append(Finding("absent_classes", "warn", f"classes {summary['absent_classes']} have no train example.", details={"classes": summary["absent_classes"]}))
    return LabelAnalysis("classification", classes, C, findings, summary)


def _class_summary(classes: Mapping[str, np.ndarray], C: int, names: list[str] | None) -> dict[str, Any]:
    counts = {s: np.bincount(ids[ids >= 0], minlength=C)[:C] for s, ids in classes.items()}
    train = counts["train"].astype(np.float64)
    prior = train / max(train.sum(), 1.0)
    present = train[train > 0]
    out: dict[str, Any] = {
        "task": "classification",
        "num_classes": C,
        "class_names": names,
        "counts": {s: c.tolist() for s, c in counts.items()},
        "prior": prior.tolist(),
        "imbalance": float(present.max() / present.min()) if len(present) else 1.0,
        "absent_classes": np.flatnonzero(train == 0).tolist(),
        # Softmax logits start at log p(c) so the initial loss equals the label entropy.
        "bias_init": np.log(np.maximum(prior, 1e-12)).tolist(),
        "expected_init_loss": float(-(prior[prior > 0] * np.log(prior[prior > 0])).sum()),
    }
    if C == 2:
        out["bias_init_sigmoid"] = float(np.log(max(prior[1], 1e-12) / max(prior[0], 1e-12)))
    return out


def _regression(splits: Mapping[str, LoadedSplit], flat: Mapping[str, np.ndarray | None]) -> LabelAnalysis:
    findings: list[Finding] = []
    summary: dict[str, Any] = {"task": "regression", "targets": {}}
    missing: list[tuple[str, int]] = []
    for name, s in splits.items():
        if s.y is None:
            continue
        y = s.y.reshape(len(s.y), -1).astype(np.float64)
        bad = ~np.isfinite(y).all(1)
        missing += [(name, int(i)) for i in s.index[bad]]
        good = y[~bad]
        summary["targets"][name] = {"mean": good.mean(0).tolist(), "std": good.std(0).tolist()} if len(good) else {}
    if missing:
        findings.append(Finding("missing_labels", "error", f"{len(missing)} targets are NaN or infinite; drop or fix them.", missing))
    train = summary["targets"].get("train", {})
    # A regression head starts at the target mean, so the initial MSE is the target variance.
    summary["bias_init"] = train.get("mean")
    summary["expected_init_loss"] = float(np.sum(np.square(train.get("std", [0.0]))))
    return LabelAnalysis("regression", {}, 0, findings, summary)
