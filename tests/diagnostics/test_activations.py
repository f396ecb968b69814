"""Activation statistics: dead and saturated shares, on a broken model and its healthy twin."""

import torch
from torch import nn

from nnrecipe.callbacks import TrainerState
from nnrecipe.diagnostics import ActivationStatistics


def measured(model: nn.Module, x: torch.Tensor) -> ActivationStatistics:
    """The callback fed a state by hand: one record of the model as it is."""
    acts = ActivationStatistics(every=1)
    state = TrainerState(model=model, optimizer=torch.optim.SGD(model.parameters(), lr=0.1), run_dir=None, total_steps=1,
                         train=_source(x), task="classification")
    acts.set_trainer(state)
    acts.on_train_begin({})
    return acts


def _source(x):
    from nnrecipe._core._data import as_source

    return as_source((x, torch.zeros(len(x), dtype=torch.long)), name="train")


def _relu_net(bias: float) -> nn.Module:
    torch.manual_seed(0)
    net = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 2))
    with torch.no_grad():
        net[0].bias.fill_(bias)
    return net


def test_dead_relus_are_reported_and_healthy_ones_are_not():
    x = torch.randn(64, 8, generator=torch.Generator().manual_seed(1))
    dead = measured(_relu_net(-100.0), x).data()
    healthy = measured(_relu_net(0.0), x).data()
    assert dead.families == ("rectifier",)
    assert dead.stat("dead")[0, 0] == 1.0 and dead.stat("saturated")[0, 0] == 1.0
    assert healthy.stat("dead")[0, 0] < 0.2 and 0.2 < healthy.stat("saturated")[0, 0] < 0.8


def test_saturated_tanh_and_sigmoid_are_reported_with_their_own_definition():
    x = torch.randn(64, 8, generator=torch.Generator().manual_seed(1))
    for act, scale, family in ((nn.Tanh(), 100.0, "tanh"), (nn.Sigmoid(), 100.0, "sigmoid")):
        torch.manual_seed(0)
        net = nn.Sequential(nn.Linear(8, 16), act, nn.Linear(16, 2))
        calm = measured(net, x).data().stat("saturated")[0, 0]
        with torch.no_grad():
            net[0].weight.mul_(scale)
        d = measured(net, x).data()
        assert d.families == (family,)
        assert calm < 0.1
        assert d.stat("saturated")[0, 0] > 0.9


def test_functional_activations_fall_back_to_layer_outputs_and_shared_modules_count_per_call():
    class Functional(nn.Module):
        def __init__(self):
            super().__init__()
            self.a, self.b = nn.Linear(8, 8), nn.Linear(8, 2)

        def forward(self, x):
            return self.b(torch.relu(self.a(x)))

    x = torch.randn(16, 8)
    d = measured(Functional(), x).data()
    assert d.layers == ("a", "b") and d.families == ("none", "none")
    assert torch.isnan(torch.tensor(d.stat("dead"))).all() and not torch.isnan(torch.tensor(d.stat("std"))).any()

    shared = nn.ReLU()
    net = nn.Sequential(nn.Linear(8, 8), shared, nn.Linear(8, 8), shared)
    assert measured(net, x).data().layers == ("1", "1#2")


def test_measuring_leaves_modes_and_rng_untouched():
    net = nn.Sequential(nn.Linear(8, 8), nn.Dropout(0.5), nn.ReLU(), nn.Linear(8, 2))
    net.train()
    net[1].eval()  # a submodule the user froze in eval mode stays so
    x = torch.randn(16, 8)
    before = torch.get_rng_state()
    measured(net, x)
    assert torch.equal(before, torch.get_rng_state())
    assert [m.training for m in net.modules()] == [True, True, False, True, True]
