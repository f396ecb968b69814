"""Likely label errors: confident learning on out-of-sample probabilities."""

from __future__ import annotations

import numpy as np
import pytest

from nnrecipe import AuditConfig, AuditReport, DataError, audit

from .conftest import Planted


def _flipped(y: np.ndarray, rate: float, C: int = 10) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(1)
    flip = rng.random(len(y)) < rate
    noisy = y.copy()
    noisy[flip] = (noisy[flip] + rng.integers(1, C, int(flip.sum()))) % C
    return noisy, flip


def _linear_classes(n: int = 1024, d: int = 16, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """The zoo's vectors: the class is the arg-max of a fixed linear map (hard for neighbours in 16-d)."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d)).astype(np.float32)
    return X, (X @ rng.normal(size=(d, 4))).argmax(1)


def _replaced(y: np.ndarray, rate: float, C: int) -> np.ndarray:
    rng = np.random.default_rng(2)
    return np.where(rng.random(len(y)) < rate, rng.integers(0, C, len(y)), y)


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
    assert report.summary.label_errors.method["train"] == "user pred_probs"  # type: ignore[union-attr]


def test_a_weak_baseline_on_clean_hard_data_says_so_without_an_error(mnist1d: tuple[np.ndarray, ...]) -> None:
    X, y, _, _ = mnist1d
    report = audit((X[:1500], y[:1500]))
    assert report.ok
    assert report.find("label_errors") is None
    skipped = report.find("label_errors_skipped")
    assert skipped is not None and skipped.severity == "info"
    le = report.summary.label_errors
    assert le is not None and le.noise_rate["train"] is None
    assert {f.baseline for f in le.baselines["train"]} == {"neighbours", "linear"}
    assert not any(f.can_tell for f in le.baselines["train"])
    assert AuditReport.from_json(report.to_json()).summary == report.summary  # every finding's details serialise


def test_heavy_noise_that_switches_the_neighbours_off_is_caught_by_the_linear_model() -> None:
    X, y = _linear_classes()
    noisy = _replaced(y, 0.4, 4)
    report = audit((X, noisy))
    found = report.find("label_noise")
    assert found is not None and found.severity == "error", report.findings
    le = report.summary.label_errors
    assert le is not None and le.baselines["train"][0].baseline == "linear"
    truth = float((noisy != y).mean())
    assert abs(le.noise_rate["train"] - truth) < 0.1, (le.noise_rate, truth)  # type: ignore[operator]
    saved = AuditReport.from_json(report.to_json()).find("label_noise")
    assert saved is not None and saved.details["train"]["baselines"][0]["baseline"] == "linear"
    clean = audit((X, y))
    assert clean.ok and clean.find("label_noise") is None


def test_heavy_noise_on_classes_no_line_separates_is_caught_by_the_neighbours() -> None:
    rng = np.random.default_rng(10)
    y = rng.integers(0, 3, 1500)
    radius, angle = 1 + y + 0.2 * rng.normal(size=1500), rng.uniform(0, 2 * np.pi, 1500)
    X = np.c_[radius * np.cos(angle), radius * np.sin(angle), rng.normal(size=1500)]  # concentric rings
    report = audit((X, _flipped(y, 0.3, 3)[0]))
    found = report.find("label_noise")
    assert found is not None and found.severity == "error"
    judged = report.summary.label_errors.baselines["train"]  # type: ignore[union-attr]
    assert judged[0].baseline == "neighbours" and not next(f for f in judged if f.baseline == "linear").can_tell
    assert audit((X, y)).ok


def test_clean_data_too_hard_for_both_baselines_is_never_an_error() -> None:
    from sklearn.datasets import make_classification

    X, y = make_classification(2000, 64, n_informative=16, n_redundant=8, n_classes=10, n_clusters_per_class=3,
                               class_sep=0.8, flip_y=0, random_state=8)
    report = audit((X, y))
    assert report.ok and report.find("label_noise") is None
    assert report.find("label_errors_skipped") is not None


@pytest.mark.parametrize("rate", [0.3, 0.5])
def test_heavy_label_noise_is_an_error_with_its_estimated_rate(digits: tuple[np.ndarray, np.ndarray], rate: float) -> None:
    X, y = digits
    noisy, flip = _flipped(y, rate)
    report = audit((X, noisy))
    found = report.find("label_noise")
    assert found is not None and found.severity == "error"
    estimate = report.summary.label_errors.noise_rate["train"]  # type: ignore[union-attr]
    assert estimate is not None and abs(estimate - rate) <= 0.08
    # The detector stays on: the flipped labels are ranked, not given up on.
    flagged = {i for _, i in report.find("label_errors").examples}  # type: ignore[union-attr]
    assert len(flagged & set(np.flatnonzero(flip))) >= 0.8 * flip.sum()


def test_clean_and_lightly_noisy_labels_are_no_error(digits: tuple[np.ndarray, np.ndarray]) -> None:
    X, y = digits
    for rate, most in ((0.0, 0.03), (0.05, 0.08)):
        report = audit((X, _flipped(y, rate)[0]))
        assert report.find("label_noise") is None, rate
        assert report.summary.label_errors.noise_rate["train"] <= most  # type: ignore[union-attr, operator]


def test_label_errors_can_be_switched_off(digits: tuple[np.ndarray, np.ndarray]) -> None:
    report = audit(digits, config=AuditConfig(label_errors=False))
    assert "label_errors" not in report.summary.timings
    assert report.summary.label_errors is None


def test_logits_or_a_wrong_shape_instead_of_probabilities_are_refused(digits: tuple[np.ndarray, np.ndarray]) -> None:
    X, y = digits
    logits = np.random.default_rng(0).normal(size=(len(y), 10))
    with pytest.raises(DataError, match="softmax"):
        audit((X, y), pred_probs={"train": logits})
    with pytest.raises(DataError, match=r"expected \(examples in train, 10\)"):
        audit((X, y), pred_probs={"train": np.full((len(y), 3), 1 / 3)})


def test_with_a_feature_function_the_baselines_judge_its_embeddings() -> None:
    X, y = _linear_classes()
    rng = np.random.default_rng(3)
    lift = rng.normal(size=(16, 24)).astype(np.float32)  # a wider embedding, linear in the inputs
    report = audit((X, _replaced(y, 0.4, 4)), features=lambda x: x @ lift)
    found = report.find("label_noise")
    assert found is not None and found.severity == "error"
    assert report.summary.neighbors.representation_dim == 24  # type: ignore[union-attr]
