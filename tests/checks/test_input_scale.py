"""input_scale: the batch as the model sees it, measured and saved as a picture."""

from __future__ import annotations

import torch
from torch import nn

from nnrecipe._checks import check


def test_raw_pixel_range_fails(tmp_path):
    X = torch.randint(0, 256, (128, 1, 8, 8)).float()  # 0..255, never divided
    y = torch.randint(0, 2, (128,))
    model = nn.Sequential(nn.Flatten(), nn.Linear(64, 2))
    result = check(model, (X, y), "cross_entropy", only=["input_scale"])["input_scale"]
    assert result.status == "fail"
    assert result.details["mean"] > 100


def test_standardised_inputs_pass(vectors):
    assert check(nn.Linear(16, 4), vectors, "cross_entropy", only=["input_scale"])["input_scale"].status == "pass"


def test_the_transform_is_measured_not_the_raw_data():
    X = torch.randint(0, 256, (128, 64)).float()
    y = torch.randint(0, 2, (128,))
    mean, std = X.mean(0), X.std(0)
    report = check(nn.Linear(64, 2), (X, y), "cross_entropy", transform=lambda x: (x - mean) / std, only=["input_scale"])
    assert report["input_scale"].status == "pass"


def test_one_feature_in_the_thousands_fails(vectors):
    X, y = vectors
    X = X.clone()
    X[:, 3] = X[:, 3] * 5000
    result = check(nn.Linear(16, 4), (X, y), "cross_entropy", only=["input_scale"])["input_scale"]
    assert result.status == "fail"
    assert "feature 3" in result.measured


def test_the_batch_is_saved_as_pictures(tmp_path, sequences):
    result = check(nn.Sequential(nn.Flatten(), nn.Linear(32, 3)), sequences, "cross_entropy",
                   only=["input_scale"], run_dir=tmp_path)["input_scale"]
    (picture,) = result.details["pictures"]
    assert picture.endswith("input_batch.png")
    assert (tmp_path / "input_batch.png").stat().st_size > 1000


def test_token_inputs_are_not_judged_on_scale():
    tokens = torch.randint(0, 50, (64, 8))
    model = nn.Sequential(nn.Embedding(50, 4), nn.Flatten(), nn.Linear(32, 50))
    result = check(model, (tokens, tokens[:, 0]), "cross_entropy", only=["input_scale"])["input_scale"]
    assert result.status == "pass"
    assert "integer inputs" in result.measured
