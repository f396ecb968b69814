"""After training: confusion, per-class metrics, the worst examples, the regression scatter."""

import numpy as np
import pytest
import torch
from torch import nn

import nnrecipe
from nnrecipe._core._data import as_source
from nnrecipe._core._losses import resolve_loss
from nnrecipe.diagnostics import Interpretation, read_diagnostics
from nnrecipe.diagnostics._interpret import interpret


class Fixed(nn.Module):
    """Predicts the class written in the input's first value (a model whose mistakes we chose)."""

    def forward(self, x):
        return nn.functional.one_hot(x[:, 0].long(), 3).float() * 10 + x[:, 1:2] * 0


def _interpret(x, y, model, loss="cross_entropy", task="classification"):
    fn, _ = resolve_loss(loss)
    return interpret(model, as_source((x, y), name="val"), fn, task, loss_name=loss, device=torch.device("cpu"), top_k=3)


def test_confusion_and_per_class_metrics_count_what_the_model_predicted():
    predicted = torch.tensor([0, 0, 1, 1, 2, 2, 0, 1])
    y = torch.tensor([0, 0, 1, 2, 2, 2, 1, 1])
    x = torch.stack([predicted.float(), torch.arange(8.0)], 1)
    d = _interpret(x, y, Fixed())
    np.testing.assert_array_equal(d.confusion, [[2, 0, 0], [1, 2, 0], [0, 1, 2]])
    np.testing.assert_allclose(d.per_class.precision, [2 / 3, 2 / 3, 1.0])
    np.testing.assert_allclose(d.per_class.recall, [1.0, 2 / 3, 2 / 3])
    np.testing.assert_array_equal(d.per_class.support, [2, 3, 3])
    assert d.accuracy == pytest.approx(6 / 8)
    assert sorted(d.confused) == [(1, 0, 1), (2, 1, 1)]
    assert sorted(d.top_losses.indices.tolist()[:2]) == [3, 6]  # the two mistakes are the worst
    assert d.top_losses.inputs.shape == (3, 2)


def test_regression_scatter_and_errors():
    x = torch.linspace(-1, 1, 50).unsqueeze(1)
    y = 2 * x + 0.5
    d = _interpret(x, y, nn.Identity(), loss="mse", task="regression")
    assert d.confusion is None and d.scatter is not None
    e = (x - y).flatten()
    assert d.scatter.mae == pytest.approx(float(e.abs().mean()), rel=1e-5)
    assert d.scatter.rmse == pytest.approx(float(e.pow(2).mean().sqrt()), rel=1e-5)
    assert d.scatter.predicted.shape == (50, 1)
    assert d.top_losses.indices[0] in (0, 49)


def test_image_inputs_are_downsampled_for_storage():
    x = torch.randn(8, 1, 200, 200)
    y = torch.randint(0, 3, (8,))
    model = nn.Sequential(nn.Flatten(), nn.Linear(200 * 200, 3))
    d = _interpret(x, y, model)
    assert d.top_losses.inputs.shape[-1] <= 64 and d.top_losses.input_shape == (1, 200, 200)


def test_written_with_the_best_weights_and_read_back(tmp_path, blobs):
    from nnrecipe.callbacks import ModelCheckpoint

    torch.manual_seed(0)
    cfg = nnrecipe.TrainConfig(epochs=2, batch_size=32, lr=0.05, tensorboard=False)
    result = nnrecipe.fit(nn.Linear(10, 3), blobs, val=blobs, config=cfg, runs_dir=tmp_path,
                          callbacks=[ModelCheckpoint(monitor="val_accuracy"), Interpretation(top_k=4)])
    d = read_diagnostics(result.run_dir).interpretation
    assert d.weights == "best" and d.monitor == "val_accuracy" and d.step == result.best_step
    assert d.accuracy == pytest.approx(result.best["val_accuracy"])
    assert d.confusion.sum() == len(blobs[0]) and d.top_losses.losses.shape == (4,)


def test_nothing_without_validation_data(blobs):
    seen = Interpretation()
    nnrecipe.fit(nn.Linear(10, 3), blobs, config=nnrecipe.TrainConfig(epochs=1), callbacks=[seen], runs_dir=None)
    assert seen.result is None


def test_tensorboard_pictures_are_drawn_for_images_and_curves():
    from nnrecipe.diagnostics._figures import confusion_figure, top_losses_figure

    y = torch.randint(0, 3, (8,))
    images = _interpret(torch.randn(8, 1, 12, 12), y, nn.Sequential(nn.Flatten(), nn.Linear(144, 3)))
    curves = _interpret(torch.randn(8, 2, 30), y, nn.Sequential(nn.Flatten(), nn.Linear(60, 3)))
    for d in (images, curves):
        for picture in (confusion_figure(d), top_losses_figure(d)):
            assert picture.dtype == np.uint8 and picture.ndim == 3 and picture.shape[2] == 3 and picture.std() > 0


def test_weights_that_early_stopping_restored_are_labelled_best_with_their_step(blobs):
    from nnrecipe.callbacks import EarlyStopping

    X, y = blobs
    wrong = (X, (y + 1) % 3)  # validation gets worse as training learns: its best is an early step
    stop = EarlyStopping(monitor="val_loss", patience=100, restore_best_weights=True)
    seen = Interpretation()
    torch.manual_seed(0)
    cfg = nnrecipe.TrainConfig(epochs=4, batch_size=32, lr=0.05, val_every=5)
    result = nnrecipe.fit(nn.Linear(10, 3), blobs, val=wrong, config=cfg, callbacks=[stop, seen], runs_dir=None)
    assert stop.restored_step is not None and stop.restored_step < result.steps
    d = seen.result
    assert d.weights == "best" and d.step == stop.restored_step and d.monitor == "val_loss"
    with torch.no_grad():
        assert d.accuracy == pytest.approx(float((result.model(X).argmax(1) == wrong[1]).float().mean()))
