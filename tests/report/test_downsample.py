"""Downsampled curves keep what a person sees; capped clouds keep the best points."""

from __future__ import annotations

import numpy as np

from nnrecipe._report._downsample import cap_points, envelope


def test_a_single_spike_in_100000_steps_survives():
    x = np.arange(100_000.0)
    y = 1.0 / (1 + x / 1000)
    y[73_123] = 50.0
    xs, ys = envelope(x, y, limit=800)
    assert len(xs) <= 800
    assert ys.max() == 50.0 and 73_123.0 in xs
    assert (xs[0], xs[-1]) == (0.0, 99_999.0)
    assert np.all(np.diff(xs) > 0)  # still a curve, in step order


def test_the_floor_and_the_noise_band_survive():
    rng = np.random.default_rng(0)
    y = rng.normal(size=50_000)
    _, ys = envelope(np.arange(50_000), y, limit=400)
    assert ys.min() == y.min() and ys.max() == y.max()


def test_short_curves_are_kept_whole_without_non_finite_values():
    xs, ys = envelope([0, 1, 2, 3], [1.0, np.nan, 3.0, np.inf])
    assert xs.tolist() == [0.0, 2.0] and ys.tolist() == [1.0, 3.0]


def test_a_capped_cloud_keeps_every_best_point():
    best = list(range(9_000, 9_200))
    idx = cap_points(10_000, best, limit=1_500)
    assert len(idx) == 1_500 and set(best) <= set(idx.tolist())
    assert cap_points(10, [3], limit=1_500).tolist() == list(range(10))
