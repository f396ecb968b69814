"""Infeasible means diverged: a non-finite loss, or a loss that stayed far above its initial level."""

from __future__ import annotations

import math

from nnrecipe._tune._divergence import divergence


def _losses(values):
    return [(step, float(v)) for step, v in enumerate(values, start=1)]


def test_a_trial_that_learned_nothing_is_feasible():
    assert divergence(_losses([2.30 + 0.02 * math.sin(s) for s in range(60)])) is None


def test_a_short_noisy_trial_whose_loss_fell_is_feasible():
    # Before: its mean end loss (2.33) was compared with one lucky first batch (2.2) and called diverged.
    assert divergence(_losses([2.2, 2.6, 2.5, 2.4, 2.7, 2.3, 2.2, 2.5, 2.1, 2.4, 2.3, 2.35])) is None


def test_a_few_bad_batches_at_the_end_are_not_a_blow_up():
    tail = [0.4, 9.0, 0.5, 0.45, 8.0, 0.4, 0.42, 0.38, 0.41, 0.4]
    assert divergence(_losses([2.3, 2.0, 1.5, 1.0] + tail)) is None


def test_a_loss_that_stayed_far_above_its_initial_level_diverged():
    # What a learning rate of 30 does to SGD on the digits (measured): 2.32, then tens to thousands.
    reason = divergence(_losses([2.32, 31.8, 7580, 1874, 30.5, 38.8, 32.9, 55.2, 317, 68.7, 42.1, 57.0, 39.8, 44.8]))
    assert reason is not None and "more than 2x its initial 2.32" in reason


def test_a_non_finite_loss_diverged_whatever_its_level():
    assert divergence(_losses([2.3, 2.1, float("nan")])) == "diverged: non-finite training loss"


def test_a_loss_without_a_positive_initial_level_is_judged_on_finiteness_only():
    assert divergence(_losses([-1.0, -0.5, 5.0, 6.0, 7.0, 8.0, 9.0])) is None
