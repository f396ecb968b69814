"""layer_use: every registered layer runs in training, and batch-norm statistics follow the data."""

from __future__ import annotations

import torch
from torch import nn


class Net(nn.Module):
    def __init__(self, call_dropout: bool = True, bn_eval: bool = False, momentum: float = 0.1) -> None:
        super().__init__()
        self.call_dropout, self.bn_eval = call_dropout, bn_eval
        self.lin = nn.Linear(16, 32)
        self.bn = nn.BatchNorm1d(32, momentum=momentum)
        self.drop = nn.Dropout(0.3)
        self.head = nn.Linear(32, 4)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.bn_eval:
            self.bn.eval()  # "freezes" batch norm: its statistics stay at 0 and 1
        h = torch.relu(self.bn(self.lin(x)))
        return self.head(self.drop(h) if self.call_dropout else h)


def use(run_check, model, data):
    return run_check("layer_use", model, data, "cross_entropy")


def test_healthy_model_passes(vectors, run_check):
    assert use(run_check, Net(), vectors).status == "pass"


def test_batch_norm_switched_to_eval_in_forward_fails(vectors, run_check):
    result = use(run_check, Net(bn_eval=True), vectors)
    assert result.status == "fail"
    assert result.details["batch_norm_not_updating"] == ["bn"]


def test_batch_norm_with_zero_momentum_fails(vectors, run_check):
    assert use(run_check, Net(momentum=0.0), vectors).status == "fail"


def test_frozen_statistics_of_a_pretrained_layer_warn(vectors, run_check):
    model = Net(bn_eval=True)
    with torch.no_grad():
        model.bn.running_mean.fill_(0.3)  # statistics from pretraining, frozen on purpose
    assert use(run_check, model, vectors).status == "warn"


def test_dropout_defined_but_never_called_warns(vectors, run_check):
    result = use(run_check, Net(call_dropout=False), vectors)
    assert result.status == "warn"
    assert result.details["unused"] == ["drop"]
    assert "drop (Dropout p=0.3)" in result.measured


def test_loss_modules_and_unused_parameter_layers_are_not_reported_here(vectors, run_check):
    class WithCriterion(Net):
        def __init__(self) -> None:
            super().__init__()
            self.criterion = nn.CrossEntropyLoss()  # used outside forward, by the training step
            self.aux = nn.Linear(16, 4)  # gradient_flow reports it (no gradient)

    result = use(run_check, WithCriterion(), vectors)
    assert result.status == "pass"
    assert result.details["unused_with_parameters"] == ["aux"]
