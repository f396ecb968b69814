from __future__ import annotations

from typing import Literal

import torch
from torch import nn

from .._core._errors import ConfigError

__all__ = ["CNN1d", "CNN2d", "ResidualBlock"]


def _conv(dims: int, cin: int, cout: int, k: int, stride: int, separable: bool) -> nn.Module:
    conv = nn.Conv1d if dims == 1 else nn.Conv2d
    if not separable or cin != cout:
        return conv(cin, cout, k, stride=stride, padding=k // 2, bias=False)
    # Depthwise then pointwise: far fewer parameters for the same receptive field.
    return nn.Sequential(
        conv(cin, cin, k, stride=stride, padding=k // 2, groups=cin, bias=False),
        conv(cin, cout, 1, bias=False),
    )


class ResidualBlock(nn.Module):
    """conv-BN-ReLU-conv-BN plus a shortcut, then ReLU (He et al., 2016).

    Args:
        dims: 1 for sequences ``(N, C, L)``, 2 for images ``(N, C, H, W)``.
        cin: Input channels.
        cout: Output channels.
        stride: Stride of the first convolution (2 halves the resolution).
        kernel: Kernel size.
        separable: Depthwise-separable convolutions where channel counts allow.
    """

    def __init__(
        self, dims: Literal[1, 2], cin: int, cout: int, *, stride: int = 1, kernel: int = 3, separable: bool = False
    ) -> None:
        super().__init__()
        bn = nn.BatchNorm1d if dims == 1 else nn.BatchNorm2d
        self.body = nn.Sequential(
            _conv(dims, cin, cout, kernel, stride, separable),
            bn(cout),
            nn.ReLU(),
            _conv(dims, cout, cout, kernel, 1, separable),
            bn(cout),
        )
        conv = nn.Conv1d if dims == 1 else nn.Conv2d
        self.shortcut: nn.Module = (
            nn.Identity()
            if stride == 1 and cin == cout
            else nn.Sequential(conv(cin, cout, 1, stride=stride, bias=False), bn(cout))
        )
        self.act = nn.ReLU()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.act(self.body(x) + self.shortcut(x))


class _ResNet(nn.Module):
    dims: Literal[1, 2]

    def __init__(
        self,
        in_channels: int,
        num_outputs: int,
        *,
        width: int = 32,
        blocks: int = 3,
        kernel: int = 3,
        separable: bool = False,
        dropout: float = 0.0,
    ) -> None:
        super().__init__()
        if in_channels < 1 or num_outputs < 1 or width < 1 or blocks < 1:
            raise ConfigError(f"sizes must be positive; got {in_channels=}, {num_outputs=}, {width=}, {blocks=}")
        conv = nn.Conv1d if self.dims == 1 else nn.Conv2d
        bn = nn.BatchNorm1d if self.dims == 1 else nn.BatchNorm2d
        self.stem = nn.Sequential(conv(in_channels, width, kernel, padding=kernel // 2, bias=False), bn(width), nn.ReLU())
        layers = []
        channels = width
        for i in range(blocks):
            # Halve the resolution and double the channels after the first block.
            out = channels * 2 if i > 0 else channels
            layers.append(ResidualBlock(self.dims, channels, out, stride=1 if i == 0 else 2, kernel=kernel, separable=separable))
            channels = out
        self.blocks = nn.Sequential(*layers)
        pool = nn.AdaptiveAvgPool1d(1) if self.dims == 1 else nn.AdaptiveAvgPool2d(1)
        self.head = nn.Sequential(pool, nn.Flatten(), nn.Dropout(dropout), nn.Linear(channels, num_outputs))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.ndim == self.dims + 1:  # no channel dimension: one channel
            x = x.unsqueeze(1)
        return self.head(self.blocks(self.stem(x)))


class CNN1d(_ResNet):
    """A residual 1-D CNN with batch norm for sequences ``(N, L)`` or ``(N, C, L)``.

    Args:
        in_channels: Input channels (1 for ``(N, L)`` inputs).
        num_outputs: Classes (logits) or regression targets.
        width: Channels of the first stage; doubled at each later block.
        blocks: Residual blocks; every block after the first halves the length.
        kernel: Convolution kernel size.
        separable: Use depthwise-separable convolutions.
        dropout: Dropout before the last layer.

    Example:
        >>> CNN1d(1, 10)(torch.randn(4, 40)).shape
        torch.Size([4, 10])
    """

    dims = 1


class CNN2d(_ResNet):
    """A residual 2-D CNN with batch norm for images ``(N, H, W)`` or ``(N, C, H, W)``.

    Args: as :class:`CNN1d`.

    Example:
        >>> CNN2d(1, 10)(torch.randn(4, 8, 8)).shape
        torch.Size([4, 10])
    """

    dims = 2
