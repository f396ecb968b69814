"""The paired bootstrap interval of a gain, on differences whose distribution is known."""

from __future__ import annotations

import math

import pytest
import torch

from nnrecipe._ensemble._bootstrap import paired_bootstrap


def test_a_constant_gain_has_an_interval_of_width_zero():
    assert paired_bootstrap(torch.full((500,), 0.02)) == pytest.approx((0.02, 0.02))


def test_the_interval_of_a_mean_matches_the_normal_one_for_many_examples():
    d = torch.randn(4000, generator=torch.Generator().manual_seed(0), dtype=torch.float64) * 0.3 + 0.05
    low, high = paired_bootstrap(d, resamples=2000)
    half = 1.96 * float(d.std()) / math.sqrt(len(d))
    assert low < float(d.mean()) < high
    assert (high - low) / 2 == pytest.approx(half, rel=0.1)


def test_a_wider_level_gives_a_wider_interval():
    d = torch.randn(300, generator=torch.Generator().manual_seed(1))
    low90, high90 = paired_bootstrap(d, confidence=0.90)
    low99, high99 = paired_bootstrap(d, confidence=0.99)
    assert low99 < low90 and high90 < high99


def test_it_is_seeded():
    d = torch.randn(200, generator=torch.Generator().manual_seed(2))
    assert paired_bootstrap(d, seed=5) == paired_bootstrap(d, seed=5)
    assert paired_bootstrap(d, seed=5) != paired_bootstrap(d, seed=6)


def test_accuracy_differences_of_a_few_examples_out_of_many_straddle_zero():
    # the ensemble fixes 3 examples and breaks 1 of 1000: +0.2 points, not a significant gain
    d = torch.zeros(1000)
    d[:3], d[3] = 1.0, -1.0
    low, high = paired_bootstrap(d)
    assert low <= 0 < high
