"""Near duplicates and near leakage through the shared nearest-neighbour index."""

from __future__ import annotations

import numpy as np

from nnrecipe import AuditReport
from nnrecipe._audit._neighbors import build_neighbors, calibrated_threshold

from .conftest import Planted, train


def test_planted_noisy_copies_are_found_as_near_duplicates(dirty_report: AuditReport, planted: Planted) -> None:
    found = dirty_report.find("near_duplicates")
    assert found is not None and found.severity == "warn"
    pairs = {(p[1], p[3]) for p in found.details["pairs"]}
    for i in planted.near:
        assert (i - 270, i) in pairs or (i, i - 270) in pairs
    assert train(planted.near) <= set(found.examples)


def test_exact_duplicates_are_not_reported_again_as_near(dirty_report: AuditReport, planted: Planted) -> None:
    found = dirty_report.find("near_duplicates")
    assert found is not None
    pairs = {frozenset((p[1], p[3])) for p in found.details["pairs"]}
    assert frozenset((10, 100)) not in pairs


def test_a_noisy_copy_of_a_train_example_in_val_is_near_leakage(dirty_report: AuditReport, planted: Planted) -> None:
    found = dirty_report.find("near_leakage")
    assert found is not None and found.severity == "warn"
    assert ("val", 6) in found.examples
    assert ("val", 5) not in found.examples  # the exact copy is reported as leakage
    assert ["val", 6, "train", 60] == found.details["pairs"][found.examples.index(("val", 6))][:4]


def test_the_threshold_is_calibrated_on_the_data_not_fixed() -> None:
    rng = np.random.default_rng(0)
    d = rng.lognormal(0.0, 0.1, 1000)
    assert calibrated_threshold(d) < 0.25 * np.median(d) + 1e-9
    # Ten times the scale gives ten times the threshold.
    np.testing.assert_allclose(calibrated_threshold(10 * d), 10 * calibrated_threshold(d), rtol=1e-9)
    assert calibrated_threshold(np.zeros(5)) == 0.0


def test_neighbours_exclude_the_example_itself_even_among_duplicates() -> None:
    rng = np.random.default_rng(0)
    Z = rng.normal(size=(200, 8)).astype(np.float32)
    Z[1] = Z[0]
    nb = build_neighbors(Z, k=3)
    assert not (nb.ids == np.arange(200)[:, None]).any()
    assert nb.ids[0, 0] == 1 and nb.ids[1, 0] == 0
    assert nb.dist[0, 0] == 0.0
