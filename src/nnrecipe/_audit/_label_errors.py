"""Likely label errors: confident learning (cleanlab) on out-of-sample predicted probabilities.

The probabilities come from the user's model when given, else from a quick baseline:
multinomial logistic regression on the audit's representation, cross-validated so that no
example is scored by a model that saw it, fitted on a subsample so it stays fast.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Mapping
from typing import Any

import numpy as np

from ._finding import Finding

__all__ = ["find_label_errors"]

log = logging.getLogger(__name__)

# Below this out-of-sample accuracy the baseline's disagreements say more about the
# baseline than about the labels, and confident learning would flag real examples.
_MIN_BASELINE_ACCURACY = 0.6


def _fit_predict(Z_fit: np.ndarray, y_fit: np.ndarray, Z: np.ndarray, C: int, seed: int) -> np.ndarray:
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import LogisticRegression
    from threadpoolctl import threadpool_limits

    model = LogisticRegression(max_iter=60, tol=1e-3, random_state=seed)
    # Small matrix products: BLAS threads fighting over two cores make lbfgs several times slower.
    with warnings.catch_warnings(), threadpool_limits(1, user_api="blas"):
        warnings.simplefilter("ignore", ConvergenceWarning)  # a quick baseline, not a final model
        model.fit(Z_fit, y_fit)
    out = np.zeros((len(Z), C))
    out[:, model.classes_] = model.predict_proba(Z)
    return out


def _checked_probs(given: np.ndarray, name: str, C: int, n: int) -> np.ndarray:
    probs = np.asarray(given, dtype=np.float64)
    if probs.ndim != 2 or probs.shape[1] != C or len(probs) < n:
        raise ValueError(
            f"pred_probs[{name!r}] has shape {probs.shape}; expected (examples in {name}, {C}): one "
            "row of class probabilities per example, in the split's order"
        )
    if not np.allclose(probs.sum(1), 1.0, atol=1e-3) or (probs < 0).any():
        raise ValueError(
            f"pred_probs[{name!r}] rows must be probabilities (non-negative, summing to 1); "
            "apply softmax to logits: `torch.softmax(logits, dim=1)`"
        )
    return probs


def _subsample(rows: np.ndarray, cap: int, rng: np.random.Generator) -> np.ndarray:
    return np.sort(rng.choice(rows, size=cap, replace=False)) if len(rows) > cap else rows


def _oof_probs(
    Z: np.ndarray, y: np.ndarray, C: int, *, folds: int, cap: int, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """Out-of-fold probabilities, and which rows they cover (only the first fold when the
    baseline is clearly too weak there)."""
    rng = np.random.default_rng(seed)
    fold = rng.permutation(len(y)) % folds
    probs = np.zeros((len(y), C))
    for f in range(folds):
        fit = _subsample(np.flatnonzero(fold != f), cap, rng)
        probs[fold == f] = _fit_predict(Z[fit], y[fit], Z[fold == f], C, seed)
        if f == 0 and (probs[fold == 0].argmax(1) == y[fold == 0]).mean() < _MIN_BASELINE_ACCURACY - 0.1:
            # Clearly too weak on the first fold: the other folds would not change the verdict.
            return probs[fold == 0], fold == 0
    return probs, np.ones(len(y), dtype=bool)


def _issues(labels: np.ndarray, probs: np.ndarray) -> np.ndarray:
    from cleanlab.filter import find_label_issues

    present = np.unique(labels)  # cleanlab wants every column to be a class that occurs
    remap = np.full(probs.shape[1], -1)
    remap[present] = np.arange(len(present))
    p = probs[:, present] + 1e-12
    p /= p.sum(1, keepdims=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ranked = find_label_issues(remap[labels], p, return_indices_ranked_by="self_confidence")
    for w in caught:
        log.debug("cleanlab: %s", w.message)
    return np.asarray(ranked, dtype=np.int64)


def find_label_errors(
    Z: Mapping[str, np.ndarray],
    classes: Mapping[str, np.ndarray],
    index: Mapping[str, np.ndarray],
    num_classes: int,
    *,
    pred_probs: Mapping[str, np.ndarray] | None = None,
    seed: int = 0,
    cap: int = 20_000,
) -> tuple[list[Finding], dict[str, Any]]:
    """Rank the examples whose given label the predictions most confidently contradict.

    Args:
        Z: Per split, the representation of the rows.
        classes: Per split, class ids aligned with the rows (-1 for unusable labels).
        index: Per split, each row's index in the split as passed.
        num_classes: The number of classes.
        pred_probs: Out-of-sample probabilities from the user's model per split, rows
            aligned with the split as passed; replaces the baseline where given.
        seed: Seed of folds and subsamples.
        cap: At most this many examples fit each baseline model.

    Returns:
        A ``label_errors`` finding (or an ``info`` one saying why none was computed) and a
        summary with the baseline's out-of-sample accuracy per split.
    """
    pred_probs = pred_probs or {}
    findings: list[Finding] = []
    summary: dict[str, Any] = {"method": {}, "accuracy": {}}
    train_ok = np.flatnonzero(classes["train"] >= 0)
    if len(np.unique(classes["train"][train_ok])) < 2 or len(train_ok) < 30:
        return [], {"skipped": "fewer than 2 classes or 30 labelled examples"}
    rng = np.random.default_rng(seed)
    fit = _subsample(train_ok, cap, rng)
    flagged: list[tuple[str, int]] = []
    suggested: list[int] = []
    weak: list[str] = []
    for name, ids in classes.items():
        ok = np.flatnonzero(ids >= 0)
        if len(ok) < 30:
            continue
        if name in pred_probs:
            probs = _checked_probs(pred_probs[name], name, num_classes, int(index[name].max()) + 1)[index[name][ok]]
            summary["method"][name] = "user pred_probs"
        elif name == "train":
            probs, scored = _oof_probs(Z[name][ok], ids[ok], num_classes, folds=3, cap=cap, seed=seed)
            ok = ok[scored]
            summary["method"][name] = "3-fold logistic regression"
        else:
            probs = _fit_predict(Z["train"][fit], classes["train"][fit], Z[name][ok], num_classes, seed)
            summary["method"][name] = "logistic regression fitted on train"
        acc = float((probs.argmax(1) == ids[ok]).mean())
        summary["accuracy"][name] = acc
        if acc < _MIN_BASELINE_ACCURACY and name not in pred_probs:
            weak.append(f"{name} ({acc:.0%})")
            if name == "train":
                break  # a baseline too weak on train is too weak on val and test
            continue
        ranked = _issues(ids[ok], probs)
        flagged += [(name, int(index[name][ok[r]])) for r in ranked]
        suggested += probs[ranked].argmax(1).tolist()
    if weak:
        findings.append(
            Finding(
                "label_errors_skipped", "info",
                f"the logistic-regression baseline is too weak to judge labels on {', '.join(weak)} "
                "out-of-sample accuracy; pass pred_probs from a trained model (out-of-sample) to rank label errors.",
            )
        )
    if flagged:
        findings.append(
            Finding(
                "label_errors", "warn",
                f"{len(flagged)} examples look mislabelled: out-of-sample predictions confidently "
                "disagree with the given label (confident learning); review them, most likely first.",
                flagged, {"suggested_label": suggested},
            )
        )
    return findings, summary
