"""Prediction dynamics: compact records of the fixed batch's predictions, per task."""

import torch
from torch import nn

import nnrecipe
from nnrecipe.diagnostics import FirstLayerWeights, PredictionDynamics


def test_classification_records_the_true_class_probability(blobs):
    dyn = PredictionDynamics(examples=16, every=1)
    torch.manual_seed(0)
    nnrecipe.fit(nn.Linear(10, 3), blobs, val=blobs, config=nnrecipe.TrainConfig(epochs=1, batch_size=32, lr=0.05),
                 callbacks=[dyn], runs_dir=None)
    d = dyn.data()
    assert d.task == "classification" and d.split == "val" and d.targets == tuple(blobs[1][:16].tolist())
    assert d.p_true.shape == (7, 16) and ((d.p_true >= 0) & (d.p_true <= 1)).all()
    assert ((d.top == d.targets) == (d.correct == 1)).all()
    assert d.p_true[-1].mean() > d.p_true[0].mean()  # learning shows


def test_regression_records_the_predictions(blobs):
    X, _ = blobs
    y = X[:, :2] * 3
    dyn = PredictionDynamics(examples=8, every=2)
    nnrecipe.fit(nn.Linear(10, 2), (X, y), "mse", config=nnrecipe.TrainConfig(epochs=1, batch_size=32), callbacks=[dyn], runs_dir=None)
    d = dyn.data()
    assert d.task == "regression" and d.split == "train" and d.p_true is None
    assert d.value.shape == (4, 8, 2) and len(d.targets[0]) == 2


def test_first_layer_snapshots_are_bounded_and_start_from_the_initial_weights(blobs):
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(10, 16), nn.ReLU(), nn.Linear(16, 3))
    initial = model[0].weight.detach().clone()
    first = FirstLayerWeights(every=1)
    nnrecipe.fit(model, blobs, config=nnrecipe.TrainConfig(epochs=3, batch_size=16), callbacks=[first], runs_dir=None)
    d = first.data()
    assert d.layer == "0" and len(d.steps) <= 8 and d.steps[0] == 0 and d.steps[-1] == 36
    torch.testing.assert_close(torch.tensor(d.weights[0]), initial, atol=1e-3, rtol=1e-3)  # float16 storage
