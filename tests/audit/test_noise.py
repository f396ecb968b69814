"""The label-noise verdict from the baselines' figures: estimate, level, and who can tell."""

from __future__ import annotations

from nnrecipe._audit._noise import doubt, judge_noise
from nnrecipe._audit._sections import BaselineFigures


def neighbours(kappa: float, disagreement: float) -> BaselineFigures:
    return BaselineFigures("neighbours", "20-nearest-neighbour vote on train", 1000, 0.5, kappa, 100, disagreement)


def linear(kappa: float, disagreement: float, corroboration: float) -> BaselineFigures:
    return BaselineFigures("linear", "linear model", 1000, 0.5, kappa, 100, disagreement, corroboration)


def test_heavy_noise_is_judged_by_the_baseline_that_can_tell() -> None:
    j = judge_noise([neighbours(0.2, 0.33), linear(0.6, 0.3, 0.95)])
    assert (j.level, j.judge, j.estimate) == ("heavy", "linear", 0.3)
    assert [f.can_tell for f in j.baselines] == [True, False]  # the judge first


def test_the_levels_follow_the_estimate() -> None:
    assert judge_noise([neighbours(0.9, 0.12)]).level == "moderate"
    assert judge_noise([neighbours(0.9, 0.05)]).level == "clean"
    assert judge_noise([neighbours(0.9, 0.21)]).level == "heavy"


def test_the_lowest_confident_disagreement_bounds_the_noise_even_from_a_baseline_that_cannot_tell() -> None:
    # Neighbours that agree with the labels where they are confident: the labels are clean,
    # although a linear model that fits the wrong boundary disagrees with many of them.
    j = judge_noise([neighbours(0.1, 0.02), linear(0.8, 0.4, 0.9)])
    assert j.level == "clean" and j.estimate == 0.02 and j.judge == "linear"


def test_a_linear_model_the_neighbours_do_not_confirm_cannot_tell_however_consistent() -> None:
    # Clean but hard data: two fits of the same wrong boundary agree with each other.
    j = judge_noise([neighbours(0.08, 0.46), linear(0.38, 0.63, 0.49)])
    assert j.level == "unknown" and j.judge is None
    assert "confirms 49%" in str(doubt(j.baselines[1])) and "kappa 0.08" in str(doubt(j.baselines[0]))


def test_no_consistent_baseline_is_unknown_never_an_error() -> None:
    j = judge_noise([neighbours(0.3, 0.45), linear(0.3, 0.5, 0.7)])
    assert j.level == "unknown"
    assert j.estimate == 0.45  # still reported, as a bound


def test_a_neighbour_vote_needs_no_corroboration_and_a_lone_linear_model_cannot_tell() -> None:
    assert doubt(neighbours(0.5, 0.3)) is None
    assert doubt(linear(0.9, 0.3, None)) is not None  # type: ignore[arg-type]


def test_no_figures_is_unknown() -> None:
    assert judge_noise([]).level == "unknown"
