"""Feature-level checks: input scale, constant features, a single feature that gives the label away."""

from __future__ import annotations

import numpy as np

from ._finding import Finding
from ._sections import LeakageSummary, ScaleSummary
from ._stats import FeatureMoments

__all__ = ["scale_findings", "target_leak_findings"]

_LEAK_ACCURACY = 0.98
_LEAK_CORRELATION = 0.995


def scale_findings(moments: FeatureMoments, *, split: str = "train") -> tuple[list[Finding], ScaleSummary]:
    """Flag inputs far from zero mean and unit variance, and features that never change.

    Args:
        moments: Per-feature moments of the training split.
        split: The split's name, for messages.

    Returns:
        Findings and a summary of the global and per-feature scale.
    """
    mean, std = moments.mean, moments.std
    n = max(moments.count, 1)
    g_mean = float(moments.total.sum() / (n * len(mean)))
    g_std = float(np.sqrt(max(moments.total_sq.sum() / (n * len(mean)) - g_mean**2, 0.0)))
    constant = np.flatnonzero(moments.high <= moments.low)
    varying = np.setdiff1d(np.arange(len(std)), constant)
    spread = float(std[varying].max() / max(np.median(std[varying]), 1e-12)) if len(varying) else 1.0
    summary = ScaleSummary(
        mean=g_mean, std=g_std, min=float(moments.low.min()), max=float(moments.high.max()),
        constant_features=tuple(constant.tolist()), feature_std_ratio=spread,
    )
    findings: list[Finding] = []
    if abs(g_mean) > 1.0 or not 0.2 <= g_std <= 5.0:
        findings.append(
            Finding(
                "input_scale", "warn",
                f"{split} inputs have mean {g_mean:.3g} and std {g_std:.3g} (range "
                f"[{summary.min:.3g}, {summary.max:.3g}]); networks train best on inputs near "
                "zero mean and unit variance: standardise with the train statistics, "
                "x = (x - mean) / std.",
                details={"mean": g_mean, "std": g_std},
            )
        )
    if spread > 100.0:
        findings.append(
            Finding(
                "feature_scale", "warn",
                f"feature scales differ by {spread:.0f}x (largest std over the median std); "
                "standardise each feature separately.",
                details={"feature_std_ratio": spread, "widest": int(np.argmax(np.where(moments.high > moments.low, std, 0)))},
            )
        )
    if len(constant):
        findings.append(
            Finding(
                "constant_features", "info",
                f"{len(constant)} of {len(std)} features never change in {split} (first: "
                f"{constant[:10].tolist()}); they carry no information: drop them, or keep them "
                "if they are image borders.",
                details={"features": constant.tolist()},
            )
        )
    return findings, summary


def _nearest_value_accuracy(fit_x: np.ndarray, fit_y: np.ndarray, x: np.ndarray, y: np.ndarray) -> float:
    """Accuracy of predicting each held-out label from the fitted example nearest in one feature."""
    order = np.argsort(fit_x, kind="stable")
    a, labels = fit_x[order], fit_y[order]
    right = np.clip(np.searchsorted(a, x), 0, len(a) - 1)
    left = np.clip(right - 1, 0, len(a) - 1)
    nearest = np.where(np.abs(a[left] - x) < np.abs(a[right] - x), left, right)
    return float((labels[nearest] == y).mean())


def target_leak_findings(
    X: np.ndarray, y: np.ndarray, task: str, *, features: np.ndarray | None = None, seed: int = 0, sample: int = 20_000
) -> tuple[list[Finding], LeakageSummary]:
    """Find single features that predict the label almost perfectly on held-out rows.

    For each feature, each held-out example gets the label of the fitted example nearest in
    that feature alone (fit and held-out are halves of the rows), so a feature that
    separates the classes scores near 1 while a shuffled ID that merely memorises scores
    near chance. For regression the absolute correlation with the target is used.

    Args:
        X: ``(m, c)`` sampled train inputs (finite rows), possibly a subset of the features.
        y: ``(m,)`` class ids (>= 0) or regression targets.
        task: ``"classification"`` or ``"regression"``.
        features: The input feature index of each column of ``X`` (``arange(c)`` by default).
        seed: Seed of the row subsample.
        sample: Rows used at most (fewer for wide inputs, about 128 MiB).

    Returns:
        An ``error`` finding naming the leaking features, and the best feature's score.
    """
    cols = np.arange(X.shape[1]) if features is None else np.asarray(features)
    rng = np.random.default_rng(seed)
    rows = np.sort(rng.permutation(len(X))[: min(sample, max(2000, (1 << 25) // max(X.shape[1], 1)))])
    Xs, ys = X[rows], y[rows]
    if task == "regression":
        yc = ys.astype(np.float64) - ys.mean()
        xc = Xs.astype(np.float64) - Xs.mean(0, dtype=np.float64)
        denom = np.sqrt((xc**2).sum(0) * (yc**2).sum()) + 1e-12
        score = np.abs(xc.T @ yc) / denom
        leaking = np.flatnonzero(score >= _LEAK_CORRELATION)
        what = "correlates with the target at |r| >= 0.995"
        baseline = 0.0
    else:
        C = int(ys.max()) + 1
        half = len(rows) // 2
        score = np.array([
            _nearest_value_accuracy(Xs[:half, j], ys[:half], Xs[half:, j], ys[half:]) for j in range(len(cols))
        ])
        baseline = float(np.bincount(ys[half:], minlength=C).max() / max(len(ys) - half, 1))
        # Nearly perfect, and far better than always answering the majority class.
        leaking = np.flatnonzero((score >= _LEAK_ACCURACY) & (score > baseline + 0.5 * (1 - baseline)))
        what = f"predicts the class alone with >= {_LEAK_ACCURACY:.0%} held-out accuracy"
    leaking, score_of = cols[leaking], dict(zip(cols[leaking].tolist(), score[leaking].tolist()))
    findings = []
    if len(leaking):
        findings.append(
            Finding(
                "target_leakage", "error",
                f"feature(s) {leaking[:10].tolist()} {what}: the label has leaked into the inputs "
                "(an ID, a timestamp, a derived column); remove it or the model learns a shortcut.",
                details={"features": leaking.tolist(), "scores": [score_of[j] for j in leaking.tolist()]},
            )
        )
    best = int(np.argmax(score))
    return findings, LeakageSummary(
        best_single_feature=int(cols[best]),
        best_single_feature_score=float(score[best]),
        majority_baseline=baseline,
        features_checked=len(cols),
    )
