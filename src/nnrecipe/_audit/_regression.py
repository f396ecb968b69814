"""Regression targets: missing values, targets that never (or barely) change, and the head's
initial bias and expected initial loss."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from ._finding import Finding
from ._sections import RegressionTargets
from ._split import RowIndex
from ._targets import TargetScan

__all__ = ["regression_targets"]

# float32 resolves about 1e-7 of a value: a relative spread below ~8 of its steps is a
# constant to a float32 model; below 1e-3 the loss is dominated by the offset.
_CONSTANT = 1e-6
_NEARLY_CONSTANT = 1e-3


def regression_targets(
    targets: Mapping[str, TargetScan], index: Mapping[str, RowIndex]
) -> tuple[RegressionTargets, list[Finding]]:
    """Summarise regression targets per split and flag missing or constant ones."""
    findings: list[Finding] = []
    mean: dict[str, tuple[float, ...]] = {}
    std: dict[str, tuple[float, ...]] = {}
    missing: list[tuple[str, int]] = []
    rows: dict[str, int] = {}
    for name, t in targets.items():
        missing += [(name, int(i)) for i in index[name][t.missing_rows]]
        m, s = t.moments()
        if len(m):
            mean[name], std[name] = tuple(m.tolist()), tuple(s.tolist())
        rows[name] = len(index[name]) - len(t.missing_rows)
    if missing:
        findings.append(Finding("missing_labels", "error", f"{len(missing)} targets are NaN or infinite; drop or fix them.", missing))
    train_mean, train_std = np.asarray(mean.get("train", ())), np.asarray(std.get("train", ()))
    if len(train_std) and rows.get("train", 0) > 1:
        findings += _constant(train_mean, train_std)
    section = RegressionTargets(
        task="regression",
        mean=mean,
        std=std,
        # A regression head starts at the target mean, so the initial MSE is the target variance.
        bias_init=mean.get("train"),
        expected_init_loss=float(np.sum(np.square(train_std))),
    )
    return section, findings


def _constant(mean: np.ndarray, std: np.ndarray) -> list[Finding]:
    relative = std / np.maximum(np.maximum(np.abs(mean), std), 1e-30)
    constant = np.flatnonzero(relative < _CONSTANT)
    nearly = np.flatnonzero((relative >= _CONSTANT) & (relative < _NEARLY_CONSTANT))
    findings = []
    if len(constant):
        findings.append(
            Finding(
                "constant_target", "error",
                f"train target(s) {constant[:10].tolist()} never change (value {mean[constant[0]]:.6g}, relative "
                f"spread {relative[constant[0]]:.1e}): there is nothing to learn; check the target column.",
                details={"outputs": constant.tolist(), "mean": mean[constant].tolist(), "std": std[constant].tolist()},
            )
        )
    if len(nearly):
        findings.append(
            Finding(
                "nearly_constant_target", "warn",
                f"train target(s) {nearly[:10].tolist()} vary by only {relative[nearly[0]]:.1e} of their size "
                f"(mean {mean[nearly[0]]:.6g}, std {std[nearly[0]]:.3g}): the loss is dominated by the offset; "
                "standardise them, y = (y - mean) / std, and undo it on the predictions.",
                details={"outputs": nearly.tolist(), "mean": mean[nearly].tolist(), "std": std[nearly].tolist()},
            )
        )
    return findings
