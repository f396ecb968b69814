"""``audit()`` end to end: planted faults in real data are found, clean data passes."""

from __future__ import annotations

import numpy as np

from nnrecipe import AuditConfig, AuditReport, audit
from nnrecipe._audit import SplitSummary


def test_clean_digits_have_no_error(clean_report: AuditReport) -> None:
    assert clean_report.ok, [f.kind for f in clean_report.errors]


def test_clean_digits_have_few_outliers_and_near_duplicates_and_only_as_warnings(clean_report: AuditReport) -> None:
    for kind in ("outliers", "near_duplicates", "near_leakage"):
        f = clean_report.find(kind)
        if f is not None:
            assert f.severity == "warn"
            assert len(f.examples) <= 0.01 * 1797, (kind, len(f.examples))


def test_clean_mnist1d_has_no_error_and_few_warnings(mnist1d: tuple[np.ndarray, ...]) -> None:
    X, y, Xv, yv = mnist1d
    report = audit((X, y), val=(Xv, yv), config=AuditConfig(label_errors=False))
    assert report.ok, [f.message for f in report.errors]
    flagged = report.flagged(["outliers", "near_duplicates", "near_leakage", "exact_duplicates"])
    assert len(flagged) <= 0.01 * (len(X) + len(Xv))


def test_planted_mnist1d_sequence_faults_are_found(mnist1d: tuple[np.ndarray, ...]) -> None:
    X, y, Xv, yv = (a.copy() for a in mnist1d)
    X[10] = X[3]
    y[10] = y[3]
    X[20] = X[4] * 100  # a sequence that skipped normalisation
    Xv[7] = X[9]
    report = audit((X, y), val=(Xv, yv), config=AuditConfig(label_errors=False))
    assert {("train", 3), ("train", 10)} <= report.flagged("exact_duplicates")
    assert ("train", 20) in report.flagged("outliers")
    assert report.flagged("leakage") == {("val", 7)}
    assert not report.ok


def test_dirty_report_is_not_ok_and_lists_errors_first(dirty_report: AuditReport) -> None:
    assert not dirty_report.ok
    ranks = [("error", "warn", "info").index(f.severity) for f in dirty_report.findings]
    assert ranks == sorted(ranks)


def test_summary_reports_split_sizes_and_shapes(dirty_report: AuditReport) -> None:
    splits = dirty_report.summary.splits
    assert splits["train"] == SplitSummary(examples=1400, usable=1399, shape=(64,), dtype="float32")
    assert splits["val"].examples == 397


def test_each_statistic_shows_its_extremes(dirty_report: AuditReport) -> None:
    stats = dirty_report.summary.statistics["train"]
    assert set(stats) == {"mean", "std", "norm", "min", "max", "length", "nn_distance"}
    # The image left in 0-255 has the largest norm of all.
    assert stats["norm"].highest[0][0] == 400
    assert len(stats["norm"].lowest) == 5
    hist = stats["norm"].histogram
    assert sum(hist.counts) + hist.below + hist.above == 1399
    # It lies beyond the robust axis instead of squashing the other examples into one bin.
    assert hist.above >= 1 and hist.high == stats["norm"].highest[0][1]


def test_a_user_feature_function_replaces_the_representation(digits: tuple[np.ndarray, np.ndarray]) -> None:
    X, y = digits
    X = X.copy()
    X[7] = X[3] + 0.01
    calls: list[int] = []

    def features(batch: np.ndarray) -> np.ndarray:
        calls.append(len(batch))
        return batch[:, :16]  # the top two rows of each 8x8 digit

    report = audit((X, y), features=features, config=AuditConfig(label_errors=False))
    assert sum(calls) == len(X)  # each example once (a large split also embeds a sample for its cells)
    assert report.summary.neighbors.representation_dim  # type: ignore[union-attr] == 16
    assert {("train", 3), ("train", 7)} <= report.flagged("near_duplicates")


def test_a_torch_module_can_supply_the_features(digits: tuple[np.ndarray, np.ndarray]) -> None:
    import torch

    X, y = digits
    X = X.copy()
    X[7] = X[3] + 0.01
    torch.manual_seed(0)
    embed = torch.nn.Sequential(torch.nn.Linear(64, 12), torch.nn.Tanh())
    report = audit((X, y), features=embed, config=AuditConfig(label_errors=False))
    assert report.summary.neighbors.representation_dim  # type: ignore[union-attr] == 12
    assert {("train", 3), ("train", 7)} <= report.flagged("near_duplicates")
