"""gradient_flow: every trainable parameter gets a finite non-zero gradient and moves."""

from __future__ import annotations

import torch
from torch import nn

from nnrecipe._checks import check


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


def flow(model, data, **kw):
    return check(model, data, "cross_entropy", only=["gradient_flow"], **kw)["gradient_flow"]


def test_layers_in_a_python_list_fail(vectors):
    result = flow(Stack(registered=False), vectors)
    assert result.status == "fail"
    assert "layers" in result.details["unregistered"]


def test_module_list_passes(vectors):
    assert flow(Stack(registered=True), vectors).status == "pass"


def test_parameters_never_reached_fail(vectors):
    result = flow(UnusedBranch(), vectors)
    assert result.status == "fail"
    assert set(result.details["no_grad"]) == {"aux.weight", "aux.bias"}


def test_parameters_missing_from_the_optimizer_fail(vectors):
    model = Stack(registered=True)
    result = flow(model, vectors, optimizer=lambda params: torch.optim.Adam(list(params)[:2], lr=1e-3))
    assert result.status == "fail"
    assert "unchanged by the optimizer step" in result.measured


def test_input_multiplied_by_zero_gives_zero_gradients(vectors):
    class Zeroed(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.first = nn.Linear(16, 8, bias=False)
            self.head = nn.Linear(8, 4)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return self.head(torch.relu(self.first(x * 0)))

    result = flow(Zeroed(), vectors)
    assert result.status == "fail"
    assert "first.weight" in result.details["zero_grad"]


def test_frozen_layer_warns(vectors):
    model = Stack(registered=True)
    model.layers[0].requires_grad_(False)
    result = flow(model, vectors)
    assert result.status == "warn"
    assert result.details["frozen"] == ["layers.0.weight", "layers.0.bias"]


def test_reports_update_ratio_per_layer(vectors):
    result = flow(Stack(registered=True), vectors)
    ratios = result.details["update_ratio"]
    assert set(ratios) == {"layers.0.weight", "layers.1.weight", "head.weight"}
    assert all(1e-5 < r < 1e-1 for r in ratios.values())


def test_a_relu_reused_at_two_widths_is_measured_per_width(vectors):
    class Shared(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.a, self.b, self.act = nn.Linear(16, 32), nn.Linear(32, 8), nn.ReLU()
            self.head = nn.Linear(8, 4)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return self.head(self.act(self.b(self.act(self.a(x)))))

    result = flow(Shared(), vectors)
    assert result.status == "pass"
    assert set(result.details["dead_relu_fraction"]) == {"act", "act[8]"}


def test_a_layer_whose_units_are_all_dead_fails(vectors):
    model = Stack(registered=True)
    with torch.no_grad():
        model.layers[1].bias.fill_(-100.0)  # every unit of the second layer is off
    result = flow(model, vectors)
    assert result.status == "fail"
    assert "layers.1.weight" in result.details["zero_grad"]


def test_mostly_dead_relus_warn(vectors):
    model = nn.Sequential(nn.Linear(16, 32), nn.ReLU(), nn.Linear(32, 4))
    with torch.no_grad():
        model[0].bias[:24].fill_(-100.0)  # 24 of 32 units never fire
    result = flow(model, vectors)
    assert result.status == "warn"
    torch.testing.assert_close(result.details["dead_relu_fraction"]["1"], 0.75)


def test_parameterless_modules_in_a_list_are_fine(vectors):
    class WithActivations(Stack):
        def __init__(self) -> None:
            super().__init__(registered=True)
            self.activations = [nn.ReLU(), nn.Tanh()]  # no state: nothing to register

    assert flow(WithActivations(), vectors).status == "pass"
