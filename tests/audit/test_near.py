"""Near duplicates and near leakage through the shared nearest-neighbour index."""

from __future__ import annotations

import numpy as np

from nnrecipe import AuditReport
from nnrecipe._audit._join import Hits
from nnrecipe._audit._neighbors import NearestTable, calibrated_threshold

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


def test_the_nearest_table_keeps_the_nearest_hit_and_copies_inherit_it() -> None:
    table = NearestTable(4)
    table.update(Hits(0, np.array([0, 1]), np.array([[2, 1], [0, -1]]), np.array([[0.3, 0.5], [0.7, np.inf]])))
    assert table.row.tolist() == [2, 0, -1, -1]
    table.update(Hits(0, np.array([1]), np.array([[2]]), np.array([[0.9]])))  # farther: ignored
    assert table.row[1] == 0
    table.copy_from(np.array([3]), np.array([0]))  # row 3 is an identical copy of row 0
    assert table.row[3] == 2 and table.dist[3] == table.dist[0]
