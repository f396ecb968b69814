"""Likely label errors: confident learning on out-of-sample probabilities."""

from __future__ import annotations

import numpy as np
import pytest

from nnrecipe import AuditConfig, AuditReport, audit

from .conftest import Planted


def test_most_flipped_labels_are_found_and_ranked_above_the_rest(dirty_report: AuditReport, planted: Planted) -> None:
    found = dirty_report.find("label_errors")
    assert found is not None and found.severity == "warn"
    flagged = [i for s, i in found.examples if s == "train"]
    recall = len(set(flagged) & set(planted.flipped)) / len(planted.flipped)
    assert recall >= 0.8, recall
    precision = len(set(flagged) & set(planted.flipped)) / len(flagged)
    assert precision >= 0.5, precision
    top = flagged[:20]
    assert len(set(top) & set(planted.flipped)) >= 15


def test_the_suggested_label_is_usually_the_original_one(
    dirty_report: AuditReport, planted: Planted, digits: tuple[np.ndarray, np.ndarray]
) -> None:
    found = dirty_report.find("label_errors")
    assert found is not None
    true = digits[1]
    hits = [sug == true[i] for (s, i), sug in zip(found.examples, found.details["suggested_label"]) if s == "train" and i in planted.flipped]
    assert np.mean(hits) >= 0.8


def test_user_probabilities_replace_the_baseline(digits: tuple[np.ndarray, np.ndarray]) -> None:
    X, y = digits
    y = y.copy()
    probs = np.full((len(y), 10), 0.01)
    probs[np.arange(len(y)), y] = 0.91  # a perfect model, out of sample
    y[[5, 50, 500]] = (y[[5, 50, 500]] + 1) % 10
    report = audit((X, y), pred_probs={"train": probs})
    found = report.find("label_errors")
    assert found is not None
    assert set(found.examples) == {("train", 5), ("train", 50), ("train", 500)}
    assert report.summary["label_errors"]["method"]["train"] == "user pred_probs"


def test_a_weak_baseline_says_so_instead_of_flagging(mnist1d: tuple[np.ndarray, ...]) -> None:
    X, y, _, _ = mnist1d
    report = audit((X[:1500], y[:1500]))
    assert report.find("label_errors") is None
    skipped = report.find("label_errors_skipped")
    assert skipped is not None and skipped.severity == "info"
    assert report.summary["label_errors"]["accuracy"]["train"] < 0.6


def test_label_errors_can_be_switched_off(digits: tuple[np.ndarray, np.ndarray]) -> None:
    report = audit(digits, config=AuditConfig(label_errors=False))
    assert "label_errors" not in report.summary["timings"]
    assert report.summary["label_errors"] == {}


def test_logits_or_a_wrong_shape_instead_of_probabilities_are_refused(digits: tuple[np.ndarray, np.ndarray]) -> None:
    X, y = digits
    logits = np.random.default_rng(0).normal(size=(len(y), 10))
    with pytest.raises(ValueError, match="softmax"):
        audit((X, y), pred_probs={"train": logits})
    with pytest.raises(ValueError, match=r"expected \(examples in train, 10\)"):
        audit((X, y), pred_probs={"train": np.full((len(y), 3), 1 / 3)})
