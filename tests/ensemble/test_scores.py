"""The ensemble metrics as one score per example, and which metric selection uses by default."""

from __future__ import annotations

import math

import pytest
import torch

from nnrecipe import ConfigError
from nnrecipe._ensemble._scores import default_metric, metric_for, per_example, score


def test_classification_scores_are_correctness_and_log_loss_per_example():
    p = torch.tensor([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]])
    y = torch.tensor([0, 1])
    assert per_example("accuracy", p, y, "classification").tolist() == [1.0, 0.0]
    torch.testing.assert_close(per_example("nll", p, y, "classification"), torch.tensor([-math.log(0.7), -math.log(0.1)], dtype=torch.float64))


def test_scores_keep_leading_candidate_dimensions():
    p = torch.rand(5, 8, 3).softmax(-1)
    y = torch.randint(0, 3, (8,))
    assert per_example("nll", p, y, "classification").shape == (5, 8)
    torch.testing.assert_close(per_example("nll", p, y, "classification")[2], per_example("nll", p[2], y, "classification"))


def test_sequence_predictions_score_each_example_by_its_mean_over_positions():
    p = torch.zeros(2, 4, 3)
    p[..., 0] = 1.0  # always predicts class 0
    y = torch.tensor([[0, 0, 1, 1], [0, 0, 0, 0]])
    assert per_example("accuracy", p, y, "autoregressive").tolist() == [0.5, 1.0]


def test_binary_and_regression_scores():
    p, y = torch.tensor([0.8, 0.3, 0.6]), torch.tensor([1.0, 1.0, 0.0])
    assert per_example("accuracy", p, y, "binary").tolist() == [1.0, 0.0, 0.0]
    torch.testing.assert_close(score("nll", p, y, "binary"), -(math.log(0.8) + math.log(0.3) + math.log(0.4)) / 3)
    v, t = torch.tensor([[1.0, 2.0], [0.0, 0.0]]), torch.tensor([[1.0, 0.0], [1.0, 1.0]])
    assert per_example("mse", v, t, "regression").tolist() == [2.0, 1.0]
    assert per_example("mae", v, t, "regression").tolist() == [1.0, 1.0]


def test_a_confident_mistake_costs_a_bounded_log_loss():
    assert math.isfinite(score("nll", torch.tensor([[1.0, 0.0]]), torch.tensor([1]), "classification"))


def test_selection_defaults_to_the_metric_the_runs_were_judged_by():
    assert default_metric("classification", "val_accuracy", "cross_entropy") == "accuracy"
    assert default_metric("classification", "val_loss", "cross_entropy") == "nll"
    assert default_metric("regression", "val_loss", "l1") == "mae"
    assert default_metric("regression", None, "mse") == "mse"
    assert default_metric("binary", "val_top5", "bce_with_logits") == "accuracy"


def test_a_metric_that_does_not_fit_the_task_is_refused_with_those_that_do():
    with pytest.raises(ConfigError, match=r"'mse' does not fit a classification task; use one of \['accuracy', 'nll'\]"):
        metric_for("mse", "classification")
