"""input_scale: the batch as the model sees it, measured and saved as a picture."""

from __future__ import annotations

import torch
from torch import nn


class Rescaling(nn.Module):
    """A model that divides raw pixels by 255 itself (Keras' Rescaling layer, a published practice)."""

    def __init__(self) -> None:
        super().__init__()
        self.head = nn.Sequential(nn.Flatten(), nn.Linear(64, 2))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head((x / 255.0 - 0.5) / 0.29)


def raw_pixels() -> tuple[torch.Tensor, torch.Tensor]:
    X = torch.randint(0, 256, (128, 1, 8, 8), generator=torch.Generator().manual_seed(0)).float()  # 0..255
    return X, torch.randint(0, 2, (128,), generator=torch.Generator().manual_seed(1))


def test_raw_pixel_range_fails(run_check):
    model = nn.Sequential(nn.Flatten(), nn.Linear(64, 2))
    result = run_check("input_scale", model, raw_pixels(), "cross_entropy")
    assert result.status == "fail"
    assert result.details["mean"] > 100


def test_a_model_that_rescales_its_input_itself_passes(run_check):
    result = run_check("input_scale", Rescaling(), raw_pixels(), "cross_entropy")
    assert result.status == "pass"
    assert result.details["judged_at"] == "head.1"


def test_standardised_inputs_pass(vectors, run_check):
    assert run_check("input_scale", nn.Linear(16, 4), vectors, "cross_entropy").status == "pass"


def test_the_transform_is_measured_not_the_raw_data(run_check):
    X = torch.randint(0, 256, (128, 64)).float()
    y = torch.randint(0, 2, (128,))
    mean, std = X.mean(0), X.std(0)
    result = run_check("input_scale", nn.Linear(64, 2), (X, y), "cross_entropy", transform=lambda x: (x - mean) / std)
    assert result.status == "pass"


def test_one_feature_in_the_thousands_fails(vectors, run_check):
    X, y = vectors
    X = X.clone()
    X[:, 3] = X[:, 3] * 5000
    result = run_check("input_scale", nn.Linear(16, 4), (X, y), "cross_entropy")
    assert result.status == "fail"
    assert "feature 3" in result.measured


def test_the_batch_is_saved_as_pictures(tmp_path, sequences, run_check):
    result = run_check("input_scale", nn.Sequential(nn.Flatten(), nn.Linear(32, 3)), sequences, "cross_entropy",
                       run_dir=tmp_path)
    (picture,) = result.details["pictures"]
    assert picture.endswith("input_batch.png")
    assert (tmp_path / "input_batch.png").stat().st_size > 1000


def test_token_inputs_are_not_judged_on_scale(run_check):
    tokens = torch.randint(0, 50, (64, 8))
    model = nn.Sequential(nn.Embedding(50, 4), nn.Flatten(), nn.Linear(32, 50))
    result = run_check("input_scale", model, (tokens, tokens[:, 0]), "cross_entropy")
    assert result.status == "pass"
    assert "integer inputs" in result.measured
