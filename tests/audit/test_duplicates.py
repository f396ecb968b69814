"""Exact duplicates: identical decoded examples within a split, conflicting labels, leakage."""

from __future__ import annotations

from nnrecipe import AuditReport

from .conftest import Planted, train


def test_planted_exact_copies_are_found_with_their_originals(dirty_report: AuditReport, planted: Planted) -> None:
    found = dirty_report.find("exact_duplicates")
    assert found is not None and found.severity == "warn"
    originals = [i - 90 for i in planted.exact]
    assert train(planted.exact + originals) <= set(found.examples)
    groups = {tuple(i for _, i in g) for g in found.details["groups"]}
    assert (10, 100) in groups


def test_identical_examples_with_different_labels_are_an_error(dirty_report: AuditReport, planted: Planted) -> None:
    found = dirty_report.find("conflicting_labels")
    assert found is not None and found.severity == "error"
    assert set(found.examples) == train(planted.conflicting)


def test_a_val_example_identical_to_a_train_example_is_leakage(dirty_report: AuditReport, planted: Planted) -> None:
    found = dirty_report.find("leakage")
    assert found is not None and found.severity == "error"
    assert set(found.examples) == {("val", i) for i in planted.leaked_exact}
    assert found.details["pairs"] == [["val", 5, "train", 50]]


def test_clean_digits_have_no_exact_duplicates(clean_report: AuditReport) -> None:
    assert clean_report.find("exact_duplicates") is None
    assert clean_report.find("leakage") is None
