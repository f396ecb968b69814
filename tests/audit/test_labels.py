"""Labels: type and range, missing labels, class counts, imbalance and the bias to start from."""

from __future__ import annotations

import numpy as np
import pytest

from nnrecipe import AuditConfig, AuditReport, DataError, audit
from nnrecipe._audit import ClassLabels, RegressionTargets

_FAST = AuditConfig(label_errors=False)


def _y_faults(digits: tuple[np.ndarray, np.ndarray]) -> AuditReport:
    X, y = digits
    yf = y.astype(np.float64)
    yf[[3, 4]] = np.nan
    yf[7] = 2.5
    yf[[8, 9]] = [-1, 11]
    return audit((X, yf), config=AuditConfig(label_errors=False, num_classes=10))


def test_missing_fractional_and_out_of_range_labels_are_errors(digits: tuple[np.ndarray, np.ndarray]) -> None:
    report = _y_faults(digits)
    assert report.find("missing_labels").examples == (("train", 3), ("train", 4))  # type: ignore[union-attr]
    assert report.find("label_type").examples == (("train", 7),)  # type: ignore[union-attr]
    assert set(report.find("labels_out_of_range").examples) == {("train", 8), ("train", 9)}  # type: ignore[union-attr]
    assert all(f.severity == "error" for f in report.findings if "label" in f.kind)


@pytest.mark.parametrize("left_in_train", [0, 2])
def test_a_class_missing_or_nearly_absent_from_train_but_in_val_is_an_error(
    digits: tuple[np.ndarray, np.ndarray], left_in_train: int
) -> None:
    X, y = digits
    keep = (y[:1000] != 9) | (np.cumsum(y[:1000] == 9) <= left_in_train)
    yv = y[1000:]
    report = audit((X[:1000][keep], y[:1000][keep]), val=(X[1000:], yv), config=_FAST)
    found = report.find("class_missing_from_train")
    assert found is not None and found.severity == "error"
    assert found.details["classes"] == [9]
    assert set(found.examples) == {("val", int(i)) for i in np.flatnonzero(yv == 9)}
    assert report.find("labels_out_of_range") is None


def test_a_rare_class_rare_in_every_split_is_not_missing(digits: tuple[np.ndarray, np.ndarray]) -> None:
    X, y = digits
    rare = (y != 9) | (np.cumsum(y == 9) <= 12)  # class 9 at under 1% everywhere
    X, y = X[rare], y[rare]
    report = audit((X[:1200], y[:1200]), val=(X[1200:], y[1200:]), config=_FAST)
    assert report.find("class_missing_from_train") is None


def test_imbalance_is_warned_with_the_log_prior_bias(digits: tuple[np.ndarray, np.ndarray]) -> None:
    X, y = digits
    keep = np.flatnonzero((y != 1) | (np.cumsum(y == 1) <= 10))  # class 1 down to 10 examples
    report = audit((X[keep], y[keep]), config=_FAST)
    found = report.find("class_imbalance")
    assert found is not None and found.severity == "warn"
    labels = report.summary.labels
    assert isinstance(labels, ClassLabels)
    counts = np.asarray(labels.counts["train"], dtype=float)
    assert counts[1] == 10
    np.testing.assert_allclose(labels.bias_init, np.log(counts / counts.sum()))
    p = counts / counts.sum()
    np.testing.assert_allclose(labels.expected_init_loss, -(p * np.log(p)).sum())


def test_balanced_classes_are_not_warned(clean_report: AuditReport) -> None:
    assert clean_report.find("class_imbalance") is None
    assert clean_report.summary.labels.num_classes == 10  # type: ignore[union-attr]


def test_binary_labels_also_get_the_sigmoid_bias(digits: tuple[np.ndarray, np.ndarray]) -> None:
    X, y = digits
    yb = (y == 0).astype(np.int64)
    labels = audit((X, yb), config=_FAST).summary.labels
    assert isinstance(labels, ClassLabels)
    p1 = yb.mean()
    np.testing.assert_allclose(labels.bias_init_sigmoid, np.log(p1 / (1 - p1)))


def test_one_hot_labels_are_read_as_classes(digits: tuple[np.ndarray, np.ndarray]) -> None:
    X, y = digits
    report = audit((X, np.eye(10)[y]), config=_FAST)
    assert report.summary.labels.counts["train"] == tuple(np.bincount(y).tolist())  # type: ignore[union-attr]


def test_regression_targets_get_mean_bias_and_variance_loss(digits: tuple[np.ndarray, np.ndarray]) -> None:
    X, y = digits
    t = y + np.random.default_rng(0).normal(0, 0.3, len(y))
    labels = audit((X, t), config=_FAST).summary.labels
    assert isinstance(labels, RegressionTargets)
    assert labels.task == "regression"
    np.testing.assert_allclose(labels.bias_init, [t.mean()])
    np.testing.assert_allclose(labels.expected_init_loss, t.var())


def test_string_labels_are_refused_with_the_fix(digits: tuple[np.ndarray, np.ndarray]) -> None:
    X, y = digits
    with pytest.raises(DataError, match="np.unique"):
        audit((X, np.array([str(v) for v in y])))
