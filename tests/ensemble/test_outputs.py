"""What a model's outputs become before averaging: probabilities with the classes last, or values."""

from __future__ import annotations

import torch

from nnrecipe._ensemble._outputs import OutputRule


def test_class_logits_become_probabilities():
    out, y = torch.randn(4, 5), torch.randint(0, 5, (4,))
    rule = OutputRule.infer(out, y, "classification", "cross_entropy")
    assert (rule.transform, rule.classes, rule.output) == ("softmax", 5, "probabilities")
    torch.testing.assert_close(rule.apply(out), out.softmax(-1))


def test_log_probabilities_of_the_nll_loss_are_exponentiated():
    out = torch.randn(3, 4).log_softmax(-1)
    rule = OutputRule.infer(out, torch.zeros(3, dtype=torch.long), "classification", "nll")
    torch.testing.assert_close(rule.apply(out), out.exp())


def test_dense_predictions_store_their_classes_last():
    out, y = torch.randn(2, 3, 4, 4), torch.zeros(2, 4, 4, dtype=torch.long)  # (batch, classes, H, W)
    rule = OutputRule.infer(out, y, "classification", "cross_entropy")
    assert rule.classes_dim == 1 and rule.example_shape == (4, 4, 3)
    torch.testing.assert_close(rule.apply(out), out.softmax(1).movedim(1, -1))


def test_sequence_logits_keep_their_classes_last():
    out, y = torch.randn(2, 7, 5), torch.zeros(2, 7, dtype=torch.long)
    rule = OutputRule.infer(out, y, "autoregressive", "cross_entropy")
    assert rule.classes_dim == -1 and rule.example_shape == (7, 5)


def test_binary_logits_become_probabilities_in_the_targets_shape():
    out, y = torch.randn(6, 1), torch.ones(6)
    rule = OutputRule.infer(out, y, "binary", "bce_with_logits")
    torch.testing.assert_close(rule.apply(out), out.sigmoid().flatten())
    assert OutputRule.infer(out.sigmoid(), y, "binary", "bce").transform == "identity"


def test_regression_values_are_kept_as_they_are():
    out, y = torch.randn(5, 1), torch.randn(5)
    rule = OutputRule.infer(out, y, "regression", "mse")
    assert rule.output == "values" and rule.classes is None
    torch.testing.assert_close(rule.apply(out), out.flatten())


def test_the_rule_round_trips_through_json():
    rule = OutputRule("classification", "softmax", 1, (4, 4, 3))
    assert OutputRule.from_dict(rule.to_dict()) == rule
