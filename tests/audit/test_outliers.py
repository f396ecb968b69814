"""Outliers by robust z-scores of per-example statistics."""

from __future__ import annotations

import numpy as np

from nnrecipe import AuditReport
from nnrecipe._audit._outliers import outlier_scores, robust_scale

from .conftest import Planted, train


def test_the_image_left_unscaled_and_the_noise_image_are_outliers(dirty_report: AuditReport, planted: Planted) -> None:
    found = dirty_report.find("outliers")
    assert found is not None and found.severity == "warn"
    assert train(planted.outliers) <= set(found.examples)
    # Ranked by how far out they are: the 16x image comes first.
    assert found.examples[0] == ("train", 400)


def test_a_mostly_constant_statistic_does_not_flag_one_step_off_the_mode() -> None:
    v = np.concatenate([np.full(900, 16.0), np.full(90, 15.0), np.full(10, 14.0), [255.0]])
    ref = robust_scale(v)
    z = outlier_scores({"max": v}, {"max": ref})["max"]
    assert z[-1] > 6
    assert (z[:-1] < 6).all()


def test_the_nearest_distance_is_scored_only_upwards() -> None:
    v = np.log(np.concatenate([np.random.default_rng(0).lognormal(0, 0.1, 500), [1e-6, 1e3]]))
    z = outlier_scores({"nn_distance": v}, {"nn_distance": robust_scale(v)})["nn_distance"]
    assert z[-2] == 0.0  # a very close neighbour is a near duplicate, not an outlier
    assert z[-1] > 6
