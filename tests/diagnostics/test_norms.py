"""Gradient, update and weight norms: the update is exactly what one optimizer step changed."""

import torch
from torch import nn

import nnrecipe
from nnrecipe.callbacks import Callback
from nnrecipe.diagnostics import GradientNorms


class Weights(Callback):
    """The first layer's weights after every step (what the norms should agree with)."""

    def __init__(self):
        self.after: dict[int, torch.Tensor] = {}

    def on_train_begin(self, logs):
        self.after[0] = self.trainer.model[0].weight.detach().clone()

    def on_step_end(self, step, logs):
        self.after[step] = self.trainer.model[0].weight.detach().clone()


def test_update_norm_is_the_change_of_the_recorded_step_only(blobs):
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(10, 8, bias=False), nn.ReLU(), nn.Linear(8, 3))
    norms, seen = GradientNorms(every=3), Weights()
    cfg = nnrecipe.TrainConfig(epochs=2, batch_size=32, lr=0.01, schedule="linear")
    nnrecipe.fit(model, blobs, config=cfg, callbacks=[seen, norms], runs_dir=None)
    d = norms.data()
    assert d.layers == ("0", "2")
    assert d.steps.tolist() == [0, 3, 6, 9, 12]
    for k, step in enumerate(d.steps.tolist()[1:], start=1):
        change = (seen.after[step] - seen.after[step - 1]).norm()
        torch.testing.assert_close(torch.tensor(float(d.update[k, 0])), change)
        torch.testing.assert_close(torch.tensor(float(d.weight[k, 0])), seen.after[step].norm())
    assert torch.isnan(torch.tensor(d.update[0])).all()  # no step before the initial weights
    assert (d.lr[1:] > 0).all() and d.lr[-1] < d.lr[1]  # the linear schedule's decay
    assert (d.ratio[1:] > 0).all()


def test_arguments_are_checked():
    import pytest

    with pytest.raises(ValueError, match="every"):
        GradientNorms(every=0)
    with pytest.raises(ValueError, match="slots"):
        GradientNorms(slots=1)
