"""Segmentation masks loaded as grey values (0, 255) instead of class indices (0, 1).

The clean twin is a small dense predictor whose scores have their classes in dimension 1,
``(B, C, H, W)`` against ``(B, H, W)`` masks, as ``F.cross_entropy`` expects.
"""

import torch
from torch import nn

from ._case import Case, Family


def masks(n: int, seed: int, grey: bool) -> tuple[torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(seed)
    X = torch.randn(n, 1, 8, 8, generator=g)
    mask = (torch.nn.functional.avg_pool2d(X, 3, 1, 1) > 0).long()[:, 0]
    return X, mask * 255 if grey else mask


class Dense(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.net = nn.Sequential(nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.Conv2d(16, 2, 3, padding=1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)


def build(buggy: bool) -> Case:
    return Case(lambda: Dense(), masks(384, 0, buggy), "cross_entropy", masks(128, 1, buggy))


FAMILY = Family("segmentation_masks", "images", "output_semantics", "https://github.com/milesial/Pytorch-UNet/issues/291", build)
