import pytest
import torch

from nnrecipe.models import MLP, CNN1d, CNN2d, GRUClassifier


@pytest.mark.parametrize(
    ("model", "x", "out"),
    [
        (MLP(40, 10, dropout=0.1), torch.randn(4, 40), (4, 10)),
        (CNN1d(1, 10), torch.randn(4, 40), (4, 10)),
        (CNN1d(3, 2, blocks=4), torch.randn(4, 3, 64), (4, 2)),
        (CNN2d(1, 10), torch.randn(4, 8, 8), (4, 10)),
        (CNN2d(3, 5, separable=True), torch.randn(4, 3, 16, 16), (4, 5)),
        (GRUClassifier(1, 10), torch.randn(4, 40), (4, 10)),
        (GRUClassifier(3, 1, bidirectional=False, layers=2), torch.randn(4, 12, 3), (4, 1)),
    ],
)
def test_output_shapes(model: torch.nn.Module, x: torch.Tensor, out: tuple[int, ...]) -> None:
    assert tuple(model(x).shape) == out


def test_separable_convolutions_use_fewer_parameters() -> None:
    dense = sum(p.numel() for p in CNN2d(3, 10, width=32, kernel=5).parameters())
    separable = sum(p.numel() for p in CNN2d(3, 10, width=32, kernel=5, separable=True).parameters())
    assert separable < dense / 2


def test_gru_reads_the_sequence_in_order() -> None:
    torch.manual_seed(0)
    model = GRUClassifier(1, 3, bidirectional=False)
    x = torch.randn(2, 10)
    assert not torch.allclose(model(x), model(x.flip(1)))


@pytest.mark.parametrize("bad", [{"in_features": 0, "num_outputs": 1}, {"in_features": 4, "num_outputs": 0}])
def test_bad_sizes_are_rejected(bad: dict) -> None:
    with pytest.raises(ValueError, match="sizes must be positive"):
        MLP(**bad)
