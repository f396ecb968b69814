from __future__ import annotations

import torch
from torch import nn

from .._core._errors import ConfigError

__all__ = ["MLP"]


class MLP(nn.Module):
    """A multi-layer perceptron on flattened inputs.

    Args:
        in_features: Size of one flattened input.
        num_outputs: Classes (logits) or regression targets.
        hidden: Width of each hidden layer.
        depth: Number of hidden layers.
        dropout: Dropout after each hidden activation (0 disables it).

    Example:
        >>> MLP(40, 10)(torch.randn(8, 40)).shape
        torch.Size([8, 10])
    """

    def __init__(
        self, in_features: int, num_outputs: int, *, hidden: int = 128, depth: int = 2, dropout: float = 0.0
    ) -> None:
        super().__init__()
        if in_features < 1 or num_outputs < 1 or hidden < 1 or depth < 0:
            raise ConfigError(f"sizes must be positive; got {in_features=}, {num_outputs=}, {hidden=}, {depth=}")
        layers: list[nn.Module] = [nn.Flatten()]
        width = in_features
        for _ in range(depth):
            layers += [nn.Linear(width, hidden), nn.ReLU()]
            if dropout > 0:
                layers.append(nn.Dropout(dropout))
            width = hidden
        layers.append(nn.Linear(width, num_outputs))
        self.net = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)
