"""gradient_flow: every trainable parameter is registered, reached by a finite gradient, and optimised."""

from __future__ import annotations

import math

import torch
from torch import nn

import nnrecipe


class Stack(nn.Module):
    def __init__(self, registered: bool) -> None:
        super().__init__()
        layers = [nn.Linear(16, 32), nn.Linear(32, 32)]
        self.layers = nn.ModuleList(layers) if registered else layers  # a plain list hides them
        self.head = nn.Linear(32, 4)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for layer in self.layers:
            x = torch.relu(layer(x))
        return self.head(x)


class UnusedBranch(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.body = nn.Linear(16, 4)
        self.aux = nn.Linear(16, 4)  # defined, never called

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.body(x)


class PlainTensor(nn.Module):
    """A scale kept as a tensor with requires_grad (buggy) or as an nn.Parameter (clean)."""

    def __init__(self, registered: bool) -> None:
        super().__init__()
        self.lin = nn.Linear(16, 4)
        scale = torch.ones(4, requires_grad=True)
        self.scale = nn.Parameter(scale) if registered else scale

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.lin(x) * self.scale


class FrozenEmbedding(nn.Module):
    """A frozen first layer: random (a mistake in a fresh model) or a fixed sinusoidal table."""

    def __init__(self, random: bool) -> None:
        super().__init__()
        self.first = nn.Linear(16, 16)
        if not random:
            with torch.no_grad():
                self.first.weight.copy_(torch.sin(torch.arange(256.0).reshape(16, 16)))
                self.first.bias.zero_()
        self.first.requires_grad_(False)
        self.head = nn.Linear(16, 4)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(torch.relu(self.first(x)))


def flow(run_check, model, data, **kw):
    return run_check("gradient_flow", model, data, "cross_entropy", **kw)


def test_layers_in_a_python_list_fail(vectors, run_check):
    result = flow(run_check, Stack(registered=False), vectors)
    assert result.status == "fail"
    assert "layers" in result.details["unregistered"]


def test_module_list_passes(vectors, run_check):
    assert flow(run_check, Stack(registered=True), vectors).status == "pass"


def test_a_tensor_with_requires_grad_that_is_no_parameter_fails_by_name(vectors, run_check):
    result = flow(run_check, PlainTensor(registered=False), vectors)
    assert result.status == "fail"
    assert result.details["unregistered_tensors"] == ["scale"]
    assert "scale" in result.measured


def test_the_same_tensor_as_a_parameter_passes(vectors, run_check):
    assert flow(run_check, PlainTensor(registered=True), vectors).status == "pass"


def test_parameters_never_reached_fail(vectors, run_check):
    result = flow(run_check, UnusedBranch(), vectors)
    assert result.status == "fail"
    assert set(result.details["no_grad"]) == {"aux.weight", "aux.bias"}


def test_parameters_missing_from_the_optimizer_fail(vectors, run_check):
    result = flow(run_check, Stack(registered=True), vectors,
                  optimizer=lambda params: torch.optim.Adam(list(params)[:2], lr=1e-3))
    assert result.status == "fail"
    assert "missing from the optimizer" in result.measured


def test_input_multiplied_by_zero_gives_zero_gradients(vectors, run_check):
    class Zeroed(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.first = nn.Linear(16, 8, bias=False)
            self.head = nn.Linear(8, 4)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return self.head(torch.relu(self.first(x * 0)))

    result = flow(run_check, Zeroed(), vectors)
    assert result.status == "fail"
    assert "first.weight" in result.details["zero_grad"]


def test_a_zero_initialised_branch_is_a_published_practice(vectors, run_check):
    model = Stack(registered=True)
    with torch.no_grad():
        model.head.weight.zero_()  # the layers before get gradient only once it moves
    assert flow(run_check, model, vectors).status == "pass"


def test_random_frozen_layer_in_a_fresh_model_fails(vectors, run_check):
    result = flow(run_check, lambda: FrozenEmbedding(random=True), vectors)
    assert result.status == "fail"
    assert result.details["frozen_random"] == ["first.weight", "first.bias"]


def test_frozen_layer_declared_passes(vectors, run_check):
    assert flow(run_check, lambda: FrozenEmbedding(random=True), vectors, frozen=["first"]).status == "pass"


def test_frozen_constant_table_in_a_fresh_model_passes(vectors, run_check):
    assert flow(run_check, lambda: FrozenEmbedding(random=False), vectors).status == "pass"


def test_frozen_layer_of_a_passed_instance_warns(vectors, run_check):
    result = flow(run_check, FrozenEmbedding(random=True), vectors)  # maybe pretrained
    assert result.status == "warn"
    assert result.details["frozen"] == ["first.weight", "first.bias"]


def test_reports_gradient_norms_per_parameter(vectors, run_check):
    result = flow(run_check, Stack(registered=True), vectors)
    assert set(result.details["grad_norm"]) == {f"layers.{i}.{k}" for i in (0, 1) for k in ("weight", "bias")} | {"head.weight", "head.bias"}


def test_a_relu_reused_at_two_widths_is_measured_per_width(vectors, run_check):
    class Shared(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.a, self.b, self.act = nn.Linear(16, 32), nn.Linear(32, 8), nn.ReLU()
            self.head = nn.Linear(8, 4)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return self.head(self.act(self.b(self.act(self.a(x)))))

    result = flow(run_check, Shared(), vectors)
    assert result.status == "pass"
    assert set(result.details["dead_relu_fraction"]) == {"act", "act[8]"}


def test_a_layer_whose_units_are_all_dead_fails(vectors, run_check):
    model = Stack(registered=True)
    with torch.no_grad():
        model.layers[1].bias.fill_(-100.0)  # every unit of the second layer is off
    result = flow(run_check, model, vectors)
    assert result.status == "fail"
    assert "layers.1.weight" in result.details["zero_grad"]


def test_mostly_dead_relus_warn(vectors, run_check):
    model = nn.Sequential(nn.Linear(16, 32), nn.ReLU(), nn.Linear(32, 4))
    with torch.no_grad():
        model[0].bias[:24].fill_(-100.0)  # 24 of 32 units never fire
    result = flow(run_check, model, vectors)
    assert result.status == "warn"
    torch.testing.assert_close(result.details["dead_relu_fraction"]["1"], 0.75)


def test_deep_plain_network_with_vanishing_gradients_warns_not_fails(vectors, run_check):
    def deep() -> nn.Module:
        layers: list[nn.Module] = [nn.Linear(16, 32), nn.Sigmoid()]
        for _ in range(10):
            layers += [nn.Linear(32, 32), nn.Sigmoid()]
        return nn.Sequential(*layers, nn.Linear(32, 4))

    sgd = nnrecipe.TrainConfig(optimizer="sgd", lr=0.01, momentum=0.0)  # tiny updates round away in float32
    result = flow(run_check, deep, vectors, config=sgd)
    assert result.status in ("pass", "warn")
    assert math.isfinite(result.details["grad_norm_spread"])


def test_parameterless_modules_in_a_list_are_fine(vectors, run_check):
    class WithActivations(Stack):
        def __init__(self) -> None:
            super().__init__(registered=True)
            self.activations = [nn.ReLU(), nn.Tanh()]  # no state: nothing to register

    assert flow(run_check, WithActivations(), vectors).status == "pass"
