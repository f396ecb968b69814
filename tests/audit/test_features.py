"""Input scale, constant features, and a single feature that gives the label away."""

from __future__ import annotations

import numpy as np

from nnrecipe import AuditConfig, AuditReport, audit

_FAST = AuditConfig(label_errors=False)


def test_a_feature_copied_from_the_label_is_target_leakage(digits: tuple[np.ndarray, np.ndarray]) -> None:
    X, y = digits
    X = X.copy()
    X[:, 37] = y * 3.0 + np.random.default_rng(0).normal(0, 0.1, len(y))  # e.g. a class-coded file name
    report = audit((X, y), config=_FAST)
    found = report.find("target_leakage")
    assert found is not None and found.severity == "error"
    assert found.details["features"] == [37]


def test_an_id_column_that_only_memorises_is_not_leakage(digits: tuple[np.ndarray, np.ndarray]) -> None:
    X, y = digits
    X = np.concatenate([X, np.random.default_rng(0).permutation(len(X))[:, None].astype(np.float32)], 1)
    assert audit((X, y), config=_FAST).find("target_leakage") is None


def test_a_regression_target_copied_into_the_inputs_is_leakage(digits: tuple[np.ndarray, np.ndarray]) -> None:
    X, _ = digits
    rng = np.random.default_rng(0)
    t = rng.normal(size=len(X))
    X = np.concatenate([X, (2 * t + 1)[:, None].astype(np.float32)], 1)
    found = audit((X, t), config=_FAST).find("target_leakage")
    assert found is not None and found.details["features"] == [64]


def test_clean_digits_have_no_target_leakage(clean_report: AuditReport) -> None:
    assert clean_report.find("target_leakage") is None
    assert clean_report.summary.target_leakage.best_single_feature_score  # type: ignore[union-attr] < 0.5


def test_unnormalised_inputs_are_warned_and_standardised_ones_are_not(digits: tuple[np.ndarray, np.ndarray]) -> None:
    X, y = digits
    raw = audit((X, y), config=_FAST)
    assert raw.find("input_scale") is not None and raw.find("input_scale").severity == "warn"  # type: ignore[union-attr]
    Z = (X - X.mean(0)) / np.where(X.std(0) > 0, X.std(0), 1)
    assert audit((Z, y), config=_FAST).find("input_scale") is None


def test_constant_features_are_listed(clean_report: AuditReport, digits: tuple[np.ndarray, np.ndarray]) -> None:
    found = clean_report.find("constant_features")
    assert found is not None and found.severity == "info"
    X = digits[0][:1400]
    assert found.details["features"] == np.flatnonzero(X.min(0) == X.max(0)).tolist()


def test_features_of_very_different_scales_are_warned(digits: tuple[np.ndarray, np.ndarray]) -> None:
    X, y = digits
    X = X.copy()
    X[:, 10] *= 1e4  # one feature in different units
    assert audit((X, y), config=_FAST).find("feature_scale") is not None


def test_wide_inputs_check_a_subset_of_features_and_still_run(digits: tuple[np.ndarray, np.ndarray]) -> None:
    X, y = digits
    wide = np.repeat(X[:400].reshape(400, 1, 8, 8), 3, axis=1).repeat(12, axis=2).repeat(12, axis=3)  # 3x96x96
    report = audit((wide, y[:400]), config=_FAST)
    assert report.summary.target_leakage.features_checked == 4096  # type: ignore[union-attr]
    assert report.summary.splits["train"].shape == (3, 96, 96)
    assert report.find("target_leakage") is None
