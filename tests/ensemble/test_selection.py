"""Greedy forward selection with replacement (Caruana et al. 2004), ranking and averaging,
on synthetic predictions whose right answer is known."""

from __future__ import annotations

import pytest
import torch

from nnrecipe._ensemble._scores import score
from nnrecipe._ensemble._selection import average_weights, combine, greedy_selection, rank


def test_greedy_starts_from_the_best_single_model_and_adds_the_one_that_fixes_its_mistakes(complementary):
    y, a, b, c = complementary
    preds = torch.stack([c, b, a])  # given in any order: C (0%), B (72%), A (73%)
    g = greedy_selection(preds, y, "accuracy", "classification", steps=10)
    assert [s.added for s in g.trajectory[:2]] == [2, 1]  # A, then B
    assert [s.value for s in g.trajectory[:2]] == [0.73, 1.0]
    assert g.best_size == 2 and g.weights == (0.0, 0.5, 0.5)


def test_greedy_keeps_the_best_point_of_its_trajectory_not_the_last(complementary):
    y, a, b, c = complementary
    g = greedy_selection(torch.stack([a, b, c]), y, "nll", "classification", steps=8)
    values = [s.value for s in g.trajectory]
    assert len(values) == 8  # it keeps adding after the best point...
    assert values[g.best_size - 1] == min(values) and max(values[g.best_size :]) > min(values)  # ...which got worse
    ensemble = combine(torch.stack([a, b, c]), g.weights)
    torch.testing.assert_close(score("nll", ensemble, y, "classification"), min(values))


def test_a_single_model_no_other_improves_is_kept_alone(complementary):
    y, a, _, c = complementary
    g = greedy_selection(torch.stack([c, a]), y, "accuracy", "classification", steps=5)
    assert g.best_size == 1 and g.weights == (0.0, 1.0)  # never worse than the best single model


def test_sorted_initialisation_starts_from_the_best_n_models(complementary):
    y, a, b, c = complementary
    g = greedy_selection(torch.stack([c, b, a]), y, "accuracy", "classification", init=3, steps=6)
    assert [s.added for s in g.trajectory[:3]] == [2, 1, 0]
    assert g.best_size >= 3


def test_ties_go_to_the_better_single_model_and_to_the_smaller_ensemble(complementary):
    y, a, _, _ = complementary
    g = greedy_selection(torch.stack([a, a.clone()]), y, "accuracy", "classification", steps=4)
    assert {s.added for s in g.trajectory} == {0} and g.best_size == 1


def textbook_greedy(preds: torch.Tensor, y: torch.Tensor, metric: str, steps: int, task: str) -> list[tuple[int, float]]:
    """Caruana's loop written plainly: try every member, keep the best addition (ties: log loss, then rank)."""
    order = rank(preds, y, metric, task)  # type: ignore[arg-type]
    sign = -1 if metric == "accuracy" else 1
    chosen: list[int] = []
    out = []
    for _ in range(steps):
        keys = []
        for position, i in enumerate(order):
            ens = torch.stack([preds[j] for j in [*chosen, i]]).double().mean(0)
            tiebreak = score("nll", ens, y, task) if metric == "accuracy" else 0.0  # type: ignore[arg-type]
            keys.append((round(sign * score(metric, ens, y, task), 9), round(tiebreak, 9), position))  # type: ignore[arg-type]
        best = min(keys)
        chosen.append(order[best[2]])
        out.append((order[best[2]], sign * best[0]))
    return out


@pytest.mark.parametrize(("task", "shape"), [("classification", (60,)), ("autoregressive", (12, 5))])
def test_vectorised_selection_matches_the_textbook_loop(task, shape):
    g = torch.Generator().manual_seed(3)
    y = torch.randint(0, 4, shape, generator=g)
    preds = (torch.randn(7, *shape, 4, generator=g) * 2 + 2 * torch.nn.functional.one_hot(y, 4)).softmax(-1)
    for metric in ("accuracy", "nll"):
        got = greedy_selection(preds, y, metric, task, steps=12)  # type: ignore[arg-type]
        expected = textbook_greedy(preds, y, metric, 12, task)
        assert [s.added for s in got.trajectory] == [i for i, _ in expected]
        torch.testing.assert_close([s.value for s in got.trajectory], [v for _, v in expected], rtol=0, atol=1e-8)


def test_regression_members_are_averaged_values():
    y = torch.linspace(-1, 1, 50)
    low, high, noise = y - 0.5, y + 0.5, y + torch.linspace(0, 3, 50)
    g = greedy_selection(torch.stack([noise, low, high]), y, "mse", "regression", steps=6)
    assert g.weights == (0.0, 0.5, 0.5)  # the two biased members cancel exactly
    torch.testing.assert_close(g.trajectory[g.best_size - 1].value, 0.0)


def test_ranking_breaks_accuracy_ties_by_the_log_loss():
    y = torch.zeros(4, dtype=torch.long)
    confident, hesitant = torch.tensor([[0.9, 0.1]] * 4), torch.tensor([[0.6, 0.4]] * 4)
    assert rank(torch.stack([hesitant, confident]), y, "accuracy", "classification") == [1, 0]


def test_the_average_weighs_the_best_k_members_equally():
    assert average_weights([3, 1, 0, 2], 2, 4) == (0.0, 0.5, 0.0, 0.5)
    assert average_weights([1, 0], 5, 2) == (0.5, 0.5)  # fewer members than k: all of them
